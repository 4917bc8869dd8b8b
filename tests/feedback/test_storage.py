import datetime as dt
import logging

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine

from bot.db import session_scope
from bot.feedback import storage
from bot.feedback.models import STATUS_ANSWERED, STATUS_RECEIVED, Petition, PetitionEvent
from bot.feedback.storage import (
    PetitionDraft,
    PetitionStoreError,
    get_petition_status,
    purge_expired,
    set_status,
    submit_petition,
)
from bot.feedback.validation import KIND_EMAIL, KIND_PHONE, Contact

PHONE = Contact(KIND_PHONE, "0905123456")
DRAFT = PetitionDraft(
    full_name="Nguyễn Văn An",
    address="thôn Tây, xã Bố Trạch",
    contact=PHONE,
    content="Cán bộ yêu cầu nộp thêm giấy xác nhận cư trú dù tôi đã có căn cước gắn chip",
    subject="đăng ký thường trú",
)


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()


def test_submit_stores_petition_and_first_event_together(database: Engine) -> None:
    result = submit_petition(draft=DRAFT, conversation_id="chat-1", consent_version="v1")
    assert result.created
    with session_scope() as s:
        petition = s.execute(select(Petition)).scalar_one()
        assert petition.tracking_code == result.tracking_code
        assert (petition.phone, petition.email, petition.status) == ("0905123456", None, STATUS_RECEIVED)
        assert petition.conversation_ref != "chat-1"  # the raw sender id is not stored
        assert petition.retain_until > dt.date.today()
        assert [e.status for e in petition.events] == [STATUS_RECEIVED]


def test_database_failure_mid_transaction_leaves_nothing(database: Engine) -> None:
    # The petition row is written first; the event insert then fails, so the whole transaction must roll back.
    with database.begin() as conn:
        conn.execute(text("ALTER TABLE petition_events RENAME TO petition_events_offline"))
    with pytest.raises(PetitionStoreError):
        submit_petition(draft=DRAFT, conversation_id="chat-1", consent_version="v1")
    assert _count(database, "petitions") == 0
    with database.begin() as conn:
        conn.execute(text("ALTER TABLE petition_events_offline RENAME TO petition_events"))
    # After the fault is gone the same petition goes through.
    assert submit_petition(draft=DRAFT, conversation_id="chat-1", consent_version="v1").created
    assert _count(database, "petitions") == 1


def test_repeated_confirmation_returns_the_same_code_and_one_row(database: Engine) -> None:
    first = submit_petition(draft=DRAFT, conversation_id="chat-1", consent_version="v1")
    second = submit_petition(draft=DRAFT, conversation_id="chat-1", consent_version="v1")
    assert second.tracking_code == first.tracking_code
    assert not second.created
    assert _count(database, "petitions") == 1
    assert _count(database, "petition_events") == 1


def test_concurrent_confirmation_that_loses_the_race_reads_the_winner(
    database: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    winner = submit_petition(draft=DRAFT, conversation_id="chat-1", consent_version="v1")
    real_find = storage._find_by_key
    calls = {"n": 0}

    def miss_once(session, key):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        return None if calls["n"] == 1 else real_find(session, key)

    monkeypatch.setattr(storage, "_find_by_key", miss_once)
    loser = submit_petition(draft=DRAFT, conversation_id="chat-1", consent_version="v1")
    assert (loser.tracking_code, loser.created) == (winner.tracking_code, False)
    assert _count(database, "petitions") == 1


def test_other_conversation_or_content_is_a_new_petition(database: Engine) -> None:
    a = submit_petition(draft=DRAFT, conversation_id="chat-1", consent_version="v1")
    b = submit_petition(draft=DRAFT, conversation_id="chat-2", consent_version="v1")
    other = PetitionDraft(**{**DRAFT.__dict__, "content": DRAFT.content + " lần thứ hai"})
    c = submit_petition(draft=other, conversation_id="chat-1", consent_version="v1")
    assert len({a.tracking_code, b.tracking_code, c.tracking_code}) == 3
    assert _count(database, "petitions") == 3


def test_status_needs_the_code_and_the_same_phone(database: Engine) -> None:
    code = submit_petition(draft=DRAFT, conversation_id="chat-1", consent_version="v1").tracking_code
    view = get_petition_status(tracking_code=code, contact=PHONE)
    assert view is not None and view.status == STATUS_RECEIVED and view.tracking_code == code
    wrong_phone = get_petition_status(tracking_code=code, contact=Contact(KIND_PHONE, "0912345678"))
    unknown_code = get_petition_status(tracking_code="PA-0000-0000", contact=PHONE)
    email_instead = get_petition_status(tracking_code=code, contact=Contact(KIND_EMAIL, "a@b.vn"))
    assert wrong_phone is None and unknown_code is None and email_instead is None


def test_status_by_email(database: Engine) -> None:
    email = Contact(KIND_EMAIL, "an@gmail.com")
    code = submit_petition(
        draft=PetitionDraft(**{**DRAFT.__dict__, "contact": email}), conversation_id="c", consent_version="v1"
    ).tracking_code
    assert get_petition_status(tracking_code=code, contact=email) is not None
    assert get_petition_status(tracking_code=code, contact=PHONE) is None


def test_staff_status_change_is_visible_and_recorded(database: Engine) -> None:
    code = submit_petition(draft=DRAFT, conversation_id="chat-1", consent_version="v1").tracking_code
    with session_scope() as s:
        assert set_status(
            session=s, tracking_code=code, status=STATUS_ANSWERED, note="Đã trả lời bằng văn bản", actor="cb1"
        )
    view = get_petition_status(tracking_code=code, contact=PHONE)
    assert view is not None and view.status == STATUS_ANSWERED and view.note == "Đã trả lời bằng văn bản"
    assert _count(database, "petition_events") == 2


def test_purge_removes_only_expired_petitions(database: Engine) -> None:
    old = dt.datetime(2020, 1, 1)
    submit_petition(draft=DRAFT, conversation_id="old", consent_version="v1", now=old)
    submit_petition(draft=DRAFT, conversation_id="new", consent_version="v1")
    with session_scope() as s:
        assert purge_expired(session=s, today=dt.date.today()) == 1
    with session_scope() as s:
        assert s.execute(select(func.count()).select_from(Petition)).scalar_one() == 1
        assert s.execute(select(func.count()).select_from(PetitionEvent)).scalar_one() == 1


def test_logs_never_contain_personal_data(database: Engine, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    code = submit_petition(draft=DRAFT, conversation_id="chat-1", consent_version="v1").tracking_code
    get_petition_status(tracking_code=code, contact=PHONE)
    logged = caplog.text
    assert code in logged  # the code is fine to log
    for secret in ("0905123456", "Bố Trạch", "Nguyễn Văn An"):
        assert secret not in logged


def test_a_failed_insert_does_not_log_its_parameters(
    database: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    # A trigger makes the petitions INSERT itself fail, so SQLAlchemy's error carries the row's values.
    with database.begin() as conn:
        conn.execute(
            text(
                "CREATE TRIGGER refuse BEFORE INSERT ON petitions BEGIN SELECT RAISE(ABORT, 'disk full'); END"
            )
        )
    caplog.set_level(logging.DEBUG)
    with pytest.raises(PetitionStoreError) as raised:
        submit_petition(draft=DRAFT, conversation_id="chat-1", consent_version="v1")
    assert "disk full" in caplog.text
    for secret in ("0905123456", "Bố Trạch", "Nguyễn Văn An"):
        assert secret not in caplog.text and secret not in str(raised.value)
    assert _count(database, "petitions") == 0
