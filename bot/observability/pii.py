"""Keep citizens' personal data out of the logs: one filter masks every record of the process.

Phone numbers, e-mails, 9/12-digit ID numbers (CMND/CCCD) and street addresses are replaced
before any handler sees the record (Decree 13/2023 on personal data; STYLE.md rule 7).
The filter is installed both on the root handlers and in the log-record factory, so records
from handlers that libraries (Rasa, Sanic, rasa-sdk) add later are masked too.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Any

PHONE_MASK = "[SĐT]"
EMAIL_MASK = "[EMAIL]"
ID_MASK = "[SỐ GIẤY TỜ]"
ADDRESS_MASK = "[ĐỊA CHỈ]"

_UPPER = "".join(
    ch for ch in map(chr, [*range(0x41, 0x5B), *range(0xC0, 0x250), *range(0x1EA0, 0x1EFA)]) if ch.isupper()
)
_LOWER = "".join(
    ch for ch in map(chr, [*range(0x61, 0x7B), *range(0xC0, 0x250), *range(0x1EA0, 0x1EFA)]) if ch.islower()
)
_NAME_WORD = f"[{_UPPER}][{_LOWER}{_UPPER}]*"
_NAME = rf"{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,4}}"
_STREET_TAIL = rf"(?:[ \t]*,?[ \t]*(?i:đường|phố|ngõ|hẻm|kiệt|ngách)?[ \t]*(?:{_NAME}|\d+[\w/]*))?"
_HOUSE_NUMBER = r"\d{1,5}[a-zA-Z]?(?:[/-]\d{1,5}[a-zA-Z]?)?"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# CCCD: 12 digits (also written in groups); old CMND: 9 digits.
_ID_12 = re.compile(r"(?<![\w.,/])(?:\d{12}|\d{3}[ .]\d{3}[ .]\d{3}[ .]\d{3}|\d{4} \d{4} \d{4})(?![\w/])")
_ID_9 = re.compile(r"(?<![\w.,/])\d{9}(?![\w/])")
# Mobile 0xxxxxxxxx, landline 02xxxxxxxxx, or +84/84 without the 0; spaces, dots or dashes between digits.
_PHONE = re.compile(r"(?<![\w+])(?:\(?\+?84\)?[ .-]?|0)(?:\d[ .-]?){8,9}\d(?!\w)")
_ADDRESS = re.compile(
    "|".join(
        [
            # "số nhà 12 Lê Lợi", "kiệt 34 Hùng Vương", "hẻm 5/2", "lô 7"
            rf"(?i:\b(?:số nhà|nhà số|ngõ|ngách|hẻm|kiệt|lô)[ \t]*){_HOUSE_NUMBER}{_STREET_TAIL}",
            # "số 12 đường Lê Lợi", "12 phố Huế", "45A đường 9"
            rf"(?<![\w./])(?i:số[ \t]+)?{_HOUSE_NUMBER}[ \t]*,?[ \t]*(?i:đường|phố)[ \t]+(?:{_NAME}|\d+\w*)",
            # "12/3 Trần Hưng Đạo" (a slash house number followed by a street name; not dates)
            rf"(?<![\w./])\d{{1,4}}[a-zA-Z]?/\d{{1,4}}[a-zA-Z]?(?![\w/])[ \t]+{_NAME}",
            # villages and neighbourhoods: "thôn Tân Hiệp", "tổ dân phố 3", "khu phố 2", "ấp Bình Thạnh"
            rf"(?i:\b(?:thôn|xóm|ấp|khóm|bản|tổ dân phố|khu phố|tổ)[ \t]+)(?:\d+\w*|{_NAME})",
        ]
    )
)


def mask_pii(text: str) -> str:
    """``text`` with e-mails, ID numbers, phone numbers and street addresses replaced by placeholders."""
    if not text:
        return text
    text = _EMAIL.sub(EMAIL_MASK, text)
    text = _ID_12.sub(ID_MASK, text)
    text = _PHONE.sub(PHONE_MASK, text)  # before 9-digit IDs: "+84 912345678" is a phone
    text = _ID_9.sub(ID_MASK, text)
    return _ADDRESS.sub(ADDRESS_MASK, text)


class PiiFilter(logging.Filter):
    """Formats the record's message once, masks it, and masks its traceback text."""

    def filter(self, record: logging.LogRecord) -> bool:
        mask_record(record)
        return True


def mask_record(record: logging.LogRecord) -> logging.LogRecord:
    if getattr(record, "_pii_masked", False):
        return record
    try:
        message = record.getMessage()
    except (TypeError, ValueError):  # a bad format string: mask what we have, let the handler report it
        message = f"{record.msg} {record.args!r}"
    record.msg, record.args = mask_pii(message), ()
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = mask_pii(record.exc_text)
    if record.stack_info:
        record.stack_info = mask_pii(record.stack_info)
    record._pii_masked = True
    return record


_install_lock = threading.Lock()
_installed = False


def install_pii_filter() -> PiiFilter:
    """Mask every log record of this process from now on (idempotent); returns the filter.

    Also usable from a logging YAML (``rasa run --logging-config-file deploy/logging.yml``) as
    a filter factory: ``{"()": "bot.observability.install_pii_filter"}``.
    """
    global _installed
    pii_filter = PiiFilter()
    with _install_lock:
        if not _installed:
            previous = logging.getLogRecordFactory()

            def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
                return mask_record(previous(*args, **kwargs))

            logging.setLogRecordFactory(factory)
            _installed = True
        for handler in logging.getLogger().handlers:
            if not any(isinstance(f, PiiFilter) for f in handler.filters):
                handler.addFilter(pii_filter)
    return pii_filter
