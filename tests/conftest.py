"""Shared fixtures: a knowledge base loaded from the project's own seed (data/seed)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.knowledge import db
from bot.knowledge.migrate import upgrade_to_head
from bot.knowledge.seed import load_seed


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate and seed one SQLite file per test session; tests get copies of it."""
    path = tmp_path_factory.mktemp("kb") / "seeded.db"
    db.reset_engine(f"sqlite:///{path}")
    upgrade_to_head()
    with db.session_scope() as session:
        load_seed(session=session)
    db.get_engine().dispose()
    return path


@pytest.fixture()
def kb(seeded_template: Path, tmp_path: Path) -> Iterator[Path]:
    """A fresh copy of the seeded knowledge base, used by bot.knowledge.db for this test."""
    path = tmp_path / "kb.db"
    shutil.copy(seeded_template, path)
    db.reset_engine(f"sqlite:///{path}")
    yield path
    db.get_engine().dispose()
