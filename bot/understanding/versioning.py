"""One counter that moves whenever procedures, aliases, FAQ, vocabulary or rankers change.

A flush (or a bulk UPDATE/DELETE) touching a table of bot.knowledge.models or
bot.understanding.models bumps ``data_versions['knowledge']`` in the same transaction, whoever
made the change (admin, importer, seed, CLI). Caches compare one integer per message instead of
fingerprinting whole tables.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import event, select, update
from sqlalchemy.orm import ORMExecuteState, Session

from bot.understanding.models import DataVersion

KNOWLEDGE = "knowledge"
_TRACKED_MODULES = ("bot.knowledge.models", "bot.understanding.models")
_registered = False


def _tracked(obj: object) -> bool:
    return type(obj).__module__ in _TRACKED_MODULES and not isinstance(obj, DataVersion)


def _bump(session: Session) -> None:
    session.connection().execute(
        update(DataVersion)
        .where(DataVersion.name == KNOWLEDGE)
        .values(version=DataVersion.version + 1, changed_at=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None))
    )


def _before_flush(session: Session, _context: object, _instances: object) -> None:
    changed = [*session.new, *session.deleted, *(o for o in session.dirty if session.is_modified(o))]
    if any(_tracked(o) for o in changed):
        _bump(session)


def _on_execute(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    mapper = state.bind_mapper
    if mapper is not None and mapper.class_.__module__ in _TRACKED_MODULES and mapper.class_ is not DataVersion:
        _bump(state.session)


def register() -> None:
    """Install the hooks once per process (called when the engine is created)."""
    global _registered
    if _registered:
        return
    event.listen(Session, "before_flush", _before_flush)
    event.listen(Session, "do_orm_execute", _on_execute)
    _registered = True


def current(session: Session) -> int:
    """The knowledge data version (0 before the first migration inserted the row)."""
    return int(session.execute(select(DataVersion.version).where(DataVersion.name == KNOWLEDGE)).scalar() or 0)
