"""``python -m bot.training.worker``: runs the training runs the admin queues, one at a time.

It runs in its own process (a docker compose service, a Kubernetes Deployment, or beside the others
in ``make run``), never inside the web server: training needs gigabytes of memory for minutes.
Each run is a child process ``python -m bot.training --run-id N``, so the memory Rasa and
TensorFlow take is returned when the run ends. The child records its own stage, heartbeat, log
tail and report in the run row; the worker only marks the run failed if the child dies without
doing so.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import subprocess
import sys
import threading
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from bot.db import session_scope
from bot.settings import PROJECT_ROOT
from bot.training import runner
from bot.training.models import RUN_FAILED, RUN_RUNNING, TrainingRun

logger = logging.getLogger("bot.training.worker")

POLL_SECONDS = 5.0


def child_command(run: TrainingRun) -> list[str]:
    """The command a queued run is executed with (its options come from the run row)."""
    cmd = [sys.executable, "-m", "bot.training", "--run-id", str(run.id)]
    if run.force:
        cmd.append("--force")
    try:
        options = json.loads(run.options_json or "{}")
    except json.JSONDecodeError:
        options = {}
    if options.get("config"):
        cmd += ["--config", str(options["config"])]
    return cmd


class Worker:
    def __init__(self, *, name: str | None = None, logs_dir: Path | None = None, poll: float = POLL_SECONDS,
                 cwd: Path = PROJECT_ROOT) -> None:
        self.name = name or runner.process_name()
        self.logs_dir = logs_dir or PROJECT_ROOT / "var" / "training"
        self.poll = poll
        self.cwd = cwd
        self.stopping = threading.Event()

    def beat(self) -> None:
        try:
            with session_scope() as session:
                runner.worker_heartbeat(session=session, name=self.name)
        except SQLAlchemyError:
            logger.exception("Worker heartbeat failed")

    def run_once(self) -> int | None:
        """Claim and execute one queued run; returns its id, or None when nothing was queued."""
        with session_scope() as session:
            run = runner.claim_next(session=session, worker=self.name)
            if run is None:
                return None
            run_id, cmd = run.id, child_command(run)
            self.logs_dir.mkdir(parents=True, exist_ok=True)
            run.log_path = str(self.logs_dir / f"run-{run_id}.log")
            log_path = run.log_path
        logger.info("Run %s: %s", run_id, " ".join(cmd))
        with open(log_path, "ab") as log:
            child = subprocess.Popen(  # noqa: S603 - fixed argument list
                cmd, cwd=str(self.cwd), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )
            with session_scope() as session:
                row = session.get(TrainingRun, run_id)
                if row is not None:
                    row.pid = child.pid
            while True:
                try:
                    code = child.wait(timeout=runner.HEARTBEAT_SECONDS)
                    break
                except subprocess.TimeoutExpired:
                    self.beat()
                    if self.stopping.is_set():
                        child.terminate()
        self._finish(run_id, code, log_path)
        return run_id

    def _finish(self, run_id: int, code: int, log_path: str) -> None:
        """A child that died without recording an outcome leaves a failed run, with its log's end."""
        with session_scope() as session:
            row = session.get(TrainingRun, run_id)
            if row is None or row.status != RUN_RUNNING:
                return
            row.status = RUN_FAILED
            row.message = f"Tiến trình huấn luyện kết thúc bất thường (mã {code}); xem nhật ký."
            row.finished_at = runner.utcnow()
            try:
                with open(log_path, encoding="utf-8", errors="replace") as fh:
                    row.log_tail = fh.read()[-runner.LOG_TAIL_BYTES:]
            except OSError:
                logger.exception("Cannot read %s", log_path)
        logger.error("Run %s ended with exit code %s without an outcome", run_id, code)

    def serve(self) -> None:
        logger.info("Training worker %s waiting for runs", self.name)
        try:
            while not self.stopping.is_set():
                self.beat()
                try:
                    ran = self.run_once()
                except SQLAlchemyError:
                    logger.exception("Cannot read the queue of training runs")
                    ran = None
                if ran is None:
                    self.stopping.wait(self.poll)
        finally:
            try:
                with session_scope() as session:
                    runner.worker_gone(session=session, name=self.name)
            except SQLAlchemyError:
                logger.exception("Could not unregister worker %s", self.name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.training.worker", description=__doc__)
    parser.add_argument("--once", action="store_true", help="run the queued runs, then exit")
    parser.add_argument("--poll", type=float, default=POLL_SECONDS, help="seconds between queue checks")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    worker = Worker(poll=args.poll)
    if args.once:
        worker.beat()
        while worker.run_once() is not None:
            pass
        return 0
    signal.signal(signal.SIGTERM, lambda *_: worker.stopping.set())
    signal.signal(signal.SIGINT, lambda *_: worker.stopping.set())
    worker.serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
