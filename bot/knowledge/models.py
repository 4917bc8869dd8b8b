"""SQLAlchemy models of the knowledge base. Schema changes go through Alembic (migrations/)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeMeta, Mapped, registry, relationship

# Stable constraint names so Alembic migrations work the same on SQLite and PostgreSQL.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
mapper_registry = registry(metadata=metadata)


class Base(metaclass=DeclarativeMeta):
    """Declarative base written out (not declarative_base()) so type checkers understand it."""

    __abstract__ = True
    registry = mapper_registry
    metadata = mapper_registry.metadata
    __init__ = mapper_registry.constructor


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


# Submission channels as the national portal names them.
CHANNEL_IN_PERSON = "truc_tiep"
CHANNEL_ONLINE = "truc_tuyen"
CHANNEL_POST = "buu_chinh"
CHANNELS = (CHANNEL_IN_PERSON, CHANNEL_ONLINE, CHANNEL_POST)
CHANNEL_LABELS = {
    CHANNEL_IN_PERSON: "Trực tiếp",
    CHANNEL_ONLINE: "Trực tuyến",
    CHANNEL_POST: "Bưu chính",
}

# What a fee cell says, so that "not stated" is never turned into "free".
FEE_AMOUNT = "amount"  # a number of đồng is given
FEE_FREE = "free"  # the record says there is no fee
FEE_UNSPECIFIED = "unspecified"  # "Chưa quy định" / "Không có thông tin" / empty
FEE_TEXT = "text"  # a fee described in words only (see fee_text)


class Procedure(Base):
    """One administrative procedure (thủ tục hành chính) as published on the national portal."""

    __tablename__ = "procedures"

    id: Mapped[int] = Column(Integer, primary_key=True)
    code: Mapped[str] = Column(String(32), nullable=False, unique=True, index=True)
    name: Mapped[str] = Column(Text, nullable=False)
    levels: Mapped[str] = Column(String(200), nullable=False, default="")  # "Cấp tỉnh, Cấp xã"
    field: Mapped[str] = Column(String(300), nullable=False, default="")  # lĩnh vực
    agency: Mapped[str] = Column(Text, nullable=False, default="")  # cơ quan thực hiện
    competent_agency: Mapped[str] = Column(Text, nullable=False, default="")  # cơ quan có thẩm quyền
    submit_address: Mapped[str] = Column(Text, nullable=False, default="")  # địa chỉ tiếp nhận
    applicants: Mapped[str] = Column(Text, nullable=False, default="")  # đối tượng thực hiện
    result: Mapped[str] = Column(Text, nullable=False, default="")  # kết quả
    conditions: Mapped[str] = Column(Text, nullable=False, default="")  # yêu cầu, điều kiện
    online_level: Mapped[str] = Column(String(40), nullable=False, default="")  # toàn trình / một phần / ""
    decision_no: Mapped[str] = Column(String(200), nullable=False, default="")
    source_url: Mapped[str] = Column(Text, nullable=False, default="")
    updated_on: Mapped[dt.date | None] = Column(Date, nullable=True)  # date of the source record
    parse_issues: Mapped[str] = Column(Text, nullable=False, default="")  # importer flags, one per line
    active: Mapped[bool] = Column(Boolean, nullable=False, default=True)
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now)
    modified_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now, onupdate=_now)

    channels: Mapped[list[ChannelOption]] = relationship(
        "ChannelOption", back_populates="procedure", cascade="all, delete-orphan", order_by="ChannelOption.position"
    )
    documents: Mapped[list[Document]] = relationship(
        "Document", back_populates="procedure", cascade="all, delete-orphan", order_by="Document.position"
    )
    steps: Mapped[list[Step]] = relationship(
        "Step", back_populates="procedure", cascade="all, delete-orphan", order_by="Step.position"
    )
    legal_bases: Mapped[list[LegalBasis]] = relationship(
        "LegalBasis", back_populates="procedure", cascade="all, delete-orphan", order_by="LegalBasis.position"
    )
    aliases: Mapped[list[Alias]] = relationship("Alias", back_populates="procedure", cascade="all, delete-orphan")


class ChannelOption(Base):
    """Processing time and fee for one way of submitting (trực tiếp, trực tuyến, bưu chính)."""

    __tablename__ = "channel_options"

    id: Mapped[int] = Column(Integer, primary_key=True)
    procedure_id: Mapped[int] = Column(ForeignKey("procedures.id", ondelete="CASCADE"), nullable=False, index=True)
    position: Mapped[int] = Column(Integer, nullable=False, default=0)
    channel: Mapped[str] = Column(String(20), nullable=False)  # one of CHANNELS
    time_value: Mapped[float | None] = Column(Float, nullable=True)
    time_unit: Mapped[str] = Column(String(40), nullable=False, default="")  # "Ngày làm việc", "Ngày", "Giờ"...
    time_text: Mapped[str] = Column(Text, nullable=False, default="")  # as published, for display/audit
    fee_kind: Mapped[str] = Column(String(20), nullable=False, default=FEE_UNSPECIFIED)
    fee_amount: Mapped[int | None] = Column(Integer, nullable=True)  # đồng
    fee_text: Mapped[str] = Column(Text, nullable=False, default="")
    note: Mapped[str] = Column(Text, nullable=False, default="")  # e.g. who is exempt

    procedure: Mapped[Procedure] = relationship("Procedure", back_populates="channels")


class Document(Base):
    """One item of the application file (thành phần hồ sơ)."""

    __tablename__ = "documents"

    id: Mapped[int] = Column(Integer, primary_key=True)
    procedure_id: Mapped[int] = Column(ForeignKey("procedures.id", ondelete="CASCADE"), nullable=False, index=True)
    position: Mapped[int] = Column(Integer, nullable=False, default=0)
    case_name: Mapped[str] = Column(Text, nullable=False, default="")  # the situation this list applies to
    name: Mapped[str] = Column(Text, nullable=False)
    form_code: Mapped[str] = Column(String(100), nullable=False, default="")  # e.g. CT01, DC02
    copies: Mapped[str] = Column(String(200), nullable=False, default="")  # e.g. "1 bản chính"

    procedure: Mapped[Procedure] = relationship("Procedure", back_populates="documents")


class Step(Base):
    """One step of how the procedure is carried out (trình tự thực hiện)."""

    __tablename__ = "steps"

    id: Mapped[int] = Column(Integer, primary_key=True)
    procedure_id: Mapped[int] = Column(ForeignKey("procedures.id", ondelete="CASCADE"), nullable=False, index=True)
    position: Mapped[int] = Column(Integer, nullable=False, default=0)
    text: Mapped[str] = Column(Text, nullable=False)

    procedure: Mapped[Procedure] = relationship("Procedure", back_populates="steps")


class LegalBasis(Base):
    """A legal document the procedure rests on (căn cứ pháp lý)."""

    __tablename__ = "legal_bases"

    id: Mapped[int] = Column(Integer, primary_key=True)
    procedure_id: Mapped[int] = Column(ForeignKey("procedures.id", ondelete="CASCADE"), nullable=False, index=True)
    position: Mapped[int] = Column(Integer, nullable=False, default=0)
    number: Mapped[str] = Column(String(100), nullable=False, default="")  # e.g. 68/2020/QH14
    title: Mapped[str] = Column(Text, nullable=False, default="")

    procedure: Mapped[Procedure] = relationship("Procedure", back_populates="legal_bases")


class Alias(Base):
    """Another name citizens use for a procedure ("nhập hộ khẩu" for đăng ký thường trú)."""

    __tablename__ = "aliases"
    __table_args__ = (UniqueConstraint("procedure_id", "folded", name="uq_aliases_procedure_folded"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    procedure_id: Mapped[int] = Column(ForeignKey("procedures.id", ondelete="CASCADE"), nullable=False, index=True)
    text: Mapped[str] = Column(String(300), nullable=False)
    folded: Mapped[str] = Column(String(300), nullable=False, index=True)  # bot.text.fold(text)
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now)

    procedure: Mapped[Procedure] = relationship("Procedure", back_populates="aliases")


class FaqEntry(Base):
    """A staff-editable question and answer (one-stop desk, online services, petitions...)."""

    __tablename__ = "faq_entries"

    id: Mapped[int] = Column(Integer, primary_key=True)
    slug: Mapped[str] = Column(String(100), nullable=False, unique=True)
    topic: Mapped[str] = Column(String(100), nullable=False, default="")
    question: Mapped[str] = Column(Text, nullable=False)
    # Other ways citizens ask it, one per line; matched accent-insensitively.
    keywords: Mapped[str] = Column(Text, nullable=False, default="")
    answer: Mapped[str] = Column(Text, nullable=False)
    source_url: Mapped[str] = Column(Text, nullable=False, default="")
    active: Mapped[bool] = Column(Boolean, nullable=False, default=True)
    modified_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now, onupdate=_now)
