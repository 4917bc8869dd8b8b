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


def _from_sections(data: dict[str, Any], source: str) -> TrainingReport:
    """The pipeline's report (schema 1: ``run`` and a list of step ``sections``) laid out for people."""
    raw_run = data.get("run")
    meta: dict[str, Any] = raw_run if isinstance(raw_run, dict) else {}
    sections = {s.get("name"): s for s in data.get("sections") or [] if isinstance(s, dict)}
    gate_data = (sections.get("gate") or {}).get("data") or {}
    gate: dict[str, Any] = {}
    if isinstance(gate_data, dict) and gate_data:
        gate["promoted"] = gate_data.get("promote")
        for c in gate_data.get("comparisons") or []:
            if isinstance(c, dict):
                gate[str(c.get("label") or c.get("name"))] = f"mới {c.get('new')} · hiện hành {c.get('old')}"
        if meta.get("reason"):
            gate["lý do"] = meta["reason"]
    report = TrainingReport(source=source, meta=meta, gate=gate)
    models = ((sections.get("evaluate") or {}).get("data") or {}).get("models") or {}
    for model, entry in models.items() if isinstance(models, dict) else []:
        for set_name, raw in ((entry or {}).get("results") or {}).items():
            parsed = _eval_set(f"{set_name} — {model}", raw)
            if parsed is not None:
                parsed.name = f"{set_name} — {'mô hình mới' if model == 'candidate' else 'mô hình hiện hành'}"
                report.sets.append(parsed)
    report.extra = {
        str(s.get("title") or name): json.dumps(s.get("data"), ensure_ascii=False, indent=2)[:20_000]
        for name, s in sections.items() if name not in ("gate", "evaluate") and s.get("data")
    }
    return report


def report_from_json(text: str, source: str = "") -> TrainingReport | None:
    """A report stored with the run (either layout), or None when there is none or it is unreadable."""
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        logger.exception("Unreadable training report %s", source)
        return None
    if not isinstance(data, dict):
        return None
    if "sections" in data:
        return _from_sections(data, source)
    return _from_layout(data, source)


def _from_layout(data: dict[str, Any], source: str) -> TrainingReport:
    raw_meta = data.get("meta")
    meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
    report = TrainingReport(source=source, meta=meta, gate=_gate(data, meta))
    results = data.get("results") or {}
    items = results.items() if isinstance(results, dict) else enumerate(results if isinstance(results, list) else [])
    for key, raw in items:
        parsed = _eval_set(str(key), raw)
        if parsed is not None:
            report.sets.append(parsed)
    report.extra = {k: json.dumps(v, ensure_ascii=False, indent=2)[:20_000] for k, v in data.items() if k not in KNOWN}
    return report


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
        return _from_sections(data, str(path)) if "sections" in data else _from_layout(data, str(path))
    return None
