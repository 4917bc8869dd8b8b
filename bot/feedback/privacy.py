"""Keep citizens' phone numbers and e-mail addresses out of logs (one filter, installed once)."""

from __future__ import annotations

import logging
import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", re.UNICODE)
_PHONE = re.compile(r"(?<![\w+])(?:\+?84|0)(?:[\s.\-]?\d){8,10}(?!\w)")


def mask_phone(phone: str) -> str:
    """'0905123456' -> '09******56': enough for a citizen to recognise, useless to anyone else."""
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) < 6:
        return "***"
    return digits[:2] + "*" * (len(digits) - 4) + digits[-2:]


def mask_email(email: str) -> str:
    """'nguyenvana@gmail.com' -> 'n***@gmail.com'."""
    local, _, domain = (email or "").partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def redact(text: str) -> str:
    """Replace every phone number and e-mail in free text with a placeholder."""
    return _PHONE.sub("[SĐT]", _EMAIL.sub("[EMAIL]", text))


class PiiMaskingFilter(logging.Filter):
    """Rewrites log records so no phone number or e-mail reaches a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install_pii_filter(logger: logging.Logger | None = None) -> None:
    """Attach the filter to every handler of ``logger`` (root by default); safe to call twice."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(f, PiiMaskingFilter) for f in handler.filters):
            handler.addFilter(PiiMaskingFilter())
