"""Staff handling of a petition: workflow, required fields, deadlines, the citizen's notice, the status lookup."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.db import session_scope
from bot.feedback import handling
from bot.feedback.deadlines import add_working_days, transfer_deadline
from bot.feedback.models import NOTICE_PENDING, Petition, PetitionEvent, PetitionNotice
from bot.feedback.replies import status_reply
from bot.feedback.storage import PetitionDraft, get_petition_status, submit_petition
from bot.feedback.validation import KIND_PHONE, Contact

PHONE = Contact(KIND_PHONE, "0905123456")
RECEIVED = dt.datetime(2026, 12, 1, 9, 0)


def _submit(sender: str = "tg:4242", now: dt.datetime = RECEIVED) -> str:
    draft = PetitionDraft(full_name="Nguyễn Văn An", address="Đông Hà", contact=PHONE,
                          content="Cán bộ yêu cầu thêm giấy tờ ngoài quy định", subject="Đăng ký thường trú")
    return submit_petition(draft=draft, conversation_id=sender, consent_version="t", now=now).tracking_code


def _change(code: str, **fields) -> bool:  # noqa: ANN003
    with session_scope() as s:
        petition = s.execute(select(Petition).where(Petition.tracking_code == code)).scalar_one()
        return handling.apply_change(session=s, petition=petition, change=handling.HandlingChange(**fields),
                                     actor="canbo", now=RECEIVED + dt.timedelta(days=3))


def test_transfer_deadline_counts_working_days_and_skips_tet() -> None:
    assert transfer_deadline(dt.date(2026, 12, 1)) == dt.date(2026, 12, 8)  # Tue -> next Tue
    assert transfer_deadline(dt.date(2026, 12, 4)) == dt.date(2026, 12, 11)  # Fri: weekend skipped
    # Thu 12/02/2026: Fri 13, then Tết 16–20/02 is skipped: 23, 24, 25, 26.
    assert transfer_deadline(dt.date(2026, 2, 12)) == dt.date(2026, 2, 26)
    assert add_working_days(dt.date(2026, 4, 29), 1) == dt.date(2026, 5, 4)  # 30/4 and 1/5 are holidays


def test_submission_records_channel_reply_address_and_transfer_deadline(database: Engine) -> None:
    tg, web = _submit("tg:4242"), _submit("web:" + "ab" * 8)
    with session_scope() as s:
        rows = {p.tracking_code: p for p in s.execute(select(Petition)).scalars()}
        assert (rows[tg].channel, rows[tg].reply_address) == ("telegram", "tg:4242")
        assert (rows[web].channel, rows[web].reply_address) == ("web", "")  # nothing to push to: next visit
        assert rows[tg].transfer_due == dt.date(2026, 12, 8)


def test_workflow_requires_an_answer_and_queues_the_notice(database: Engine) -> None:
    code = _submit()
    assert _change(code, status="processing", assigned_agency="UBND xã Gio Linh", assigned_officer="canbo",
                   answer_due=dt.date(2026, 12, 20))
    with pytest.raises(handling.HandlingError, match="nội dung trả lời"):
        _change(code, status="answered", assigned_agency="UBND xã Gio Linh")
    assert _change(code, status="answered", assigned_agency="UBND xã Gio Linh", assigned_officer="canbo",
                   answer_due=dt.date(2026, 12, 20), answer_text="Xã đã bỏ yêu cầu giấy xác nhận cư trú.")
    with session_scope() as s:
        p = s.execute(select(Petition).where(Petition.tracking_code == code)).scalar_one()
        assert p.closed_at is not None and p.status == "answered"
        assert [e.status for e in s.execute(select(PetitionEvent)).scalars()] == ["received", "processing", "answered"]
        notice = s.execute(select(PetitionNotice)).scalar_one()
        assert (notice.channel, notice.address, notice.status) == ("telegram", "tg:4242", NOTICE_PENDING)
        assert "Xã đã bỏ yêu cầu giấy xác nhận cư trú." in notice.text and code in notice.text
        assert "0905123456" not in notice.text and "Nguyễn" not in notice.text
    view = get_petition_status(tracking_code=code, contact=PHONE)
    assert view is not None
    assert "Trả lời của cơ quan xử lý: Xã đã bỏ yêu cầu giấy xác nhận cư trú." in status_reply(view)


def test_transitions_and_required_fields(database: Engine) -> None:
    code = _submit()
    with pytest.raises(handling.HandlingError, match="cơ quan được chuyển đến"):
        _change(code, status="transferred")
    with pytest.raises(handling.HandlingError, match="lý do"):
        _change(code, status="not_accepted")
    assert _change(code, status="transferred", transferred_to="Sở Tư pháp")
    with pytest.raises(handling.HandlingError, match="Không thể chuyển"):
        _change(code, status="answered", answer_text="x", transferred_to="Sở Tư pháp")
    assert _change(code, status="processing", transferred_to="")  # reopened
    with session_scope() as s:
        p = s.execute(select(Petition).where(Petition.tracking_code == code)).scalar_one()
        assert p.closed_at is None
    assert not _change(code, status="processing")  # nothing changed


def test_overdue_rules(database: Engine) -> None:
    code = _submit()
    with session_scope() as s:
        p = s.execute(select(Petition).where(Petition.tracking_code == code)).scalar_one()
        assert not handling.is_overdue(p, dt.date(2026, 12, 8))
        assert handling.is_overdue(p, dt.date(2026, 12, 9))  # still only received after 5 working days
        p.status, p.answer_due = "processing", dt.date(2026, 12, 20)
        assert not handling.is_overdue(p, dt.date(2026, 12, 20))
        assert handling.is_overdue(p, dt.date(2026, 12, 21))
        p.status = "answered"
        assert not handling.is_overdue(p, dt.date(2027, 1, 1))
