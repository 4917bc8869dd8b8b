"""Tables of the understanding layer: vocabulary, labelled questions, trained rankers, data versions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Column, DateTime, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped

from bot.db import Base


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


ORIGIN_SEED = "seed"  # loaded from data/ by make seed; re-seeding may change or remove it
ORIGIN_STAFF = "staff"  # added or edited in the admin; re-seeding never touches it


class LexiconEntry(Base):
    """One vocabulary entry (see bot.understanding.lexicon for the kinds)."""

    __tablename__ = "lexicon_entries"
    __table_args__ = (UniqueConstraint("kind", "phrase", "value", name="uq_lexicon_entries_kind_phrase_value"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    kind: Mapped[str] = Column(String(20), nullable=False, index=True)
    phrase: Mapped[str] = Column(String(300), nullable=False)
    value: Mapped[str] = Column(String(1000), nullable=False, default="")
    accents_required: Mapped[bool] = Column(Boolean, nullable=False, default=False)
    origin: Mapped[str] = Column(String(20), nullable=False, default=ORIGIN_STAFF)
    active: Mapped[bool] = Column(Boolean, nullable=False, default=True)
    modified_by: Mapped[str] = Column(String(100), nullable=False, default="")
    modified_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now, onupdate=_now)


class LabelledQuestion(Base):
    """A real question labelled with the procedure it is about (none: we have no such procedure).

    Added by trainers in the admin (usually from an unanswered question). It is searchable at once
    (as a phrasing of its procedure) and trains the ranker at the next ``make train``.
    """

    __tablename__ = "labelled_questions"
    __table_args__ = (UniqueConstraint("folded", "procedure_code", name="uq_labelled_questions_folded_code"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    text: Mapped[str] = Column(Text, nullable=False)
    folded: Mapped[str] = Column(String(1000), nullable=False)
    procedure_code: Mapped[str] = Column(String(32), nullable=False, default="", index=True)  # "" = no procedure
    fact: Mapped[str] = Column(String(30), nullable=False, default="")
    origin: Mapped[str] = Column(String(20), nullable=False, default=ORIGIN_STAFF)
    created_by: Mapped[str] = Column(String(100), nullable=False, default="")
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now)


class RankerModel(Base):
    """A trained ranker (pickled by our own trainer), its report, and whether it is the one in use."""

    __tablename__ = "ranker_models"

    id: Mapped[int] = Column(Integer, primary_key=True)
    blob: Mapped[bytes] = Column(LargeBinary, nullable=False)
    report: Mapped[str] = Column(Text, nullable=False, default="{}")  # JSON
    active: Mapped[bool] = Column(Boolean, nullable=False, default=False, index=True)
    created_by: Mapped[str] = Column(String(100), nullable=False, default="")
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now)


class DataVersion(Base):
    """A counter bumped in the same transaction as any change the bot's understanding depends on.

    Every process compares it once per message (one indexed read) and rebuilds its caches when it moved.
    """

    __tablename__ = "data_versions"

    name: Mapped[str] = Column(String(40), primary_key=True)
    version: Mapped[int] = Column(Integer, nullable=False, default=0)
    changed_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now)
