"""The table behind the database status provider: filled by an integration job or by staff."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Date, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped

from bot.db import Base
from bot.db import now as _now

STATUS_RECEIVED = "received"  # đã tiếp nhận
STATUS_IN_PROGRESS = "in_progress"  # đang giải quyết
STATUS_SUPPLEMENT = "supplement"  # cần bổ sung hồ sơ
STATUS_LATE = "late"  # quá hạn, có phiếu xin lỗi và hẹn lại
STATUS_DONE = "done"  # đã có kết quả
STATUS_REJECTED = "rejected"  # từ chối giải quyết
APPLICATION_STATUSES = (
    STATUS_RECEIVED,
    STATUS_IN_PROGRESS,
    STATUS_SUPPLEMENT,
    STATUS_LATE,
    STATUS_DONE,
    STATUS_REJECTED,
)


class ApplicationStatusRecord(Base):
    """The latest known state of one application, keyed by the code printed on the receipt."""

    __tablename__ = "application_statuses"

    id: Mapped[int] = Column(Integer, primary_key=True)
    code: Mapped[str] = Column(String(40), nullable=False, unique=True)  # 000.00.23.H56-250101-0001
    procedure_name: Mapped[str] = Column(Text, nullable=False, default="")
    agency: Mapped[str] = Column(Text, nullable=False, default="")
    status: Mapped[str] = Column(String(20), nullable=False, default=STATUS_RECEIVED)
    received_on: Mapped[dt.date | None] = Column(Date, nullable=True)
    appointment_on: Mapped[dt.date | None] = Column(Date, nullable=True)  # ngày hẹn trả kết quả
    new_appointment_on: Mapped[dt.date | None] = Column(Date, nullable=True)  # ngày hẹn lại (phiếu xin lỗi)
    late_reason: Mapped[str] = Column(Text, nullable=False, default="")
    completed_on: Mapped[dt.date | None] = Column(Date, nullable=True)
    note: Mapped[str] = Column(Text, nullable=False, default="")  # shown to the citizen
    source: Mapped[str] = Column(
        String(40), nullable=False, default="staff"
    )  # "staff" or the integration name
    # When the status was last known to be true: the source's own date when it gives one (an export
    # file's "cập nhật" column), otherwise the time it was loaded. Replies show it.
    updated_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now, onupdate=_now)


class ApplicationImport(Base):
    """One load of statuses from a file (admin upload or CLI): what it changed, for the admin's history."""

    __tablename__ = "application_imports"

    id: Mapped[int] = Column(Integer, primary_key=True)
    filename: Mapped[str] = Column(String(255), nullable=False, default="")
    username: Mapped[str] = Column(String(100), nullable=False, default="")
    channel: Mapped[str] = Column(String(20), nullable=False, default="admin")  # admin | cli
    rows_total: Mapped[int] = Column(Integer, nullable=False, default=0)
    created: Mapped[int] = Column(Integer, nullable=False, default=0)
    updated: Mapped[int] = Column(Integer, nullable=False, default=0)
    skipped: Mapped[int] = Column(Integer, nullable=False, default=0)
    errors: Mapped[str] = Column(Text, nullable=False, default="")  # one line per refused row
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now)
