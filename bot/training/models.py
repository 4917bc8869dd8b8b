"""Tables of the trainer pipeline: admin-added examples, training runs and the workers that execute them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Column, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped

from bot.db import Base


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


RUN_QUEUED = "queued"
RUN_RUNNING = "running"
RUN_PROMOTED = "promoted"  # trained, passed the gate, loaded
RUN_REFUSED = "refused"  # trained but worse than the current model
RUN_FAILED = "failed"
RUN_STATUSES = (RUN_QUEUED, RUN_RUNNING, RUN_PROMOTED, RUN_REFUSED, RUN_FAILED)


class TrainingExample(Base):
    """An NLU example added by staff (usually from an unanswered question); exported to data/nlu/generated."""

    __tablename__ = "training_examples"
    __table_args__ = (UniqueConstraint("intent", "folded", name="uq_training_examples_intent_folded"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    intent: Mapped[str] = Column(String(100), nullable=False, index=True)
    text: Mapped[str] = Column(Text, nullable=False)
    folded: Mapped[str] = Column(Text, nullable=False)
    created_by: Mapped[str] = Column(String(100), nullable=False, default="")
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now)


class TrainingRun(Base):
    """One run of ``python -m bot.training``, started from the admin or the command line."""

    __tablename__ = "training_runs"

    id: Mapped[int] = Column(Integer, primary_key=True)
    status: Mapped[str] = Column(String(20), nullable=False, default=RUN_QUEUED)
    stage: Mapped[str] = Column(String(100), nullable=False, default="")
    started_by: Mapped[str] = Column(String(100), nullable=False, default="")
    force: Mapped[bool] = Column(Boolean, nullable=False, default=False)
    pid: Mapped[int | None] = Column(Integer, nullable=True)
    log_path: Mapped[str] = Column(Text, nullable=False, default="")
    report_dir: Mapped[str] = Column(Text, nullable=False, default="")
    model_path: Mapped[str] = Column(Text, nullable=False, default="")
    macro_f1: Mapped[str] = Column(String(20), nullable=False, default="")  # as text: "" = not evaluated
    message: Mapped[str] = Column(Text, nullable=False, default="")
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now)
    finished_at: Mapped[dt.datetime | None] = Column(DateTime, nullable=True)
    # Shared state, so every admin replica sees the same run whichever process executes it.
    options_json: Mapped[str] = Column(Text, nullable=False, default="{}")  # extra pipeline options
    worker: Mapped[str] = Column(String(200), nullable=False, default="")  # host:pid that claimed it
    heartbeat_at: Mapped[dt.datetime | None] = Column(DateTime, nullable=True)  # refreshed while it runs
    log_tail: Mapped[str] = Column(Text, nullable=False, default="")  # the end of the run's log
    report_json: Mapped[str] = Column(Text, nullable=False, default="")  # bot.training.report JSON


class TrainingWorker(Base):
    """A running training worker (python -m bot.training.worker); ``seen_at`` is its heartbeat."""

    __tablename__ = "training_workers"

    id: Mapped[int] = Column(Integer, primary_key=True)
    name: Mapped[str] = Column(String(200), nullable=False, unique=True)
    started_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now)
    seen_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now)
