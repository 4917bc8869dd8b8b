"""Trainers start the pipeline from the admin and watch its status and log."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from bot.knowledge import db
from bot.training import runner
from bot.training.models import TrainingRun
from tests.admin.admin_helpers import login


@pytest.fixture()
def fake_child(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[list[str]]:
    """Start a short harmless child instead of a real training run; remember the real command."""
    commands: list[list[str]] = []
    real_popen = subprocess.Popen

    def popen(cmd: list[str], **kw: object) -> subprocess.Popen:
        commands.append(cmd)
        return real_popen([sys.executable, "-c", "print('giai doan: xuat du lieu')"], **kw)  # type: ignore[call-overload]

    monkeypatch.setattr(runner.subprocess, "Popen", popen)
    monkeypatch.setattr(runner, "PROJECT_ROOT", tmp_path)
    return commands


def _wait_for_exit(run_id: int) -> None:
    proc = runner._children.get(run_id)
    if proc is not None:
        proc.wait(timeout=30)


async def test_trainer_starts_a_run_and_sees_its_log(
    client: TestClient, users: dict[str, str], fake_child: list[list[str]]
) -> None:
    csrf = await login(client, "hlv")
    resp = await client.post("/admin/training/start", data={"csrf_token": csrf, "force": "1"}, allow_redirects=False)
    assert resp.status == 302 and "/admin/training/runs/" in resp.headers["Location"]
    assert fake_child[0][-3:] == ["--run-id", "1", "--force"] and fake_child[0][1:3] == ["-m", "bot.training"]
    # A second start while the first is running is refused.
    again = await client.post("/admin/training/start", data={"csrf_token": csrf}, allow_redirects=False)
    if "err=" not in again.headers["Location"]:  # the child may already have finished
        assert len(fake_child) == 2
    _wait_for_exit(1)
    page = await client.get("/admin/training/runs/1")
    html = await page.text()
    assert "giai doan: xuat du lieu" in html
    # The child exited without reporting an outcome, so the run is shown as failed.
    with db.session_scope() as s:
        assert s.get(TrainingRun, 1).status == "failed"


def test_runner_refuses_a_second_concurrent_run(database: Path, fake_child: list[list[str]]) -> None:
    with db.session_scope() as s:
        s.add(TrainingRun(status="running", started_by="x", pid=runner.os.getpid()))
    with db.session_scope() as s, pytest.raises(runner.RunnerError):
        runner.start_run(session=s, username="hlv")
    assert fake_child == []


def test_tail_returns_the_end_of_the_log(tmp_path: Path) -> None:
    log = tmp_path / "run.log"
    log.write_text("".join(f"dòng {i}\n" for i in range(10_000)), encoding="utf-8")
    text = runner.tail(str(log), max_bytes=1000)
    assert text.endswith("dòng 9999\n") and not text.startswith("dòng 0\n") and len(text.encode()) <= 1000
    assert runner.tail(str(tmp_path / "missing.log")) == ""
