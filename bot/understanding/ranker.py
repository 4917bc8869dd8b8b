"""The learned ranker and its calibrated confidence, trained from labelled questions (see train.py).

Two small models: a LambdaMART ranker (LightGBM) scores each (question, candidate) pair, trained on
which candidate is right among the candidates of each labelled question; a logistic regression turns
the best and second-best group scores, and the best candidate's own evidence, into the probability
that the best group is right. Thresholds on that probability, fitted on a development split, decide between answering,
asking back ("Có phải bạn hỏi về …?") and saying it is not in our data.
"""

from __future__ import annotations

import io
import pickle
from collections.abc import Sequence
from dataclasses import dataclass, field

import lightgbm as lgb
import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from threadpoolctl import ThreadpoolController

from bot.understanding.features import FEATURES

ANSWER, CLARIFY, ABSTAIN = "answer", "clarify", "abstain"
# Scoring a few dozen rows: OpenMP's thread start-up costs a hundred times the work itself.
_THREADS = ThreadpoolController()
CALIBRATION_FEATURES = (
    "top", "second", "gap", "third", "q_len", "q_unknown", "q_empty", "q_context", "n_groups",
    # the best candidate's own evidence: what of the question it leaves unexplained, how much it covers
    "unexplained_idf", "unexplained_n", "q_cov", "name_cov", "subject_missing", "variant_missing", "focus_cov",
    "form_alias", "form_example", "q_story",
    # the runner-up's: a more specific sibling ("… lưu động") that the question does not mention
    "second_name_cov", "second_q_cov", "second_variant_extra", "second_variant_missing",
)


@dataclass(frozen=True)
class Thresholds:
    """Calibrated confidence needed to answer without asking, and to offer choices at all."""

    answer: float = 0.8  # on the confidence that the best procedure is right
    clarify: float = 0.25  # on the confidence that the right one is among the choices
    choice_gap: float = 3.0  # how far below the best group's score another may be and still be offered


@dataclass
class Ranker:
    """A trained ranker; ``features`` records the feature order it was trained with."""

    model: lgb.LGBMRanker
    calibrator: HistGradientBoostingClassifier | None
    thresholds: Thresholds = field(default_factory=Thresholds)
    features: tuple[str, ...] = FEATURES
    report: dict = field(default_factory=dict)
    # P(the right procedure is among the choices offered when asking back): decides ask vs abstain.
    choice_calibrator: HistGradientBoostingClassifier | None = None

    def score(self, rows: np.ndarray) -> np.ndarray:
        """How likely each candidate (row) is what the question means (a ranking score, not a probability)."""
        if rows.shape[0] == 0:
            return np.zeros(0, dtype=np.float32)
        with _THREADS.limit(limits=1, user_api="openmp"):
            return np.asarray(self.model.predict(rows, num_threads=1), dtype=np.float32)

    def confidence(
        self, group_scores: Sequence[float], best_row: np.ndarray | None, second_row: np.ndarray | None = None
    ) -> float:
        """Calibrated probability that the best group is right (rows: the best and runner-up candidates' features)."""
        x = calibration_row(group_scores, best_row, second_row)
        if self.calibrator is None:
            return float(x[0])
        with _THREADS.limit(limits=1, user_api="openmp"):
            return float(self.calibrator.predict_proba(x.reshape(1, -1))[0, 1])

    def choice_confidence(
        self, group_scores: Sequence[float], best_row: np.ndarray | None, second_row: np.ndarray | None = None
    ) -> float:
        """Calibrated probability that the right procedure is among the choices offered."""
        if self.choice_calibrator is None:
            return self.confidence(group_scores, best_row, second_row)
        x = calibration_row(group_scores, best_row, second_row)
        with _THREADS.limit(limits=1, user_api="openmp"):
            return float(self.choice_calibrator.predict_proba(x.reshape(1, -1))[0, 1])

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


def calibration_row(
    group_scores: Sequence[float], best_row: np.ndarray | None, second_row: np.ndarray | None = None
) -> np.ndarray:
    """Features of a whole question for the calibrators: group scores best first, the question's and
    the best candidate's features, and the runner-up's."""
    s = list(group_scores) + [0.0, 0.0, 0.0]
    q = dict(zip(FEATURES, best_row, strict=True)) if best_row is not None else {}
    r = dict(zip(FEATURES, second_row, strict=True)) if second_row is not None else {}
    values = {"top": s[0], "second": s[1], "gap": s[0] - s[1], "third": s[2], "n_groups": float(len(group_scores))}
    values.update({f"second_{k}": r.get(k, 0.0) for k in ("name_cov", "q_cov", "variant_extra", "variant_missing")})
    return np.array([values.get(name, q.get(name, 0.0)) for name in CALIBRATION_FEATURES], dtype=np.float32)


def best_rows(groups: Sequence[str], scores: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Feature rows of the best candidate and of the best candidate of another group."""
    if not len(scores):
        return None, None
    order = np.argsort(-scores)
    best = int(order[0])
    second = next((int(i) for i in order[1:] if groups[int(i)] != groups[best]), None)
    return rows[best], rows[second] if second is not None else None


def new_model(seed: int = 0) -> lgb.LGBMRanker:
    return lgb.LGBMRanker(
        n_estimators=400, learning_rate=0.05, num_leaves=31, min_child_samples=20, subsample=0.9,
        subsample_freq=1, colsample_bytree=0.9, random_state=seed, n_jobs=2, verbose=-1,
    )


def new_calibrator() -> HistGradientBoostingClassifier:
    """Small and regularised: a few thousand out-of-fold questions fit it."""
    return HistGradientBoostingClassifier(
        max_iter=150, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=20, l2_regularization=1.0,
        random_state=0,
    )
