"""The action server launcher and `make run`: nothing but loopback by default, tokens when set, no CORS."""

from __future__ import annotations

import re
import subprocess

import httpx
import pytest
from sanic import Sanic

from bot import action_server
from bot.settings import PROJECT_ROOT

Sanic.test_mode = True
RUN_SH = (PROJECT_ROOT / "scripts" / "run.sh").read_text(encoding="utf-8")


@pytest.fixture
async def served(unused_tcp_port):
    apps = []

    async def serve(token: str) -> httpx.AsyncClient:
        app = action_server.build_app(token)
        server = await app.create_server(host="127.0.0.1", port=unused_tcp_port, return_asyncio_server=True,
                                         access_log=False)
        await server.startup()
        await server.start_serving()
        apps.append(server)
        return httpx.AsyncClient(base_url=f"http://127.0.0.1:{unused_tcp_port}", timeout=10)

    yield serve
    for server in apps:
        await server.close()


async def test_with_a_token_only_the_health_check_is_open(served):
    async with await served("s3cret-token-0123456789") as http:
        assert (await http.get("/health")).status_code == 200
        assert (await http.get("/actions")).status_code == 401
        assert (await http.post("/webhook", json={"next_action": "action_start_petition"})).status_code == 401
        assert (await http.get("/actions", params={"token": "wrong"})).status_code == 401
        listed = await http.get("/actions", params={"token": "s3cret-token-0123456789"})
        assert listed.status_code == 200 and {"name": "action_submit_petition"} in listed.json()


async def test_no_cors_for_other_pages(served):
    async with await served("") as http:
        response = await http.options(
            "/webhook", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
        )
        assert "Access-Control-Allow-Origin" not in response.headers


def test_listens_on_loopback_unless_told_otherwise(monkeypatch):
    calls = []
    monkeypatch.setattr(Sanic, "run", lambda self, host, port, **kw: calls.append((host, port)))
    monkeypatch.delenv("ACTION_SERVER_HOST", raising=False)
    monkeypatch.delenv("ACTION_SERVER_PORT", raising=False)
    action_server.main()
    monkeypatch.setenv("ACTION_SERVER_HOST", "0.0.0.0")
    monkeypatch.setenv("ACTION_SERVER_PORT", "6055")
    action_server.main()
    assert calls == [("127.0.0.1", 5055), ("0.0.0.0", 6055)]


def test_make_run_keeps_rasas_api_and_the_action_server_on_loopback():
    rasa = next(line for line in RUN_SH.replace("\\\n", " ").splitlines() if "bin/rasa run" in line)
    assert "--interface 127.0.0.1" in rasa
    assert "--cors" not in RUN_SH
    assert '"${auth[@]}"' in rasa and 'auth=(--auth-token "$RASA_AUTH_TOKEN")' in RUN_SH
    assert re.search(r"ACTION_SERVER_HOST=127\.0\.0\.1 \.venv/bin/python -m bot\.action_server", RUN_SH)
    assert "-m rasa_sdk" not in RUN_SH


def test_env_example_can_be_sourced_by_make_run():
    """scripts/run.sh sources .env under `set -e`: a copied .env.example must load cleanly."""
    script = "set -euo pipefail; set -a; . ./.env.example; set +a; printf %s \"$NATIONAL_HOTLINE\""
    result = subprocess.run(["bash", "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "1800 1096"
