"""The decision rule for questions a trainer has already labelled (bot/understanding/resolve.py)."""

from __future__ import annotations

import numpy as np

from bot.understanding.features import FEATURES
from bot.understanding.resolve import LABELLED_MIN_WORDS, _says_a_labelled_question


def row(**values: float) -> np.ndarray:
    r = np.zeros(len(FEATURES), dtype=np.float32)
    for name, value in values.items():
        r[FEATURES.index(name)] = value
    return r


WHOLE = {"form_example": 1.0, "name_cov": 1.0, "order": 1.0, "form_len": float(LABELLED_MIN_WORDS + 3)}


def test_a_whole_labelled_question_of_the_best_candidate_only_is_answered() -> None:
    assert _says_a_labelled_question(row(**WHOLE), row(name_cov=0.6))
    assert _says_a_labelled_question(row(**WHOLE), None)


def test_the_same_labelled_question_under_two_procedures_is_not_decided_by_it() -> None:
    assert not _says_a_labelled_question(row(**WHOLE), row(**WHOLE))


def test_a_partial_short_or_reordered_phrasing_or_a_name_match_does_not_count() -> None:
    assert not _says_a_labelled_question(row(**{**WHOLE, "name_cov": 0.9}), None)
    assert not _says_a_labelled_question(row(**{**WHOLE, "order": 0.8}), None)
    assert not _says_a_labelled_question(row(**{**WHOLE, "form_len": LABELLED_MIN_WORDS - 1.0}), None)
    assert not _says_a_labelled_question(row(**{**WHOLE, "form_example": 0.0, "form_alias": 1.0}), None)
    assert not _says_a_labelled_question(None, None)
