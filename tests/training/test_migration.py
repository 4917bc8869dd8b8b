"""Revision 0007 creates exactly what the models describe, keeps existing runs, and downgrades cleanly."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, inspect, text

from bot.db import alembic_config
from tests.migration_helpers import schema_diffs

OUR_TABLES = {"training_runs", "training_workers", "application_imports"}


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
        assert schema_diffs(conn, OUR_TABLES) == []
        row = conn.execute(text("SELECT options_json, worker, log_tail, report_json FROM training_runs")).one()
        assert tuple(row) == ("{}", "", "", "")
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0004_merge")
    assert not {"training_workers", "application_imports"} & set(inspect(engine).get_table_names())
    engine.dispose()
