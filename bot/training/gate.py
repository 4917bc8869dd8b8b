"""The quality gate: a new model is promoted only if it is not worse than the current one."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

DEFAULT_TOLERANCE = 0.02  # macro F1 may drop by at most this much (noise of a small held-out split)


@dataclass(frozen=True)
class Decision:
    promote: bool
    reason: str


def read_current(path: Path) -> dict[str, Any] | None:
    """models/current.json: the promoted model and its metrics, or None before the first promotion."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, json.JSONDecodeError):
        logger.exception("Unreadable %s; treating as no current model", path)
        return None


def write_current(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(path)  # atomic, so a reader never sees half a file


def decide(
    new_metrics: dict[str, Any],
    current: dict[str, Any] | None,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    force: bool = False,
) -> Decision:
    """Compare held-out macro F1 of the new model with the current one's."""
    new_f1 = float(new_metrics.get("macro_f1", 0.0))
    if current is None or "macro_f1" not in (current.get("metrics") or {}):
        return Decision(True, f"Chưa có mô hình hiện hành; macro F1 mới {new_f1:.3f}.")
    old_f1 = float(current["metrics"]["macro_f1"])
    if new_f1 + tolerance >= old_f1:
        return Decision(True, f"Macro F1 {new_f1:.3f} so với {old_f1:.3f} hiện hành (dung sai {tolerance:.3f}).")
    if force:
        return Decision(True, f"Ép thay thế (--force) dù macro F1 {new_f1:.3f} < {old_f1:.3f} hiện hành.")
    return Decision(
        False, f"Từ chối: macro F1 {new_f1:.3f} thấp hơn {old_f1:.3f} hiện hành quá dung sai {tolerance:.3f}."
    )
