"""Revision 0007 creates exactly what the models describe, keeps existing runs, and downgrades cleanly."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

import bot.models_registry  # noqa: F401
from bot.knowledge.migrate import alembic_config
from bot.knowledge.models import Base

OUR_TABLES = {"training_runs", "training_workers", "application_imports"}


def _table(diff: object) -> str | None:
    item = diff[0] if isinstance(diff, list) else diff
    for part in item[1:]:  # type: ignore[index]
        name = part.table.name if hasattr(part, "table") else getattr(part, "name", None)
        if isinstance(name, str):
            return name
        if isinstance(part, str) and part in OUR_TABLES:
            return part
    return None


def test_revision_matches_the_models_and_keeps_runs(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'm.db'}", future=True)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0004_merge")
        conn.execute(text("INSERT INTO training_runs (status, stage, started_by, force, log_path, report_dir,"
                          " model_path, macro_f1, message, created_at) VALUES ('promoted', 'xong', 'hlv', 0, '', '',"
                          " '', '0.9', '', '2026-11-30 10:00:00')"))
        command.upgrade(cfg, "0007_training_and_applications")
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert [d for d in diffs if _table(d) in OUR_TABLES] == []
        row = conn.execute(text("SELECT options_json, worker, log_tail, report_json FROM training_runs")).one()
        assert tuple(row) == ("{}", "", "", "")
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0004_merge")
    assert not {"training_workers", "application_imports"} & set(inspect(engine).get_table_names())
    engine.dispose()
