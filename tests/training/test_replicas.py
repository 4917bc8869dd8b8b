"""A promoted model reaches every Rasa replica: two fake Rasa servers on loopback, listed or found by DNS."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer

from bot.training import rasa_ops, replicas
from bot.training.paths import ProjectPaths
from bot.training.pipeline import PipelineOptions, run_pipeline
from tests.training.fakes import FakeRasaServer, write_fake_model
from tests.training.test_pipeline import GOLD

TOKEN = "rasa-token-123"


async def _serve(fake: FakeRasaServer, host: str = "127.0.0.1", port: int | None = None) -> TestServer:
    server = TestServer(fake.app(), host=host, port=port)
    await server.start_server()
    return server


@pytest.fixture()
async def two_replicas() -> AsyncIterator[tuple[list[FakeRasaServer], list[str]]]:
    fakes = [FakeRasaServer(token=TOKEN), FakeRasaServer(token=TOKEN)]
    servers = [await _serve(f) for f in fakes]
    yield fakes, [str(s.make_url("")).rstrip("/") for s in servers]
    for s in servers:
        await s.close()


async def test_every_listed_replica_loads_the_model_and_reports_it(
    two_replicas: tuple[list[FakeRasaServer], list[str]], tmp_path: Path
) -> None:
    fakes, urls = two_replicas
    model = write_fake_model(tmp_path / "current.tar.gz", "new-model")
    results = await asyncio.to_thread(replicas.reload_all, urls, model_path=str(model), expected_id="new-model",
                                      token=TOKEN)
    assert [(r.url, r.ok, r.model_id) for r in results] == [(urls[0], True, "new-model"), (urls[1], True, "new-model")]
    assert [f.loads for f in fakes] == [[str(model)], [str(model)]]


async def test_a_wrong_token_or_a_replica_serving_another_model_is_reported(
    two_replicas: tuple[list[FakeRasaServer], list[str]], tmp_path: Path
) -> None:
    fakes, urls = two_replicas
    model = write_fake_model(tmp_path / "current.tar.gz", "new-model")
    refused = await asyncio.to_thread(replicas.reload_all, urls[:1], model_path=str(model), expected_id="new-model",
                                      token="wrong")
    assert not refused[0].ok and "401" in refused[0].error
    fakes[1].report_id = "stale-model"
    results = await asyncio.to_thread(replicas.reload_all, urls, model_path=str(model), expected_id="new-model",
                                      token=TOKEN)
    assert [r.ok for r in results] == [True, False]
    assert "stale-model" in results[1].error


async def test_a_replica_down_is_reported_and_one_starting_late_is_waited_for(tmp_path: Path) -> None:
    model = write_fake_model(tmp_path / "current.tar.gz", "new-model")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    down = await asyncio.to_thread(replicas.reload_all, [url], model_path=str(model), expected_id="new-model")
    assert not down[0].ok and "unreachable" in down[0].error

    late = FakeRasaServer()

    async def start_later() -> TestServer:
        await asyncio.sleep(1.0)
        return await _serve(late, port=port)

    starter = asyncio.create_task(start_later())
    waited = await asyncio.to_thread(replicas.reload_all, [url], model_path=str(model), expected_id="new-model",
                                     wait=15)
    await (await starter).close()
    assert waited[0].ok and late.model_id == "new-model"


def _second_loopback_address() -> str | None:
    """127.0.0.2 answers on Linux (all of 127/8 is loopback); elsewhere the DNS test is skipped."""
    try:
        with socket.socket() as s:
            s.bind(("127.0.0.2", 0))
    except OSError:
        return None
    return "127.0.0.2"


async def test_dns_entry_reaches_every_address_of_the_name(tmp_path: Path) -> None:
    second = _second_loopback_address()
    if second is None:
        pytest.skip("no second loopback address on this system")
    fakes = [FakeRasaServer(), FakeRasaServer()]
    first = await _serve(fakes[0])
    port = first.port
    assert port is not None
    other = await _serve(fakes[1], host=second, port=port)  # same port, another address: like two pods
    seen: list[tuple[str, int]] = []

    def resolver(host: str, p: int) -> list[str]:
        seen.append((host, p))
        return ["127.0.0.1", second] if host == "rasa-replicas" else []

    try:
        model = write_fake_model(tmp_path / "current.tar.gz", "new-model")
        results = await asyncio.to_thread(
            replicas.reload_all, [f"dns+http://rasa-replicas:{port}", "dns+http://nobody:5005"],
            model_path=str(model), expected_id="new-model", resolver=resolver)
    finally:
        await first.close()
        await other.close()
    assert seen == [("rasa-replicas", port), ("nobody", 5005)]
    assert {r.url: r.ok for r in results} == {
        "dns+http://nobody:5005": False, f"http://127.0.0.1:{port}": True, f"http://{second}:{port}": True}
    assert [f.model_id for f in fakes] == ["new-model", "new-model"]


def test_expand_keeps_plain_urls_and_brackets_ipv6() -> None:
    urls, errors = replicas.expand(
        ["http://rasa-0:5005/", " ", "dns+http://rasa:5005"], resolver=lambda h, p: ["10.0.0.7", "fd00::7"])
    assert urls == ["http://rasa-0:5005", "http://10.0.0.7:5005", "http://[fd00::7]:5005"] and errors == []


async def test_pipeline_promotion_reloads_two_replicas(
    two_replicas: tuple[list[FakeRasaServer], list[str]], tiny_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole pipeline (training and parsing faked) ends with both replicas serving the new model."""
    fakes, urls = two_replicas

    def train(*, out: Path, name: str, **_kw: object) -> Path:
        return write_fake_model(out / f"{name}.tar.gz", model_id=f"id-{name}")

    monkeypatch.setattr(rasa_ops, "validate", lambda **_kw: None)
    monkeypatch.setattr(rasa_ops, "train", train)
    monkeypatch.setattr(rasa_ops, "predict", lambda _m, texts: [(GOLD.get(t, "greet"), 0.9) for t in texts])
    options = PipelineOptions(export_db=False, replica_urls=tuple(urls), rasa_token=TOKEN)
    result = await asyncio.to_thread(run_pipeline, ProjectPaths(root=tiny_project), options)
    assert result.promoted and result.reloaded
    served = tiny_project / "models" / "current.tar.gz"
    assert [f.loads for f in fakes] == [[str(served.resolve())], [str(served.resolve())]]
    assert fakes[0].model_id == fakes[1].model_id and fakes[0].model_id.startswith("id-model-")
    reload_section = next(s for s in result.report["sections"] if s["name"] == "reload")
    assert reload_section["summary"].startswith("2/2")
    assert [r["url"] for r in reload_section["data"]["replicas"]] == urls
    assert TOKEN not in json.dumps(result.report)  # the token never lands in the report


async def test_reload_command_pushes_the_served_model_again(
    two_replicas: tuple[list[FakeRasaServer], list[str]], tiny_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.settings import get_settings
    from bot.training import __main__ as cli

    fakes, urls = two_replicas
    write_fake_model(tiny_project / "models" / "current.tar.gz", "served-model")
    monkeypatch.setenv("RASA_REPLICA_URLS", ",".join(urls))
    monkeypatch.setenv("RASA_AUTH_TOKEN", TOKEN)
    get_settings.cache_clear()
    try:
        code = await asyncio.to_thread(cli.main, ["reload", "--project-root", str(tiny_project)])
    finally:
        get_settings.cache_clear()
    assert code == 0 and [f.model_id for f in fakes] == ["served-model", "served-model"]
