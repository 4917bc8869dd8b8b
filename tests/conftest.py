"""Shared fixtures: a migrated SQLite database per test, empty or loaded from the project's seed.

Each template is built once per session; tests get a copy, used by bot.knowledge.db for that test.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.knowledge import db
from bot.knowledge.migrate import upgrade_to_head
from bot.knowledge.seed import load_seed
from tests.shared_data import require_shared


def pytest_runtest_setup(item: pytest.Item) -> None:
    """``@pytest.mark.shared(path, ...)``: the test needs these ../shared files (skip, or fail in CI)."""
    for mark in item.iter_markers("shared"):
        require_shared(*mark.args)


def _use_copy(template: Path, tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "test.db"
    shutil.copy(template, path)
    db.reset_engine(f"sqlite:///{path}")
    yield path
    db.get_engine().dispose()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """All migrations applied, no data."""
    path = tmp_path_factory.mktemp("db") / "migrated.db"
    db.reset_engine(f"sqlite:///{path}")
    upgrade_to_head()
    db.get_engine().dispose()
    return path


@pytest.fixture(scope="session")
def seeded_template(migrated_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrated and loaded with data/seed (procedures, aliases, FAQ)."""
    path = tmp_path_factory.mktemp("kb") / "seeded.db"
    shutil.copy(migrated_template, path)
    db.reset_engine(f"sqlite:///{path}")
    with db.session_scope() as session:
        load_seed(session=session)
    db.get_engine().dispose()
    return path


@pytest.fixture()
def database(migrated_template: Path, tmp_path: Path) -> Iterator[Path]:
    """An empty migrated database."""
    yield from _use_copy(migrated_template, tmp_path)


@pytest.fixture()
def kb(seeded_template: Path, tmp_path: Path) -> Iterator[Path]:
    """A fresh copy of the seeded knowledge base."""
    yield from _use_copy(seeded_template, tmp_path)
