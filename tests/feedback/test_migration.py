from pathlib import Path

from alembic import command
from sqlalchemy import create_engine

from bot.db import alembic_config
from tests.migration_helpers import schema_diffs

OUR_TABLES = {
    "petitions", "petition_events", "application_statuses",
    "petition_notices", "conversation_turns", "answer_ratings",  # 0008_staff_insight
}


def test_migration_matches_the_models(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'm.db'}", future=True)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")
    with engine.connect() as conn:
        ours = schema_diffs(conn, OUR_TABLES)
    assert ours == []
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
