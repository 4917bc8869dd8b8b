"""The list of procedures that apply in Quảng Trị: who handles each, its portal link and usage weight.

Each row gives the code, name, field, level, issuing body, type, portal id and (for some) the portal's
usage weight, but no times, fees or documents. Rows citizens never use are left out: internal
procedures (type "TTHC nội bộ", "TTHC nội bộ liên thông") and the list's test entries (issuing body
"Chưa xác định", names such as "Đăng ký kinh doanh 0408_2026" or "… (fix)"). Numbering left in
names ("1.\tSáp nhập …") is removed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.knowledge.catalogue import ParsedProcedure, tidy
from bot.knowledge.models import SOURCE_PROVINCE_LIST
from bot.text.normalize import fold

PORTAL_PAGE = "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/{portal_id}"
# The list was built on 2026-10-03 from the provinces' published lists (../shared/README.md).
LIST_DATE = dt.date(2026, 10, 3)
DETAILS_MISSING = "details_missing"  # parse flag of a procedure known only by name

_NUMBERING = re.compile(r"^\s*\d{1,3}\s*[.)]\s*")
# "Đăng ký kinh doanh 0408_2026", "Đăng ký kinh doanh 23/09", "… (fix)": entries someone used to test the list.
_TEST_NAME = re.compile(r"\b\d{4}_\d{4}\b|\(fix\)|\s\d{1,2}/\d{1,2}\s*$", re.IGNORECASE)
_UNKNOWN_BODY = "chưa xác định"


@dataclass(frozen=True)
class ProvinceEntry:
    """One row of the Quảng Trị list, cleaned."""

    code: str
    name: str
    field: str
    issuing_body: str
    levels: str
    type: str
    portal_id: str
    usage_weight: int | None
    in_national_catalogue: bool

    @property
    def link(self) -> str:
        return PORTAL_PAGE.format(portal_id=self.portal_id) if self.portal_id else ""


def clean_name(name: str) -> str:
    """The official name without numbering left from a list ("1.\\tSáp nhập …" -> "Sáp nhập …")."""
    return _NUMBERING.sub("", tidy(name).replace("\n", " "))


def clean_levels(levels: str) -> str:
    """The list spells "Cấp Bộ"; the national catalogue (and our data) "Cấp bộ"."""
    return ", ".join(x.strip().replace("Cấp Bộ", "Cấp bộ") for x in tidy(levels).split(",") if x.strip())


def exclusion_reason(row: dict[str, Any]) -> str:
    """Why a row is left out ("" when it is kept)."""
    kind = tidy(str(row.get("type") or ""))
    if "nội bộ" in kind.lower():
        return f"type {kind}"
    if tidy(str(row.get("issuing_body") or "")).lower() == _UNKNOWN_BODY:
        return "test entry (issuing body not determined)"
    if _TEST_NAME.search(str(row.get("name") or "")):
        return "test entry (name)"
    if not str(row.get("code") or "").strip() or not str(row.get("name") or "").strip():
        return "no code or name"
    return ""


def _entry(row: dict[str, Any]) -> ProvinceEntry:
    weight = row.get("usage_weight")
    return ProvinceEntry(
        code=str(row["code"]).strip(),
        name=clean_name(str(row["name"])),
        field=tidy(str(row.get("field") or "")),
        issuing_body=tidy(str(row.get("issuing_body") or "")),
        levels=clean_levels(str(row.get("level") or "")),
        type=tidy(str(row.get("type") or "")),
        portal_id=str(row.get("portal_id") or "").strip(),
        usage_weight=int(weight) if isinstance(weight, (int, float)) else None,
        in_national_catalogue=bool(row.get("in_national_catalogue")),
    )


def read_entries(rows: Iterable[dict[str, Any]]) -> tuple[list[ProvinceEntry], dict[str, str]]:
    """Kept entries (first row of a code wins) and, per left-out code, the reason."""
    kept: dict[str, ProvinceEntry] = {}
    left_out: dict[str, str] = {}
    for row in rows:
        reason = exclusion_reason(row)
        code = str(row.get("code") or "").strip()
        if reason:
            left_out[code] = reason
        elif code not in kept:
            kept[code] = _entry(row)
    return list(kept.values()), left_out


def name_only_procedure(entry: ProvinceEntry) -> ParsedProcedure:
    """What we know of a listed procedure without a detail record: no times, fees or documents."""
    proc = ParsedProcedure(
        code=entry.code,
        name=entry.name,
        levels=entry.levels,
        field=entry.field,
        source_url=entry.link,
        flags=[DETAILS_MISSING],
        source_kind=SOURCE_PROVINCE_LIST,
        has_details=False,
        source_date=LIST_DATE,
    )
    apply_entry(proc, entry)
    return proc


def apply_entry(proc: ParsedProcedure, entry: ProvinceEntry) -> None:
    """Add what the Quảng Trị list says to a procedure parsed from a detail source."""
    proc.in_province_list = True
    proc.portal_id = entry.portal_id
    proc.issuing_body = entry.issuing_body
    proc.usage_weight = entry.usage_weight
    if entry.levels and not proc.levels:
        proc.levels = entry.levels
    if not proc.source_url:
        proc.source_url = entry.link
    if entry.name and fold(entry.name) != fold(proc.name) and entry.name not in proc.other_names:
        proc.other_names.append(entry.name)
