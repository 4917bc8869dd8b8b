"""Recording unanswered questions and grouping similar ones for review."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.analytics.models import STATUS_OPEN, UnansweredQuestion
from bot.observability.pii import mask_pii
from bot.text.normalize import fold, normalize

MAX_TEXT_LENGTH = 1000
# token_set_ratio over folded text: word order and extra filler words ("ạ", "với") matter little.
GROUP_THRESHOLD = 80.0


def record_unanswered(
    text: str,
    *,
    sender_hash: str,
    intent: str | None,
    confidence: float | None,
    session: Session,
) -> UnansweredQuestion | None:
    """Store a masked copy of a message the bot could not answer; None for empty text."""
    masked = mask_pii(normalize(text))[:MAX_TEXT_LENGTH]
    if not fold(masked):
        return None
    row = UnansweredQuestion(
        text=masked,
        folded=fold(masked),
        sender_hash=(sender_hash or "")[:128],
        intent=(intent or "")[:100],
        confidence=float(confidence) if confidence is not None else None,
    )
    session.add(row)
    session.flush()
    return row


@dataclass
class QuestionGroup:
    """Similar unanswered questions: the newest one represents the group."""

    ids: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    intents: dict[str, int] = field(default_factory=dict)
    senders: set[str] = field(default_factory=set)
    newest: dt.datetime | None = None
    folded: str = ""

    @property
    def count(self) -> int:
        return len(self.ids)

    @property
    def text(self) -> str:
        return self.texts[0] if self.texts else ""

    @property
    def top_intent(self) -> str:
        return max(self.intents, key=lambda k: self.intents[k]) if self.intents else ""

    @property
    def examples(self) -> list[str]:
        """Distinct texts of the group, newest first (at most ten)."""
        seen: list[str] = []
        for t in self.texts:
            if t not in seen:
                seen.append(t)
            if len(seen) == 10:
                break
        return seen


def group_questions(rows: Sequence[UnansweredQuestion], threshold: float = GROUP_THRESHOLD) -> list[QuestionGroup]:
    """Greedy single-pass grouping (rows newest first); groups come back newest first."""
    groups: list[QuestionGroup] = []
    for row in rows:
        best, best_score = None, 0.0
        for g in groups:
            score = fuzz.token_set_ratio(row.folded, g.folded)
            if score > best_score:
                best, best_score = g, score
        if best is None or best_score < threshold:
            best = QuestionGroup(folded=row.folded, newest=row.created_at)
            groups.append(best)
        best.ids.append(row.id)
        best.texts.append(row.text)
        if row.intent:
            best.intents[row.intent] = best.intents.get(row.intent, 0) + 1
        if row.sender_hash:
            best.senders.add(row.sender_hash)
        if best.newest is None or row.created_at > best.newest:
            best.newest = row.created_at
    groups.sort(key=lambda g: g.newest or dt.datetime.min, reverse=True)
    return groups


def open_groups(*, session: Session, limit_rows: int = 2000, threshold: float = GROUP_THRESHOLD) -> list[QuestionGroup]:
    """Groups of the most recent open questions."""
    rows = session.execute(
        select(UnansweredQuestion)
        .where(UnansweredQuestion.status == STATUS_OPEN)
        .order_by(UnansweredQuestion.created_at.desc(), UnansweredQuestion.id.desc())
        .limit(limit_rows)
    ).scalars()
    return group_questions(list(rows), threshold)


def close_questions(*, session: Session, ids: Sequence[int], status: str, resolution: str) -> int:
    """Mark questions resolved or dismissed; returns how many changed."""
    if not ids:
        return 0
    result = session.execute(
        update(UnansweredQuestion)
        .where(UnansweredQuestion.id.in_(list(ids)), UnansweredQuestion.status == STATUS_OPEN)
        .values(status=status, resolution=resolution[:2000])
    )
    return int(result.rowcount or 0)
