"""Starting the pipeline in the background from the admin, and reading its status and log."""

from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.settings import PROJECT_ROOT
from bot.training.models import RUN_FAILED, RUN_QUEUED, RUN_RUNNING, TrainingRun

logger = logging.getLogger(__name__)

# Popen objects of runs started by this process, polled so that finished children are reaped.
_children: dict[int, subprocess.Popen] = {}


class RunnerError(RuntimeError):
    """A Vietnamese message: why a run could not be started."""


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def refresh(*, session: Session, run: TrainingRun) -> TrainingRun:
    """Mark a run failed if its process is gone without reporting an outcome."""
    proc = _children.get(run.id)
    if proc is not None and proc.poll() is not None:
        _children.pop(run.id, None)
    if run.status in (RUN_QUEUED, RUN_RUNNING):
        gone = (proc is not None and proc.returncode is not None) or (proc is None and not _alive(run.pid))
        if gone:
            session.refresh(run)  # the child may have just written its outcome
            if run.status in (RUN_QUEUED, RUN_RUNNING):
                run.status = RUN_FAILED
                run.message = run.message or "Tiến trình huấn luyện đã dừng bất thường; xem nhật ký."
                run.finished_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    return run


def active_run(*, session: Session) -> TrainingRun | None:
    for run in session.execute(
        select(TrainingRun).where(TrainingRun.status.in_((RUN_QUEUED, RUN_RUNNING)))
    ).scalars():
        if refresh(session=session, run=run).status in (RUN_QUEUED, RUN_RUNNING):
            return run
    return None


def start_run(
    *, session: Session, username: str, force: bool = False, extra_args: list[str] | None = None,
    logs_dir: Path | None = None,
) -> TrainingRun:
    """Create a run row and start ``python -m bot.training --run-id N`` detached from the web server."""
    if active_run(session=session) is not None:
        raise RunnerError("Đang có một lượt huấn luyện chạy; hãy chờ nó kết thúc.")
    logs = logs_dir or PROJECT_ROOT / "var" / "training"
    logs.mkdir(parents=True, exist_ok=True)
    run = TrainingRun(status=RUN_QUEUED, started_by=username, force=force, stage="chờ bắt đầu")
    session.add(run)
    session.flush()
    run.log_path = str(logs / f"run-{run.id}.log")
    # The child must see the row: commit before it starts.
    session.commit()
    cmd = [sys.executable, "-m", "bot.training", "--run-id", str(run.id)]
    if force:
        cmd.append("--force")
    cmd += extra_args or []
    with open(run.log_path, "ab") as log:
        proc = subprocess.Popen(  # noqa: S603 - fixed argument list
            cmd, cwd=str(PROJECT_ROOT), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True, env=os.environ.copy(),
        )
    _children[run.id] = proc
    run.pid = proc.pid
    logger.info("Started training run %s (pid %s) for %s", run.id, proc.pid, username)
    return run


def tail(path: str, *, max_bytes: int = 32_000) -> str:
    """The end of a log file (empty when it does not exist yet)."""
    if not path:
        return ""
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - max_bytes))
            data = fh.read()
    except FileNotFoundError:
        return ""
    text = data.decode("utf-8", errors="replace")
    return text if size <= max_bytes else text.split("\n", 1)[-1]
