"""Evaluation reports: per-intent JSON and Markdown, a confusion-matrix PNG, the misclassified examples."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from bot.training.metrics import EvalResult

logger = logging.getLogger(__name__)


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


def _markdown(results: list[EvalResult], meta: dict[str, Any]) -> str:
    lines = ["# Báo cáo huấn luyện", ""]
    for key, value in meta.items():
        lines.append(f"- **{key}**: {value}")
    for r in results:
        lines += [
            "",
            f"## {r.name} ({r.count} câu)",
            "",
            f"Độ chính xác {r.accuracy:.3f} · macro F1 {r.macro_f1:.3f} · weighted F1 {r.weighted_f1:.3f}",
            "",
            f"![confusion matrix](confusion-{r.name}.png)",
            "",
            "| intent | precision | recall | F1 | support |",
            "|---|---:|---:|---:|---:|",
        ]
        for intent, m in r.per_intent.items():
            lines.append(
                f"| {intent} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['support']} |"
            )
        if r.misclassified:
            lines += ["", "### Câu bị phân loại sai", "", "| câu | đúng | dự đoán | độ tin cậy |", "|---|---|---|---:|"]
            for w in r.misclassified[:200]:
                text = str(w["text"]).replace("|", "\\|")
                lines.append(f"| {text} | {w['gold']} | {w['predicted']} | {w['confidence']} |")
    return "\n".join(lines) + "\n"


def write_report(report_dir: Path, results: list[EvalResult], meta: dict[str, Any]) -> Path:
    """Write everything under ``report_dir``; returns the Markdown file."""
    report_dir.mkdir(parents=True, exist_ok=True)
    data = {"meta": meta, "results": {r.name: r.to_dict() for r in results}}
    (report_dir / "metrics.json").write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    misclassified = {r.name: r.misclassified for r in results}
    (report_dir / "misclassified.json").write_text(
        json.dumps(misclassified, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    for r in results:
        if r.count:
            try:
                confusion_png(r, report_dir / f"confusion-{r.name}.png")
            except (ValueError, OSError):
                logger.exception("Could not draw the confusion matrix of %s", r.name)
    md = report_dir / "report.md"
    md.write_text(_markdown(results, meta), encoding="utf-8")
    return md
