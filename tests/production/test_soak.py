"""Soak: about ten minutes of moderate load on the production topology, with zero errors and flat memory.

    .venv/bin/python -m pytest tests/production/test_soak.py -m soak -q      # SOAK_SECONDS=600 by default

Five citizens talk continuously (0.5-1.5 s between messages) through the round-robin proxy to two
Rasa and two action servers; every 15 s the resident memory of each process is sampled. Figures
go to reports/bench/soak-<UTC time>.json and docs/benchmarks.md.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
from pathlib import Path

import pytest

from tests.e2e.stack import ROOT, train_model
from tests.production.cluster import Cluster, missing_services
from tests.production.load import memory_mb, run_load

pytestmark = [pytest.mark.soak, pytest.mark.services]

SECONDS = float(os.environ.get("SOAK_SECONDS", "600"))
CITIZENS = int(os.environ.get("SOAK_CITIZENS", "5"))
SAMPLE_EVERY = 15.0
# Growth allowed between the end of warm-up (first third) and the end, per process.
MAX_GROWTH_MB = 40.0


async def _soak(cluster: Cluster) -> tuple[dict, dict[str, list[float]]]:
    samples: dict[str, list[float]] = {label: [] for label in cluster.pids()}

    async def sample() -> None:
        while True:
            for label, pid in cluster.pids().items():
                samples[label].append(memory_mb(pid).get("rss_mb", 0.0))
            await asyncio.sleep(SAMPLE_EVERY)

    sampler = asyncio.create_task(sample())
    try:
        result = await run_load(f"{cluster.proxy_url}/webhooks/rest/webhook", CITIZENS, seconds=SECONDS,
                                think=(0.5, 1.5))
    finally:
        sampler.cancel()
    for label, pid in cluster.pids().items():
        samples[label].append(memory_mb(pid).get("rss_mb", 0.0))
    return result, samples


def test_soak_has_no_errors_and_flat_memory(tmp_path: Path):
    reason = missing_services()
    if reason:
        pytest.skip(f"production services needed ({reason})")
    cluster = Cluster(workdir=tmp_path)
    try:
        cluster.start(train_model())
        result, samples = asyncio.run(_soak(cluster))
    finally:
        cluster.stop()
    growth = {label: round(s[-1] - s[len(s) // 3], 1) for label, s in samples.items() if s}
    report = {"finished": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "seconds": SECONDS,
              "citizens": CITIZENS, "load": result, "rss_mb": samples, "growth_after_warmup_mb": growth}
    out = ROOT / "reports" / "bench" / f"soak-{dt.datetime.now(dt.timezone.utc):%Y%m%dT%H%M%SZ}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    assert result["errors"] == 0, result["error_samples"]
    assert result["n"] > 0
    for label, mb in growth.items():
        assert mb <= MAX_GROWTH_MB, f"{label} grew {mb} MB: {samples[label]}"
