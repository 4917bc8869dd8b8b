"""Paths to ../shared files for tests: skipped when absent locally, a failure when CI=true."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.knowledge.sources import catalogue_dir


def shared_file(name: str) -> Path:
    """A file of ../shared/data/catalogue (or SHARED_DATA_DIR); CI must have it."""
    path = catalogue_dir() / name
    if not path.exists():
        message = f"shared file not found: {path}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " (CI=true: ../shared must be present)")
        pytest.skip(message)
    return path
