"""Validate and normalise the contact details a citizen gives: Vietnamese phone numbers and e-mail."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Mobile prefixes after the 2018 renumbering (Viettel, VinaPhone, MobiFone, Vietnamobile, Gmobile, Itel...).
_MOBILE = re.compile(r"^0(3[2-9]|5[25689]|7[06-9]|8[1-9]|9[0-46-9])\d{7}$")
# Landlines: 02 + area code + subscriber number, always 11 digits (0233 3xxx xxx, 024 3xxx xxxx).
_LANDLINE = re.compile(r"^02\d{9}$")
_PHONE_CHARS = re.compile(r"^[\d\s().+\-]+$")
_EMAIL = re.compile(
    r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$"
)
# A phone number or e-mail somewhere inside a longer message.
_PHONE_IN_TEXT = re.compile(r"(?<![\w+])(?:\+?84|0)[\d\s.\-()]{8,14}\d(?!\w)")
_EMAIL_IN_TEXT = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(\.[\w-]+)+", re.UNICODE)

PHONE_HINT = (
    "Số di động gồm 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09 (ví dụ 0912 345 678); "
    "số cố định gồm 11 chữ số, bắt đầu bằng 02 (mã vùng + số máy)."
)

KIND_PHONE = "phone"
KIND_EMAIL = "email"


@dataclass(frozen=True)
class Contact:
    """A validated contact: ``value`` is canonical (phone digits starting with 0, e-mail lower-case)."""

    kind: str
    value: str


@dataclass(frozen=True)
class ContactCheck:
    """The outcome of validating a contact: either ``contact`` or a ``reason`` to show the citizen."""

    contact: Contact | None
    reason: str = ""


def normalize_phone(raw: str) -> str | None:
    """Canonical '0xxxxxxxxx' form of a Vietnamese phone number, or None if it is not one."""
    if not raw or not _PHONE_CHARS.match(raw.strip()):
        return None
    digits = re.sub(r"\D", "", raw)
    if raw.strip().startswith("+") and not digits.startswith("84"):
        return None
    if digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    if _MOBILE.match(digits) or _LANDLINE.match(digits):
        return digits
    return None


def _phone_reason(raw: str) -> str:
    digits = re.sub(r"\D", "", raw)
    if digits.startswith("84"):
        digits = "0" + digits[2:]
    if not digits.startswith("0"):
        return f"Số điện thoại phải bắt đầu bằng số 0 hoặc +84. {PHONE_HINT}"
    if digits.startswith("02"):
        if len(digits) != 11:
            return f"Số cố định phải có đúng 11 chữ số (bạn đã nhập {len(digits)} chữ số). {PHONE_HINT}"
    elif len(digits) != 10:
        return f"Số di động phải có đúng 10 chữ số (bạn đã nhập {len(digits)} chữ số). {PHONE_HINT}"
    return f"Đầu số {digits[:3]} không phải đầu số di động hay cố định của Việt Nam. {PHONE_HINT}"


def normalize_email(raw: str) -> str | None:
    """Lower-cased e-mail address if it looks deliverable, else None."""
    value = (raw or "").strip().lower()
    if len(value) > 254 or not _EMAIL.match(value):
        return None
    return value


def check_contact(raw: str) -> ContactCheck:
    """Accept a phone number or an e-mail (also when embedded in a sentence); explain what is wrong otherwise."""
    text = (raw or "").strip()
    if not text:
        return ContactCheck(None, "Bạn chưa nhập số điện thoại hoặc e-mail.")
    if "@" in text:
        match = _EMAIL_IN_TEXT.search(text)
        email = normalize_email(match.group(0)) if match else None
        if email:
            return ContactCheck(Contact(KIND_EMAIL, email))
        return ContactCheck(None, "Địa chỉ e-mail chưa đúng dạng (ví dụ: nguyenvana@gmail.com).")
    phone = normalize_phone(text)
    if phone:
        return ContactCheck(Contact(KIND_PHONE, phone))
    match = _PHONE_IN_TEXT.search(text)
    if match:
        phone = normalize_phone(match.group(0))
        if phone:
            return ContactCheck(Contact(KIND_PHONE, phone))
        return ContactCheck(None, _phone_reason(match.group(0)))
    if re.search(r"\d", text):
        return ContactCheck(None, _phone_reason(text))
    return ContactCheck(None, f"Tôi không thấy số điện thoại hay e-mail trong tin nhắn. {PHONE_HINT}")


def find_contact(text: str) -> Contact | None:
    """The first valid phone number or e-mail inside free text (used by the status lookup)."""
    for match in _EMAIL_IN_TEXT.finditer(text or ""):
        email = normalize_email(match.group(0))
        if email:
            return Contact(KIND_EMAIL, email)
    for match in _PHONE_IN_TEXT.finditer(text or ""):
        phone = normalize_phone(match.group(0))
        if phone:
            return Contact(KIND_PHONE, phone)
    return None
