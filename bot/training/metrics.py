"""Intent-classification metrics, the dev-set intent mapping and reading the question files."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support

logger = logging.getLogger(__name__)

# gold_intent of the evaluation set -> our intent names (domain.yml).
GOLD_INTENT_MAP = {
    "thanh_phan_ho_so": "ask_documents",
    "thoi_han": "ask_time",
    "phi_le_phi": "ask_fee",
    "noi_nop": "ask_place",
    "trinh_tu": "ask_steps",
    "tong_quan": "ask_overview",
    "dieu_kien": "ask_conditions",
    "truc_tuyen": "ask_online",
    "can_cu_phap_ly": "ask_legal_basis",
}


@dataclass(frozen=True)
class LabelledText:
    text: str
    intent: str
    source: str = ""  # file:line or example id, to find it again


@dataclass
class EvalResult:
    """Metrics of one evaluation set; ``per_intent`` maps intent -> precision/recall/f1/support."""

    name: str
    count: int
    accuracy: float
    macro_f1: float
    weighted_f1: float
    per_intent: dict[str, dict[str, float]] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)
    confusion: list[list[int]] = field(default_factory=list)
    misclassified: list[dict[str, object]] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def evaluate_predictions(
    name: str, items: Sequence[LabelledText], predictions: Sequence[tuple[str, float]]
) -> EvalResult:
    """Per-intent precision/recall/F1 over the gold intents, plus the confusion matrix and errors."""
    gold = [i.intent for i in items]
    pred = [p[0] or "" for p in predictions]
    if not gold:
        return EvalResult(name=name, count=0, accuracy=0.0, macro_f1=0.0, weighted_f1=0.0)
    gold_labels = sorted(set(gold))
    p, r, f, s = precision_recall_fscore_support(gold, pred, labels=gold_labels, zero_division=0)
    per_intent = {
        label: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
        for i, label in enumerate(gold_labels)
    }
    _, _, wf, _ = precision_recall_fscore_support(
        gold, pred, labels=gold_labels, average="weighted", zero_division=0
    )
    all_labels = sorted(set(gold) | set(pred))
    matrix = confusion_matrix(gold, pred, labels=all_labels)
    wrong = [
        {"text": it.text, "gold": it.intent, "predicted": pr, "confidence": round(float(conf or 0.0), 4),
         "source": it.source}
        for it, (pr, conf) in zip(items, predictions, strict=False)
        if pr != it.intent
    ]
    return EvalResult(
        name=name,
        count=len(gold),
        accuracy=float(accuracy_score(gold, pred)),
        macro_f1=float(sum(float(x) for x in f) / len(f)),
        weighted_f1=float(wf),
        per_intent=per_intent,
        labels=all_labels,
        confusion=matrix.tolist(),
        misclassified=wrong,
    )


def load_question_file(path: Path, *, known: set[str] | None = None) -> list[LabelledText]:
    """Questions of a dev-set JSONL file whose gold_intent maps to one of our intents."""
    items: list[LabelledText] = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            line = line.strip()
            if not line:
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                logger.warning("Skipping malformed line %s of %s", n, path)
                continue
            gold = GOLD_INTENT_MAP.get(str(record.get("gold_intent") or ""), "")
            question = str(record.get("question") or "").strip()
            if not gold or not question or (known is not None and gold not in known):
                continue
            items.append(LabelledText(text=question, intent=gold, source=f"{path.name}:{record.get('id', n)}"))
    return items
