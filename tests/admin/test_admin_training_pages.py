"""Trainers queue a run from the admin; any admin replica shows its state, log and report from the database."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot import db
from bot.admin.app import create_standalone_app
from bot.training import runner
from bot.training.models import TrainingRun
from tests.admin.admin_helpers import login


@pytest.fixture()
async def other_replica(database: Path) -> AsyncIterator[TestClient]:
    """A second admin application: it shares nothing with the first but the database."""
    async with TestClient(TestServer(create_standalone_app())) as c:
        yield c


async def test_trainer_queues_a_run_the_web_process_never_trains(
    client: TestClient, users: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess

    def no_children(*_a: object, **_kw: object) -> None:
        raise AssertionError("the web process must not start training")

    monkeypatch.setattr(subprocess, "Popen", no_children)
    csrf = await login(client, "hlv")
    resp = await client.post("/admin/training/start", data={"csrf_token": csrf, "force": "1"}, allow_redirects=False)
    assert resp.status == 302 and "/admin/training/runs/1" in resp.headers["Location"]
    with db.session_scope() as s:
        run = s.get(TrainingRun, 1)
        assert (run.status, run.force, run.started_by) == ("queued", True, "hlv")
    again = await client.post("/admin/training/start", data={"csrf_token": csrf}, allow_redirects=False)
    assert "err=" in again.headers["Location"]
    page = await (await client.get("/admin/training/runs/1")).text()
    assert "Không thấy tiến trình huấn luyện (training worker)" in page  # nobody will run it: say so


async def test_another_replica_sees_the_run_its_log_and_report(
    client: TestClient, other_replica: TestClient, users: dict[str, str]
) -> None:
    csrf = await login(client, "hlv")
    await client.post("/admin/training/start", data={"csrf_token": csrf}, allow_redirects=False)
    report = {"schema": 1, "run": {"outcome": "promoted"}, "sections": [
        {"name": "gate", "title": "so sánh với mô hình hiện hành", "status": "ok", "seconds": 0.1,
         "summary": "Không kém hơn mô hình hiện hành", "data": {"promote": True}}]}
    with db.session_scope() as s:  # what the worker's child writes
        runner.worker_heartbeat(session=s, name="trainer-0:1")
        run = runner.claim_next(session=s, worker="trainer-0:1")
        assert run is not None
        run.log_tail = "==> huấn luyện (rasa train) ..."
        run.status, run.stage, run.macro_f1 = "promoted", "xong", "0.9120"
        run.report_json = json.dumps(report, ensure_ascii=False)
    await login(other_replica, "hlv")
    page = await (await other_replica.get("/admin/training/runs/1")).text()
    assert "promoted" in page and "==&gt; huấn luyện (rasa train)" in page and "trainer-0:1" in page
    assert "Không kém hơn mô hình hiện hành" in page and "Không thấy tiến trình" not in page
    listing = await (await other_replica.get("/admin/training")).text()
    assert "macro F1 trên tập kiểm tra cố định 0.9120" in listing
    as_json = await other_replica.get("/admin/training/runs/1/report.json")
    assert as_json.status == 200 and (await as_json.json()) == report


async def test_a_run_whose_worker_died_is_shown_failed(client: TestClient, users: dict[str, str]) -> None:
    with db.session_scope() as s:
        s.add(TrainingRun(status="running", started_by="hlv", heartbeat_at=runner.utcnow() - runner.STALE_AFTER * 2))
    await login(client, "hlv")
    page = await (await client.get("/admin/training/runs/1")).text()
    assert "failed" in page and "mất tín hiệu" in page
    with db.session_scope() as s:
        assert s.get(TrainingRun, 1).status == "failed"


async def test_report_json_of_a_run_without_report_is_404(client: TestClient, users: dict[str, str]) -> None:
    with db.session_scope() as s:
        s.add(TrainingRun(status="queued", started_by="hlv"))
    await login(client, "hlv")
    assert (await client.get("/admin/training/runs/1/report.json")).status == 404
    assert (await client.get("/admin/training/runs/x/report.json")).status == 404
