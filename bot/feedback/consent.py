"""The purpose notice shown before a petition is stored (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15)."""

from __future__ import annotations

from bot.settings import get_settings

# Bump when the wording changes: the stored petition records which notice the citizen agreed to.
NOTICE_VERSION = "2026-12-v2"

_NOTICE = (
    "Trước khi tiếp nhận, xin bạn lưu ý: để xử lý phản ánh, kiến nghị theo Nghị định 20/2008/NĐ-CP, "
    "chúng tôi cần ghi lại họ tên, địa chỉ, số điện thoại hoặc e-mail và nội dung bạn cung cấp. "
    "Các thông tin này (cùng kênh trò chuyện này, để báo kết quả cho bạn) chỉ dùng để xem xét, "
    "chuyển cơ quan có thẩm quyền và trả lời bạn; "
    "được lưu {days} ngày rồi xóa, theo Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15. "
    'Bạn có đồng ý cho chúng tôi xử lý các thông tin này không? (trả lời "đồng ý" hoặc "không")'
)


def retention_days() -> int:
    """How long a petition is kept, from settings (PETITION_RETENTION_DAYS)."""
    return max(1, get_settings().petition_retention_days)


def consent_notice(days: int | None = None) -> str:
    """The notice with the configured retention period filled in."""
    return _NOTICE.format(days=days if days is not None else retention_days())


REFUSED_REPLY = (
    "Chúng tôi tôn trọng lựa chọn của bạn và không lưu thông tin nào. "
    "Bạn vẫn có thể gửi phản ánh, kiến nghị bằng văn bản, qua bưu điện, hoặc trên Cổng Dịch vụ công quốc gia "
    "(dichvucong.gov.vn)."
)
