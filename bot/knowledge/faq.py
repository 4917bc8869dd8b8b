"""Accent-insensitive retrieval over staff-editable FAQ entries (question + keywords), no retraining needed.

An entry matches when the query's content words are explained by the entry's vocabulary (precision)
AND one of its phrasings is covered by the query (recall). Weighing precision higher keeps procedure
questions such as "đăng ký tạm trú cần giấy tờ gì" away from one-stop FAQ entries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.knowledge.db import session_scope
from bot.knowledge.models import FaqEntry
from bot.text.normalize import fold

# Score (0-100) an entry needs before we answer with it.
DEFAULT_THRESHOLD = 62.0

# Folded filler words of questions, incl. Central-dialect and chat spellings (răng, mô, rứa, chi, ko...).
_STOPWORD_TEXT = """
    a ad ah ai anh ba ban bao cac cai can cho chi chu co cu cua da dau de di do duoc dc dk em gi giup ha
    hay hoi hok hong huhu k kg ko khi khong la lam muon nao nay ne nhe nhi nhu ni nua ntn o oi ong phai
    ra rang ri roi rua sao thi thoi toi tui va vay ve voi vui long xin xem
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
# Multi-word fillers removed before splitting ("bây giờ" must go, but "giờ" alone asks about hours).
_STOP_PHRASES = re.compile(r"\b(?:bay gio|hien nay|hien tai|luc nay|khi nao|chung nao)\b")
# Fuzzy match only for longer syllables: short ones ("ho", "so", "to") differ in one letter and mean different things.
_FUZZY_MIN_LEN = 4
_FUZZY_CUTOFF = 80.0
_PRECISION_WEIGHT = 0.5  # beta of an F-score; < 1 favours precision


@dataclass(frozen=True)
class FaqItem:
    """A plain copy of an active FaqEntry."""

    slug: str
    topic: str
    question: str
    answer: str
    source_url: str
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class FaqHit:
    """The entry that matched, its score (0-100) and the phrasing that matched best."""

    entry: FaqItem
    score: float
    matched: str


def content_tokens(text: str) -> list[str]:
    """Folded words that carry meaning (question fillers removed), in order, without repeats."""
    seen: list[str] = []
    for token in _STOP_PHRASES.sub(" ", fold(text)).split():
        if token not in _STOPWORDS and token not in seen:
            seen.append(token)
    return seen


def _known(token: str, vocabulary: set[str]) -> bool:
    if token in vocabulary:
        return True
    if len(token) < _FUZZY_MIN_LEN:
        return False
    return any(len(v) >= _FUZZY_MIN_LEN and fuzz.ratio(token, v) >= _FUZZY_CUTOFF for v in vocabulary)


def _phrasings(item: FaqItem) -> list[str]:
    return [item.question, *item.keywords]


def _f_score(precision: float, recall: float) -> float:
    if precision <= 0 or recall <= 0:
        return 0.0
    b2 = _PRECISION_WEIGHT**2
    return (1 + b2) * precision * recall / (b2 * precision + recall)


def score_entry(query_tokens: list[str], item: FaqItem) -> tuple[float, str]:
    """Best score of the entry for the query, and the phrasing that produced it."""
    if not query_tokens:
        return 0.0, ""
    vocabulary = {t for phrase in _phrasings(item) for t in content_tokens(phrase)}
    precision = sum(_known(t, vocabulary) for t in query_tokens) / len(query_tokens)
    query_set = set(query_tokens)
    best, best_phrase = 0.0, ""
    for phrase in _phrasings(item):
        tokens = content_tokens(phrase)
        if not tokens:
            continue
        recall = sum(_known(t, query_set) for t in tokens) / len(tokens)
        score = 100.0 * _f_score(precision, recall)
        if score > best:
            best, best_phrase = score, phrase
    return best, best_phrase


def rank_faq(query: str, items: Iterable[FaqItem], limit: int = 3) -> list[FaqHit]:
    """Entries ordered by score (best first); pure function, no database."""
    tokens = content_tokens(query)
    hits = []
    for item in items:
        score, phrase = score_entry(tokens, item)
        if score > 0:
            hits.append(FaqHit(entry=item, score=round(score, 1), matched=phrase))
    hits.sort(key=lambda h: (-h.score, h.entry.slug))
    return hits[:limit]


def load_faq_items(*, session: Session) -> list[FaqItem]:
    """Every active entry, read fresh so staff edits apply at once."""
    rows = session.execute(
        select(FaqEntry).where(FaqEntry.active.is_(True)).order_by(FaqEntry.slug)
    ).scalars()
    return [
        FaqItem(
            slug=row.slug,
            topic=row.topic,
            question=row.question,
            answer=row.answer,
            source_url=row.source_url,
            keywords=tuple(line.strip() for line in (row.keywords or "").splitlines() if line.strip()),
        )
        for row in rows
    ]


def search_faq(
    query: str,
    *,
    session: Session | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    topic: str | None = None,
) -> FaqHit | None:
    """The best entry for the query if it scores at least ``threshold`` (optionally within one topic)."""
    if session is None:
        with session_scope() as own:
            return search_faq(query, session=own, threshold=threshold, topic=topic)
    items = load_faq_items(session=session)
    if topic:
        items = [i for i in items if i.topic == topic]
    hits = rank_faq(query, items, limit=1)
    return hits[0] if hits and hits[0].score >= threshold else None
