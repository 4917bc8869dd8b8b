"""Train the ranker and fit its confidence thresholds from labelled questions.

    python -m bot.understanding.train            # from the database; stores the ranker there

The calibrator and the thresholds are fitted on out-of-fold scores: every labelled question is
scored by a ranker trained without it, so the thresholds are measured on questions it never saw.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.model_selection import cross_val_predict

from bot.text.normalize import fold
from bot.understanding.generate import Labelled
from bot.understanding.index import ProcedureIndex
from bot.understanding.query import analyse
from bot.understanding.ranker import (
    Ranker,
    Thresholds,
    best_rows,
    calibration_row,
    new_calibrator,
    new_model,
)
from bot.understanding.resolve import GroupScore, offered, score_candidates

logger = logging.getLogger(__name__)

# Of the questions the bot answers without asking, at least this share must be right.
TARGET_PRECISION = 0.985
# When it asks back, the right procedure should be among the choices this often.
TARGET_CLARIFY_RECALL = 0.6


@dataclass
class Featurised:
    """One labelled question: its candidates' feature rows and which candidates are right."""

    example: Labelled
    rows: np.ndarray
    labels: np.ndarray  # 1 for a candidate in the gold group
    groups: list[str]
    gold_groups: set[str]


def featurise(index: ProcedureIndex, examples: Sequence[Labelled]) -> list[Featurised]:
    """Candidates and features of each question, with the phrasings its own writer labelled left out
    of the index: a question always finds itself, and a writer's other questions share their style;
    the ranker and its thresholds must learn from how a new citizen's question finds the rest."""
    out = []
    for ex in examples:
        query = analyse(ex.text, lexicon=index.lexicon, name_words=index.name_words)
        own = [*index.example_forms.get(fold(ex.text), []), *index.source_forms.get(ex.source, [])]
        retrieved, rows, _ = score_candidates(index, None, query, ex.context, exclude=own)
        gold_groups = {index.group[index.by_code[c]] for c in ex.gold if c in index.by_code}
        groups = [index.group[p] for p in retrieved.candidates]
        labels = np.array([g in gold_groups for g in groups], dtype=np.int8)
        out.append(Featurised(ex, rows, labels, groups, gold_groups))
    return out


@dataclass
class DevOutcome:
    """What the fitted ranker does with one development question."""

    has_gold: bool
    top_right: bool
    in_choices: bool
    source: str = ""


@dataclass
class TrainReport:
    train_questions: int = 0
    dev_questions: int = 0
    retrieval_recall: float = 0.0
    top1: float = 0.0
    thresholds: Thresholds = field(default_factory=Thresholds)
    answered: float = 0.0
    answered_precision: float = 0.0
    clarified: float = 0.0
    abstained_no_gold: float = 0.0

    def as_dict(self) -> dict:
        d = dict(self.__dict__)
        d["thresholds"] = self.thresholds.__dict__
        return d


# A question a citizen wrote counts this many times a generated one: it is what the ranker is for.
REAL_WEIGHT = 3.0


def _fit_ranker(items: Sequence[Featurised], seed: int):  # type: ignore[no-untyped-def]
    """LambdaMART over the questions whose right procedure was retrieved (one query group each)."""
    kept = [f for f in items if f.rows.shape[0] and f.labels.any()]
    model = new_model(seed)
    if not kept:
        raise ValueError("no labelled question found its procedure among the candidates: nothing to learn from")
    weights = np.concatenate([
        np.full(f.rows.shape[0], 1.0 if f.example.source.startswith("generated") else REAL_WEIGHT) for f in kept
    ])
    model.fit(np.vstack([f.rows for f in kept]), np.concatenate([f.labels for f in kept]),
              group=[f.rows.shape[0] for f in kept], sample_weight=weights)
    return model


def _dev_outcomes(ranker: Ranker, items: Sequence[Featurised]) -> tuple[np.ndarray, np.ndarray, list[DevOutcome]]:
    """Calibration rows (best group scores, best candidate's evidence), whether the top is right, and outcomes."""
    x, y, outcomes = [], [], []
    for f in items:
        if not f.rows.shape[0]:
            continue
        scores = ranker.score(f.rows)
        best: dict[str, float] = {}
        for g, s in zip(f.groups, scores, strict=True):
            best[g] = max(best.get(g, 0.0), float(s))
        ranked = sorted(best.items(), key=lambda kv: -kv[1])
        x.append(calibration_row([s for _, s in ranked], *best_rows(f.groups, scores, f.rows)))
        # An ambiguous question is never "right" to answer outright: the bot should ask which one.
        right = bool(f.gold_groups) and ranked[0][0] in f.gold_groups and not f.example.ambiguous
        y.append(int(right))
        top = [g.key for g in offered([GroupScore(k, (), "", s) for k, s in ranked], ranker.thresholds)]
        outcomes.append(DevOutcome(bool(f.gold_groups), right, bool(set(top) & f.gold_groups), f.example.source))
    return np.array(x, dtype=np.float32), np.array(y, dtype=np.int8), outcomes


def fit_thresholds(outcomes: Sequence[DevOutcome], confidences: np.ndarray, choices: np.ndarray) -> Thresholds:
    """The lowest answer threshold meeting TARGET_PRECISION, and a clarify threshold (on the choice
    confidence) below which the right procedure is rarely among the choices: there, saying "not in
    our data" is more honest than offering a list."""
    order = np.argsort(-confidences)
    answer = 0.99
    right = 0
    for n, i in enumerate(order, 1):
        right += outcomes[i].top_right
        if n >= 30 and right / n >= TARGET_PRECISION:
            answer = float(confidences[i])
    answer = min(max(answer, 0.5), 0.99)
    below = sorted((i for i in range(len(outcomes)) if confidences[i] < answer), key=lambda i: -choices[i])
    clarify = 0.99
    window = 40
    for k in range(len(below)):
        recent = below[max(0, k - window + 1) : k + 1]
        if len(recent) >= 10 and sum(outcomes[i].in_choices for i in recent) / len(recent) < TARGET_CLARIFY_RECALL:
            break
        clarify = float(choices[below[k]])
    return Thresholds(answer=answer, clarify=clarify)


FOLDS = 3


def _fold(f: Featurised) -> int:
    return int(hashlib.sha1(f.example.text.encode("utf-8")).hexdigest()[:8], 16) % FOLDS


def fit(index: ProcedureIndex, examples: Sequence[Labelled], *, seed: int = 0) -> Ranker:
    """Train the pair ranker, the calibrator and the thresholds from labelled questions."""
    started = time.monotonic()
    ranker = fit_featurised(featurise(index, examples), seed=seed)
    ranker.report["examples"] = len(examples)
    ranker.report["seconds"] = round(time.monotonic() - started, 1)
    return ranker


def fit_featurised(items: Sequence[Featurised], *, seed: int = 0) -> Ranker:
    """The ranker on every question; the calibrator and thresholds on out-of-fold scores.

    Each question is scored by a ranker that never saw it (three folds), so the confidence the
    calibrator learns, and the thresholds fitted on it, hold for questions nobody labelled.
    """
    xs, ys, outcomes = [], [], []
    for k in range(FOLDS):
        model = _fit_ranker([f for f in items if _fold(f) != k], seed)
        cx, cy, outs = _dev_outcomes(Ranker(model=model, calibrator=None), [f for f in items if _fold(f) == k])
        xs.append(cx)
        ys.append(cy)
        outcomes += outs
    cx, cy = np.vstack(xs), np.concatenate(ys)
    ranker = Ranker(model=_fit_ranker(items, seed), calibrator=None)
    confidences = cx[:, 0]
    if len(set(cy.tolist())) == 2:
        ranker.calibrator = new_calibrator().fit(cx, cy)
        confidences = cross_val_predict(new_calibrator(), cx, cy, cv=FOLDS, method="predict_proba")[:, 1]
    in_choices = np.array([int(o.in_choices) for o in outcomes], dtype=np.int8)
    choices = confidences
    if len(set(in_choices.tolist())) == 2:
        ranker.choice_calibrator = new_calibrator().fit(cx, in_choices)
        choices = cross_val_predict(new_calibrator(), cx, in_choices, cv=FOLDS, method="predict_proba")[:, 1]
    # Thresholds from real labelled questions only: generated ones are easier or stranger than what
    # citizens write, and the thresholds must hold for citizens.
    real = [i for i, o in enumerate(outcomes) if not o.source.startswith("generated")]
    fitted_on = real if len(real) >= 100 else list(range(len(outcomes)))
    ranker.thresholds = fit_thresholds([outcomes[i] for i in fitted_on], confidences[fitted_on], choices[fitted_on])
    report = TrainReport(
        train_questions=len(items),
        dev_questions=len(outcomes),
        retrieval_recall=float(np.mean([float(f.labels.any()) for f in items if f.example.gold] or [0.0])),
        top1=float(np.mean([float(o.top_right) for o in outcomes if o.has_gold] or [0.0])),
        thresholds=ranker.thresholds,
    )
    if fitted_on:
        # What the thresholds do with the questions they were fitted on (real ones when there are enough).
        chosen = [outcomes[i] for i in fitted_on]
        conf = confidences[fitted_on]
        answered = conf >= ranker.thresholds.answer
        report.answered = float(answered.mean())
        picked = [o for o, a in zip(chosen, answered, strict=True) if a]
        report.answered_precision = float(np.mean([o.top_right for o in picked])) if picked else 1.0
        choice = choices[fitted_on]
        report.clarified = float(((choice >= ranker.thresholds.clarify) & ~answered).mean())
        no_gold = [c < ranker.thresholds.clarify for o, c in zip(chosen, choice, strict=True) if not o.has_gold]
        report.abstained_no_gold = float(np.mean(no_gold)) if no_gold else 1.0
    ranker.report = report.as_dict()
    logger.info("ranker trained: %s", ranker.report)
    return ranker


@dataclass
class GateScore:
    """How a ranker does on a frozen question file: right decisions and wrong-procedure answers."""

    questions: int = 0
    right: int = 0
    wrong_procedure: int = 0
    clarified: int = 0

    @property
    def accuracy(self) -> float:
        return self.right / self.questions if self.questions else 0.0

    @property
    def wrong_rate(self) -> float:
        return self.wrong_procedure / self.questions if self.questions else 0.0


def gate_score(index: ProcedureIndex, ranker: Ranker | None, examples: Sequence[Labelled]) -> GateScore:
    """Answer right (the right group), abstain right (nothing we have), or wrong: as the citizen sees it."""
    from bot.understanding.ranker import ANSWER, CLARIFY
    from bot.understanding.resolve import resolve

    score = GateScore()
    for ex in examples:
        query = analyse(ex.text, lexicon=index.lexicon, name_words=index.name_words)
        res = resolve(index, ranker, query, ex.context)
        gold = set(ex.gold)
        score.questions += 1
        best = res.best
        if res.decision == ANSWER and best is not None:
            if gold & set(best.codes):
                score.right += 1
            else:
                score.wrong_procedure += 1
        elif res.decision == CLARIFY:
            score.clarified += 1
        elif not gold:
            score.right += 1
    return score


def training_examples(index: ProcedureIndex, *, per_procedure: int, seed: int, extra: Sequence[Labelled] = ()) -> list[Labelled]:
    """Generated questions for every procedure, every labelled file, and questions labelled in the admin."""
    from bot.understanding.generate import generate, load_labelled

    generated = generate(index, per_procedure=per_procedure, seed=seed) if per_procedure > 0 else []
    return [*generated, *load_labelled(), *extra]


def main(argv: Sequence[str] | None = None) -> int:
    """Train a ranker from the database's procedures and labels, store it, and make it the active one."""
    import argparse
    import json

    from bot.db import session_scope
    from bot.understanding import store
    from bot.understanding.resources import build

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--per-procedure", type=int, default=1, help="generated questions per procedure")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--if-missing", action="store_true", help="only when no ranker is active (make run)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    with session_scope() as session:
        if args.if_missing and store.active_ranker(session=session) is not None:
            return 0
        res = build(session=session, use_ranker=False)
        staff = [Labelled(q.text, (q.procedure_code,) if q.procedure_code else (), q.fact or None, source="admin")
                 for q in store.labelled_questions(session=session) if q.origin == "staff"]
    examples = training_examples(res.procedures, per_procedure=args.per_procedure, seed=args.seed, extra=staff)
    ranker = fit(res.procedures, examples, seed=args.seed)
    with session_scope() as session:
        rid = store.store_ranker(session=session, blob=ranker.dumps(), report=ranker.report, created_by="cli",
                                 activate=True)
    logger.info("ranker %s stored and active: %s", rid, json.dumps(ranker.report, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
