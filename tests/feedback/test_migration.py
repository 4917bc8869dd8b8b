from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

import bot.models_registry  # noqa: F401
from bot.knowledge.migrate import alembic_config
from bot.knowledge.models import Base
from tests.migration_helpers import table_of

OUR_TABLES = {"petitions", "petition_events", "application_statuses"}


def test_migration_matches_the_models(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'm.db'}", future=True)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002_feedback")
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)

    ours = [d for d in diffs if table_of(d) in OUR_TABLES]
    assert ours == []
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001_knowledge")
