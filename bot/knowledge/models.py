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
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, relationship

from bot.db import Base, now

_now = now  # the default timestamp of every table here


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

# Where a procedure's record comes from (Procedure.source_kind).
SOURCE_NATIONAL = "national_catalogue"  # the crawl of the national catalogue: full details
SOURCE_PORTAL_API = "portal_api"  # a record of the portal's own API: full details
SOURCE_PROVINCE_LIST = "province_list"  # only listed as applying in Quảng Trị: name, level, body, link
SOURCE_KINDS = (SOURCE_NATIONAL, SOURCE_PORTAL_API, SOURCE_PROVINCE_LIST)
SOURCE_LABELS = {
    SOURCE_NATIONAL: "Danh mục thủ tục hành chính quốc gia",
    SOURCE_PORTAL_API: "Cổng Dịch vụ công quốc gia",
    SOURCE_PROVINCE_LIST: "Danh mục thủ tục áp dụng tại tỉnh Quảng Trị",
}

# Who wrote a row: the shipped seed, an import run, or staff in the admin.
LOADED_BY_SEED = "seed"
LOADED_BY_IMPORT = "import"
LOADED_BY_STAFF = "staff"


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
    updated_on: Mapped[dt.date | None] = Column(Date, nullable=True, index=True)  # date of the source record
    parse_issues: Mapped[str] = Column(Text, nullable=False, default="")  # importer flags, one per line
    active: Mapped[bool] = Column(Boolean, nullable=False, default=True)
    # Coverage and freshness: which source the record comes from, whether it has times/fees/documents,
    # the portal's identity and usage weight, and when our import last wrote it.
    source_kind: Mapped[str] = Column(String(30), nullable=False, default=SOURCE_NATIONAL)
    has_details: Mapped[bool] = Column(Boolean, nullable=False, default=True)
    portal_id: Mapped[str] = Column(String(64), nullable=False, default="")
    issuing_body: Mapped[str] = Column(Text, nullable=False, default="")  # ministry that publishes it
    usage_weight: Mapped[int | None] = Column(Integer, nullable=True)  # portal usage weight, None = unknown
    in_province_list: Mapped[bool] = Column(Boolean, nullable=False, default=False)  # applies in Quảng Trị
    loaded_by: Mapped[str] = Column(String(20), nullable=False, default=LOADED_BY_STAFF)
    imported_at: Mapped[dt.datetime | None] = Column(DateTime, nullable=True)
    # Codes of detailed procedures with the same name (a list's newer code for a procedure we have in full).
    related_codes: Mapped[str] = Column(String(200), nullable=False, default="")
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
    """One time and fee rule for one way of submitting (trực tiếp, trực tuyến, bưu chính).

    A channel can have several rows: one per labelled time ("cấp đổi biển số" / "chứng nhận đăng ký")
    and one per fee item (which test, which case). A row with ``valid_from``/``valid_to`` is a
    temporary rate that replaces the row of the same channel, label and case without a period.
    """

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
    time_label: Mapped[str] = Column(Text, nullable=False, default="")  # which time, when there are several
    case_name: Mapped[str] = Column(Text, nullable=False, default="")  # the case the fee applies to
    fee_unit: Mapped[str] = Column(String(40), nullable=False, default="")  # per "trang", "bản", "lần"...
    fee_min: Mapped[int | None] = Column(Integer, nullable=True)  # đồng, at least
    fee_max: Mapped[int | None] = Column(Integer, nullable=True)  # đồng, at most
    fee_limit_unit: Mapped[str] = Column(String(40), nullable=False, default="")  # min/max per "bản"...
    valid_from: Mapped[dt.date | None] = Column(Date, nullable=True)  # first day the rate applies
    valid_to: Mapped[dt.date | None] = Column(Date, nullable=True)  # last day the rate applies
    fee_basis: Mapped[str] = Column(String(100), nullable=False, default="")  # legal number setting the rate

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
    # "seed" aliases follow data/seed/aliases.yml (removed when deleted there); staff ones are kept.
    source: Mapped[str] = Column(String(20), nullable=False, default=LOADED_BY_STAFF)

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


class ImportRun(Base):
    """One load of the seed or of a source file, for the freshness page ("what changed last time")."""

    __tablename__ = "import_runs"

    id: Mapped[int] = Column(Integer, primary_key=True)
    started_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now)
    source: Mapped[str] = Column(String(200), nullable=False, default="")  # "seed", a file name...
    summary: Mapped[str] = Column(Text, nullable=False, default="")

    changes: Mapped[list[ImportChange]] = relationship(
        "ImportChange", back_populates="run", cascade="all, delete-orphan", order_by="ImportChange.id"
    )


# ImportChange.change values.
CHANGE_ADDED = "added"
CHANGE_REMOVED = "removed"
CHANGE_FEES = "fees"
CHANGE_TIMES = "times"
CHANGE_OTHER = "other"
CHANGE_LABELS = {
    CHANGE_ADDED: "Thêm mới",
    CHANGE_REMOVED: "Gỡ bỏ",
    CHANGE_FEES: "Đổi phí, lệ phí",
    CHANGE_TIMES: "Đổi thời gian giải quyết",
    CHANGE_OTHER: "Đổi thông tin khác",
}


class ImportChange(Base):
    """What one import run changed for one procedure (one row per kind of change)."""

    __tablename__ = "import_changes"

    id: Mapped[int] = Column(Integer, primary_key=True)
    run_id: Mapped[int] = Column(ForeignKey("import_runs.id", ondelete="CASCADE"), nullable=False, index=True)
    procedure_code: Mapped[str] = Column(String(32), nullable=False, index=True)
    change: Mapped[str] = Column(String(20), nullable=False)  # one of CHANGE_LABELS
    before: Mapped[str] = Column(Text, nullable=False, default="")
    after: Mapped[str] = Column(Text, nullable=False, default="")

    run: Mapped[ImportRun] = relationship("ImportRun", back_populates="changes")
