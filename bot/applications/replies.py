"""Vietnamese replies for an application status: not found, in progress, needs documents, late, done."""

from __future__ import annotations

import datetime as dt

from bot.applications.models import (
    STATUS_DONE,
    STATUS_LATE,
    STATUS_REJECTED,
    STATUS_SUPPLEMENT,
)
from bot.applications.provider import SOURCE_ONESTOP, ApplicationStatus
from bot.settings import get_settings

VIETNAM_TIME = dt.timezone(dt.timedelta(hours=7), "ICT")  # no daylight saving time

ASK_FOR_CODE = (
    "Bạn vui lòng gửi mã hồ sơ in trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả "
    "(dạng 000.00.23.H56-250101-0001) để tôi tra cứu."
)


def _d(day: dt.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else "(chưa có)"


def _fallback() -> str:
    s = get_settings()
    return f"Bạn cũng có thể tra cứu trên Cổng Dịch vụ công quốc gia ({s.national_portal_url}) hoặc gọi tổng đài {s.national_hotline}."


def lookup_failed_reply() -> str:
    """The status source is down: say so, and where else to look."""
    return "Xin lỗi, hệ thống tra cứu hồ sơ đang gặp sự cố. Bạn vui lòng thử lại sau ít phút. " + _fallback()


def not_found_reply(code: str) -> str:
    """The one-stop system (which holds every application) does not know the code: ask to check it."""
    return (
        f"Hệ thống một cửa của tỉnh không có hồ sơ mã {code}. Bạn kiểm tra lại mã trên Giấy tiếp nhận "
        "hồ sơ và hẹn trả kết quả, hoặc liên hệ nơi đã nộp hồ sơ. " + _fallback()
    )


def cannot_look_up_reply(code: str) -> str:
    """No connection to the one-stop system and nothing loaded for this code: say so, and where to look."""
    return (
        f"Hiện tôi chưa tra cứu được hồ sơ mã {code}: tôi chưa được kết nối với hệ thống một cửa của tỉnh "
        "và chưa có thông tin về hồ sơ này. Bạn hỏi tiến độ tại nơi đã nộp hồ sơ (mang theo Giấy tiếp "
        "nhận hồ sơ và hẹn trả kết quả). " + _fallback()
    )


def _as_of(status: ApplicationStatus) -> str:
    """When a loaded (not live) status was true, in Vietnam time: it may have changed since."""
    if status.as_of is None or status.source == SOURCE_ONESTOP:
        return ""
    local = status.as_of.replace(tzinfo=dt.timezone.utc).astimezone(VIETNAM_TIME)
    return f"\n(Thông tin cập nhật lúc {local:%H:%M} ngày {local:%d/%m/%Y}; tình trạng có thể đã thay đổi sau đó.)"


def status_reply(status: ApplicationStatus, *, today: dt.date) -> str:
    """The reply a citizen sees for a known application, with the date of the information when not live."""
    return _status_text(status, today=today) + _as_of(status)


def _status_text(status: ApplicationStatus, *, today: dt.date) -> str:
    name = f" ({status.procedure_name})" if status.procedure_name else ""
    head = f"Hồ sơ {status.code}{name}"
    note = f"\nGhi chú: {status.note}" if status.note else ""
    if status.status == STATUS_DONE:
        return (
            f"{head} đã có kết quả"
            + (f" từ ngày {_d(status.completed_on)}" if status.completed_on else "")
            + ". "
            "Bạn nhận kết quả tại nơi đã nộp hồ sơ hoặc theo hình thức đã đăng ký (trực tuyến, bưu chính), "
            "nhớ mang theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả." + note
        )
    if status.status == STATUS_LATE:
        reason = f" Lý do: {status.late_reason}." if status.late_reason else ""
        if status.new_appointment_on:
            return (
                f"Chúng tôi thành thật xin lỗi bạn: {head} chưa thể trả kết quả đúng hẹn ngày "
                f"{_d(status.appointment_on)}.{reason} Ngày hẹn trả kết quả mới: {_d(status.new_appointment_on)}."
                + note
            )
        return (
            f"Chúng tôi thành thật xin lỗi bạn: {head} đã quá ngày hẹn {_d(status.appointment_on)}.{reason} "
            "Cơ quan giải quyết sẽ gửi Phiếu xin lỗi và hẹn lại ngày trả kết quả; bạn có thể liên hệ nơi đã nộp "
            "hồ sơ để biết ngày hẹn mới." + note
        )
    if status.status == STATUS_SUPPLEMENT:
        return (
            f"{head} cần bổ sung, hoàn thiện. Bạn xem hướng dẫn bổ sung của cơ quan giải quyết "
            "(thường gửi kèm văn bản hoặc tin nhắn) hoặc liên hệ nơi đã nộp hồ sơ." + note
        )
    if status.status == STATUS_REJECTED:
        return (
            f"{head} không được giải quyết. Cơ quan giải quyết phải trả lời bằng văn bản và nêu rõ lý do; "
            "bạn liên hệ nơi đã nộp hồ sơ nếu chưa nhận được." + note
        )
    # received / in progress
    agency = f" tại {status.agency}" if status.agency else ""
    text = f"{head} đang được giải quyết{agency}. Ngày hẹn trả kết quả: {_d(status.appointment_on)}."
    if status.appointment_on and status.appointment_on < today:
        text += (
            " Hồ sơ đã quá ngày hẹn nhưng chưa có cập nhật mới: khi trễ hẹn, cơ quan giải quyết phải gửi "
            "Phiếu xin lỗi và hẹn lại ngày trả kết quả. Bạn nên liên hệ nơi đã nộp hồ sơ."
        )
    return text + note
