"""Shared by the migration tests: which table an Alembic autogenerate diff is about."""

from __future__ import annotations

from typing import Any


def table_of(diff: Any, tables: set[str] | None = None) -> str | None:
    """The table name an ``compare_metadata`` diff (a tuple, or a list of them) refers to."""
    item = diff[0] if isinstance(diff, list) else diff
    for part in item[1:]:
        if tables is not None and isinstance(part, str) and part in tables:
            return part
        name = getattr(part, "name", None) if not hasattr(part, "table") else part.table.name
        if name:
            return name
    return None
