"""End-to-end through the REST channel: petitions (Nghị định 20/2008), their status, one-stop FAQ, application status."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import yaml
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from bot.feedback.consent import consent_notice
from bot.feedback.dialogue import petition_summary
from bot.feedback.replies import CANCELLED, LOOKUP_REFUSED, stored_reply
from bot.feedback.storage import SubmitResult
from bot.settings import PROJECT_ROOT

pytestmark = pytest.mark.e2e

CODE = re.compile(r"PA-[0-9A-Z]{4}-[0-9A-Z]{4}")
CONTENT = "Cán bộ xã yêu cầu nộp thêm giấy xác nhận cư trú dù tôi đã có căn cước gắn chip"


@pytest.fixture(scope="module")
def db(stack) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    engine = create_engine(stack.database_url, future=True)
    yield engine
    engine.dispose()


def petitions(db: Engine) -> int:
    with db.connect() as conn:
        return conn.execute(text("SELECT COUNT(*) FROM petitions")).scalar_one()


def sender() -> str:
    return f"pakn-{uuid.uuid4().hex[:10]}"


def prompt(name: str) -> str:
    """The domain's text for a form question (each has one variant)."""
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    return str(domain["responses"][name][0]["text"])


def bot_says(texts: list[str], who: str) -> list[dict]:
    """The REST channel's exact answer: one plain text message each, nothing else."""
    return [{"recipient_id": who, "text": t} for t in texts]


def test_walk_through_from_the_first_message_to_the_tracking_code(stack, db) -> None:  # type: ignore[no-untyped-def]
    """Every turn returns exactly the next question: no error the citizen did not cause."""
    who, before = sender(), petitions(db)
    notice = consent_notice(days=int(stack.env.get("PETITION_RETENTION_DAYS") or 365))
    assert stack.chat("Tôi muốn gửi phản ánh", sender=who) == bot_says([notice], who)
    turns = [
        ("đồng ý", prompt("utter_ask_petition_content")),
        (CONTENT, prompt("utter_ask_petition_subject")),
        ("đăng ký thường trú", prompt("utter_ask_petition_name")),
        ("Nguyễn Văn An", prompt("utter_ask_petition_address")),
        ("thôn Tây, xã Bố Trạch", prompt("utter_ask_petition_contact")),
    ]
    for answer, question in turns:
        assert stack.chat(answer, sender=who) == bot_says([question], who), answer
    summary = petition_summary({
        "petition_name": "Nguyễn Văn An", "petition_address": "thôn Tây, xã Bố Trạch",
        "petition_contact": "0905123456", "petition_subject": "đăng ký thường trú", "petition_content": CONTENT,
    })
    assert stack.chat("0905 123 456", sender=who) == bot_says([summary], who)
    done = stack.chat("đồng ý", sender=who)
    code = CODE.search(done[0]["text"] if done else "")
    assert code, done
    assert done == bot_says([stored_reply(SubmitResult(tracking_code=code.group(0), created=True))], who)
    assert petitions(db) == before + 1


def test_a_second_petition_in_the_same_conversation_starts_cleanly(stack) -> None:  # type: ignore[no-untyped-def]
    """The form's slots still hold the first petition: clearing them must not trigger their validators."""
    who = sender()
    fill_to_summary(stack, who)
    stack.reply_text("đồng ý", sender=who)
    notice = consent_notice(days=int(stack.env.get("PETITION_RETENTION_DAYS") or 365))
    assert stack.chat("Tôi muốn gửi phản ánh", sender=who) == bot_says([notice], who)


def fill_to_summary(stack, who: str, contact: str = "0905 123 456") -> str:  # type: ignore[no-untyped-def]
    """Walks the petition form up to the summary and returns the summary text."""
    reply = stack.reply_text("tôi muốn phản ánh", sender=who)
    assert "91/2025/QH15" in reply and "ngày" in reply, reply
    assert "nội dung" in stack.reply_text("đồng ý", sender=who)
    assert "thủ tục hoặc cơ quan" in stack.reply_text(CONTENT, sender=who)
    assert "họ và tên" in stack.reply_text("đăng ký thường trú", sender=who)
    assert "Địa chỉ" in stack.reply_text("Nguyễn Văn An", sender=who)
    assert "Số điện thoại" in stack.reply_text("thôn Tây, xã Bố Trạch", sender=who)
    summary = stack.reply_text(contact, sender=who)
    assert "kiểm tra lại" in summary, summary
    return summary


def test_full_petition_gets_a_tracking_code_and_is_stored(stack, db) -> None:  # type: ignore[no-untyped-def]
    who, before = sender(), petitions(db)
    summary = fill_to_summary(stack, who)
    assert "Nguyễn Văn An" in summary and "0905123456" in summary and CONTENT in summary
    reply = stack.reply_text("đồng ý", sender=who)
    match = CODE.search(reply)
    assert match, reply
    assert petitions(db) == before + 1
    with db.connect() as conn:
        row = conn.execute(
            text("SELECT phone, full_name FROM petitions WHERE tracking_code = :c"), {"c": match.group(0)}
        ).one()
    assert tuple(row) == ("0905123456", "Nguyễn Văn An")


def test_invalid_phone_is_re_asked_and_a_field_can_be_corrected(stack, db) -> None:  # type: ignore[no-untyped-def]
    who = sender()
    reply = stack.reply_text("tôi muốn phản ánh", sender=who)
    for answer in ("đồng ý", CONTENT, "đăng ký thường trú", "Nguyễn Văn An", "thôn Tây, xã Bố Trạch"):
        reply = stack.reply_text(answer, sender=who)
    reply = stack.reply_text("090512345", sender=who)
    assert "10 chữ số" in reply and "Số điện thoại (hoặc e-mail)" in reply, reply
    reply = stack.reply_text("0912 345 678", sender=who)
    assert "0912345678" in reply and "kiểm tra lại" in reply, reply
    reply = stack.reply_text("sửa số điện thoại", sender=who)
    assert "Số điện thoại (hoặc e-mail)" in reply, reply
    reply = stack.reply_text("an.nguyen@gmail.com", sender=who)
    assert "an.nguyen@gmail.com" in reply and "0912345678" not in reply, reply


def test_cancel_midway_stores_nothing(stack, db) -> None:  # type: ignore[no-untyped-def]
    who, before = sender(), petitions(db)
    stack.reply_text("tôi muốn phản ánh", sender=who)
    stack.reply_text("đồng ý", sender=who)
    stack.reply_text(CONTENT, sender=who)
    stack.reply_text("đăng ký thường trú", sender=who)
    assert CANCELLED in stack.reply_text("hủy", sender=who)
    # A late "yes" after the cancel must not revive or store anything.
    assert not CODE.search(stack.reply_text("đồng ý", sender=who))
    assert petitions(db) == before


def test_database_failure_stores_nothing_tells_the_user_and_retry_works(stack, db) -> None:  # type: ignore[no-untyped-def]
    who, before = sender(), petitions(db)
    fill_to_summary(stack, who)
    with db.begin() as conn:
        conn.execute(text("ALTER TABLE petition_events RENAME TO petition_events_offline"))
    try:
        reply = stack.reply_text("đồng ý", sender=who)
    finally:
        with db.begin() as conn:
            conn.execute(text("ALTER TABLE petition_events_offline RENAME TO petition_events"))
    assert "CHƯA được lưu" in reply and not CODE.search(reply), reply
    assert petitions(db) == before
    retry = stack.reply_text("đồng ý", sender=who)
    assert CODE.search(retry), retry
    assert petitions(db) == before + 1


def test_double_confirmation_stores_one_row(stack, db) -> None:  # type: ignore[no-untyped-def]
    who, before = sender(), petitions(db)
    fill_to_summary(stack, who)
    with ThreadPoolExecutor(max_workers=2) as pool:  # a double tap: both arrive before either is answered
        replies = list(pool.map(lambda _: stack.reply_text("đồng ý", sender=who), range(2)))
    codes = {m.group(0) for r in replies for m in CODE.finditer(r)}
    assert len(codes) == 1, replies
    again = stack.reply_text("đồng ý", sender=who)  # a channel retry later on
    assert codes == {m.group(0) for m in CODE.finditer(again)} and "trước đó" in again, again
    assert petitions(db) == before + 1


def test_status_lookup_needs_the_right_phone(stack, db) -> None:  # type: ignore[no-untyped-def]
    who = sender()
    fill_to_summary(stack, who)
    code = CODE.search(stack.reply_text("đồng ý", sender=who)).group(0)  # type: ignore[union-attr]
    other = sender()
    refused = stack.reply_text(f"tra cứu phản ánh {code} số điện thoại 0912345678", sender=other)
    assert refused == LOOKUP_REFUSED, refused  # exactly the refusal: no status, no stray fallback
    unknown = stack.reply_text("tra cứu phản ánh PA-4W9T-K2RM số điện thoại 0905123456", sender=other)
    assert unknown == LOOKUP_REFUSED, unknown
    # Two steps, lower case, with the right phone.
    assert "mã theo dõi" in stack.reply_text("tra cứu phản ánh", sender=other)
    assert "số điện thoại" in stack.reply_text(code.lower(), sender=other)
    ok = stack.reply_text("0905 123 456", sender=other)
    assert code in ok and "Đã tiếp nhận" in ok, ok
    # The form is over: a new request starts from scratch and can be cancelled.
    assert "mã theo dõi" in stack.reply_text("tra cứu phản ánh", sender=other)
    assert "Đã dừng tra cứu" in stack.reply_text("hủy", sender=other)


def test_one_stop_questions_are_answered_from_the_faq(stack) -> None:  # type: ignore[no-untyped-def]
    hours = stack.reply_text("giờ làm việc của trung tâm hành chính công", sender=sender())
    assert "(Đang cập nhật)" in hours and "Nguồn:" in hours, hours
    decree = stack.reply_text("nghị định 20/2018 về phản ánh kiến nghị là gì", sender=sender())
    assert "20/2008/NĐ-CP" in decree, decree
    tiers = stack.reply_text("bây giờ còn cấp huyện không", sender=sender())
    assert "không còn cấp huyện" in tiers, tiers


def test_application_status_by_code(stack, db) -> None:  # type: ignore[no-untyped-def]
    """Before staff load anything the bot says it cannot look the code up (not that it is wrong); after a
    load through the staff path it answers from it, with the date of the information."""
    import datetime as dt

    from sqlalchemy.orm import Session

    from bot.applications.loading import load_file
    from bot.applications.provider import find_status
    from bot.applications.replies import cannot_look_up_reply, status_reply

    code = "000.00.23.H56-261101-0042"
    missing = stack.chat(f"tra cứu hồ sơ {code}", sender=sender())
    assert [m.get("text") for m in missing] == [cannot_look_up_reply(code)], missing
    staff_file = (f"Mã hồ sơ,Tên thủ tục,Trạng thái,Ngày hẹn trả,Ngày hẹn lại,Lý do trễ hẹn,Cập nhật lúc\n"
                  f"{code},Đăng ký thường trú,Trễ hẹn,10/11/2026,30/11/2026,chờ xác minh,20/11/2026 07:00\n")
    with Session(db) as session, session.begin():
        report = load_file(session=session, filename="hoso.csv", data=staff_file.encode(), username="canbo")
        assert report.created == 1, report.errors
    with Session(db) as session:
        loaded = find_status(session=session, code=code)
    assert loaded is not None
    late = stack.chat(f"tra cứu hồ sơ {code.lower()}", sender=sender())
    expected = status_reply(loaded, today=dt.date.today())
    assert [m.get("text") for m in late] == [expected], late
    assert "xin lỗi" in expected and "30/11/2026" in expected and "cập nhật lúc 07:00 ngày 20/11/2026" in expected
