"""Where application statuses come from: the provider interface and the database-backed provider.

Two providers exist: statuses staff load into the database (admin upload or CLI, bot/applications/
loading.py), and the provincial one-stop system (bot/applications/onestop.py) when it is configured.
bot/applications/lookup.py decides which to ask and what a missing code means.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.applications.models import APPLICATION_STATUSES, ApplicationStatusRecord
from bot.db import session_scope
from bot.feedback.storage import SessionFactory

SOURCE_STAFF = "staff"
SOURCE_ONESTOP = "onestop"


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
    as_of: dt.datetime | None = None  # UTC; when the status was known to be true (None: live answer)
    source: str = ""


class ApplicationStatusProvider(Protocol):
    """Looks an application up by its code; None when the code is unknown to this source."""

    # True when the source holds every application (the one-stop system): an unknown code is then
    # most likely mistyped. False for partial data (what staff loaded): unknown says nothing.
    authoritative: bool

    def get_status(self, code: str) -> ApplicationStatus | None:
        """Raise ApplicationLookupError when the source fails (the caller says 'try again later')."""
        ...


class DatabaseStatusProvider:
    """Reads the ``application_statuses`` table (statuses staff or an integration job loaded)."""

    authoritative = False

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
        as_of=row.updated_at,
        source=row.source,
    )


_COPIED = ("status", "procedure_name", "agency", "received_on", "appointment_on", "new_appointment_on",
           "late_reason", "completed_on", "note")


def apply_status(row: ApplicationStatusRecord, status: ApplicationStatus, *, source: str, as_of: dt.datetime) -> None:
    """Copy a status onto its table row (``as_of`` in UTC: when the status was known to be true)."""
    if status.status not in APPLICATION_STATUSES:
        raise ValueError(f"unknown application status: {status.status}")
    for name in _COPIED:
        setattr(row, name, getattr(status, name))
    row.source = source[:40]
    row.updated_at = as_of


def upsert_status(
    *, session: Session, status: ApplicationStatus, source: str = SOURCE_STAFF, as_of: dt.datetime | None = None
) -> bool:
    """Insert or update one record; ``as_of`` (UTC) defaults to now. Returns True when it was created."""
    if status.status not in APPLICATION_STATUSES:
        raise ValueError(f"unknown application status: {status.status}")
    row = session.execute(
        select(ApplicationStatusRecord).where(ApplicationStatusRecord.code == status.code.upper())
    ).scalar_one_or_none()
    created = row is None
    if row is None:
        row = ApplicationStatusRecord(code=status.code.upper())
        session.add(row)
    apply_status(row, status, source=source, as_of=as_of or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None))
    return created
