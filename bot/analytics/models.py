"""Table of questions the bot could not answer, stored masked for review by staff."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, DateTime, Float, Integer, String, Text
from sqlalchemy.orm import Mapped

from bot.knowledge.models import Base


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
