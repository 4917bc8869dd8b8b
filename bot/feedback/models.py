"""Tables for petitions (phản ánh, kiến nghị) and their status history. Schema changes go through Alembic."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, relationship

from bot.knowledge.models import Base, _now

# Petition statuses staff move a petition through; labels are what the citizen sees.
STATUS_RECEIVED = "received"
STATUS_TRANSFERRED = "transferred"
STATUS_PROCESSING = "processing"
STATUS_ANSWERED = "answered"
STATUS_NOT_ACCEPTED = "not_accepted"
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

    events: Mapped[list[PetitionEvent]] = relationship(
        "PetitionEvent", back_populates="petition", cascade="all, delete-orphan", order_by="PetitionEvent.id"
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
