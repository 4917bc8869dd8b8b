import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.applications.models import STATUS_DONE, STATUS_IN_PROGRESS, STATUS_LATE
from bot.applications.provider import (
    ApplicationLookupError,
    ApplicationStatus,
    ApplicationStatusProvider,
    DatabaseStatusProvider,
    upsert_status,
)
from bot.db import session_scope

CODE = "000.00.23.H56-250101-0001"


def test_database_provider_reads_what_staff_or_an_integration_wrote(database: Engine) -> None:
    with session_scope() as s:
        upsert_status(
            session=s,
            status=ApplicationStatus(
                code=CODE.lower(), status=STATUS_IN_PROGRESS, appointment_on=dt.date(2026, 12, 1)
            ),
        )
    provider: ApplicationStatusProvider = DatabaseStatusProvider()
    found = provider.get_status(CODE)
    assert (
        found is not None
        and found.status == STATUS_IN_PROGRESS
        and found.appointment_on == dt.date(2026, 12, 1)
    )
    assert provider.get_status("000.00.23.H56-250101-0009") is None


def test_upsert_updates_in_place(database: Engine) -> None:
    with session_scope() as s:
        assert upsert_status(session=s, status=ApplicationStatus(code=CODE, status=STATUS_IN_PROGRESS))
    with session_scope() as s:
        assert not upsert_status(
            session=s,
            status=ApplicationStatus(code=CODE, status=STATUS_DONE, completed_on=dt.date(2026, 1, 5)),
        )
    found = DatabaseStatusProvider().get_status(CODE)
    assert found is not None and found.status == STATUS_DONE
    with database.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM application_statuses")).scalar_one() == 1


def test_unknown_status_is_refused(database: Engine) -> None:
    with pytest.raises(ValueError), session_scope() as s:
        upsert_status(session=s, status=ApplicationStatus(code=CODE, status="lost"))


def test_database_failure_is_a_lookup_error_not_a_not_found(database: Engine) -> None:
    with database.begin() as conn:
        conn.execute(text("DROP TABLE application_statuses"))
    with pytest.raises(ApplicationLookupError):
        DatabaseStatusProvider().get_status(CODE)


def test_late_fields_round_trip(database: Engine) -> None:
    late = ApplicationStatus(
        code=CODE,
        status=STATUS_LATE,
        appointment_on=dt.date(2026, 11, 1),
        new_appointment_on=dt.date(2026, 11, 20),
        late_reason="chờ xác minh của cơ quan liên quan",
    )
    as_of = dt.datetime(2026, 11, 5, 1, 30)
    with session_scope() as s:
        upsert_status(session=s, status=late, source="staff", as_of=as_of)
    assert DatabaseStatusProvider().get_status(CODE) == replace(late, as_of=as_of, source="staff")


def test_the_database_is_partial_data_not_the_authority() -> None:
    assert DatabaseStatusProvider.authoritative is False
