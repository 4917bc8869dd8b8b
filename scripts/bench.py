"""Benchmarks behind `make bench`: reply latency and throughput, NLU parse, procedure resolution, memory, training.

    .venv/bin/python scripts/bench.py                         # everything except training
    .venv/bin/python scripts/bench.py --only resolution       # resolver at 325 / 2,642 / 20,000 records
    .venv/bin/python scripts/bench.py --only e2e --targets sqlite,postgres,cluster
    .venv/bin/python scripts/bench.py --only training --train-configs tests/e2e/config.yml,config.yml

Results go to stdout (a short table) and to reports/bench/bench-<UTC time>.json. Everything runs on
loopback; PostgreSQL, Redis and RabbitMQ are only needed for the postgres and cluster targets.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.knowledge.search import IndexedProcedure, ProcedureIndex, ProcedureName, base_name  # noqa: E402

from bot import db  # noqa: E402
from bot.db import upgrade_to_head  # noqa: E402
from bot.knowledge.repository import build_index  # noqa: E402
from bot.knowledge.seed import load_seed  # noqa: E402
from bot.settings import get_settings  # noqa: E402
from tests.production.load import QUESTIONS, run_load, summarise  # noqa: E402
from tests.production.load import memory_mb as peak_rss_mb  # noqa: E402

logger = logging.getLogger("bench")

CATALOGUE = ROOT.parent / "shared" / "data" / "catalogue" / "national-catalogue-2026.jsonl.gz"
DEV_SET = ROOT.parent / "shared" / "data" / "eval" / "citizen-questions-dev.jsonl"
REPORTS = ROOT / "reports" / "bench"

LOAD_LEVELS = (1, 10, 50)
MESSAGES_PER_LEVEL = {1: 60, 10: 300, 50: 600}


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def resolution_queries() -> list[str]:
    queries = list(QUESTIONS)
    if DEV_SET.exists():
        queries += [json.loads(line)["question"] for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line]
    from bot.text.normalize import fold

    return queries + [fold(q) for q in queries[:20]]  # citizens often type without diacritics


def time_resolution(index: ProcedureIndex, queries: list[str], repeats: int) -> dict[str, Any]:
    """Latency of ProcedureIndex.resolve per question; p95 is the median over the repeats."""
    settings = get_settings()
    index.resolve(queries[0], threshold=settings.resolve_threshold, margin=settings.ambiguity_margin)  # warm up
    runs = []
    for _ in range(repeats):
        samples = []
        for q in queries:
            start = time.perf_counter()
            index.resolve(q, threshold=settings.resolve_threshold, margin=settings.ambiguity_margin)
            samples.append((time.perf_counter() - start) * 1000)
        runs.append(summarise(samples))
    return {
        "records": index.size,
        "queries": len(queries),
        "repeats": repeats,
        "median_p50_ms": float(np.median([r["p50_ms"] for r in runs])),
        "median_p95_ms": float(np.median([r["p95_ms"] for r in runs])),
        "median_p99_ms": float(np.median([r["p99_ms"] for r in runs])),
        "runs": runs,
    }


def _index_from_db(url: str, load: Callable[[Any], None]) -> tuple[ProcedureIndex, float]:
    db.reset_engine(url)
    upgrade_to_head()
    with db.session_scope() as session:
        load(session)
    with db.session_scope() as session:
        index, seconds = timed(lambda: build_index(session=session))
    db.get_engine().dispose()
    return index, seconds


def synthetic_index(base: ProcedureIndex, total: int, *, seed: int = 42) -> ProcedureIndex:
    """``base`` (real names and aliases) plus synthetic procedures whose names recombine real name parts."""
    rng = random.Random(seed)
    real = list(base.procedures.values())
    names = [p.name.split() for p in real]
    aliases = [t for t, alias in zip(base._form_text, base._form_alias, strict=True) if alias]
    procedures = list(real)
    proc_names = [ProcedureName(p.procedure_id, p.name, False) for p in real]
    proc_names += [
        ProcedureName(pid, text, True)
        for pid, text, alias in zip(base._form_proc, base._form_text, base._form_alias, strict=True)
        if alias
    ]
    next_id = max(base.procedures) + 1
    while len(procedures) < total:
        a, b = rng.choice(names), rng.choice(names)
        cut_a = rng.randint(2, max(2, len(a) - 1))
        cut_b = rng.randint(max(1, len(b) // 3), max(1, len(b) - 1))
        name = " ".join(a[:cut_a] + b[cut_b:])
        levels = rng.choice(["Cấp xã", "Cấp tỉnh", "Cấp xã, Cấp tỉnh"])
        procedures.append(IndexedProcedure(next_id, f"9.{next_id:06d}", name, levels, base_name(name)))
        proc_names.append(ProcedureName(next_id, name, False))
        if aliases and rng.random() < 0.5:  # about as many aliases per procedure as the seed has
            x, y = rng.choice(aliases).split(), rng.choice(aliases).split()
            proc_names.append(ProcedureName(next_id, " ".join(x[: max(1, len(x) // 2)] + y[len(y) // 2:]), True))
        next_id += 1
    return ProcedureIndex(procedures, proc_names)


def bench_resolution(args: argparse.Namespace) -> dict[str, Any]:
    from bot.knowledge.importer import import_file

    queries = resolution_queries()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        seed_index, seconds = _index_from_db(f"sqlite:///{tmp}/seed.db", lambda s: load_seed(session=s))
        results["seed"] = {**time_resolution(seed_index, queries, args.repeats), "build_s": round(seconds, 2),
                           "process_memory": peak_rss_mb(os.getpid())}
        base = seed_index
        if CATALOGUE.exists():
            def load_catalogue(session: Any) -> None:
                load_seed(session=session)  # aliases of the seed, then every catalogue record
                import_file(CATALOGUE, session=session)

            cat_index, seconds = _index_from_db(f"sqlite:///{tmp}/catalogue.db", load_catalogue)
            results["catalogue"] = {**time_resolution(cat_index, queries, args.repeats), "build_s": round(seconds, 2),
                                    "process_memory": peak_rss_mb(os.getpid())}
            base = cat_index
        else:
            logger.warning("%s not found: skipping the 2,642-record catalogue", CATALOGUE)
        synthetic, seconds = timed(lambda: synthetic_index(base, args.synthetic))
        results["synthetic"] = {**time_resolution(synthetic, queries, args.repeats), "build_s": round(seconds, 2),
                                "process_memory": peak_rss_mb(os.getpid())}
    return results


def bench_nlu(rasa_url: str, n: int = 100) -> dict[str, Any]:
    samples = []
    with httpx.Client(timeout=30) as client:
        for k in range(n):
            start = time.perf_counter()
            client.post(f"{rasa_url}/model/parse", json={"text": QUESTIONS[k % len(QUESTIONS)]}).raise_for_status()
            samples.append((time.perf_counter() - start) * 1000)
    return summarise(samples)


def _loads(url: str, pids: dict[str, int], args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {"levels": []}
    asyncio.run(run_load(url, 2, messages=20))  # warm up caches and connections
    for level in args.levels:
        result = asyncio.run(run_load(url, level, messages=int(MESSAGES_PER_LEVEL.get(level, level * 10) * args.scale)))
        logger.info("%s citizens: %s", level, result)
        out["levels"].append(result)
    # Citizens who read each answer before asking again (think time): the load a service really sees.
    out["paced"] = []
    for level in args.paced_levels:
        result = asyncio.run(run_load(url, level, seconds=args.paced_seconds, think=args.think))
        logger.info("%s paced citizens: %s", level, result)
        out["paced"].append({**result, "think_s": list(args.think)})
    out["memory"] = {label: peak_rss_mb(pid) for label, pid in pids.items()}
    return out


def bench_stack(target: str, model: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Start one Rasa + action server (SQLite or PostgreSQL knowledge base) and load it."""
    from tests.e2e.stack import Stack
    from tests.production.cluster import PG_HOST, PG_PORT, create_database, drop_database, reachable

    if target == "postgres" and not reachable(PG_HOST, PG_PORT):
        return {"skipped": f"PostgreSQL unreachable at {PG_HOST}:{PG_PORT}"}
    with tempfile.TemporaryDirectory() as tmp:
        database = f"bench{uuid.uuid4().hex[:8]}"
        url = create_database(database) if target == "postgres" else f"sqlite:///{tmp}/kb.db"
        stack = Stack(workdir=Path(tmp), database_url=url)
        try:
            _, startup = timed(lambda: stack.start(model))
            pids = {"actions": stack.processes[0].pid, "rasa": stack.processes[1].pid}
            result = {"startup_s": round(startup, 1), "idle_memory": {k: peak_rss_mb(p) for k, p in pids.items()}}
            result["nlu_parse"] = bench_nlu(stack.rasa_url)
            result.update(_loads(f"{stack.rasa_url}/webhooks/rest/webhook", pids, args))
            return result
        finally:
            stack.stop()
            if target == "postgres":
                drop_database(database)


def bench_cluster(model: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Two Rasa + two action servers behind round-robin proxies, PostgreSQL tracker store, Redis locks."""
    from tests.production.cluster import Cluster, missing_services

    reason = missing_services()
    if reason:
        return {"skipped": reason}
    with tempfile.TemporaryDirectory() as tmp:
        cluster = Cluster(workdir=Path(tmp))
        try:
            _, startup = timed(lambda: cluster.start(model))
            result = {"startup_s": round(startup, 1)}
            result.update(_loads(f"{cluster.proxy_url}/webhooks/rest/webhook", cluster.pids(), args))
            return result
        finally:
            cluster.stop()


def bench_training(args: argparse.Namespace) -> dict[str, Any]:
    """Wall and CPU time and peak memory of `rasa train` for each config (trains into a temp dir)."""
    results = {}
    for config in args.train_configs:
        with tempfile.TemporaryDirectory() as out:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(
                [str(Path(sys.executable).parent / "rasa"), "train", "--config", config, "--domain", "domain.yml",
                 "--data", "data", "--out", out, "--quiet"],
                cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True, capture_output=True,
            )
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            results[config] = {
                "wall_s": round(time.perf_counter() - start, 1),
                "cpu_s": round((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 1),
                "peak_rss_mb": round(after.ru_maxrss / 1024, 1),
            }
    return results


def _table(results: dict[str, Any]) -> str:
    lines = []
    for name, r in results.get("resolution", {}).items():
        lines.append(f"resolve {name:10} {r['records']:>6} records  p50 {r['median_p50_ms']:7.2f} ms  "
                     f"p95 {r['median_p95_ms']:7.2f} ms  p99 {r['median_p99_ms']:7.2f} ms  build {r['build_s']} s")
    for target, r in results.get("e2e", {}).items():
        if "skipped" in r:
            lines.append(f"e2e {target}: skipped ({r['skipped']})")
            continue
        if "nlu_parse" in r:
            n = r["nlu_parse"]
            lines.append(f"nlu {target:8} p50 {n['p50_ms']} ms  p95 {n['p95_ms']} ms  p99 {n['p99_ms']} ms")
        for lv in r["levels"]:
            lines.append(f"e2e {target:8} {lv['citizens']:>3} citizens  p50 {lv['p50_ms']:8.1f}  p95 {lv['p95_ms']:8.1f}  "
                         f"p99 {lv['p99_ms']:8.1f} ms  {lv['throughput_msg_s']:6.1f} msg/s  errors {lv['errors']}")
        for lv in r.get("paced", []):
            lines.append(f"e2e {target:8} {lv['citizens']:>3} paced     p50 {lv['p50_ms']:8.1f}  p95 {lv['p95_ms']:8.1f}  "
                         f"p99 {lv['p99_ms']:8.1f} ms  {lv['throughput_msg_s']:6.1f} msg/s  errors {lv['errors']}")
        for proc, mem in r["memory"].items():
            lines.append(f"mem {target:8} {proc:12} peak {mem.get('peak_rss_mb')} MB")
    for config, r in results.get("training", {}).items():
        lines.append(f"train {config}: wall {r['wall_s']} s, cpu {r['cpu_s']} s, peak {r['peak_rss_mb']} MB")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="resolution,e2e", help="comma list: resolution, e2e, training")
    parser.add_argument("--targets", default="sqlite,postgres", help="e2e targets: sqlite, postgres, cluster")
    parser.add_argument("--levels", default=",".join(map(str, LOAD_LEVELS)), help="concurrent citizens")
    parser.add_argument("--paced-levels", default="10,50", help="citizens with think time between messages")
    parser.add_argument("--paced-seconds", type=float, default=90.0, help="duration of each paced level")
    parser.add_argument("--think", default="5,20", help="think time range in seconds (paced levels)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the number of messages per level")
    parser.add_argument("--repeats", type=int, default=5, help="repeats of the resolution timing")
    parser.add_argument("--synthetic", type=int, default=20_000, help="records in the synthetic index")
    parser.add_argument("--model", help="model to serve (default: the cached test model, trained if missing)")
    parser.add_argument("--train-configs", default="tests/e2e/config.yml", help="configs to time `rasa train` with")
    args = parser.parse_args(argv)
    args.levels = [int(x) for x in args.levels.split(",") if x]
    args.paced_levels = [int(x) for x in args.paced_levels.split(",") if x]
    low, high = (float(x) for x in args.think.split(","))
    args.think = (low, high)
    args.train_configs = [c for c in args.train_configs.split(",") if c]
    sections = set(args.only.split(","))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)

    results: dict[str, Any] = {
        "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load_avg": os.getloadavg()},
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
    }
    if "resolution" in sections:
        results["resolution"] = bench_resolution(args)
    if "e2e" in sections:
        from tests.e2e.stack import train_model

        model = Path(args.model) if args.model else train_model()
        results["e2e"] = {}
        for target in args.targets.split(","):
            results["e2e"][target] = bench_cluster(model, args) if target == "cluster" else bench_stack(target, model, args)
    if "training" in sections:
        results["training"] = bench_training(args)
    results["finished"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    results["machine"]["load_avg_end"] = os.getloadavg()

    REPORTS.mkdir(parents=True, exist_ok=True)
    out = REPORTS / f"bench-{dt.datetime.now(dt.timezone.utc):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    sys.stdout.write(_table(results) + f"results: {out.relative_to(ROOT)}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
