"""The run report: one section per pipeline step, written as JSON (for the admin) and Markdown (for people).

``report.json`` layout (``schema`` 1)::

    {"schema": 1,
     "run": {"stamp", "started_at", "finished_at", "seconds", "outcome": "promoted|refused|failed",
             "reason", "options": {...}},
     "sections": [{"name", "title", "status": "ok|warning|skipped|failed", "seconds", "summary",
                   "data": {...step-specific, JSON}}]}

Each step fills its own section; ``markdown`` is the section's human-readable body and is not in JSON.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.training.metrics import EvalResult

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
SECTION_OK, SECTION_WARNING, SECTION_SKIPPED, SECTION_FAILED = "ok", "warning", "skipped", "failed"
_STATUS_LABEL = {SECTION_OK: "xong", SECTION_WARNING: "có cảnh báo", SECTION_SKIPPED: "bỏ qua",
                 SECTION_FAILED: "lỗi"}


@dataclass
class Section:
    """What one step did: a one-line summary, machine-readable data and a Markdown body."""

    name: str
    title: str
    status: str = SECTION_OK
    seconds: float = 0.0
    summary: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    markdown: str = ""

    def skip(self, why: str) -> None:
        self.status, self.summary = SECTION_SKIPPED, why

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "status": self.status, "seconds": round(self.seconds, 2),
                "summary": self.summary, "data": self.data}


def report_dict(run: dict[str, Any], sections: list[Section]) -> dict[str, Any]:
    return {"schema": SCHEMA_VERSION, "run": run, "sections": [s.to_dict() for s in sections]}


def to_markdown(run: dict[str, Any], sections: list[Section]) -> str:
    lines = ["# Báo cáo huấn luyện", "",
             f"- **Kết quả**: {run.get('outcome', '')} — {run.get('reason', '')}",
             f"- **Bắt đầu**: {run.get('started_at', '')} · **thời gian**: {run.get('seconds', 0):.0f} s"]
    for key, value in (run.get("options") or {}).items():
        lines.append(f"- {key}: {value}")
    for s in sections:
        lines += ["", f"## {s.title}", "", f"*{_STATUS_LABEL.get(s.status, s.status)} · {s.seconds:.1f} s*"]
        if s.summary:
            lines += ["", s.summary]
        if s.markdown:
            lines += ["", s.markdown.rstrip()]
    return "\n".join(lines) + "\n"


def write_report(report_dir: Path, run: dict[str, Any], sections: list[Section]) -> dict[str, Any]:
    """Write report.json and report.md under ``report_dir``; returns the JSON document."""
    report_dir.mkdir(parents=True, exist_ok=True)
    document = report_dict(run, sections)
    (report_dir / "report.json").write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    (report_dir / "report.md").write_text(to_markdown(run, sections), encoding="utf-8")
    return document


def metrics_table(results: dict[str, EvalResult]) -> str:
    """Per-intent precision/recall/F1 of several models side by side (columns ``<model> F1``...)."""
    names = list(results)
    intents = sorted({i for r in results.values() for i in r.per_intent})
    head = "| intent | support | " + " | ".join(f"F1 {n}" for n in names) + " |"
    lines = [head, "|---|---:|" + "---:|" * len(names)]
    for intent in intents:
        support = next((int(r.per_intent[intent]["support"]) for r in results.values() if intent in r.per_intent), 0)
        cells = [f"{r.per_intent[intent]['f1']:.3f}" if intent in r.per_intent else "–" for r in results.values()]
        lines.append(f"| {intent} | {support} | " + " | ".join(cells) + " |")
    lines.append("| **macro F1** | | " + " | ".join(f"**{r.macro_f1:.3f}**" for r in results.values()) + " |")
    lines.append("| **accuracy** | | " + " | ".join(f"{r.accuracy:.3f}" for r in results.values()) + " |")
    return "\n".join(lines)


def misclassified_table(result: EvalResult, *, limit: int = 100) -> str:
    if not result.misclassified:
        return ""
    lines = ["| câu | đúng | dự đoán | độ tin cậy |", "|---|---|---|---:|"]
    for w in result.misclassified[:limit]:
        text = str(w["text"]).replace("|", "\\|")
        lines.append(f"| {text} | {w['gold']} | {w['predicted']} | {w['confidence']} |")
    return "\n".join(lines)


def confusion_png(result: EvalResult, path: Path) -> None:
    """Draw the confusion matrix (rows = gold, columns = predicted)."""
    import matplotlib

    matplotlib.use("Agg")  # no display on servers
    import matplotlib.pyplot as plt

    labels = result.labels
    size = max(4.0, 0.45 * len(labels) + 2)
    fig, ax = plt.subplots(figsize=(size, size))
    try:
        ax.imshow(result.confusion or [[0]], cmap="Blues")
        ax.set_xticks(range(len(labels)))
        ax.set_yticks(range(len(labels)))
        ax.set_xticklabels(labels, rotation=60, ha="right", fontsize=8)
        ax.set_yticklabels(labels, fontsize=8)
        ax.set_xlabel("predicted")
        ax.set_ylabel("gold")
        ax.set_title(f"{result.name}: macro F1 {result.macro_f1:.3f}")
        for i, row in enumerate(result.confusion):
            for j, value in enumerate(row):
                if value:
                    ax.text(j, i, str(value), ha="center", va="center", fontsize=7)
        fig.tight_layout()
        fig.savefig(path, dpi=110)
    finally:
        plt.close(fig)


def try_confusion_png(result: EvalResult, path: Path) -> bool:
    """Draw the matrix; a drawing failure is logged and never fails the run."""
    if not result.count:
        return False
    try:
        confusion_png(result, path)
    except (ValueError, OSError):
        logger.exception("Could not draw the confusion matrix of %s", result.name)
        return False
    return True
