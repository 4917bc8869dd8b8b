"""Bring a database to the latest schema with Alembic (used by setup, tests and the CLI)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from bot.knowledge.db import get_engine
from bot.settings import PROJECT_ROOT


def alembic_config() -> Config:
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    return cfg


def upgrade_to_head() -> None:
    """Apply all migrations to the configured database."""
    cfg = alembic_config()
    with get_engine().begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")
