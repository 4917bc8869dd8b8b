"""Promotion: the candidate becomes ``models/current.tar.gz`` (what production starts Rasa with).

The served file is replaced atomically (copy beside it, then rename), so a Rasa replica starting at
that moment reads either the old or the new model, never half a file. Each promoted model is also
kept under ``models/promoted/<stamp>/`` for rollback; the oldest beyond ``keep`` are removed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import shutil
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.training import gate
from bot.training.paths import ProjectPaths

logger = logging.getLogger(__name__)

DEFAULT_KEEP = 5  # promoted models kept for rollback
ARCHIVE_MODEL_NAME = "model.tar.gz"


@dataclass(frozen=True)
class Promoted:
    served: Path  # models/current.tar.gz
    archive_dir: Path  # models/promoted/<stamp>/
    model_id: str
    sha256: str
    extras: dict[str, Path] = field(default_factory=dict)  # artifact name -> served file


def model_id(model: Path) -> str:
    """The ``model_id`` Rasa reports at ``GET /status`` once it serves this archive ('' if unreadable)."""
    try:
        with tarfile.open(model, "r:gz") as tar:
            for member in tar:
                if member.name.lstrip("/") == "metadata.json":
                    fh = tar.extractfile(member)
                    return str(json.load(fh).get("model_id") or "") if fh else ""
    except (OSError, tarfile.TarError, ValueError):
        logger.exception("Cannot read the model id of %s", model)
    return ""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def atomic_copy(src: Path, dst: Path) -> None:
    """Copy ``src`` over ``dst`` so that readers see the old or the new file, never a partial one."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(f".{dst.name}.{os.getpid()}.tmp")
    try:
        with src.open("rb") as fin, tmp.open("wb") as fout:
            shutil.copyfileobj(fin, fout, 1 << 20)
            fout.flush()
            os.fsync(fout.fileno())
        os.replace(tmp, dst)
    finally:
        tmp.unlink(missing_ok=True)


def served_extra_name(name: str, path: Path) -> str:
    """``current-<name><suffixes>``: where an extra artifact (e.g. a ranker) is served beside the model."""
    suffix = "".join(path.suffixes)
    return f"current-{name}{suffix}"


def promote(
    candidate: Path, paths: ProjectPaths, *, stamp: str, record: dict[str, Any],
    extras: dict[str, Path] | None = None, keep: int = DEFAULT_KEEP,
) -> Promoted:
    """Archive the candidate (and extra artifacts), then replace the served files and current.json."""
    archive = paths.promoted_dir / stamp
    archive.mkdir(parents=True, exist_ok=True)
    archived_model = archive / ARCHIVE_MODEL_NAME
    shutil.move(str(candidate), archived_model)
    served_extras: dict[str, Path] = {}
    for name, artifact in (extras or {}).items():
        kept = archive / f"{name}{''.join(artifact.suffixes)}"
        shutil.move(str(artifact), kept)
        served = paths.models_dir / served_extra_name(name, kept)
        atomic_copy(kept, served)
        served_extras[name] = served
    # The model last: once it is served, everything it relies on is already in place.
    atomic_copy(archived_model, paths.served_model)
    promoted = Promoted(served=paths.served_model, archive_dir=archive, model_id=model_id(archived_model),
                        sha256=sha256(archived_model), extras=served_extras)
    current = {
        **record,
        "model": str(paths.served_model),
        "archive": str(archived_model),
        "model_id": promoted.model_id,
        "sha256": promoted.sha256,
        "extras": {k: str(v) for k, v in served_extras.items()},
        "promoted_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
    gate.write_current(archive / "current.json", current)
    gate.write_current(paths.current_json, current)
    prune(paths.promoted_dir, keep=keep)
    logger.info("Promoted %s as %s (model id %s)", archived_model, paths.served_model, promoted.model_id)
    return promoted


def prune(directory: Path, *, keep: int) -> list[Path]:
    """Remove all but the ``keep`` newest entries of ``directory`` (names sort by time stamp)."""
    if not directory.exists():
        return []
    return prune_files(list(directory.iterdir()), keep=keep)


def prune_files(entries: list[Path], *, keep: int) -> list[Path]:
    """Remove all but the ``keep`` entries with the greatest names (time-stamped names sort by age)."""
    entries = sorted(entries, key=lambda p: p.name)
    removed = entries[:-keep] if keep > 0 else entries
    for entry in removed:
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
    return removed
