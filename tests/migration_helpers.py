"""Comparing a migrated database with the models, one area's tables at a time."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

import bot.models_registry  # noqa: F401  (every table)
from bot.db import Base


def table_of(diff: Any, tables: set[str] | None = None) -> str | None:
    """The table name a ``compare_metadata`` diff (a tuple, or a list of them) refers to."""
    item = diff[0] if isinstance(diff, list) else diff
    for part in item[1:]:
        if tables is not None and isinstance(part, str) and part in tables:
            return part
        name = getattr(part, "name", None) if not hasattr(part, "table") else part.table.name
        if name:
            return str(name)
    return None


def schema_diffs(conn: Connection, tables: set[str]) -> list[Any]:
    """What Alembic would still change in ``tables`` to match the models (empty when they match)."""
    return [d for d in compare_metadata(MigrationContext.configure(conn), Base.metadata) if table_of(d, tables) in tables]
