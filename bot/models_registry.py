"""Imports every module that defines tables, so Alembic and create_all see the whole schema."""

from bot.knowledge import models as knowledge_models  # noqa: F401
