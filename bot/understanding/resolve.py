"""Which procedure a question means: retrieval, the learned ranker, and a calibrated decision.

The decision is one of: answer (the best group is very likely right), clarify (offer the best
groups: "Có phải bạn hỏi về …?"), or abstain (say plainly that it is not in our data). Level
variants of one procedure (commune / province) form one group and are answered together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from bot.understanding.features import FEATURES, Context, features
from bot.understanding.index import ProcedureIndex, Retrieved
from bot.understanding.query import Query
from bot.understanding.ranker import ABSTAIN, ANSWER, CLARIFY, Ranker, Thresholds, best_rows

MAX_CHOICES = 4
# A group member (the same procedure at another level) is answered with the leader when its score
# is this close: ranker scores are log-odds-like, retrieval scores lie in 0..1.
RANKER_MEMBER_GAP, HEURISTIC_MEMBER_GAP = 1.0, 0.15


@dataclass(frozen=True)
class GroupScore:
    """Level variants of one procedure and how likely the question means them."""

    key: str
    codes: tuple[str, ...]  # best member first
    name: str  # the best member's name
    score: float


@dataclass
class Resolution:
    groups: list[GroupScore] = field(default_factory=list)
    confidence: float = 0.0
    decision: str = ABSTAIN

    @property
    def best(self) -> GroupScore | None:
        return self.groups[0] if self.groups else None

    def choices(self, thresholds: Thresholds) -> list[GroupScore]:
        """The groups worth offering when asking back."""
        if not self.groups:
            return []
        return offered(self.groups, thresholds)




def offered(groups: Sequence[GroupScore], thresholds: Thresholds) -> list[GroupScore]:
    """The best groups, up to MAX_CHOICES, close enough to the best to be worth offering."""
    if not groups:
        return []
    return [g for g in groups[:MAX_CHOICES] if g.score >= groups[0].score - thresholds.choice_gap]


_COL = {name: i for i, name in enumerate(FEATURES)}
# A labelled phrasing this long, contained whole and in order in the question, is the question.
LABELLED_MIN_WORDS = 5


def _says_a_labelled_question(best_row: np.ndarray | None, second_row: np.ndarray | None) -> bool:
    """The question contains, whole and in order, a labelled question of the best candidate and of no
    other: labels are answers a trainer has already given, so the trainer's fix takes effect on the
    question they labelled even before the calibrator has seen anything like it."""

    def full_example(row: np.ndarray | None) -> bool:
        return row is not None and bool(
            row[_COL["form_example"]] == 1.0 and row[_COL["name_cov"]] >= 0.999 and row[_COL["order"]] >= 0.999
            and row[_COL["form_len"]] >= LABELLED_MIN_WORDS
        )

    return full_example(best_row) and not full_example(second_row)


def heuristic_scores(rows: np.ndarray) -> np.ndarray:
    """Retrieval's own opinion, without the learned ranker (used for the ablation and as a fallback)."""
    return (0.5 * rows[:, _COL["bm25_rel"]] * rows[:, _COL["name_cov"]]
            + 0.5 * rows[:, _COL["name_cov"]] * rows[:, _COL["q_cov"]])


def score_candidates(
    index: ProcedureIndex, ranker: Ranker | None, query: Query, context: Context, *, exclude: Sequence[int] = ()
) -> tuple[Retrieved, np.ndarray, np.ndarray]:
    """Retrieve candidates for the question (plus the conversation's procedures) and score each."""
    extra = [index.by_code[c] for c in (*query.codes, *context.offered_codes, *context.last_codes) if c in index.by_code]
    retrieved = index.retrieve(query, extra=extra, exclude=exclude)
    rows = features(index, retrieved, context)
    scores = ranker.score(rows) if ranker is not None else heuristic_scores(rows)
    # A procedure whose name excludes the age the citizen states ("dưới 14 tuổi" for a 16-year-old)
    # is never the answer, whatever else matches.
    contradicts = rows[:, _COL["age"]] < 0 if rows.shape[0] else np.zeros(0, dtype=bool)
    if contradicts.any() and not contradicts.all():
        scores = np.where(contradicts, scores.min() - 10.0, scores).astype(np.float32)
    return retrieved, rows, scores


def group_scores(
    index: ProcedureIndex, retrieved: Retrieved, scores: np.ndarray, *, gap: float = RANKER_MEMBER_GAP
) -> list[GroupScore]:
    by_group: dict[str, list[tuple[float, int]]] = {}
    for p, s in zip(retrieved.candidates, scores, strict=True):
        by_group.setdefault(index.group[p], []).append((float(s), p))
    groups = []
    for key, members in by_group.items():
        members.sort(key=lambda m: (-m[0], index.docs[m[1]].code))
        lead = members[0][0]
        codes = tuple(index.docs[p].code for s, p in members if s >= lead - gap)
        groups.append(GroupScore(key, codes, index.docs[members[0][1]].name, lead))
    groups.sort(key=lambda g: -g.score)
    return groups


def resolve(index: ProcedureIndex, ranker: Ranker | None, query: Query, context: Context | None = None) -> Resolution:
    """Rank the procedures the question may mean and decide whether to answer, ask or abstain."""
    typed = [c for c in query.codes if c in index.by_code]
    retrieved, rows, scores = score_candidates(index, ranker, query, context or Context())
    groups = group_scores(index, retrieved, scores, gap=RANKER_MEMBER_GAP if ranker else HEURISTIC_MEMBER_GAP)
    if typed:
        p = index.by_code[typed[0]]
        lead = GroupScore(index.group[p], (typed[0],), index.docs[p].name, 1.0)
        return Resolution([lead, *[g for g in groups if g.key != lead.key]], 1.0, ANSWER)
    if not groups:
        return Resolution()
    thresholds = ranker.thresholds if ranker is not None else Thresholds()
    best_row, second_row = best_rows([index.group[p] for p in retrieved.candidates], scores, rows)
    if ranker is not None:
        confidence = ranker.confidence([g.score for g in groups], best_row, second_row)
    else:
        second = groups[1].score if len(groups) > 1 else 0.0
        confidence = float(groups[0].score) * min(1.0, 2.0 * (groups[0].score - second) + 0.5)
    choice = ranker.choice_confidence([g.score for g in groups], best_row, second_row) if ranker else confidence
    if confidence >= thresholds.answer or _says_a_labelled_question(best_row, second_row):
        decision = ANSWER
    elif choice >= thresholds.clarify:
        decision = CLARIFY
    else:
        decision = ABSTAIN
    return Resolution(groups, confidence, decision)
