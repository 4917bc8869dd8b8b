"""Session fixture: the two-instance production topology on this machine's PostgreSQL, Redis and RabbitMQ."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.stack import train_model
from tests.production.cluster import Cluster, missing_services


@pytest.fixture(scope="session")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    reason = missing_services()
    if reason:
        pytest.skip(f"production services needed ({reason})")
    # Rasa logs every citizen message at DEBUG: the PII test checks they reach the log masked.
    running = Cluster(workdir=tmp_path_factory.mktemp("cluster"), rasa_log_level="DEBUG")
    try:
        running.start(train_model())
    except Exception:
        running.stop()
        raise
    yield running
    running.stop()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The soak test runs only when asked for by marker (`-m soak`), never in `make test`."""
    if "soak" in (config.getoption("markexpr") or ""):
        return
    soak = [item for item in items if item.get_closest_marker("soak")]
    if soak:
        config.hook.pytest_deselected(items=soak)
        items[:] = [item for item in items if not item.get_closest_marker("soak")]
