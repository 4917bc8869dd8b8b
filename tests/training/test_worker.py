"""Training runs are database state: queued by the admin, claimed by one worker, watched by heartbeat."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest

from bot import db
from bot.training import runner, worker
from bot.training.models import TrainingRun

# What a child that records its outcome does (the real one is `python -m bot.training --run-id N`).
RECORDING_CHILD = """
import json, sys
from bot import db
from bot.training.runner import RunRecorder, utcnow
db.reset_engine(sys.argv[1])
rec = RunRecorder(int(sys.argv[2]))
rec.update(stage="huấn luyện")
rec.update(status="promoted", stage="xong", message="Không kém hơn", finished_at=utcnow(),
           report_json=json.dumps({"schema": 1, "run": {"outcome": "promoted"}, "sections": []}))
print("child done")
"""


def _queue(force: bool = False) -> int:
    with db.session_scope() as s:
        return runner.queue_run(session=s, username="hlv", force=force).id


def test_only_one_run_is_queued_at_a_time(database: Path) -> None:
    _queue()
    with db.session_scope() as s, pytest.raises(runner.RunnerError):
        runner.queue_run(session=s, username="khac")


def test_a_run_is_claimed_by_one_worker_only(database: Path) -> None:
    run_id = _queue()
    with db.session_scope() as s:
        first = runner.claim_next(session=s, worker="host-a:1")
        assert first is not None and first.id == run_id and first.status == "running"
    with db.session_scope() as s:
        assert runner.claim_next(session=s, worker="host-b:2") is None
        assert s.get(TrainingRun, run_id).worker == "host-a:1"


def test_child_command_carries_the_run_options(database: Path) -> None:
    run_id = _queue(force=True)
    with db.session_scope() as s:
        run = s.get(TrainingRun, run_id)
        run.options_json = json.dumps({"config": "tests/training/config-ci.yml"})
        assert worker.child_command(run)[1:] == ["-m", "bot.training", "--run-id", str(run_id), "--force",
                                                 "--config", "tests/training/config-ci.yml"]


def test_worker_runs_the_child_which_records_its_outcome(
    database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_id = _queue()
    url = f"sqlite:///{database}"
    monkeypatch.setattr(worker, "child_command",
                        lambda run: [sys.executable, "-c", RECORDING_CHILD, url, str(run.id)])
    w = worker.Worker(name="test-worker", logs_dir=tmp_path / "logs")
    assert w.run_once() == run_id and w.run_once() is None
    with db.session_scope() as s:
        run = s.get(TrainingRun, run_id)
        assert (run.status, run.stage, run.worker) == ("promoted", "xong", "test-worker")
        assert json.loads(run.report_json)["run"]["outcome"] == "promoted"
    assert "child done" in (tmp_path / "logs" / f"run-{run_id}.log").read_text()


def test_a_child_that_dies_leaves_a_failed_run_with_its_log(
    database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_id = _queue()
    monkeypatch.setattr(worker, "child_command",
                        lambda run: [sys.executable, "-c", "import sys; print('Killed: out of memory'); sys.exit(137)"])
    worker.Worker(name="w", logs_dir=tmp_path).run_once()
    with db.session_scope() as s:
        run = s.get(TrainingRun, run_id)
        assert run.status == "failed" and "137" in run.message and "out of memory" in run.log_tail


def test_a_run_without_heartbeat_is_reported_failed(database: Path) -> None:
    now = runner.utcnow()
    with db.session_scope() as s:
        s.add(TrainingRun(status="running", started_by="hlv", heartbeat_at=now - dt.timedelta(seconds=30)))
        s.add(TrainingRun(status="running", started_by="hlv", heartbeat_at=now - runner.STALE_AFTER * 2))
    with db.session_scope() as s:
        active = runner.active_run(session=s)
        assert active is not None and active.id == 1
        assert s.get(TrainingRun, 2).status == "failed"


def test_recorder_keeps_the_heartbeat_and_log_tail_fresh(database: Path) -> None:
    import logging

    with db.session_scope() as s:
        s.add(TrainingRun(status="running", started_by="hlv", heartbeat_at=runner.utcnow() - dt.timedelta(hours=1)))
    tail = runner.LogTail(max_bytes=200)
    log = logging.getLogger("test.recorder")
    log.addHandler(tail)
    log.setLevel(logging.INFO)
    try:
        with runner.RunRecorder(1, tail=tail, interval=0.05):
            for i in range(50):
                log.info("dòng %d", i)
            import time

            time.sleep(0.3)
    finally:
        log.removeHandler(tail)
    with db.session_scope() as s:
        run = s.get(TrainingRun, 1)
        assert runner.utcnow() - run.heartbeat_at < dt.timedelta(seconds=30)
        assert "dòng 49" in run.log_tail and "dòng 0\n" not in run.log_tail and len(run.log_tail.encode()) < 400


def test_workers_are_seen_by_their_heartbeat(database: Path) -> None:
    with db.session_scope() as s:
        runner.worker_heartbeat(session=s, name="trainer-0:7")
    with db.session_scope() as s:
        assert [w.name for w in runner.live_workers(session=s)] == ["trainer-0:7"]
        assert runner.live_workers(session=s, now=runner.utcnow() + runner.WORKER_ALIVE * 2) == []
        runner.worker_gone(session=s, name="trainer-0:7")
    with db.session_scope() as s:
        assert runner.live_workers(session=s) == []
