"""Understand the short control replies inside the petition form: yes/no, cancel, and "sửa <mục>"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.text.normalize import fold

# Form slots in the order they are asked.
SLOT_CONSENT = "petition_consent"
SLOT_CONTENT = "petition_content"
SLOT_SUBJECT = "petition_subject"
SLOT_NAME = "petition_name"
SLOT_ADDRESS = "petition_address"
SLOT_CONTACT = "petition_contact"
SLOT_CONFIRM = "petition_confirm"
FORM_SLOTS = (SLOT_CONSENT, SLOT_CONTENT, SLOT_SUBJECT, SLOT_NAME, SLOT_ADDRESS, SLOT_CONTACT, SLOT_CONFIRM)
EDITABLE_SLOTS = (SLOT_CONTENT, SLOT_SUBJECT, SLOT_NAME, SLOT_ADDRESS, SLOT_CONTACT)

FIELD_LABELS = {
    SLOT_NAME: "Họ và tên",
    SLOT_ADDRESS: "Địa chỉ",
    SLOT_CONTACT: "Số điện thoại/e-mail",
    SLOT_CONTENT: "Nội dung",
    SLOT_SUBJECT: "Thủ tục/cơ quan liên quan",
}

# Folded phrases; whole-message matches only, so a petition that mentions "hủy" is not a cancel.
# Bare "dung" is left out: folded, "dừng" (stop) and "đúng" (right) are the same word.
_CANCEL = re.compile(
    r"^(?:(?:toi|em|minh|cho)\s+)?(?:muon\s+)?(?:huy|huy bo|thoi|dung lai|bo qua|cancel|stop|khong gui nua|"
    r"thoi khong gui nua|khong muon gui nua|thoi khoi|khoi)(?:\s+(?:di|nha|nhe|a|ạ|lai|bo|phan anh|kien nghi|"
    r"phan anh kien nghi|tra cuu|viec nay|nua|roi))*$"
)
_CORRECT_VERB = r"(?:sua|sua lai|doi|doi lai|thay doi|chinh|chinh lai|chinh sua|nhap lai|ghi lai|cap nhat)"
_FIELD_WORDS = {
    SLOT_CONTACT: r"(?:so dien thoai|dien thoai|sdt|so dt|dt|so|email|e mail|mail|thu dien tu|lien he|thong tin lien he)",
    SLOT_NAME: r"(?:ho ten|ho va ten|ten)",
    SLOT_ADDRESS: r"(?:dia chi|cho o|noi o)",
    SLOT_CONTENT: r"(?:noi dung|phan anh|kien nghi|y kien)",
    SLOT_SUBJECT: r"(?:co quan|thu tuc|don vi|co quan lien quan|thu tuc lien quan)",
}
_YES = re.compile(
    r"^(?:co|co a|dong y|toi dong y|em dong y|ok|oke|okay|yes|u|uh|um|vang|da|da vang|da co|dung|dung roi|"
    r"chinh xac|xac nhan|toi xac nhan|gui|gui di|gui lai|duoc|duoc a|chac chan|dong y gui|co dong y|"
    r"dong y a|da dong y|ung|ung y)(?:\s+(?:a|ạ|nha|nhe|roi|luon|di|ban|em|anh|chi))*$"
)
_NO = re.compile(
    r"^(?:khong|ko|k|khong dong y|toi khong dong y|no|chua|chua dung|sai|sai roi|khong phai|khong dung|"
    r"tu choi|khong a|khong can)(?:\s+(?:a|ạ|nha|nhe|roi|dau))*$"
)


@dataclass(frozen=True)
class Command:
    """A control reply: ``kind`` is "cancel" or "correct" (then ``slot`` says which field)."""

    kind: str
    slot: str | None = None


def parse_command(text: str) -> Command | None:
    """Recognise "hủy" and "sửa số điện thoại"-style replies; anything else is an answer to the question."""
    folded = fold(text)
    if not folded or len(folded.split()) > 8:
        return None
    if _CANCEL.match(folded):
        return Command("cancel")
    for slot, words in _FIELD_WORDS.items():
        if re.match(
            rf"^(?:(?:toi|em|cho|xin)\s+)*(?:muon\s+)?{_CORRECT_VERB}\s+(?:lai\s+)?{words}\b", folded
        ) or re.match(rf"^{words}\s+(?:bi\s+)?(?:sai|nham|chua dung)\b", folded):
            return Command("correct", slot)
    return None


def parse_yes_no(text: str) -> bool | None:
    """True for "có/đồng ý/ok", False for "không/chưa đúng", None when the reply is neither."""
    folded = fold(text)
    if _YES.match(folded):
        return True
    if _NO.match(folded):
        return False
    return None


def petition_summary(values: dict[str, str | None]) -> str:
    """The recap shown before the citizen confirms (their own data, so shown in full)."""
    lines = ["Bạn vui lòng kiểm tra lại phản ánh, kiến nghị:"]
    for slot in (SLOT_NAME, SLOT_ADDRESS, SLOT_CONTACT, SLOT_SUBJECT, SLOT_CONTENT):
        lines.append(f"- {FIELD_LABELS[slot]}: {values.get(slot) or '(chưa có)'}")
    lines.append(
        'Nếu đúng, bạn trả lời "đồng ý" để gửi. Muốn sửa, gõ ví dụ "sửa số điện thoại"; muốn thôi, gõ "hủy".'
    )
    return "\n".join(lines)
