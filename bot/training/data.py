"""Training data for a run: the NLU files Rasa reads, the frozen held-out set, and the file trained on.

The held-out set (eval/nlu-heldout.yml) is never trained on: any training example whose folded text
equals a held-out example is dropped before training, wherever it came from (data/nlu, the database
export, an example staff added in the admin).
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.text.normalize import fold
from bot.training.metrics import LabelledText

logger = logging.getLogger(__name__)


class HeldOutError(RuntimeError):
    """The frozen held-out set is missing or unusable: the gate cannot compare models without it."""


@dataclass(frozen=True)
class HeldOutSet:
    path: Path
    items: tuple[LabelledText, ...]
    sha256: str

    @property
    def folded(self) -> frozenset[str]:
        return frozenset(fold(i.text) for i in self.items)

    def describe(self) -> dict[str, object]:
        per_intent = Counter(i.intent for i in self.items)
        return {"file": str(self.path), "sha256": self.sha256, "count": len(self.items),
                "per_intent": dict(sorted(per_intent.items()))}


def nlu_files(directory: Path) -> list[Path]:
    """Files under ``directory`` that Rasa recognises as NLU data (a README beside them is not one)."""
    from rasa.shared.data import get_data_files, is_nlu_file

    return sorted(Path(p) for p in get_data_files([str(directory)], is_nlu_file))


def _load(files: Sequence[Path]):  # noqa: ANN202 - rasa's TrainingData, imported lazily
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.training_data import TrainingData

    return TrainingData().merge(*[load_data(str(f)) for f in files])


def load_heldout(path: Path, *, intents: Sequence[str] = ()) -> HeldOutSet:
    """Read the frozen set; every example must name an intent of the domain (when ``intents`` is given)."""
    if not path.exists():
        raise HeldOutError(f"frozen held-out set {path} not found (see eval/README.md)")
    data = _load([path])
    items = tuple(
        LabelledText(text=m.get("text"), intent=m.get("intent"), source=f"{path.name}")
        for m in data.intent_examples
    )
    if not items:
        raise HeldOutError(f"frozen held-out set {path} has no examples")
    unknown = sorted({i.intent for i in items} - set(intents)) if intents else []
    if unknown:
        raise HeldOutError(f"frozen held-out set names intents the domain does not declare: {', '.join(unknown)}")
    return HeldOutSet(path=path, items=items, sha256=hashlib.sha256(path.read_bytes()).hexdigest())


@dataclass(frozen=True)
class TrainingFile:
    path: Path
    examples: int
    per_intent: dict[str, int]
    excluded: tuple[str, ...]  # training examples dropped because they are in the held-out set


def write_training_file(files: Sequence[Path], heldout: HeldOutSet | None, out: Path) -> TrainingFile:
    """Merge the NLU files into one, without any held-out example; lookups and synonyms are kept."""
    from rasa.shared.nlu.training_data.training_data import TrainingData

    data = _load(files)
    banned = heldout.folded if heldout else frozenset()
    kept, excluded = [], []
    for message in data.training_examples:
        text = message.get("text")
        if message.get("intent") and text and fold(text) in banned:
            excluded.append(text)
        else:
            kept.append(message)
    filtered = TrainingData(
        training_examples=kept,
        entity_synonyms=data.entity_synonyms,
        regex_features=data.regex_features,
        lookup_tables=data.lookup_tables,
        responses=data.responses,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(filtered.nlu_as_yaml(), encoding="utf-8")
    per_intent = Counter(m.get("intent") for m in filtered.intent_examples)
    if excluded:
        logger.warning("Dropped %d training example(s) that are in the frozen held-out set", len(excluded))
    return TrainingFile(path=out, examples=len(filtered.intent_examples), per_intent=dict(sorted(per_intent.items())),
                        excluded=tuple(excluded))
