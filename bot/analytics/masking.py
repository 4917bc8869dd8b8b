"""Masking of personal data (phone numbers, e-mails, ID numbers) before a citizen's text is stored."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# CCCD: 12 digits; old CMND: 9 digits. Spaces or dots between groups are common.
_ID_NUMBER = re.compile(r"(?<!\d)(?:\d[ .]?){11}\d(?!\d)|(?<!\d)\d{9}(?!\d)")
# Vietnamese phones: 0xxxxxxxxx or +84/84 xxxxxxxxx, with optional separators.
_PHONE = re.compile(r"(?<![\d+])(?:\+?84|0)(?:[ .-]?\d){8,10}(?!\d)")

PHONE_MASK = "[SĐT]"
EMAIL_MASK = "[EMAIL]"
ID_MASK = "[SỐ GIẤY TỜ]"


def mask_personal_data(text: str) -> str:
    """Replace e-mails, ID numbers and phone numbers with placeholders."""
    if not text:
        return ""
    text = _EMAIL.sub(EMAIL_MASK, text)
    text = _ID_NUMBER.sub(ID_MASK, text)
    text = _PHONE.sub(PHONE_MASK, text)
    return text
