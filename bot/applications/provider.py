"""Where application statuses come from: an interface, and the database-backed implementation we ship.

A connector to the provincial one-stop system implements the same interface and replaces the
database provider in :func:`get_provider` without touching the actions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.applications.models import APPLICATION_STATUSES, ApplicationStatusRecord
from bot.feedback.storage import SessionFactory
from bot.knowledge.db import session_scope


class ApplicationLookupError(Exception):
    """The status source could not be reached or answered wrongly (not the same as 'not found')."""


@dataclass(frozen=True)
class ApplicationStatus:
    """A provider-neutral view of one application."""

    code: str
    status: str
    procedure_name: str = ""
    agency: str = ""
    received_on: dt.date | None = None
    appointment_on: dt.date | None = None
    new_appointment_on: dt.date | None = None
    late_reason: str = ""
    completed_on: dt.date | None = None
    note: str = ""


class ApplicationStatusProvider(Protocol):
    """Looks an application up by its code; None when the code is unknown."""

    def get_status(self, code: str) -> ApplicationStatus | None:
        """Raise ApplicationLookupError when the source fails (the caller says 'try again later')."""
        ...


class DatabaseStatusProvider:
    """Reads the ``application_statuses`` table."""

    def __init__(self, sessions: SessionFactory = session_scope) -> None:
        self._sessions = sessions

    def get_status(self, code: str) -> ApplicationStatus | None:
        try:
            with self._sessions() as session:
                return find_status(session=session, code=code)
        except SQLAlchemyError as exc:
            raise ApplicationLookupError(str(exc)) from exc


def find_status(*, session: Session, code: str) -> ApplicationStatus | None:
    """The stored status of ``code`` as a plain dataclass."""
    row = session.execute(
        select(ApplicationStatusRecord).where(ApplicationStatusRecord.code == code.upper())
    ).scalar_one_or_none()
    if row is None:
        return None
    return ApplicationStatus(
        code=row.code,
        status=row.status,
        procedure_name=row.procedure_name,
        agency=row.agency,
        received_on=row.received_on,
        appointment_on=row.appointment_on,
        new_appointment_on=row.new_appointment_on,
        late_reason=row.late_reason,
        completed_on=row.completed_on,
        note=row.note,
    )


def upsert_status(*, session: Session, status: ApplicationStatus) -> None:
    """Insert or update one record (used by an integration job, staff tools and tests)."""
    if status.status not in APPLICATION_STATUSES:
        raise ValueError(f"unknown application status: {status.status}")
    row = session.execute(
        select(ApplicationStatusRecord).where(ApplicationStatusRecord.code == status.code.upper())
    ).scalar_one_or_none()
    if row is None:
        row = ApplicationStatusRecord(code=status.code.upper())
        session.add(row)
    for name in (
        "status",
        "procedure_name",
        "agency",
        "received_on",
        "appointment_on",
        "new_appointment_on",
        "late_reason",
        "completed_on",
        "note",
    ):
        setattr(row, name, getattr(status, name))


def get_provider() -> ApplicationStatusProvider:
    """The provider in use; swap here when the provincial one-stop system is connected."""
    return DatabaseStatusProvider()
