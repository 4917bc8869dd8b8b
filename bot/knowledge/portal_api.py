"""Parse one procedure record of the National Public Service Portal's own API into plain dataclasses.

The API gives structured fields (``executionMethods`` with per-channel times and fees,
``executionCases`` with documents and original/copy counts, ``legalBasisesDetails``, ``cases``…),
so little is guessed here; the free text of fee and method descriptions is read by the same rule
reader as the national catalogue (labels, units, validity periods). Output is the same
:class:`~bot.knowledge.catalogue.ParsedProcedure` the catalogue parser produces, so the importer,
the seed builder and the answers treat both sources alike.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import Any

from bot.knowledge.catalogue import (
    ParsedChannel,
    ParsedDocument,
    ParsedLegalBasis,
    ParsedProcedure,
    add_flag,
    classify_free_note,
    first_sentence,
    form_codes,
    mark_not_required,
    parse_steps,
    tidy,
)
from bot.knowledge.models import (
    CHANNEL_IN_PERSON,
    CHANNEL_ONLINE,
    CHANNEL_POST,
    FEE_AMOUNT,
    FEE_FREE,
    FEE_TEXT,
    FEE_UNSPECIFIED,
    SOURCE_PORTAL_API,
)
from bot.knowledge.rules import FeeItem, case_phrase, find_period, read_fee_note, time_label

PORTAL_PAGE = "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/{id}"

_METHODS = {"DIRECT": CHANNEL_IN_PERSON, "ONLINE": CHANNEL_ONLINE, "POSTAL": CHANNEL_POST}
_TIME_UNITS = {"WORKING_DAY": "Ngày làm việc", "DAY": "Ngày", "HOUR": "Giờ", "MONTH": "Tháng", "YEAR": "Năm"}
_FEE_TYPES = {"FEE": "Lệ phí", "SERVICE_FEE": "Phí"}
_BULLET = re.compile(r"^\s*(?:[-+*•]|[a-zđ]\)|\d{1,2}[.)](?!\d))\s*")
_LEGAL_PREFIX = re.compile(r"^\s*(?:Luật\s+)?\d+(?:\.\d+)?/\d{4}/[A-ZĐ0-9-]+\s*[-–:]\s*")
_LEGAL_NUMBER = re.compile(r"\d+(?:\.\d+)?/(?:\d{4}/)?[A-ZĐ][A-ZĐa-z0-9-]*")
_NO_RULE = re.compile(r"^(?:chưa|không)\s+(?:có\s+)?quy\s+định", re.IGNORECASE)
_NOT_REQUIRED_NOTE = re.compile(r"không\s+(?:phải|cần)\s+nộp\s+(?P<doc>[A-ZĐ][^.;,:()]{3,80}?)(?=\s+trong|[.;,:()]|$)")


def _text(value: Any) -> str:
    return tidy(str(value or ""))


def _date(ms: Any) -> dt.date | None:
    """An API timestamp (milliseconds since 1970, UTC) as a date in Vietnam."""
    try:
        return dt.datetime.fromtimestamp(int(ms) / 1000, dt.timezone(dt.timedelta(hours=7))).date()
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _levels(record: dict[str, Any]) -> str:
    flags = (
        ("isWard", "Cấp xã"),
        ("isProvince", "Cấp tỉnh"),
        ("isMinistry", "Cấp bộ"),
        ("isOtherAgency", "Cơ quan khác"),
    )
    return ", ".join(label for key, label in flags if record.get(key))


def _names(items: Any) -> list[str]:
    return [_text(i.get("name")) for i in items or [] if isinstance(i, dict) and _text(i.get("name"))]


def _fee_label(fee: dict[str, Any]) -> str:
    """The fee's description when it names the fee (not when it restates an amount or cites a rule); a long
    one ("Phí cấp lại … đối với các loại hình tác phẩm dưới đây: a) Tác phẩm kiến trúc; …") is cut by the seed."""
    desc = _text(fee.get("description"))
    if not desc or re.search(r"\d[\d.,]*\s*(?:đồng|đ\b|VNĐ)", desc, re.I):
        return ""
    if find_period(desc) or re.match(r"(theo|chưa|không|miễn|thực hiện)\b", desc, re.I):
        return ""
    return desc[:1].upper() + desc[1:]


def _fee_items(fee: dict[str, Any], method_note: str, online: bool, flags: list[str]) -> list[FeeItem]:
    """Items of one API fee entry: its value with a label, plus what its texts say about periods."""
    desc = _text(fee.get("description"))
    value = fee.get("value")
    amount = int(value) if isinstance(value, (int, float)) else None
    label = _fee_label(fee)
    currency = _text(fee.get("currencyName"))
    if currency and "việt nam" not in currency.lower() and "vnđ" not in currency.lower():
        return [FeeItem(FEE_TEXT, None, f"{amount} {currency}".strip())]
    if not amount:
        kind, text = classify_free_note(desc)
        if kind == FEE_FREE and not desc:
            return [FeeItem(FEE_FREE, None)]
        items = read_fee_note("\n".join(x for x in (desc, method_note) if x), online=online, flags=flags)
        if items:
            return items
        return [FeeItem(kind, None, text if kind == FEE_TEXT else "")]
    cell = FeeItem(FEE_AMOUNT, amount, label)
    return read_fee_note("\n".join(x for x in (desc, method_note) if x), online=online, cell=cell, flags=flags)


def parse_methods(record: dict[str, Any], flags: list[str]) -> list[ParsedChannel]:
    """Per-channel times (with units, and labels when a channel has several) and fee rules."""
    rows: list[ParsedChannel] = []
    descriptions: list[str] = []
    for method in record.get("executionMethods") or []:
        channel = _METHODS.get(str(method.get("submissionMethod")))
        if channel is None:
            add_flag(flags, f"unknown_method:{method.get('submissionMethod')}")
            continue
        note = _text(method.get("description"))
        row = ParsedChannel(channel=channel, note=note)
        raw_time, unit = method.get("processingTime"), _TIME_UNITS.get(str(method.get("processingTimeUnit")), "")
        if isinstance(raw_time, (int, float)) and unit and raw_time > 0:
            row.time_value, row.time_unit = float(raw_time), unit
            row.time_text = f"{raw_time:g} {unit}"
        elif isinstance(raw_time, str) and raw_time.strip():
            row.time_text = _text(raw_time)  # "tiếp nhận ngay…": a time stated in words
        else:
            add_flag(flags, "time_missing_unit" if raw_time else "time_missing")
        items: list[FeeItem] = []
        seen: set[tuple] = set()
        for fee in method.get("fees") or []:
            for item in _fee_items(fee, note, channel == CHANNEL_ONLINE, flags):
                sig = (item.kind, item.amount, item.key(), item.valid_from, item.valid_to)
                if sig not in seen:
                    seen.add(sig)
                    items.append(item)
        new = [row.with_fee(i) for i in items] or [replace(row, fee_kind=FEE_UNSPECIFIED)]
        rows.extend(new)
        descriptions.extend([note] * len(new))
    _label_api_times(rows, descriptions, record)
    if not rows:
        add_flag(flags, "no_channels")
    return rows


def _label_api_times(rows: list[ParsedChannel], descriptions: list[str], record: dict[str, Any]) -> None:
    """Label the times of a channel that has several; fill a missing time from a single case."""
    by_channel: dict[str, set[tuple[float | None, str]]] = {}
    for r in rows:
        by_channel.setdefault(r.channel, set()).add((r.time_value, r.time_unit))
    for r, description in zip(rows, descriptions, strict=True):
        if len(by_channel[r.channel]) > 1:
            r.time_label = time_label(description, r.time_value) or case_phrase(description)
    cases = [c for c in record.get("cases") or [] if isinstance(c, dict)]
    if len(cases) == 1:
        day = cases[0].get("processingDay") or {}
        qty, unit = day.get("qty"), _TIME_UNITS.get(str(day.get("type")), "")
        for r in rows:
            if r.time_value is None and not r.time_text and isinstance(qty, (int, float)) and qty > 0 and unit:
                r.time_value, r.time_unit, r.time_text = float(qty), unit, f"{qty:g} {unit}"


def _copies(component: dict[str, Any]) -> str:
    parts = []
    for key, kind in (("originalQty", "bản chính"), ("copyQty", "bản sao")):
        qty = component.get(key)
        if isinstance(qty, int) and qty > 0:
            parts.append(f"{qty} {kind}")
    return ", ".join(parts)


def parse_cases(record: dict[str, Any], flags: list[str]) -> list[ParsedDocument]:
    """Documents of every execution case, with the case name and the original/copy counts."""
    docs: list[ParsedDocument] = []
    exempt: list[str] = []
    cases = [c for c in record.get("executionCases") or [] if isinstance(c, dict)]
    single = len(cases) == 1
    for case in cases:
        case_name = "" if single else first_sentence(_text(case.get("name")).strip(" :"))
        for component in case.get("profileComponents") or []:
            name = _text(component.get("name"))
            exempt += [tidy(m.group("doc")) for m in _NOT_REQUIRED_NOTE.finditer(name)]
            name = first_sentence(_BULLET.sub("", name)).rstrip(" .;:")
            if not name or _NO_RULE.match(name):
                continue  # "Chưa có quy định cụ thể": no document is stated
            files = [str(a.get("fileName", "")) for a in component.get("attachments") or [] if isinstance(a, dict)]
            docs.append(
                ParsedDocument(name=name, case_name=case_name, form_code=form_codes(name, files),
                               copies=_copies(component))
            )
    mark_not_required(docs, exempt)
    if not docs:
        add_flag(flags, "no_documents")
    return docs


def parse_legal(record: dict[str, Any]) -> list[ParsedLegalBasis]:
    out: list[ParsedLegalBasis] = []
    for item in record.get("legalBasisesDetails") or []:
        number = _text(item.get("code"))
        found = _LEGAL_NUMBER.search(number)
        number = found.group(0) if found else number  # "Nghị định số 131/2021/NĐ-CP" -> the number
        title = _LEGAL_PREFIX.sub("", _text(item.get("name"))).strip(" -–")
        if number or title:
            out.append(ParsedLegalBasis(number=number, title=title or number))
    return out


def parse_portal_record(record: dict[str, Any]) -> ParsedProcedure:
    """One portal-API record -> :class:`ParsedProcedure` (never raises on odd contents)."""
    flags: list[str] = []
    results = _names(record.get("resultsDetails"))
    agency = _text(record.get("executingAgencies")) or ", ".join(_names(record.get("departmentsExecuting")))
    proc = ParsedProcedure(
        code=_text(record.get("code")),
        name=_text(record.get("name")),
        levels=_levels(record),
        field=", ".join(_names(record.get("categoriesDetails"))),
        agency=agency,
        competent_agency=", ".join(_names(record.get("departmentsAuthority"))),
        submit_address=first_sentence(_text(record.get("dossierReceivingAddresses"))),
        applicants=", ".join(_names(record.get("subjectTypesDetails"))),
        result="; ".join(results),
        result_names=results,
        conditions=_text(record.get("requirementsAndConditions")),
        online_level="toàn trình" if record.get("isFullProcess") else "",
        decision_no=_text((record.get("procedureProposal") or {}).get("proposalNumber")),
        source_url=PORTAL_PAGE.format(id=_text(record.get("id"))) if record.get("id") else "",
        ministry=_text(record.get("departmentPromulgateName")),
        flags=flags,
        source_kind=SOURCE_PORTAL_API,
        source_date=record_date(record),
        issuing_body=_text(record.get("departmentPromulgateName")),
    )
    proc.channels = parse_methods(record, flags)
    proc.documents = parse_cases(record, flags)
    steps_text = "\n".join(_text(s.get("description")) for s in record.get("executionSteps") or [] if isinstance(s, dict))
    proc.steps = parse_steps(steps_text, flags)
    proc.legal_bases = parse_legal(record)
    if not results:
        add_flag(flags, "no_result")
    return proc


def record_date(record: dict[str, Any]) -> dt.date | None:
    """The date the portal last updated the record."""
    return _date(record.get("updatedAt") or record.get("createdAt"))
