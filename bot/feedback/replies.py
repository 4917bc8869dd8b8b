"""Vietnamese replies about petitions, built from plain data so actions stay thin."""

from __future__ import annotations

from bot.feedback.storage import PetitionStatusView, SubmitResult

STORE_FAILED = (
    "Xin lỗi, hệ thống đang gặp sự cố nên phản ánh của bạn CHƯA được lưu. "
    'Bạn vui lòng trả lời "đồng ý" để thử gửi lại sau ít phút, hoặc gõ "hủy" để thôi.'
)
LOOKUP_FAILED = "Xin lỗi, hệ thống tra cứu đang gặp sự cố. Bạn vui lòng thử lại sau ít phút."
LOOKUP_REFUSED = (
    "Không tìm thấy phản ánh nào khớp với mã theo dõi và số điện thoại (hoặc e-mail) bạn đưa ra. "
    "Bạn kiểm tra lại mã (dạng PA-XXXX-XXXX) và dùng đúng số điện thoại/e-mail đã khai khi gửi."
)
CANCELLED = "Đã hủy. Thông tin bạn vừa nhập không được lưu lại."
LOOKUP_CANCELLED = "Đã dừng tra cứu phản ánh."


def stored_reply(result: SubmitResult) -> str:
    """Confirmation with the tracking code; a repeated confirmation gets the same code, not a second petition."""
    if not result.created:
        return (
            f"Phản ánh, kiến nghị này đã được ghi nhận trước đó với mã theo dõi {result.tracking_code}. "
            "Chúng tôi không tạo thêm bản trùng."
        )
    return (
        f"Đã tiếp nhận phản ánh, kiến nghị của bạn. Mã theo dõi: {result.tracking_code}.\n"
        "Bạn giữ mã này cùng số điện thoại (hoặc e-mail) đã khai để hỏi tiến độ, ví dụ: "
        f'"tra cứu phản ánh {result.tracking_code}". Nếu phản ánh không thuộc thẩm quyền, '
        "cơ quan tiếp nhận sẽ chuyển đến cơ quan có thẩm quyền trong 5 ngày làm việc."
    )


def status_reply(view: PetitionStatusView) -> str:
    """The status the sender may see."""
    text = (
        f"Phản ánh {view.tracking_code} (tiếp nhận ngày {view.received_on:%d/%m/%Y}): {view.status_label}. "
        f"Cập nhật lần cuối ngày {view.updated_on:%d/%m/%Y}."
    )
    if view.transferred_to:
        text += f"\nĐã chuyển đến: {view.transferred_to}."
    if view.answer:
        text += f"\nTrả lời của cơ quan xử lý: {view.answer}"
    if view.note:
        text += f"\nGhi chú của cơ quan xử lý: {view.note}"
    return text


def result_notice(view: PetitionStatusView) -> str:
    """What the citizen is sent (Telegram, Zalo, web widget) when their petition reaches a result."""
    return (
        f"Phản ánh, kiến nghị {view.tracking_code} của anh/chị đã có kết quả.\n{status_reply(view)}\n"
        f'Anh/chị có thể tra cứu lại bất cứ lúc nào: "tra cứu phản ánh {view.tracking_code}" '
        "kèm số điện thoại (hoặc e-mail) đã khai."
    )
