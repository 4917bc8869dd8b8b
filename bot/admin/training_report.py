"""Reading a training run's report (JSON written by the trainer pipeline) for the admin page.

Tolerant by design: known sections (meta, per-set results with per-intent scores, confusion matrix and
misclassified examples, the gate decision) are laid out; anything else is listed as it is.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

REPORT_FILES = ("report.json", "metrics.json")
MAX_MISCLASSIFIED = 200
KNOWN = {"meta", "results", "gate"}


@dataclass
class EvalSet:
    name: str
    count: int | None = None
    scores: dict[str, Any] = field(default_factory=dict)  # accuracy, macro_f1, ... (whatever is there)
    per_intent: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    confusion: list[list[int]] = field(default_factory=list)
    misclassified: list[dict[str, Any]] = field(default_factory=list)
    more_misclassified: int = 0


@dataclass
class TrainingReport:
    source: str
    meta: dict[str, Any] = field(default_factory=dict)
    gate: dict[str, Any] = field(default_factory=dict)
    sets: list[EvalSet] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)  # other sections, pretty-printed JSON


def _eval_set(name: str, raw: Any) -> EvalSet | None:
    if not isinstance(raw, dict):
        return None
    result = EvalSet(name=str(raw.get("name") or name))
    count = raw.get("count")
    result.count = int(count) if isinstance(count, (int, float)) else None
    result.scores = {k: v for k, v in raw.items() if isinstance(v, (int, float)) and k != "count"}
    per_intent = raw.get("per_intent") or {}
    if isinstance(per_intent, dict):
        result.per_intent = [(str(k), v) for k, v in per_intent.items() if isinstance(v, dict)]
    labels, confusion = raw.get("labels") or [], raw.get("confusion") or []
    if isinstance(labels, list) and isinstance(confusion, list) and len(confusion) == len(labels):
        result.labels = [str(x) for x in labels]
        result.confusion = [[int(v) for v in row] for row in confusion if isinstance(row, list)]
    wrong = raw.get("misclassified") or []
    if isinstance(wrong, list):
        result.misclassified = [w for w in wrong[:MAX_MISCLASSIFIED] if isinstance(w, dict)]
        result.more_misclassified = max(0, len(wrong) - MAX_MISCLASSIFIED)
    return result


def _gate(data: dict[str, Any], meta: dict[str, Any]) -> dict[str, Any]:
    gate = data.get("gate")
    if isinstance(gate, dict):
        return gate
    return {k: meta[k] for k in ("promoted", "decision", "reason", "current_model", "current_macro_f1") if k in meta}


def load_report(report_dir: str) -> TrainingReport | None:
    """The report of a run, or None when the run wrote none (yet) or it cannot be read."""
    if not report_dir:
        return None
    for name in REPORT_FILES:
        path = Path(report_dir) / name
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            continue
        except (OSError, ValueError):
            logger.exception("Unreadable training report %s", path)
            return None
        if not isinstance(data, dict):
            return None
        raw_meta = data.get("meta")
        meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
        report = TrainingReport(source=str(path), meta=meta, gate=_gate(data, meta))
        results = data.get("results") or {}
        items = results.items() if isinstance(results, dict) else enumerate(results if isinstance(results, list) else [])
        for key, raw in items:
            parsed = _eval_set(str(key), raw)
            if parsed is not None:
                report.sets.append(parsed)
        report.extra = {k: json.dumps(v, ensure_ascii=False, indent=2)[:20_000] for k, v in data.items() if k not in KNOWN}
        return report
    return None
