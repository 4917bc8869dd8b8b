"""A tiny Rasa project for pipeline tests (the migrated database comes from tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.training.tiny_project import write_tiny_project


@pytest.fixture()
def tiny_project(tmp_path: Path) -> Path:
    return write_tiny_project(tmp_path / "project")
