"""Comparing a migrated database with the models, one area's tables at a time."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

import bot.models_registry  # noqa: F401  (every table)
from bot.knowledge.models import Base


def _table_of(diff: Any) -> str | None:
    item = diff[0] if isinstance(diff, list) else diff
    for part in item[1:]:
        name = part.table.name if hasattr(part, "table") else getattr(part, "name", None)
        if name:
            return str(name)
    return None


def schema_diffs(conn: Connection, tables: set[str]) -> list[Any]:
    """What Alembic would still change in ``tables`` to match the models (empty when they match)."""
    return [d for d in compare_metadata(MigrationContext.configure(conn), Base.metadata) if _table_of(d) in tables]
