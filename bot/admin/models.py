"""Tables of the staff admin: users, server-side sessions and the audit log.

Importing this module also registers the analytics and training tables (one line in models_registry).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped

from bot.analytics.models import UnansweredQuestion  # noqa: F401  (registers the table)
from bot.db import Base
from bot.training.models import TrainingExample, TrainingRun  # noqa: F401  (registers the tables)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


ROLE_STAFF = "staff"  # edits procedures, FAQ, petitions
ROLE_TRAINER = "trainer"  # also training examples and the trainer pipeline
ROLE_ADMIN = "admin"  # also users
ROLES = (ROLE_STAFF, ROLE_TRAINER, ROLE_ADMIN)
ROLE_RANK = {ROLE_STAFF: 1, ROLE_TRAINER: 2, ROLE_ADMIN: 3}
ROLE_LABELS = {ROLE_STAFF: "Cán bộ", ROLE_TRAINER: "Huấn luyện viên", ROLE_ADMIN: "Quản trị"}


class User(Base):
    """A staff account; the password is stored only as a salted scrypt hash."""

    __tablename__ = "admin_users"

    id: Mapped[int] = Column(Integer, primary_key=True)
    username: Mapped[str] = Column(String(100), nullable=False, unique=True, index=True)
    full_name: Mapped[str] = Column(String(200), nullable=False, default="")
    password_hash: Mapped[str] = Column(Text, nullable=False)
    role: Mapped[str] = Column(String(20), nullable=False, default=ROLE_STAFF)
    active: Mapped[bool] = Column(Boolean, nullable=False, default=True)
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now)
    last_login_at: Mapped[dt.datetime | None] = Column(DateTime, nullable=True)


class AdminSession(Base):
    """A server-side login session; the cookie holds a random token, the table only its SHA-256."""

    __tablename__ = "admin_sessions"

    id: Mapped[int] = Column(Integer, primary_key=True)
    token_hash: Mapped[str] = Column(String(64), nullable=False, unique=True, index=True)
    user_id: Mapped[int] = Column(ForeignKey("admin_users.id", ondelete="CASCADE"), nullable=False, index=True)
    csrf_token: Mapped[str] = Column(String(64), nullable=False)
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=_now)
    expires_at: Mapped[dt.datetime] = Column(DateTime, nullable=False)
