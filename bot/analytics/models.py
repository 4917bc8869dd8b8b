"""Table of questions the bot could not answer, stored masked for review by staff."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, DateTime, Float, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped

from bot.db import Base


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


STATUS_OPEN = "open"
STATUS_RESOLVED = "resolved"  # an alias, example or FAQ entry was added from it
STATUS_DISMISSED = "dismissed"


class UnansweredQuestion(Base):
    """One citizen message that ended in a fallback or a low-confidence intent."""

    __tablename__ = "unanswered_questions"

    id: Mapped[int] = Column(Integer, primary_key=True)
    text: Mapped[str] = Column(Text, nullable=False)  # masked: no phone, e-mail or ID number
    folded: Mapped[str] = Column(Text, nullable=False, default="")  # bot.text.fold(text), for grouping
    sender_hash: Mapped[str] = Column(String(128), nullable=False, default="")
    intent: Mapped[str] = Column(String(100), nullable=False, default="")
    confidence: Mapped[float | None] = Column(Float, nullable=True)
    status: Mapped[str] = Column(String(20), nullable=False, default=STATUS_OPEN, index=True)
    resolution: Mapped[str] = Column(Text, nullable=False, default="")  # what staff did about it
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now, index=True)


RATING_UP = "up"
RATING_DOWN = "down"
SUBJECT_PROCEDURE = "procedure"
SUBJECT_FAQ = "faq"


class ConversationTurn(Base):
    """One bot turn: which kind of reply it was and about what; no text, only a keyed hash of the sender."""

    __tablename__ = "conversation_turns"

    id: Mapped[int] = Column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now, index=True)
    channel: Mapped[str] = Column(String(20), nullable=False, default="", index=True)
    sender_hash: Mapped[str] = Column(String(64), nullable=False, default="", index=True)
    kind: Mapped[str] = Column(String(30), nullable=False, default="")  # answer, faq, clarify, not_in_data...
    procedure_code: Mapped[str] = Column(String(60), nullable=False, default="", index=True)
    fact: Mapped[str] = Column(String(30), nullable=False, default="")
    intent: Mapped[str] = Column(String(100), nullable=False, default="")


class AnswerRating(Base):
    """A citizen's 👍/👎 on one answer; the same sender rating the same answer again updates the row."""

    __tablename__ = "answer_ratings"
    __table_args__ = (UniqueConstraint("sender_hash", "answer_hash", name="uq_answer_ratings_sender_answer"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now, index=True)
    updated_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now)
    channel: Mapped[str] = Column(String(20), nullable=False, default="", index=True)
    sender_hash: Mapped[str] = Column(String(64), nullable=False)
    subject_kind: Mapped[str] = Column(String(20), nullable=False, default=SUBJECT_PROCEDURE)
    subject_code: Mapped[str] = Column(String(100), nullable=False, index=True)  # procedure code or FAQ slug
    fact: Mapped[str] = Column(String(30), nullable=False, default="")
    answer_hash: Mapped[str] = Column(String(64), nullable=False)
    rating: Mapped[str] = Column(String(10), nullable=False)  # up / down
    reason: Mapped[str] = Column(String(30), nullable=False, default="")  # the answer to "Sai ở đâu?"
