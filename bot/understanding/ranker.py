"""The learned ranker and its calibrated confidence, trained from labelled questions (see train.py).

Two small models: a LambdaMART ranker (LightGBM) scores each (question, candidate) pair, trained on
which candidate is right among the candidates of each labelled question; a logistic regression turns
the best and second-best group scores into the probability that the best group is right. Thresholds on that probability, fitted on a development split, decide between answering,
asking back ("Có phải bạn hỏi về …?") and saying it is not in our data.
"""

from __future__ import annotations

import io
import pickle
from collections.abc import Sequence
from dataclasses import dataclass, field

import lightgbm as lgb
import numpy as np
from sklearn.linear_model import LogisticRegression
from threadpoolctl import ThreadpoolController

from bot.understanding.features import FEATURES

ANSWER, CLARIFY, ABSTAIN = "answer", "clarify", "abstain"
# Scoring a few dozen rows: OpenMP's thread start-up costs a hundred times the work itself.
_THREADS = ThreadpoolController()
CALIBRATION_FEATURES = ("top", "second", "gap", "third", "q_len", "q_unknown", "q_empty", "q_context", "n_groups")


@dataclass(frozen=True)
class Thresholds:
    """Calibrated confidence needed to answer without asking, and to offer choices at all."""

    answer: float = 0.8
    clarify: float = 0.25
    candidate: float = 0.05  # a group's own score needed to be offered as a choice


@dataclass
class Ranker:
    """A trained ranker; ``features`` records the feature order it was trained with."""

    model: lgb.LGBMRanker
    calibrator: LogisticRegression | None
    thresholds: Thresholds = field(default_factory=Thresholds)
    features: tuple[str, ...] = FEATURES
    report: dict = field(default_factory=dict)

    def score(self, rows: np.ndarray) -> np.ndarray:
        """How likely each candidate (row) is what the question means (a ranking score, not a probability)."""
        if rows.shape[0] == 0:
            return np.zeros(0, dtype=np.float32)
        with _THREADS.limit(limits=1, user_api="openmp"):
            return np.asarray(self.model.predict(rows, num_threads=1), dtype=np.float32)

    def confidence(self, group_scores: Sequence[float], query_row: np.ndarray | None) -> float:
        """Calibrated probability that the best group is right."""
        x = calibration_row(group_scores, query_row)
        if self.calibrator is None:
            return float(x[0])
        return float(self.calibrator.predict_proba(x.reshape(1, -1))[0, 1])

    def dumps(self) -> bytes:
        buffer = io.BytesIO()
        pickle.dump(self, buffer, protocol=pickle.HIGHEST_PROTOCOL)
        return buffer.getvalue()

    @staticmethod
    def loads(data: bytes) -> Ranker:
        ranker = pickle.loads(data)  # noqa: S301 - written only by our own trainer into our database
        if not isinstance(ranker, Ranker) or tuple(ranker.features) != FEATURES:
            raise ValueError("the stored ranker was trained with other features; retrain it (make train)")
        return ranker


def calibration_row(group_scores: Sequence[float], query_row: np.ndarray | None) -> np.ndarray:
    """Features of a whole question for the calibrator (group scores best first, query features)."""
    s = list(group_scores) + [0.0, 0.0, 0.0]
    q = dict(zip(FEATURES, query_row, strict=True)) if query_row is not None else {}
    return np.array(
        [s[0], s[1], s[0] - s[1], s[2], q.get("q_len", 0.0), q.get("q_unknown", 0.0), q.get("q_empty", 0.0),
         q.get("q_context", 0.0), float(len(group_scores))],
        dtype=np.float32,
    )


def new_model(seed: int = 0) -> lgb.LGBMRanker:
    return lgb.LGBMRanker(
        n_estimators=400, learning_rate=0.05, num_leaves=31, min_child_samples=20, subsample=0.9,
        subsample_freq=1, colsample_bytree=0.9, random_state=seed, n_jobs=2, verbose=-1,
    )


def new_calibrator() -> LogisticRegression:
    return LogisticRegression(C=1.0, max_iter=1000)
