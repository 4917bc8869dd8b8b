"""Training runs as shared state in the database: queued by the admin, claimed and run by a worker.

Nothing about a run lives in a web process's memory, so every admin replica shows the same runs.
The process executing a run refreshes ``heartbeat_at`` (and the log tail) every few seconds; a
running run whose heartbeat is older than :data:`STALE_AFTER` is reported as failed by whoever
looks at it next. Workers record their own heartbeat in ``training_workers``.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import logging
import os
import socket
import threading
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.training.models import (
    RUN_FAILED,
    RUN_QUEUED,
    RUN_RUNNING,
    TrainingRun,
    TrainingWorker,
)

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10.0
STALE_AFTER = dt.timedelta(minutes=3)  # no heartbeat for this long: the process executing the run is gone
WORKER_ALIVE = dt.timedelta(minutes=1)
LOG_TAIL_BYTES = 32_000


class RunnerError(RuntimeError):
    """A Vietnamese message: why a run could not be started."""


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def process_name() -> str:
    """host:pid of this process, as recorded on the runs it executes."""
    return f"{socket.gethostname()}:{os.getpid()}"


def is_active(run: TrainingRun) -> bool:
    return run.status in (RUN_QUEUED, RUN_RUNNING)


def refresh(*, session: Session, run: TrainingRun, now: dt.datetime | None = None) -> TrainingRun:
    """Mark a running run failed when the process executing it stopped sending heartbeats."""
    now = now or utcnow()
    if run.status == RUN_RUNNING:
        last = run.heartbeat_at or run.created_at
        if now - last > STALE_AFTER:
            run.status = RUN_FAILED
            run.message = run.message or "Tiến trình huấn luyện đã dừng bất thường (mất tín hiệu); xem nhật ký."
            run.finished_at = now
    return run


def active_run(*, session: Session) -> TrainingRun | None:
    """The queued or running run, if any (stale ones are marked failed on the way)."""
    runs = session.execute(
        select(TrainingRun).where(TrainingRun.status.in_((RUN_QUEUED, RUN_RUNNING))).order_by(TrainingRun.id)
    ).scalars().all()
    active = [run for run in runs if is_active(refresh(session=session, run=run))]
    return active[0] if active else None


def queue_run(*, session: Session, username: str, force: bool = False, options: dict[str, Any] | None = None) -> TrainingRun:
    """Queue a run for the training worker; refused while another run is queued or running."""
    if active_run(session=session) is not None:
        raise RunnerError("Đang có một lượt huấn luyện chờ hoặc đang chạy; hãy chờ nó kết thúc.")
    run = TrainingRun(status=RUN_QUEUED, started_by=username, force=force, stage="chờ tiến trình huấn luyện",
                      options_json=json.dumps(options or {}, ensure_ascii=False))
    session.add(run)
    session.flush()
    logger.info("Queued training run %s for %s", run.id, username)
    return run


def start_foreground_run(*, session: Session, username: str, force: bool, options: dict[str, Any]) -> TrainingRun:
    """A run started from the command line: recorded as running by this process right away."""
    if active_run(session=session) is not None:
        raise RunnerError("Đang có một lượt huấn luyện khác chờ hoặc đang chạy.")
    now = utcnow()
    run = TrainingRun(status=RUN_RUNNING, started_by=username, force=force, stage="bắt đầu", worker=process_name(),
                      heartbeat_at=now, options_json=json.dumps(options, ensure_ascii=False))
    session.add(run)
    session.flush()
    return run


def claim_next(*, session: Session, worker: str) -> TrainingRun | None:
    """Atomically take the oldest queued run (several workers never take the same one)."""
    candidates = session.execute(
        select(TrainingRun.id).where(TrainingRun.status == RUN_QUEUED).order_by(TrainingRun.id).limit(5)
    ).scalars().all()
    for run_id in candidates:
        claimed = session.execute(
            update(TrainingRun)
            .where(TrainingRun.id == run_id, TrainingRun.status == RUN_QUEUED)
            .values(status=RUN_RUNNING, worker=worker, heartbeat_at=utcnow(), stage="bắt đầu")
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount == 1:
            session.commit()
            return session.get(TrainingRun, run_id)
    return None


def worker_heartbeat(*, session: Session, name: str) -> None:
    row = session.execute(select(TrainingWorker).where(TrainingWorker.name == name)).scalar_one_or_none()
    if row is None:
        session.add(TrainingWorker(name=name))
    else:
        row.seen_at = utcnow()


def worker_gone(*, session: Session, name: str) -> None:
    row = session.execute(select(TrainingWorker).where(TrainingWorker.name == name)).scalar_one_or_none()
    if row is not None:
        session.delete(row)


def live_workers(*, session: Session, now: dt.datetime | None = None) -> list[TrainingWorker]:
    since = (now or utcnow()) - WORKER_ALIVE
    return list(session.execute(select(TrainingWorker).where(TrainingWorker.seen_at >= since)).scalars())


class LogTail(logging.Handler):
    """Keeps the last lines of the run's log in memory so the heartbeat can store them in the run row."""

    def __init__(self, max_bytes: int = LOG_TAIL_BYTES) -> None:
        super().__init__()
        self.max_bytes = max_bytes
        self._lines: collections.deque[str] = collections.deque()
        self._size = 0
        self._lock_tail = threading.Lock()
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        line = self.format(record)[:2000] + "\n"
        with self._lock_tail:
            self._lines.append(line)
            self._size += len(line)
            while self._size > self.max_bytes and len(self._lines) > 1:
                self._size -= len(self._lines.popleft())

    def text(self) -> str:
        with self._lock_tail:
            return "".join(self._lines)


class RunRecorder:
    """Writes a run's stage, heartbeat, log tail, report and outcome to its row (no-op without a row)."""

    def __init__(self, run_id: int | None, *, tail: LogTail | None = None, interval: float = HEARTBEAT_SECONDS) -> None:
        self.run_id = run_id
        self.tail = tail
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def update(self, **values: Any) -> None:
        if self.run_id is None:
            return
        from bot.db import session_scope

        try:
            with session_scope() as session:
                run = session.get(TrainingRun, self.run_id)
                if run is None:
                    return
                for key, value in values.items():
                    setattr(run, key, value)
                run.heartbeat_at = utcnow()
                if self.tail is not None:
                    run.log_tail = self.tail.text()
        except SQLAlchemyError:
            logger.exception("Could not update training run %s", self.run_id)

    def __enter__(self) -> RunRecorder:
        if self.run_id is not None:
            self._thread = threading.Thread(target=self._beat, name=f"training-run-{self.run_id}", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.interval + 5)

    def _beat(self) -> None:
        while not self._stop.wait(self.interval):
            self.update()
