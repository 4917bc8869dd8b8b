"""Session fixture: one trained test model, one Rasa server and one action server for all e2e tests.

Use it as ``def test_x(stack): stack.reply_text("...", sender="unique-id")``; ``stack.database_url``
points at the e2e knowledge base (seeded), ``stack.env`` holds the environment the servers run with.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.stack import Stack, start_stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory, understood_template: Path) -> Iterator[Stack]:
    running = start_stack(tmp_path_factory.mktemp("e2e"), understood_template)
    yield running
    running.stop()
