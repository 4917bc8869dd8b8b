"""Revision 0005_fact_rules_and_coverage matches the knowledge models and can be undone."""

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

import bot.models_registry  # noqa: F401
from bot.db import Base, alembic_config
from tests.migration_helpers import table_of

OUR_TABLES = {"procedures", "channel_options", "documents", "steps", "legal_bases", "aliases", "faq_entries",
              "import_runs", "import_changes"}


def test_revision_matches_the_models_and_downgrades(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'm.db'}", future=True)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0005_fact_rules_and_coverage")
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diffs if table_of(d, OUR_TABLES) in OUR_TABLES] == []
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0004_merge")
    columns = {c["name"] for c in inspect(engine).get_columns("channel_options")}
    assert "valid_to" not in columns and "import_runs" not in inspect(engine).get_table_names()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0005_fact_rules_and_coverage")
    assert "valid_to" in {c["name"] for c in inspect(engine).get_columns("channel_options")}
