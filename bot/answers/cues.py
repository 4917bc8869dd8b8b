"""Keyword cues for the fact a question asks about; a cross-check for the NLU's intent."""

from __future__ import annotations

import re

from bot.answers.facts import Fact
from bot.text.normalize import fold

# Folded patterns; order matters only for reporting, all are checked.
_CUES: list[tuple[Fact, re.Pattern[str]]] = [
    (Fact.FEE, re.compile(r"\b(?:le phi|phi|bao nhieu tien|nhieu tien|ton (?:bao )?nhieu|het bao nhieu|mat bao nhieu(?! ngay| lau)|tien thi|gia bao nhieu|co mat tien|mien phi|nop tien)\b")),
    (Fact.TIME, re.compile(r"\b(?:bao lau|may ngay|bao nhieu ngay|may hom|may thang|thoi gian|thoi han|khi nao (?:co|nhan|lay)|lau khong|nhanh khong|ngay lam viec)\b")),
    (Fact.DOCUMENTS, re.compile(r"\b(?:giay to|ho so gom|thanh phan ho so|can (?:mang|chuan bi|nhung)|mang (?:\w+ ){0,2}(?:gi|nhung)|can giay|giay gi|to khai|mau don|can gi)\b")),
    (Fact.PLACE, re.compile(r"\b(?:o dau|cho nao|noi nao|nop o|lam o|xin o|co quan nao|den dau|o mo|dau vay|dia chi)\b")),
    (Fact.ONLINE, re.compile(r"\b(?:truc tuyen|online|qua mang|tren mang|dich vu cong|vneid|tai nha|qua app|qua ung dung)\b")),
    (Fact.STEPS, re.compile(r"\b(?:lam sao|lam the nao|nhu the nao|the nao|ra sao|man rang|cac buoc|trinh tu|quy trinh|thu tuc ra sao|cach lam|huong dan)\b")),
    (Fact.CONDITIONS, re.compile(r"\b(?:dieu kien|duoc khong|co duoc|ai duoc|doi tuong)\b")),
    (Fact.LEGAL_BASIS, re.compile(r"\b(?:can cu|van ban|luat nao|nghi dinh|thong tu|quy dinh o dau)\b")),
]


# Central/Southern words -> standard ones, for cue matching only ("đem chi" = "mang gì").
_DIALECT = {"chi": "gi", "mo": "dau", "rang": "sao", "man": "lam", "dem": "mang", "bua": "ngay",
            "chung nao": "khi nao", "bi nhieu": "bao nhieu", "nhieu": "bao nhieu", "ra rang": "ra sao"}
_DIALECT_RE = re.compile(r"\b(?:" + "|".join(sorted(_DIALECT, key=len, reverse=True)) + r")\b")


def fact_cues(text: str) -> list[Fact]:
    """Facts whose cue words occur in the text, in a stable order."""
    folded = _DIALECT_RE.sub(lambda m: _DIALECT[m.group()], fold(text))
    return [fact for fact, pattern in _CUES if pattern.search(folded)]
