"""Tables for petitions (phản ánh, kiến nghị) and their status history. Schema changes go through Alembic."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, relationship

from bot.db import Base
from bot.db import now as _now

# Petition statuses staff move a petition through; labels are what the citizen sees.
STATUS_RECEIVED = "received"
STATUS_TRANSFERRED = "transferred"
STATUS_PROCESSING = "processing"
STATUS_ANSWERED = "answered"
STATUS_NOT_ACCEPTED = "not_accepted"
# Staff-facing names of the same statuses (Nghị định 20/2008/NĐ-CP workflow).
STATUS_STAFF_LABELS = {
    "received": "Tiếp nhận",
    "processing": "Đang xử lý",
    "answered": "Đã trả lời",
    "transferred": "Chuyển cơ quan khác",
    "not_accepted": "Không đủ điều kiện (NĐ 20/2008)",
}
# Statuses that end the handling in this office; the citizen is told when one is reached.
CLOSED_STATUSES = frozenset({"answered", "transferred", "not_accepted"})
STATUS_LABELS = {
    STATUS_RECEIVED: "Đã tiếp nhận, đang chờ phân loại",
    STATUS_TRANSFERRED: "Đã chuyển đến cơ quan có thẩm quyền xử lý",
    STATUS_PROCESSING: "Đang được xem xét, xử lý",
    STATUS_ANSWERED: "Đã có kết quả xử lý, trả lời",
    STATUS_NOT_ACCEPTED: "Không đủ điều kiện tiếp nhận",
}

SOURCE_CHAT = "chat"


class Petition(Base):
    """One petition a citizen sent through the assistant; personal data is deleted after ``retain_until``."""

    __tablename__ = "petitions"

    id: Mapped[int] = Column(Integer, primary_key=True)
    tracking_code: Mapped[str] = Column(String(20), nullable=False, unique=True)
    # Hash of the conversation and the content: a repeated confirmation finds the same row.
    idempotency_key: Mapped[str] = Column(String(64), nullable=False, unique=True)
    full_name: Mapped[str] = Column(String(200), nullable=False)
    address: Mapped[str] = Column(Text, nullable=False)
    phone: Mapped[str | None] = Column(String(20), nullable=True, index=True)
    email: Mapped[str | None] = Column(String(254), nullable=True)
    subject: Mapped[str] = Column(Text, nullable=False, default="")  # procedure or agency concerned
    content: Mapped[str] = Column(Text, nullable=False)
    source: Mapped[str] = Column(String(20), nullable=False, default=SOURCE_CHAT)
    conversation_ref: Mapped[str] = Column(String(64), nullable=False, default="")  # hashed sender id
    status: Mapped[str] = Column(String(20), nullable=False, default=STATUS_RECEIVED)
    status_note: Mapped[str] = Column(Text, nullable=False, default="")  # shown to the citizen
    consent_version: Mapped[str] = Column(String(20), nullable=False)
    consent_at: Mapped[dt.datetime] = Column(DateTime, nullable=False)
    retain_until: Mapped[dt.date] = Column(Date, nullable=False, index=True)
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now)
    updated_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now, onupdate=_now)
    # Handling (issue 12): who handles it, what was answered, and the deadlines.
    channel: Mapped[str] = Column(String(20), nullable=False, default="")  # telegram, zalo, web, other
    # The chat to tell the result to (raw Telegram/Zalo sender id, with consent); erased once told.
    reply_address: Mapped[str] = Column(String(200), nullable=False, default="")
    assigned_agency: Mapped[str] = Column(String(200), nullable=False, default="")
    assigned_officer: Mapped[str] = Column(String(100), nullable=False, default="")
    transferred_to: Mapped[str] = Column(String(200), nullable=False, default="")
    answer_text: Mapped[str] = Column(Text, nullable=False, default="")  # shown to the citizen
    answer_due: Mapped[dt.date | None] = Column(Date, nullable=True)  # the answer date staff set
    transfer_due: Mapped[dt.date | None] = Column(Date, nullable=True)  # received + 5 working days
    closed_at: Mapped[dt.datetime | None] = Column(DateTime, nullable=True, index=True)

    events: Mapped[list[PetitionEvent]] = relationship(
        "PetitionEvent", back_populates="petition", cascade="all, delete-orphan", order_by="PetitionEvent.id"
    )
    notices: Mapped[list[PetitionNotice]] = relationship(
        "PetitionNotice", cascade="all, delete-orphan", order_by="PetitionNotice.id"
    )


class PetitionEvent(Base):
    """One status change of a petition (the first one is written with the petition, in the same transaction)."""

    __tablename__ = "petition_events"

    id: Mapped[int] = Column(Integer, primary_key=True)
    petition_id: Mapped[int] = Column(
        ForeignKey("petitions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    status: Mapped[str] = Column(String(20), nullable=False)
    note: Mapped[str] = Column(Text, nullable=False, default="")
    actor: Mapped[str] = Column(String(100), nullable=False, default="")  # "chatbot" or a staff username
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now)

    petition: Mapped[Petition] = relationship("Petition", back_populates="events")


NOTICE_PENDING = "pending"
NOTICE_SENT = "sent"
NOTICE_FAILED = "failed"  # gave up after several attempts (e.g. the citizen blocked the bot)


class PetitionNotice(Base):
    """A message owed to the citizen about their petition, delivered by push or at their next contact.

    ``address`` is the raw chat id (Telegram chat, Zalo user) needed to push; it is erased once delivered.
    """

    __tablename__ = "petition_notices"

    id: Mapped[int] = Column(Integer, primary_key=True)
    petition_id: Mapped[int] = Column(ForeignKey("petitions.id", ondelete="CASCADE"), nullable=False, index=True)
    channel: Mapped[str] = Column(String(20), nullable=False, default="")
    address: Mapped[str] = Column(String(200), nullable=False, default="")
    conversation_ref: Mapped[str] = Column(String(64), nullable=False, default="", index=True)
    text: Mapped[str] = Column(Text, nullable=False, default="")
    status: Mapped[str] = Column(String(20), nullable=False, default=NOTICE_PENDING, index=True)
    attempts: Mapped[int] = Column(Integer, nullable=False, default=0)
    last_error: Mapped[str] = Column(String(200), nullable=False, default="")
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now)
    sent_at: Mapped[dt.datetime | None] = Column(DateTime, nullable=True)
