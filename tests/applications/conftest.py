"""A fresh SQLite database per test with the whole schema."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

import bot.models_registry  # noqa: F401  (every table)
from bot.db import Base, reset_engine


@pytest.fixture()
def database(tmp_path: Path) -> Iterator[Engine]:
    engine = reset_engine(f"sqlite:///{tmp_path / 'applications.db'}")
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()
