"""Recognise reference codes citizens paste into the chat: application codes and petition tracking codes."""

from __future__ import annotations

import re

# Application (hồ sơ) codes printed on the receipt, e.g. "000.00.23.H56-250101-0001":
# receiving-unit code, the date received (yymmdd) and a sequence number.
_APPLICATION_CODE = re.compile(
    r"(?<![\w.])(\d{3}\.\d{2}\.\d{2}\.[A-Za-z]\d{2})\s*-\s*(\d{6})\s*-\s*(\d{4,5})(?!\w)"
)

# Petition tracking codes we issue: "PA-7K3Q-M2XD" (Crockford base32, no I, L, O, U).
TRACKING_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_TRACKING_CODE = re.compile(
    r"(?<![\w])PA[\s\-_.]?([0-9A-Za-z]{4})[\s\-_.]?([0-9A-Za-z]{4})(?![\w])", re.IGNORECASE
)
# Letters people type for digits that look alike.
_CROCKFORD_FIX = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def find_application_codes(text: str) -> list[str]:
    """Every application code in the text, upper-cased, in order, without repeats."""
    found: list[str] = []
    for match in _APPLICATION_CODE.finditer(text or ""):
        code = f"{match.group(1).upper()}-{match.group(2)}-{match.group(3)}"
        if code not in found:
            found.append(code)
    return found


def find_application_code(text: str) -> str | None:
    """The first application code in the text, or None."""
    codes = find_application_codes(text)
    return codes[0] if codes else None


def format_tracking_code(body: str) -> str:
    """'7K3QM2XD' -> 'PA-7K3Q-M2XD'."""
    return f"PA-{body[:4]}-{body[4:8]}"


def find_tracking_code(text: str) -> str | None:
    """The first petition tracking code in the text in canonical form, tolerant of case and separators."""
    for match in _TRACKING_CODE.finditer(text or ""):
        body = (match.group(1) + match.group(2)).upper().translate(_CROCKFORD_FIX)
        if all(ch in TRACKING_ALPHABET for ch in body):
            return format_tracking_code(body)
    return None
