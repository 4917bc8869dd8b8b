"""`make train` on a fresh clone, the way trainers run it, with a small config (TRAIN_CONFIG).

A copy of exactly the files a clone has (tracked and not ignored: no generated NLU files, no models,
no database) runs `make seed` and then `make train` twice: the first promotion creates
models/current.tar.gz; the second scores that served model and the new one on the same frozen
held-out set in the same run. Each promotion is loaded into two Rasa replicas (fakes on loopback
that read the real model's metadata, as Rasa does). About two minutes on two cores.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer

from bot.settings import PROJECT_ROOT
from tests.training.fakes import FakeRasaServer

pytestmark = pytest.mark.e2e

CI_CONFIG = "tests/training/config-ci.yml"


def fresh_clone(dest: Path) -> Path:
    """The working tree as a clone would have it: tracked and untracked-but-not-ignored files only."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT_ROOT, check=True, capture_output=True,
    ).stdout.decode().split("\0")
    for name in filter(None, listed):
        src = PROJECT_ROOT / name
        if src.is_file() and not src.is_symlink():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    # The virtualenv is the one thing `make setup` would create; reuse ours (and never reinstall into it).
    (dest / ".venv").symlink_to((PROJECT_ROOT / ".venv").resolve())
    return dest


async def _make(clone: Path, target: str, env: dict[str, str]) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        "make", "-o", "setup", target, cwd=str(clone), env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), timeout=1200)
    return int(proc.returncode or 0), out.decode(errors="replace")


def _report(clone: Path, log: str) -> dict:
    stamp = max(p.name for p in (clone / "reports").iterdir())
    assert stamp in log
    return json.loads((clone / "reports" / stamp / "report.json").read_text(encoding="utf-8"))


async def test_make_train_on_a_fresh_clone(tmp_path: Path) -> None:
    clone = fresh_clone(tmp_path / "clone")
    assert not any((clone / "data/nlu/generated").glob("*.yml")) and not (clone / "models/current.tar.gz").exists()
    replicas = [FakeRasaServer(token="t0ken"), FakeRasaServer(token="t0ken")]
    servers = [TestServer(r.app(), host="127.0.0.1") for r in replicas]
    for s in servers:
        await s.start_server()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DATABASE_URL", "RASA_", "EVAL_QUESTIONS", "TRAIN_CONFIG", "PYTHONPATH"))}
    env.update(TRAIN_CONFIG=CI_CONFIG, RASA_AUTH_TOKEN="t0ken",
               RASA_REPLICA_URLS=",".join(str(s.make_url("")).rstrip("/") for s in servers))
    try:
        code, log = await _make(clone, "seed", env)
        assert code == 0, log[-3000:]
        first_code, first_log = await _make(clone, "train", env)
        assert first_code == 0, first_log[-6000:]
        first = _report(clone, first_log)
        first_id = replicas[0].model_id
        second_code, second_log = await _make(clone, "train", env)
        assert second_code == 0, second_log[-6000:]
        second = _report(clone, second_log)
    finally:
        for s in servers:
            await s.close()

    sections = {s["name"]: s for s in first["sections"]}
    assert first["run"]["outcome"] == "promoted" and first["run"]["options"]["config"] == CI_CONFIG
    assert all(s["status"] in ("ok", "warning") for s in first["sections"]), first["sections"]
    assert sections["export"]["status"] == "ok" and sections["export"]["data"]["lookup_entries"] > 0
    assert sections["data"]["data"]["heldout"]["count"] >= 200
    assert sections["data"]["data"]["excluded_heldout_duplicates"] == []
    served = clone / "models" / "current.tar.gz"
    assert sections["promote"]["data"]["served"] == str(served)
    assert first_id == sections["promote"]["data"]["model_id"] != "old-model"

    # Second run: the served model and the new one scored on the same frozen set, in this run.
    gate = {s["name"]: s for s in second["sections"]}["gate"]["data"]
    comparison = gate["comparisons"][0]
    assert comparison["old"] is not None and comparison["old"] == pytest.approx(comparison["new"])
    evaluated = {s["name"]: s for s in second["sections"]}["evaluate"]["data"]
    assert evaluated["models"]["current"]["model_id"] == first_id
    assert evaluated["models"]["current"]["results"]["heldout"]["count"] == \
        evaluated["models"]["candidate"]["results"]["heldout"]["count"] >= 200
    assert second["run"]["outcome"] == "promoted" and "Không kém hơn" in second["run"]["reason"]
    second_id = {s["name"]: s for s in second["sections"]}["promote"]["data"]["model_id"]
    assert second_id != first_id and [r.model_id for r in replicas] == [second_id, second_id]
    assert [len(r.loads) for r in replicas] == [2, 2] and set(replicas[0].loads) == {str(served.resolve())}
