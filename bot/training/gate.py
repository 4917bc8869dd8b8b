"""The quality gate: a new model is promoted only if it is not worse than the served one.

Every comparison is a metric measured in the same run, for both models, on the same frozen data.
Steps add comparisons (the intent classifier adds held-out macro F1; later steps may add their own)
and the gate promotes only if none of them got worse by more than the tolerance.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

DEFAULT_TOLERANCE = 0.0  # "not worse": both models are scored on the same frozen set, so no sampling noise


@dataclass(frozen=True)
class Comparison:
    """One metric of the candidate and of the served model (``old`` is None when there is none to score)."""

    name: str  # machine id, e.g. "intent_macro_f1_heldout"
    label: str  # shown to trainers
    new: float
    old: float | None
    higher_is_better: bool = True

    def worse_by(self) -> float:
        """How much worse the candidate is (negative or zero when it is at least as good)."""
        if self.old is None:
            return 0.0
        return (self.old - self.new) if self.higher_is_better else (self.new - self.old)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Decision:
    promote: bool
    reason: str
    failed: tuple[str, ...] = ()  # names of the comparisons that got worse


def decide(comparisons: list[Comparison], *, tolerance: float = DEFAULT_TOLERANCE, force: bool = False) -> Decision:
    """Promote when there is no served model to compare with, or nothing got worse beyond ``tolerance``."""
    if not comparisons:
        return Decision(False, "Từ chối: không có chỉ số nào để so sánh mô hình.")
    if all(c.old is None for c in comparisons):
        scores = ", ".join(f"{c.label} {c.new:.3f}" for c in comparisons)
        return Decision(True, f"Chưa có mô hình hiện hành để so sánh; mô hình mới: {scores}.")
    worse = [c for c in comparisons if c.worse_by() > tolerance + 1e-12]
    detail = "; ".join(
        f"{c.label} {c.new:.3f} (hiện hành {c.old:.3f})" if c.old is not None else f"{c.label} {c.new:.3f}"
        for c in comparisons
    )
    if not worse:
        return Decision(True, f"Không kém hơn mô hình hiện hành: {detail}.")
    names = tuple(c.name for c in worse)
    if force:
        return Decision(True, f"Ép thay thế (--force) dù kém hơn: {detail}.", names)
    return Decision(False, f"Từ chối: kém hơn mô hình hiện hành quá dung sai {tolerance:.3f}: {detail}.", names)


def read_current(path: Path) -> dict[str, Any] | None:
    """models/current.json: the served model and its metrics, or None before the first promotion."""
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
