"""Small facts about petitions that replies need: the misprinted decree number citizens often quote."""

from __future__ import annotations

import re

from bot.text.normalize import fold

_MISPRINT = re.compile(r"\b20\s+(?:nam\s+)?2018\b")

MISPRINT_NOTE = (
    'Lưu ý: văn bản đúng là Nghị định 20/2008/NĐ-CP ngày 14/02/2008 (không phải "20/2018"), '
    "đã được sửa đổi bởi Nghị định 48/2013/NĐ-CP và Nghị định 92/2017/NĐ-CP."
)


def mentions_misprinted_decree(text: str) -> bool:
    """True when the citizen cites "Nghị định 20/2018", the common misprint of 20/2008."""
    return bool(_MISPRINT.search(fold(text)))
