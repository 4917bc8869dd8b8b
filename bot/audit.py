"""The audit log: every change made from the admin, the CLI or a trainer run, with before/after values.

Neutral on purpose: admin, training, applications and understanding all record here.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import Column, DateTime, Integer, String, Text, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Mapped, Session

from bot.db import Base
from bot.db import now as _now


class AuditEntry(Base):
    """Who changed what and when, with the values before and after (JSON)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = Column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now, index=True)
    username: Mapped[str] = Column(String(100), nullable=False, default="")
    action: Mapped[str] = Column(String(40), nullable=False)  # create / update / delete / import / ...
    entity: Mapped[str] = Column(String(60), nullable=False)  # table-ish name: procedure, channel_option...
    entity_id: Mapped[str] = Column(String(100), nullable=False, default="")
    summary: Mapped[str] = Column(Text, nullable=False, default="")
    before_json: Mapped[str] = Column(Text, nullable=False, default="")
    after_json: Mapped[str] = Column(Text, nullable=False, default="")


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def snapshot(obj: Any, *, exclude: tuple[str, ...] = ("password_hash",)) -> dict[str, Any]:
    """Column values of a mapped object, JSON-ready."""
    mapper = sa_inspect(obj).mapper
    return {c.key: _jsonable(getattr(obj, c.key)) for c in mapper.column_attrs if c.key not in exclude}


def record(
    *,
    session: Session,
    username: str,
    action: str,
    entity: str,
    entity_id: Any = "",
    summary: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry | None:
    """Add an audit row; for updates only the changed fields are kept. Returns None for no-op updates."""
    if action == "update" and before is not None and after is not None:
        changed = [k for k in after if before.get(k) != after.get(k)]
        if not changed:
            return None
        before = {k: before.get(k) for k in changed}
        after = {k: after[k] for k in changed}
    entry = AuditEntry(
        username=username,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        summary=summary[:2000],
        before_json=json.dumps(before, ensure_ascii=False, sort_keys=True) if before is not None else "",
        after_json=json.dumps(after, ensure_ascii=False, sort_keys=True) if after is not None else "",
    )
    session.add(entry)
    return entry


def recent(*, session: Session, limit: int = 200, entity: str = "", username: str = "") -> list[AuditEntry]:
    stmt = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if entity:
        stmt = stmt.where(AuditEntry.entity == entity)
    if username:
        stmt = stmt.where(AuditEntry.username == username)
    return list(session.execute(stmt).scalars())
