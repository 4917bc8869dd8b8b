"""The one place where Vietnamese text is normalised (for processing) and folded (for matching)."""

from __future__ import annotations

import re
import unicodedata

# Letters that look like Vietnamese ones but are other code points.
_LOOKALIKES = str.maketrans({"\u00d0": "Đ", "\u0110": "Đ", "\u0189": "Đ", "\u00f0": "đ", "\u0111": "đ"})

# Tone marks as combining characters (after NFD).
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}

# New-style placement ("hoà", "thuỷ") -> the traditional one ("hòa", "thủy") that underthesea's
# models were trained on. Only open syllables move; "hoàng", "quý" stay as they are.
_OPEN_DIPHTHONG = re.compile(r"(?<![qQ])([oOuU])([aAeEyY])([\u0300\u0301\u0303\u0309\u0323])(?![\w\u0300-\u036f])")

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200c-\u200f\u2028\u2029\ufeff]")
_NEWLINES = re.compile(r"\s*\n\s*")


def normalize(text: str) -> str:
    """NFC, Vietnamese look-alike letters, traditional tone placement, one space between words.

    Everything that tokenises or stores citizen text calls this first, so downstream tools never
    rewrite characters behind our back.
    """
    if not text:
        return ""
    text = text.translate(_LOOKALIKES)
    text = _CONTROL.sub("", text)
    decomposed = unicodedata.normalize("NFD", text)
    decomposed = _OPEN_DIPHTHONG.sub(lambda m: m.group(1) + m.group(3) + m.group(2), decomposed)
    text = unicodedata.normalize("NFC", decomposed)
    text = _SPACES.sub(" ", text)
    text = _NEWLINES.sub("\n", text)
    return text.strip()


_FOLD_TABLE = str.maketrans({"đ": "d", "Đ": "d"})
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def strip_diacritics(text: str) -> str:
    """Remove tone and vowel marks; keep the base letters (đ -> d)."""
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_TABLE))
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def fold(text: str) -> str:
    """Lower-case, accent-free, punctuation-free form used for every comparison."""
    if not text:
        return ""
    folded = strip_diacritics(normalize(text).lower())
    folded = _NON_WORD.sub(" ", folded).replace("_", " ")
    return " ".join(folded.split())


def has_tone_marks(text: str) -> bool:
    """True when the text carries Vietnamese diacritics (helps choose how strict matching is)."""
    decomposed = unicodedata.normalize("NFD", text)
    return any(ch in _TONES or unicodedata.combining(ch) for ch in decomposed)
