"""Shared fixtures: a migrated SQLite database per test, empty or loaded from the project's seed.

Each template is built once per session; tests get a copy, used by bot.db for that test.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

# Tests read what they just wrote: a staff edit rebuilds the indexes before the next answer.
os.environ.setdefault("UNDERSTANDING_SYNC_REBUILD", "1")

from bot import db  # noqa: E402
from bot.db import upgrade_to_head  # noqa: E402
from bot.knowledge.seed import load_seed  # noqa: E402
from tests.shared_data import require_shared  # noqa: E402


def pytest_runtest_setup(item: pytest.Item) -> None:
    """``@pytest.mark.shared(path, ...)``: the test needs these ../shared files (skip, or fail in CI)."""
    for mark in item.iter_markers("shared"):
        require_shared(*mark.args)


def _use_copy(template: Path, tmp_path: Path) -> Iterator[Path]:
    from bot.understanding.resources import cache

    path = tmp_path / "test.db"
    shutil.copy(template, path)
    db.reset_engine(f"sqlite:///{path}")
    cache.clear()  # copies of one template share a data version: never reuse another test's indexes
    yield path
    db.get_engine().dispose()
    cache.clear()


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


# --- the understanding layer with a trained ranker ---------------------------------------------

RANKER_CACHE = Path(__file__).resolve().parents[1] / "models" / "test-cache"


def _ranker_key() -> str:
    """Everything the test ranker depends on: its code, the vocabulary, the seed and the labelled data."""
    import hashlib

    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    files = [
        *sorted((root / "bot" / "understanding").glob("*.py")),
        *sorted((root / "data" / "lexicon").glob("*.yml")),
        *sorted((root / "data" / "understanding").rglob("*.*")),
        *sorted((root / "data" / "seed").rglob("*.*")),
    ]
    for f in files:
        digest.update(str(f.relative_to(root)).encode())
        digest.update(f.read_bytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="session")
def understood_template(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeded knowledge base with a ranker trained on the labelled questions and questions
    generated for the procedures citizens use most (those with aliases or a usage weight).

    Trained once and cached under models/test-cache while its inputs stay the same.
    """
    from bot.understanding import store
    from bot.understanding.generate import generate, load_labelled
    from bot.understanding.resources import build
    from bot.understanding.train import fit

    path = tmp_path_factory.mktemp("understood") / "understood.db"
    shutil.copy(seeded_template, path)
    db.reset_engine(f"sqlite:///{path}")
    cached = RANKER_CACHE / f"ranker-{_ranker_key()}.pickle"
    if cached.exists():
        blob = cached.read_bytes()
        report: dict = {"cached": cached.name}
    else:
        with db.session_scope() as session:
            res = build(session=session, use_ranker=False)
        index = res.procedures
        popular = [p for p, d in enumerate(index.docs) if d.aliases or d.usage_weight]
        examples = [*generate(index, per_procedure=1, seed=0, procedures=popular), *load_labelled()]
        ranker = fit(index, examples)
        blob, report = ranker.dumps(), ranker.report
        RANKER_CACHE.mkdir(parents=True, exist_ok=True)
        for old in RANKER_CACHE.glob("ranker-*.pickle"):
            old.unlink()
        cached.write_bytes(blob)
    with db.session_scope() as session:
        store.store_ranker(session=session, blob=blob, report=report, created_by="tests", activate=True)
    db.get_engine().dispose()
    return path


@pytest.fixture()
def understood_kb(understood_template: Path, tmp_path: Path) -> Iterator[Path]:
    """A fresh copy of the seeded knowledge base with the test ranker active."""
    yield from _use_copy(understood_template, tmp_path)
