"""Requests the assistant must refuse whatever the NLU says: secrets, ID photos, acting for the citizen."""

from __future__ import annotations

import re
from enum import Enum

from bot.text.normalize import fold


class Concern(str, Enum):
    SENSITIVE = "sensitive"  # passwords, OTP codes, photos of ID cards sent to strangers
    PRIVACY = "privacy"  # asks for another person's phone, address, ID number or records
    REAL_ACTION = "real_action"  # asks the bot to log in, submit or pay on the citizen's behalf
    INJECTION = "injection"  # tries to change how the assistant answers (e.g. drop sources)


_PERSON = r"(?:toi|tui|bac|em|chau|minh|me|bo|ba|ong|anh|chi|co|chu|di|dum|gium)"
_ID_DOC = r"(?:can cuoc|cccd|cmnd|chung minh|ho chieu|bang lai|the ngan hang)"

_SENSITIVE = re.compile(
    r"\b(?:mat khau|pass ?word|otp|ma xac (?:thuc|nhan)|ma pin|ma bao mat|so the ngan hang|"
    r"chup (?:\w+ ){0,3}" + _ID_DOC + r"|(?:anh|hinh) (?:chup )?(?:\w+ ){0,2}" + _ID_DOC + r" (?:\w+ ){0,4}gui|"
    r"gui (?:\w+ ){0,3}(?:anh|hinh) (?:\w+ ){0,3}" + _ID_DOC + r")\b"
)
_REAL_ACTION = re.compile(
    r"\b(?:dang nhap (?:\w+ ){0,4}(?:cua " + _PERSON + r"|giup|ho|dum|gium)|"
    r"(?:lam|nop|dang ky|dang nhap|bam nop|khai|dong|thanh toan) (?:\w+ ){0,6}(?:ho|giup|dum|gium|thay) " + _PERSON + r"|"
    r"dat lich (?:hen )?(?:\w+ ){0,2}(?:giup|ho|dum|gium|cho " + _PERSON + r")|"
    r"(?:vao|len) he thong (?:\w+ ){0,3}(?:xem|sua|nop|kiem tra) (?:giup|gium|dum|ho)|"
    r"(?:sua|xoa|cap nhat) (?:\w+ ){0,4}tren he thong (?:giup|gium|dum|ho|cho)|"
    r"bam nop|(?:nop|dong|tra) phat (?:\w+ ){0,4}(?:cho|ho|giup) " + _PERSON + r")\b"
)
_PRIVACY = re.compile(
    r"\b(?:(?:so dien thoai|sdt|dia chi|so can cuoc|so cccd|so cmnd|thong tin ca nhan|ho so|nha o) (?:\w+ ){0,4}"
    r"(?:cua|ve) (?:ong|ba|anh|chi|co|chu|nguoi|hang xom|mot nguoi|nguyen|tran|le|pham|hoang|vo|dang|bui)|"
    r"tra cuu (?:\w+ ){0,3}(?:thong tin|dia chi|so dien thoai) (?:\w+ ){0,3}(?:cua|ve) (?:nguoi|ong|ba))\b"
)
_INJECTION = re.compile(
    r"\b(?:bo qua (?:\w+ ){0,3}(?:huong dan|chi dan|quy tac|lenh)|khong can (?:trich |dan |ghi )?nguon|"
    r"tu gio ban la|ban la tro ly|dong vai|hay quen|ignore (?:all |previous )|system prompt|"
    r"cu tra loi chac chan|bia ra|doan dai|che do quan tri|khong ghi nguon|dung ghi nguon)\b"
)


def detect_concern(text: str) -> Concern | None:
    """The first concern a message raises, or None."""
    folded = fold(text).replace("lam on", " ")
    if _SENSITIVE.search(folded):
        return Concern.SENSITIVE
    if _PRIVACY.search(folded):
        return Concern.PRIVACY
    if _REAL_ACTION.search(folded):
        return Concern.REAL_ACTION
    if _INJECTION.search(folded):
        return Concern.INJECTION
    return None
