import datetime as dt

from bot.applications.models import (
    STATUS_DONE,
    STATUS_IN_PROGRESS,
    STATUS_LATE,
    STATUS_REJECTED,
    STATUS_SUPPLEMENT,
)
from bot.applications.provider import ApplicationStatus
from bot.applications.replies import lookup_failed_reply, not_found_reply, status_reply

CODE = "000.00.23.H56-250101-0001"
TODAY = dt.date(2026, 11, 26)


def test_not_found_points_to_the_portal_and_hotline() -> None:
    text = not_found_reply(CODE)
    assert CODE in text and "dichvucong.gov.vn" in text and "1800 1096" in text


def test_in_progress_gives_the_appointment_date() -> None:
    text = status_reply(
        ApplicationStatus(
            code=CODE,
            status=STATUS_IN_PROGRESS,
            procedure_name="Đăng ký thường trú",
            appointment_on=dt.date(2026, 12, 3),
        ),
        today=TODAY,
    )
    assert "đang được giải quyết" in text and "03/12/2026" in text and "Đăng ký thường trú" in text
    assert "quá ngày hẹn" not in text


def test_in_progress_past_the_date_explains_the_apology_rule() -> None:
    text = status_reply(
        ApplicationStatus(code=CODE, status=STATUS_IN_PROGRESS, appointment_on=dt.date(2026, 11, 1)),
        today=TODAY,
    )
    assert "quá ngày hẹn" in text and "Phiếu xin lỗi và hẹn lại ngày trả kết quả" in text


def test_late_apologises_with_the_new_date_and_reason() -> None:
    text = status_reply(
        ApplicationStatus(
            code=CODE,
            status=STATUS_LATE,
            appointment_on=dt.date(2026, 11, 1),
            new_appointment_on=dt.date(2026, 11, 30),
            late_reason="chờ kết quả xác minh",
        ),
        today=TODAY,
    )
    assert (
        "xin lỗi" in text and "30/11/2026" in text and "01/11/2026" in text and "chờ kết quả xác minh" in text
    )


def test_late_without_a_new_date_does_not_invent_one() -> None:
    text = status_reply(
        ApplicationStatus(code=CODE, status=STATUS_LATE, appointment_on=dt.date(2026, 11, 1)), today=TODAY
    )
    assert "xin lỗi" in text and "Phiếu xin lỗi và hẹn lại ngày trả kết quả" in text
    assert "Ngày hẹn trả kết quả mới" not in text


def test_done_supplement_rejected() -> None:
    done = status_reply(
        ApplicationStatus(code=CODE, status=STATUS_DONE, completed_on=dt.date(2026, 11, 20)), today=TODAY
    )
    assert "đã có kết quả" in done and "20/11/2026" in done
    assert "cần bổ sung" in status_reply(ApplicationStatus(code=CODE, status=STATUS_SUPPLEMENT), today=TODAY)
    assert "không được giải quyết" in status_reply(
        ApplicationStatus(code=CODE, status=STATUS_REJECTED), today=TODAY
    )


def test_lookup_failure_says_try_again() -> None:
    assert "thử lại" in lookup_failed_reply()
