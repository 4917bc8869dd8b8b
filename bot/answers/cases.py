"""Which case of a procedure the citizen's question describes, by word overlap with the case names.

No word lists: a word counts by how few of the case names contain it (a word every case shares, such
as "trường hợp" or "đất", tells nothing), and two-word phrases count double so "ô tô" beats "tô".
A single syllable of one or two letters ("hộ", "tờ", "xe") counts only inside a two-word phrase:
alone it matches too much by chance; codes with a digit ("A1") count. Function words ("những",
"thì", "cần") never count alone; they are listed in data/seed/case_stopwords.txt.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from bot.settings import PROJECT_ROOT
from bot.text.normalize import fold

STOPWORDS_FILE = PROJECT_ROOT / "data" / "seed" / "case_stopwords.txt"


@lru_cache(maxsize=2)
def stopwords(path: Path = STOPWORDS_FILE) -> frozenset[str]:
    """Function words (folded) that never choose a case; a staff-editable data file."""
    if not path.exists():
        return frozenset()
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(fold(line) for line in lines if line and not line.startswith("#"))


def _terms(text: str) -> set[str]:
    words = [w for w in fold(text).replace("/", " ").split() if any(ch.isalnum() for ch in w)]
    words = ["".join(ch for ch in w if ch.isalnum()) for w in words]
    stop = stopwords()
    single = {w for w in words if (len(w) >= 3 or any(ch.isdigit() for ch in w)) and w not in stop}
    return single | {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)}


def case_scores(names: Sequence[str], hint: str) -> list[float]:
    """A score per case name: rarity-weighted overlap with the hint (0 when nothing is shared)."""
    if not names or not hint.strip():
        return [0.0] * len(names)
    terms = [_terms(n) for n in names]
    asked = _terms(hint)
    total = len(names)
    scores = []
    for own in terms:
        score = 0.0
        for term in own & asked:
            df = sum(1 for t in terms if term in t)
            weight = math.log(total / df)
            score += weight * (2 if " " in term else 1)
        scores.append(score)
    return scores


def choose_case(names: Sequence[str], hint: str) -> str:
    """The case name the hint describes best, or "" when no name shares a telling word with it."""
    scores = case_scores(names, hint)
    if not scores or max(scores) <= 0:
        return ""
    return names[scores.index(max(scores))]
