"""Benchmarks behind `make bench`: reply latency and throughput, NLU parse, procedure resolution, memory, training.

    .venv/bin/python scripts/bench.py                         # everything except training
    .venv/bin/python scripts/bench.py --only resolution       # understanding at the seed's size and 20,000
    .venv/bin/python scripts/bench.py --only none --compare http://127.0.0.1:5105,http://127.0.0.1:5205
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


from bot import db  # noqa: E402
from bot.db import upgrade_to_head  # noqa: E402
from bot.knowledge.seed import load_seed  # noqa: E402
from bot.understanding.resources import Resources  # noqa: E402
from tests.production.load import QUESTIONS, run_load, summarise  # noqa: E402
from tests.production.load import memory_mb as peak_rss_mb  # noqa: E402

logger = logging.getLogger("bench")

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


def time_resolution(res: Resources, queries: list[str], repeats: int) -> dict[str, Any]:
    """Latency of one message's understanding (analysis + retrieval + ranker + decision); p95 is the
    median over the repeats."""
    from bot.understanding.query import analyse
    from bot.understanding.resolve import resolve

    def once(text: str) -> None:
        query = analyse(text, lexicon=res.lexicon, name_words=res.procedures.name_words)
        resolve(res.procedures, res.ranker, query)

    once(queries[0])  # warm up
    runs = []
    for _ in range(repeats):
        samples = []
        for q in queries:
            start = time.perf_counter()
            once(q)
            samples.append((time.perf_counter() - start) * 1000)
        runs.append(summarise(samples))
    return {
        "records": res.procedures.size,
        "queries": len(queries),
        "repeats": repeats,
        "median_p50_ms": float(np.median([r["p50_ms"] for r in runs])),
        "median_p95_ms": float(np.median([r["p95_ms"] for r in runs])),
        "median_p99_ms": float(np.median([r["p99_ms"] for r in runs])),
        "runs": runs,
    }


def synthetic_resources(base: Resources, total: int, *, seed: int = 42) -> Resources:
    """``base`` (real names and aliases) plus synthetic procedures whose names recombine real name parts."""
    from dataclasses import replace

    from bot.understanding.index import ProcedureDoc, ProcedureIndex

    rng = random.Random(seed)
    real = list(base.procedures.docs)
    names = [d.name.split() for d in real]
    aliases = [a for d in real for a in d.aliases]
    docs = list(real)
    while len(docs) < total:
        a, b = rng.choice(names), rng.choice(names)
        name = " ".join(a[: rng.randint(2, max(2, len(a) - 1))] + b[rng.randint(max(1, len(b) // 3), max(1, len(b) - 1)):])
        extra = ()
        if aliases and rng.random() < 0.3:
            x, y = rng.choice(aliases).split(), rng.choice(aliases).split()
            extra = (" ".join(x[: max(1, len(x) // 2)] + y[len(y) // 2:]),)
        docs.append(ProcedureDoc(len(docs) + 10_000_000, f"9.{len(docs):06d}", name,
                                 rng.choice(["Cấp xã", "Cấp tỉnh", "Cấp xã, Cấp tỉnh"]), "", None, False, extra))
    return replace(base, procedures=ProcedureIndex(docs, base.lexicon))


def bench_resolution(args: argparse.Namespace) -> dict[str, Any]:
    """The shipped seed (every Quảng Trị procedure) with a ranker trained on the labelled questions,
    then a synthetic knowledge base of ``--synthetic`` procedures with the same ranker."""
    from bot.understanding import store
    from bot.understanding.generate import load_labelled
    from bot.understanding.resources import build
    from bot.understanding.train import fit

    queries = resolution_queries()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db.reset_engine(f"sqlite:///{tmp}/seed.db")
        upgrade_to_head()
        with db.session_scope() as session:
            load_seed(session=session)
            plain = build(session=session, use_ranker=False)
        ranker, seconds = timed(lambda: fit(plain.procedures, load_labelled()))
        results["ranker_training_s"] = round(seconds, 1)
        with db.session_scope() as session:
            store.store_ranker(session=session, blob=ranker.dumps(), report=ranker.report, created_by="bench",
                               activate=True)
        with db.session_scope() as session:
            res, seconds = timed(lambda: build(session=session))
        db.get_engine().dispose()
        results["seed"] = {**time_resolution(res, queries, args.repeats), "build_s": round(seconds, 2),
                           "process_memory": peak_rss_mb(os.getpid())}
        synthetic, seconds = timed(lambda: synthetic_resources(res, args.synthetic))
        results["synthetic"] = {**time_resolution(synthetic, queries, args.repeats), "build_s": round(seconds, 2),
                                "process_memory": peak_rss_mb(os.getpid())}
    return results


def bench_compare(urls: list[str], args: argparse.Namespace) -> dict[str, Any]:
    """Closed-loop load on several running bots, interleaved (A, B, A, B, ...) so that the machine's
    noise falls on both alike; the medians over the rounds are compared."""
    rounds: dict[str, list[dict[str, Any]]] = {u: [] for u in urls}
    for url in urls:
        asyncio.run(run_load(f"{url}/webhooks/rest/webhook", 2, messages=20))  # warm up
    for _ in range(args.rounds):
        for url in urls:
            result = asyncio.run(run_load(f"{url}/webhooks/rest/webhook", args.compare_citizens,
                                          messages=int(30 * args.compare_citizens * args.scale)))
            logger.info("%s: %s", url, result)
            rounds[url].append(result)
    summary = {}
    for url, runs in rounds.items():
        summary[url] = {
            "rounds": len(runs),
            "median_p50_ms": float(np.median([r["p50_ms"] for r in runs])),
            "median_p95_ms": float(np.median([r["p95_ms"] for r in runs])),
            "median_throughput_msg_s": float(np.median([r["throughput_msg_s"] for r in runs])),
            "errors": sum(r["errors"] for r in runs),
            "runs": runs,
        }
    return {"citizens": args.compare_citizens, "bots": summary}


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
        if not isinstance(r, dict):
            lines.append(f"{name}: {r}")
            continue
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
    compare = results.get("compare", {})
    for url, r in compare.get("bots", {}).items():
        lines.append(f"compare {compare['citizens']} citizens {url}: p50 {r['median_p50_ms']:.1f} ms  "
                     f"p95 {r['median_p95_ms']:.1f} ms  {r['median_throughput_msg_s']:.1f} msg/s  "
                     f"({r['rounds']} rounds, errors {r['errors']})")
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
    parser.add_argument("--compare", default="", help="comma list of running bots' URLs to load side by side")
    parser.add_argument("--compare-citizens", type=int, default=10, help="citizens sending without pause (compare)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per bot (compare)")
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
    if args.compare:
        results["compare"] = bench_compare([u.rstrip("/") for u in args.compare.split(",") if u], args)
    results["finished"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    results["machine"]["load_avg_end"] = os.getloadavg()

    REPORTS.mkdir(parents=True, exist_ok=True)
    out = REPORTS / f"bench-{dt.datetime.now(dt.timezone.utc):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    sys.stdout.write(_table(results) + f"results: {out.relative_to(ROOT)}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
