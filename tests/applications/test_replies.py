import datetime as dt

from bot.applications.models import (
    STATUS_DONE,
    STATUS_IN_PROGRESS,
    STATUS_LATE,
    STATUS_REJECTED,
    STATUS_SUPPLEMENT,
)
from bot.applications.provider import ApplicationStatus
from bot.applications.replies import cannot_look_up_reply, lookup_failed_reply, not_found_reply, status_reply

CODE = "000.00.23.H56-250101-0001"
TODAY = dt.date(2026, 11, 26)


def test_not_found_points_to_the_portal_and_hotline() -> None:
    text = not_found_reply(CODE)
    assert CODE in text and "dichvucong.gov.vn" in text and "1800 1096" in text
    assert "Hệ thống một cửa của tỉnh không có hồ sơ" in text and "kiểm tra lại mã" in text


def test_without_a_source_the_bot_says_it_cannot_look_up_not_that_the_code_is_wrong() -> None:
    text = cannot_look_up_reply(CODE)
    assert text.startswith(f"Hiện tôi chưa tra cứu được hồ sơ mã {CODE}: tôi chưa được kết nối")
    assert "nơi đã nộp hồ sơ" in text and "dichvucong.gov.vn" in text and "1800 1096" in text
    assert "kiểm tra lại" not in text and "không có hồ sơ" not in text


def test_loaded_status_says_when_it_was_true_in_vietnam_time() -> None:
    loaded = ApplicationStatus(code=CODE, status=STATUS_IN_PROGRESS, appointment_on=dt.date(2026, 12, 3),
                               as_of=dt.datetime(2026, 11, 25, 18, 30), source="staff")
    text = status_reply(loaded, today=TODAY)
    assert text.endswith("\n(Thông tin cập nhật lúc 01:30 ngày 26/11/2026; tình trạng có thể đã thay đổi sau đó.)")
    live = ApplicationStatus(code=CODE, status=STATUS_IN_PROGRESS, as_of=dt.datetime(2026, 11, 25), source="onestop")
    assert "cập nhật lúc" not in status_reply(live, today=TODAY)


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
