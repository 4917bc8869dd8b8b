"""The read-only data beside the project (../shared): the one place tests find it.

A test that needs a file there says so with ``@pytest.mark.shared(PATH, ...)`` (or calls
:func:`require_shared` in a fixture). Locally a missing file skips the test with the path; in CI
(``CI=true``) it fails it, because a CI run without ../shared would otherwise pass without testing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_DIR = Path(__file__).resolve().parents[1].parent / "shared"
CATALOGUE = SHARED_DIR / "data" / "catalogue" / "national-catalogue-2026.jsonl.gz"
CITIZEN_SCOPE = SHARED_DIR / "data" / "catalogue" / "citizen-scope.tsv"
DEV_SET = SHARED_DIR / "data" / "eval" / "citizen-questions-dev.jsonl"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def require_shared(*paths: Path) -> None:
    """Skip (locally) or fail (CI=true) the running test unless every path exists."""
    missing = [str(p) for p in paths if not p.exists()]
    if not missing:
        return
    message = f"../shared data missing: {', '.join(missing)}"
    if in_ci():
        pytest.fail(f"{message} (CI=true: ../shared must be present beside the project)", pytrace=False)
    pytest.skip(message)


def shared_file(name: str) -> Path:
    """A file of ../shared/data/catalogue (or SHARED_DATA_DIR): skipped locally when absent, a failure in CI."""
    from bot.knowledge.sources import catalogue_dir

    path = catalogue_dir() / name
    require_shared(path)
    return path
