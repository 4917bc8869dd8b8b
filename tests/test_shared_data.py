"""Tests that need ../shared skip locally when it is missing and fail in CI (issue 11 item 16)."""

from __future__ import annotations

import re

import pytest

from bot.settings import PROJECT_ROOT
from tests.shared_data import SHARED_DIR, require_shared

MISSING = SHARED_DIR / "data" / "no-such-file.jsonl"


def test_missing_shared_file_is_a_skip_locally(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no-such-file"):
        require_shared(MISSING)


@pytest.mark.parametrize("value", ["true", "TRUE", "1"])
def test_missing_shared_file_is_a_failure_in_ci(monkeypatch, value):
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        require_shared(MISSING)


def test_present_files_pass():
    require_shared(PROJECT_ROOT / "README.md")


def test_every_test_finds_shared_through_the_one_helper():
    """No test builds a ../shared path itself: each would be one more place that skips silently."""
    own = {PROJECT_ROOT / "tests" / "shared_data.py", PROJECT_ROOT / "tests" / "test_shared_data.py"}
    pattern = re.compile(r"""/\s*["']shared["']|["']shared["']\s*/|\.\./shared/""")
    offenders = [
        str(path.relative_to(PROJECT_ROOT))
        for path in (PROJECT_ROOT / "tests").rglob("*.py")
        if path not in own and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
