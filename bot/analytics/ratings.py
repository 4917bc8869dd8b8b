"""Answer ratings (👍/👎): the handle sent with an answer, the buttons, and storing what the citizen chose.

The handle travels in a button payload, so every channel (widget, Telegram, Zalo) rates through Rasa the same
way. It names what was answered (procedure code or FAQ slug, asked fact, a hash of the text) and is signed with
SECRET_KEY so a payload typed by hand cannot rate a made-up answer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.analytics.identity import channel_of, sender_hash
from bot.analytics.models import RATING_DOWN, RATING_UP, SUBJECT_FAQ, SUBJECT_PROCEDURE, AnswerRating
from bot.settings import PROJECT_ROOT, get_settings
from bot.text.normalize import fold

logger = logging.getLogger(__name__)

RATE_INTENT = "rate_answer"
RATED_KINDS = {"answer": SUBJECT_PROCEDURE, "faq": SUBJECT_FAQ}
UP_TITLE, DOWN_TITLE = "👍", "👎"
# Answers to "Sai ở đâu?": code -> button title (the dashboard shows the same titles).
REASONS = {
    "wrong_procedure": "Nhầm thủ tục",
    "wrong_info": "Thông tin sai hoặc đã cũ",
    "missing_info": "Thiếu điều tôi cần",
    "unclear": "Khó hiểu",
}
REPLY_WORDS_FILE = PROJECT_ROOT / "data" / "seed" / "rating_replies.yml"
_SEP = "~"


@dataclass(frozen=True)
class RatedAnswer:
    """What a handle says was answered."""

    subject_kind: str
    subject_code: str
    fact: str
    text_hash: str


def _sign(body: str) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()[:12]


def text_hash(text: str) -> str:
    """Which version of an answer was rated: the record may be edited afterwards."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def make_handle(answer: RatedAnswer) -> str:
    body = _SEP.join((answer.subject_kind, answer.subject_code, answer.fact, answer.text_hash))
    return f"{body}{_SEP}{_sign(body)}"


def read_handle(handle: str) -> RatedAnswer | None:
    """The rated answer if the handle is well formed and its signature is ours; None otherwise."""
    parts = str(handle or "").split(_SEP)
    if len(parts) != 5 or parts[0] not in (SUBJECT_PROCEDURE, SUBJECT_FAQ) or not parts[1]:
        return None
    body = _SEP.join(parts[:4])
    if not hmac.compare_digest(_sign(body), parts[4]):
        return None
    return RatedAnswer(*parts[:4])


def rated_answer(*, kind: str, text: str, codes: list[str], fact: str = "", faq_slug: str = "") -> RatedAnswer | None:
    """The answer behind a reply, for the kinds citizens rate (procedure answers and FAQ answers)."""
    subject_kind = RATED_KINDS.get(kind)
    code = (codes[0] if codes else "") if subject_kind == SUBJECT_PROCEDURE else faq_slug
    if subject_kind is None or not code or _SEP in code:
        return None
    return RatedAnswer(subject_kind, code, fact, text_hash(text))


def rate_payload(handle: str, rating: str, reason: str = "") -> str:
    entities = {"rated_answer": handle, "rating": rating}
    if reason:
        entities["rating_reason"] = reason
    return f"/{RATE_INTENT}{json.dumps(entities, ensure_ascii=False, separators=(',', ':'))}"


def rating_buttons(answer: RatedAnswer | None) -> list[dict[str, str]]:
    """The 👍 and 👎 buttons (Rasa's button format), or none for replies that are not rated."""
    if answer is None:
        return []
    handle = make_handle(answer)
    return [
        {"title": UP_TITLE, "payload": rate_payload(handle, RATING_UP)},
        {"title": DOWN_TITLE, "payload": rate_payload(handle, RATING_DOWN)},
    ]


def reason_buttons(handle: str) -> list[dict[str, str]]:
    """The optional follow-up to 👎: one button per reason."""
    return [{"title": title, "payload": rate_payload(handle, RATING_DOWN, code)} for code, title in REASONS.items()]


def is_rating_payload(payload: str) -> bool:
    """Channels use this to lay rating buttons out differently (one row, or a "đúng/sai" reply)."""
    return payload.startswith(f"/{RATE_INTENT}{{")


def store_rating(
    *, session: Session, sender_id: str, answer: RatedAnswer, rating: str, reason: str = "",
    now: dt.datetime | None = None,
) -> AnswerRating:
    """Insert or update this sender's rating of this answer (a second tap changes it, never duplicates)."""
    if rating not in (RATING_UP, RATING_DOWN):
        raise ValueError(f"unknown rating: {rating}")
    reason = reason if reason in REASONS else ""
    now = now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    who = sender_hash(sender_id)
    key = text_hash(make_handle(answer))
    row = session.execute(
        select(AnswerRating).where(AnswerRating.sender_hash == who, AnswerRating.answer_hash == key)
    ).scalar_one_or_none()
    if row is None:
        row = AnswerRating(
            sender_hash=who, answer_hash=key, created_at=now, channel=channel_of(sender_id),
            subject_kind=answer.subject_kind, subject_code=answer.subject_code[:100], fact=answer.fact[:30],
        )
        session.add(row)
    if rating != row.rating:
        row.reason = ""
    row.rating = rating
    row.reason = reason or (row.reason if rating == RATING_DOWN else "")
    row.updated_at = now
    session.flush()
    return row


@lru_cache(maxsize=1)
def _reply_words(path: Path = REPLY_WORDS_FILE) -> dict[str, str]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        logger.exception("Could not read %s; typed ratings are off", path)
        return {}
    words: dict[str, str] = {}
    for rating in (RATING_UP, RATING_DOWN):
        for word in data.get(rating) or []:
            words[_clean(str(word))] = rating
    return words


def _clean(text: str) -> str:
    """Folded words without punctuation; a message of symbols only (an emoji) is kept as typed."""
    folded = " ".join(fold(text).replace(".", " ").replace("!", " ").replace(",", " ").split())
    return folded or text.strip()


def typed_rating(text: str) -> str | None:
    """'sai', 'đúng rồi', '👍'… as a whole message: the rating it stands for, else None."""
    cleaned = _clean(text)
    if not cleaned or len(cleaned) > 30:
        return None
    return _reply_words().get(cleaned)
