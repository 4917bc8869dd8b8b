"""What the admin's freshness page shows: records whose source is old, and what the last imports changed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.knowledge.models import ImportChange, ImportRun, Procedure


@dataclass(frozen=True)
class StaleRecord:
    id: int
    code: str
    name: str
    source_kind: str
    has_details: bool
    updated_on: dt.date | None
    imported_at: dt.datetime | None
    usage_weight: int | None


@dataclass(frozen=True)
class Coverage:
    """How many active procedures each source gives, with and without details."""

    by_source: dict[str, int]
    with_details: int
    total: int


def stale_records(*, session: Session, today: dt.date, max_age_days: int, limit: int = 200) -> tuple[int, list[StaleRecord]]:
    """Active procedures whose source date is older than ``max_age_days`` (or unknown), most used first."""
    cutoff = today - dt.timedelta(days=max_age_days)
    where = (Procedure.active.is_(True), or_(Procedure.updated_on.is_(None), Procedure.updated_on < cutoff))
    total = session.scalar(select(func.count(Procedure.id)).where(*where)) or 0
    rows = session.execute(
        select(Procedure.id, Procedure.code, Procedure.name, Procedure.source_kind, Procedure.has_details,
               Procedure.updated_on, Procedure.imported_at, Procedure.usage_weight)
        .where(*where)
        .order_by(Procedure.usage_weight.is_(None), Procedure.usage_weight.desc(), Procedure.updated_on, Procedure.code)
        .limit(limit)
    ).all()
    return total, [StaleRecord(*r) for r in rows]


def coverage(*, session: Session) -> Coverage:
    rows = session.execute(
        select(Procedure.source_kind, func.count(Procedure.id)).where(Procedure.active.is_(True))
        .group_by(Procedure.source_kind)
    ).all()
    detailed = session.scalar(
        select(func.count(Procedure.id)).where(Procedure.active.is_(True), Procedure.has_details.is_(True))
    ) or 0
    by_source = {kind: count for kind, count in rows}
    return Coverage(by_source=by_source, with_details=detailed, total=sum(by_source.values()))


def recent_runs(*, session: Session, limit: int = 10) -> list[tuple[ImportRun, dict[str, int]]]:
    """The latest import runs with their number of changes of each kind."""
    runs = list(session.scalars(select(ImportRun).order_by(ImportRun.id.desc()).limit(limit)))
    counts: dict[int, dict[str, int]] = {run.id: {} for run in runs}
    if runs:
        for run_id, change, n in session.execute(
            select(ImportChange.run_id, ImportChange.change, func.count(ImportChange.id))
            .where(ImportChange.run_id.in_(list(counts))).group_by(ImportChange.run_id, ImportChange.change)
        ):
            counts[run_id][change] = n
    return [(run, counts[run.id]) for run in runs]


def run_changes(*, session: Session, run_id: int, limit: int = 500) -> list[ImportChange]:
    """Changes of one run: removals, fees and times first, then additions and other changes."""
    order = {"removed": 0, "fees": 1, "times": 2, "other": 3, "added": 4}
    rows = list(session.scalars(select(ImportChange).where(ImportChange.run_id == run_id)))
    rows.sort(key=lambda c: (order.get(c.change, 9), c.procedure_code))
    return rows[:limit]
