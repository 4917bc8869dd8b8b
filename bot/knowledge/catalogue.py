"""Parse one record of the national public-service catalogue into plain dataclasses.

The crawl flattened the portal's tables, so cells run together ("Trực tuyến7 Ngày làm việc10,000
Việt Nam Đồng(...)"). The parser rebuilds rows from the cell patterns and records everything it could
not read as a parse flag instead of guessing, so staff can see which records need a look.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from bot.knowledge.models import (
    CHANNEL_IN_PERSON,
    CHANNEL_ONLINE,
    CHANNEL_POST,
    FEE_AMOUNT,
    FEE_FREE,
    FEE_TEXT,
    FEE_UNSPECIFIED,
)

ONLINE_FULL = "toàn trình"
ONLINE_PARTIAL = "một phần"


@dataclass
class ParsedChannel:
    """One row of the "Cách thức thực hiện" table (a channel can have several rows)."""

    channel: str
    time_value: float | None = None
    time_unit: str = ""
    time_text: str = ""
    fee_kind: str = FEE_UNSPECIFIED
    fee_amount: int | None = None
    fee_text: str = ""
    note: str = ""


@dataclass
class ParsedDocument:
    """One item of the application file; ``case_name`` is the situation the list applies to."""

    name: str
    case_name: str = ""
    form_code: str = ""
    copies: str = ""


@dataclass
class ParsedLegalBasis:
    number: str
    title: str


@dataclass
class ParsedProcedure:
    """Everything the importer stores for one procedure, plus what could not be parsed."""

    code: str
    name: str
    levels: str = ""
    field: str = ""
    agency: str = ""
    competent_agency: str = ""
    submit_address: str = ""
    applicants: str = ""
    result: str = ""
    result_names: list[str] = dc_field(default_factory=list)
    conditions: str = ""
    online_level: str = ""
    decision_no: str = ""
    source_url: str = ""
    ministry: str = ""
    channels: list[ParsedChannel] = dc_field(default_factory=list)
    documents: list[ParsedDocument] = dc_field(default_factory=list)
    steps: list[str] = dc_field(default_factory=list)
    legal_bases: list[ParsedLegalBasis] = dc_field(default_factory=list)
    flags: list[str] = dc_field(default_factory=list)

    @property
    def has_time(self) -> bool:
        return any(c.time_value is not None and c.time_unit for c in self.channels)

    @property
    def has_time_value(self) -> bool:
        """A number is given, possibly without its unit (flagged ``time_missing_unit``)."""
        return any(c.time_value is not None for c in self.channels)

    @property
    def has_fee(self) -> bool:
        """True when every channel's fee is known: an amount, free, or explicitly unspecified."""
        unclear = ("fee_unparsed", "fee_currency_without_amount", "time_fee_glued")
        return bool(self.channels) and not any(f.startswith(unclear) for f in self.flags)


# --- small helpers ---------------------------------------------------------------------------

# Vietnamese letter classes for regexes: the "À-ỹ" range interleaves upper and lower case.
_VI_LETTERS = [chr(c) for c in range(0xC0, 0x1EFA) if chr(c).isalpha()]
LOWER = "a-z" + "".join(c for c in _VI_LETTERS if c.islower())
UPPER = "A-Z" + "".join(c for c in _VI_LETTERS if c.isupper())

_SPACES = re.compile(r"[ \t\u00a0\u200b]+")
_NEWLINES = re.compile(r"\s*\n\s*")


def tidy(text: str) -> str:
    """NFC and tidy whitespace only: official text is stored exactly as published.

    (bot.text.normalize.normalize also moves tone marks, and currently does so inside closed
    syllables too: "hoặc" -> "họăc", "kỹ thuật" -> "kỹ thụât".)
    """
    text = unicodedata.normalize("NFC", text or "")
    return _NEWLINES.sub("\n", _SPACES.sub(" ", text)).strip()


_NO_INFO = "Không có thông tin"
_EMPTY_VALUES = {"", "--", "----", _NO_INFO.lower(), "không"}


def _clean(value: Any) -> str:
    text = tidy(str(value or ""))
    return "" if text.lower() in _EMPTY_VALUES else text


def _flag(flags: list[str], flag: str) -> None:
    if flag not in flags:
        flags.append(flag)


# --- channels: "Cách thức thực hiện" ---------------------------------------------------------

_CHANNEL_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
_CHANNEL_NAMES = {
    "Trực tiếp": CHANNEL_IN_PERSON,
    "Trực tuyến": CHANNEL_ONLINE,
    "Dịch vụ bưu chính": CHANNEL_POST,
}
# A row starts with a channel name glued to its time cell (a number or "Không có thông tin").
_ROW_START = re.compile(r"(Trực tiếp|Trực tuyến|Dịch vụ bưu chính)(?=\d|Không)")
_UNITS = ("Ngày làm việc", "Ngày", "Giờ", "Tháng", "Năm", "Phút", "Tuần")
_TIME_CELL = re.compile(
    r"(?:(\d+(?:[.,]\d{1,2}(?!\d))?)\s*(" + "|".join(_UNITS) + r")?"
    r"|Không có thông tin|Không phải trả kết quả cho người nộp thuế|Không quy định|Không ?)"
)
_MONEY = r"\d{1,3}(?:[.,]\d{3})+|\d+"
_FEE_CELL = re.compile(
    r"(?P<free>Miễn phí)|(?P<none>Không có thông tin)"
    rf"|(?P<amount>{_MONEY})?\s*(?P<cur>Việt Nam Đồng|VNĐ|Đồng|USD)"
)
# "Lệ phí : 20.000 Đồng (label)" / "Phí : 0 Đồng" segments inside notes and descriptions.
_FEE_SEGMENT = re.compile(
    rf"(?P<kind>Lệ phí|Phí)\s*:\s*(?P<amount>{_MONEY})\s*(?:/\S+\s*)?Đồng", re.IGNORECASE
)
# "Sát hạch lý thuyết: 60.000 đồng/lần" items inside a note: the amount, then its label before it.
_FEE_ITEM = re.compile(rf":\s*(?P<amount>{_MONEY})\s*(?:đồng|đ\b|VNĐ)", re.IGNORECASE)
_LABEL_CUT = re.compile(r"[:;()+\n]")
_UNSPECIFIED_NOTE = re.compile(r"^\W*(chưa|không|không được) quy định|không có thông tin", re.IGNORECASE)
_FREE_NOTE = re.compile(r"^\W*(không\W*$|không có\W*$|không thu|miễn( lệ)? phí|miễn lệ phí)", re.IGNORECASE)
_LOCAL_RATE = re.compile(r"(Hội đồng nhân dân|HĐND|Ủy ban nhân dân|UBND)( cấp)? tỉnh", re.IGNORECASE)
_RULED_FEE = re.compile(r"phí|mức thu|giá dịch vụ|\d+/\d{4}/T", re.IGNORECASE)
_TT_NUMBER = re.compile(r"\d+/\d{4}/(?:TT|NĐ|NQ|QĐ)[A-ZĐ0-9-]*")


def _classify_free_note(note: str) -> tuple[str, str]:
    """Kind and short text for a "Miễn phí" cell: the portal seems to print it for any empty amount.

    Only a note that agrees ("Không", "Không thu lệ phí", "Miễn lệ phí") or no note at all means
    free; "Chưa quy định" is unspecified; a rate set by the province or by a fee regulation is text.
    """
    if not note or _FREE_NOTE.search(note):
        return FEE_FREE, ""
    if _UNSPECIFIED_NOTE.search(note):
        return FEE_UNSPECIFIED, ""
    local = _LOCAL_RATE.search(note)
    if local:
        body = (
            "Ủy ban nhân dân"
            if local.group(1).lower() in ("ủy ban nhân dân", "ubnd")
            else "Hội đồng nhân dân"
        )
        return FEE_TEXT, f"Theo mức do {body} cấp tỉnh quy định"
    if _RULED_FEE.search(note):
        laws = list(dict.fromkeys(_TT_NUMBER.findall(note)))[:2]
        return FEE_TEXT, "Theo quy định về phí, lệ phí" + (f" ({', '.join(laws)})" if laws else "")
    return FEE_FREE, ""


def _money(text: str) -> int:
    return int(re.sub(r"[.,]", "", text))


def _balanced(text: str) -> tuple[str, str]:
    """Split "(note (nested))rest" into the note and the rest; an unclosed note runs to the end."""
    depth = 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return text[1:i], text[i + 1 :]
    return text[1:], ""


def _fee_label(raw: str) -> str:
    label = tidy(raw).strip(" -+*:.,")
    label = re.sub(r"^(đối với|mức thu|trong đó)\s+", "", label, flags=re.IGNORECASE)
    return label[:1].upper() + label[1:] if label else ""


def _fee_items(text: str) -> list[tuple[int, str]]:
    """Amounts stated inside a fee note: explicit "Lệ phí : N Đồng" first, then "label: N đồng"."""
    items: list[tuple[int, str]] = []
    for m in _FEE_SEGMENT.finditer(text):
        after = text[m.end() :].lstrip()
        label = _balanced(after)[0] if after.startswith("(") else ""
        label = re.sub(
            rf"\s*:?\s*(?:{_MONEY})\s*(?:đồng|đ)\S*.*$", "", label, flags=re.IGNORECASE | re.DOTALL
        )
        label = re.split(r"\.\s+-|;\s|\n", label.strip(" -"), maxsplit=1)[0]
        items.append((_money(m.group("amount")), _fee_label(label)[:120] or m.group("kind").capitalize()))
    explicit = {amount for amount, _ in items}
    prev_end = 0
    for m in _FEE_ITEM.finditer(text):
        window = text[max(prev_end, m.start() - 160) : m.start()]
        prev_end = m.end()
        label = _LABEL_CUT.split(window)[-1]
        label = re.sub(r"^\s*/\S*\s*[,.]?\s*-?\s*", "", label)
        # "160.000/hộ chiếu, trường hợp cấp lại...": drop a leading restated amount.
        label = re.sub(r"^\s*\d[\d.,]*[^,.;]*[,.]\s+", "", label)
        if len(label.strip()) >= 3 and _money(m.group("amount")) not in explicit:
            items.append((_money(m.group("amount")), _with_group(_fee_label(label), text, m.start())[:160]))
    return items


_GROUP_HEADING = re.compile(r"Đối với\s+(?P<group>[^:;+]{3,120}):")


def _with_group(label: str, text: str, at: int) -> str:
    """Add the "Đối với ...:" group a fee belongs to, when the item is still inside that group."""
    headings = list(_GROUP_HEADING.finditer(text, 0, at))
    heading = headings[-1] if headings else None
    if heading is None or re.search(r";|\s-\s|\+\s", text[heading.end() : at]):
        return label
    group = tidy(heading.group("group"))
    return label if _fold_simple(group) in _fold_simple(label) else f"{label} ({group})"


def _fold_simple(text: str) -> str:
    return " ".join(text.lower().split())


def _parse_time(cell: re.Match[str], description: str, ch: ParsedChannel, flags: list[str]) -> None:
    if cell.group(1) is None:
        _flag(flags, "time_missing")
        return
    value = float(cell.group(1).replace(",", "."))
    ch.time_value = value
    unit = cell.group(2) or ""
    if not unit:
        # The unit column is sometimes empty; the description often repeats the time with its unit.
        number = cell.group(1)
        m = re.search(
            rf"\b0*{re.escape(number)}\s*(?:\([^)]*\)\s*)?(ngày làm việc|ngày|giờ|tháng)", description, re.I
        )
        if m:
            unit = m.group(1).capitalize()
            _flag(flags, "time_unit_from_description")
        else:
            _flag(flags, "time_missing_unit")
    ch.time_unit = unit
    ch.time_text = f"{cell.group(1)} {unit}".strip()


def _parse_fee(
    cell: re.Match[str] | None, rest: str, note: str, ch: ParsedChannel, flags: list[str]
) -> list[ParsedChannel]:
    """Fill the fee of ``ch``; returns extra rows when the note lists several amounts."""
    items = _fee_items(note + "\n" + rest)
    extra: list[ParsedChannel] = []
    if cell is None:
        ch.fee_kind = FEE_TEXT
        ch.fee_text = ""
        _flag(flags, f"fee_unparsed:{rest[:40]}")
        return extra
    if cell.group("cur") == "USD":
        ch.fee_kind, ch.fee_text = FEE_TEXT, f"{cell.group('amount') or ''} USD".strip()
        return extra
    if cell.group("cur"):
        if cell.group("amount") is None:
            if items:
                ch.fee_kind, ch.fee_amount = FEE_AMOUNT, items[0][0]
                ch.fee_text = items[0][1]
                items = items[1:]
            else:
                ch.fee_kind = FEE_UNSPECIFIED
                _flag(flags, "fee_currency_without_amount")
        else:
            amount = _money(cell.group("amount"))
            ch.fee_kind, ch.fee_amount = (FEE_FREE, None) if amount == 0 else (FEE_AMOUNT, amount)
            items = [i for i in items if i[0] != amount]
    elif cell.group("free"):
        if items:
            # The portal shows "Miễn phí" when the amount cell is empty, even if the note lists fees.
            ch.fee_kind, ch.fee_amount, ch.fee_text = FEE_AMOUNT, items[0][0], items[0][1]
            items = items[1:]
            _flag(flags, "fee_amounts_in_note")
        else:
            ch.fee_kind, ch.fee_text = _classify_free_note(note)
    else:  # "Không có thông tin"
        if items:
            ch.fee_kind, ch.fee_amount, ch.fee_text = FEE_AMOUNT, items[0][0], items[0][1]
            items = items[1:]
        else:
            ch.fee_kind = FEE_UNSPECIFIED
    if ch.fee_kind == FEE_AMOUNT and not ch.fee_amount:  # "Phí : 0 Đồng"
        ch.fee_kind, ch.fee_amount = FEE_FREE, None
    seen = {(ch.fee_amount, ch.fee_text)}
    for amount, label in items:
        if (amount, label) in seen:
            continue
        seen.add((amount, label))
        extra.append(
            ParsedChannel(
                channel=ch.channel,
                time_value=ch.time_value,
                time_unit=ch.time_unit,
                time_text=ch.time_text,
                fee_kind=FEE_FREE if amount == 0 else FEE_AMOUNT,
                fee_amount=None if amount == 0 else amount,
                fee_text=label,
                note=ch.note,
            )
        )
    return extra


def parse_channels(text: str, flags: list[str]) -> list[ParsedChannel]:
    """Rows of the submission table: channel, time, fee(s), note."""
    body = text[len(_CHANNEL_HEADER) :] if text.startswith(_CHANNEL_HEADER) else text
    starts = list(_ROW_START.finditer(body))
    rows: list[ParsedChannel] = []
    for i, m in enumerate(starts):
        chunk = body[m.end() : starts[i + 1].start() if i + 1 < len(starts) else len(body)]
        ch = ParsedChannel(channel=_CHANNEL_NAMES[m.group(1)])
        time_cell = _TIME_CELL.match(chunk)
        assert time_cell is not None  # guaranteed by the _ROW_START look-ahead
        rest = chunk[time_cell.end() :]
        fee_cell = _FEE_CELL.match(rest)
        after = rest[fee_cell.end() :] if fee_cell else rest
        note, description = _balanced(after) if after.startswith("(") else ("", after)
        note, description = tidy(note), tidy(description)
        glued = bool(time_cell.group(1) and not time_cell.group(2)) and (
            (fee_cell is not None and fee_cell.group("cur") == "VNĐ" and not fee_cell.group("amount"))
            or (fee_cell is None and re.match(r"[\d.,]+\s*VNĐ", rest) is not None)
        )
        if glued:
            # "Trực tuyến125 VNĐ": a unit-less time glued to an amount; the split point is unknowable.
            _flag(flags, "time_fee_glued")
            ch.note = "\n".join(x for x in (note, description) if x)
            items = _fee_items(note + "\n" + description)
            if items:
                ch.fee_kind, ch.fee_amount, ch.fee_text = FEE_AMOUNT, items[0][0], items[0][1]
            rows.append(ch)
            continue
        _parse_time(time_cell, description, ch, flags)
        ch.note = "\n".join(x for x in (note, description) if x)
        extra = _parse_fee(fee_cell, rest if fee_cell is None else description, note, ch, flags)
        rows.append(ch)
        rows.extend(extra)
    if not rows:
        _flag(flags, "no_channels")
    return rows


# --- documents: "Thành phần hồ sơ" -----------------------------------------------------------

_DOC_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
_COPIES = re.compile(
    r"(\d+\s*[Bb]ản\s*(?:chính|sao)(?:\s*,\s*\d+\s*[Bb]ản\s*(?:chính|sao))*"
    r"|[Bb]ản chính\s*:\s*\d+\s*[Bb]ản sao\s*:\s*\d+)"
)
_FILE = re.compile(r"\.(?:docx?|pdf|xlsx?|rar|zip|odt|rtf)", re.IGNORECASE)
# Form codes: CT01, DC02, CC01, TK1, PC15, ĐKX11, TP-TSCC-10, M01b.
_CODE = r"[A-ZĐ]{1,6}(?:-[A-ZĐ]{1,6})*[-.]?\s?\d{1,3}[a-z]?\b"
_FORM_IN_NAME = re.compile(rf"(?:Mẫu|mẫu|MẪU|Mau|mau)\s*(?:số\s*)?(?P<code>{_CODE})")
_FORM_IN_FILE = re.compile(
    rf"(?<![A-ZĐ])(?P<code>[A-ZĐ]{{2,6}}(?:-[A-ZĐ]{{1,6}})*[-\s]?\d{{1,3}}(?:[a-z](?![{LOWER}]))?)(?!\d)"
)
# "Mau so 01_TT41.docx", "PL1.docx": legal documents and annexes, not form codes.
_NOT_FORM = re.compile(r"^(?:.*-)?(?:TT|TTLT|NĐ|ND|QĐ|QD|NQ|QH|PL|TPHS)-?\d", re.IGNORECASE)
_NOTE_ROW = re.compile(r"^\W*(lưu ý|ghi chú)", re.IGNORECASE)


def _normalize_code(code: str) -> str:
    return re.sub(r"[\s.]", "", code)


def _split_file(piece: str) -> tuple[str, list[str]]:
    """Separate the document name from trailing attached form files ("...).MauCT01.doc")."""
    ends = list(_FILE.finditer(piece))
    if not ends or piece[ends[-1].end() :].strip():
        return piece, []
    first_end = ends[0].start()
    start = None
    # The file name starts after ".", ";" or ")" glued to a letter, or at a lower->upper join.
    for i in range(max(1, first_end - 120), first_end):
        prev, cur = piece[i - 1], piece[i]
        if (prev in ".;)" and cur.isalnum()) or (prev.islower() and cur.isupper()):
            start = i
            break
    if start is None:
        space = piece.rfind(" ", 0, first_end)
        start = space + 1 if space >= 0 else 0
    files_part = piece[start:]
    files, last = [], 0
    for m in _FILE.finditer(files_part):
        files.append(files_part[last : m.end()])
        last = m.end()
    return piece[:start], files


def _form_codes(name: str, files: list[str]) -> str:
    codes = [_normalize_code(m.group("code")) for m in _FORM_IN_NAME.finditer(name)]
    if not codes:
        for f in files:
            m = _FORM_IN_FILE.search(f.rsplit(".", 1)[0])
            if m:
                codes.append(_normalize_code(m.group("code")))
    unique = list(dict.fromkeys(c for c in codes if re.search(r"\d", c) and not _NOT_FORM.match(c)))
    return ", ".join(unique)[:100]


def _copies(text: str) -> str:
    m = re.match(r"[Bb]ản chính\s*:\s*(\d+)\s*[Bb]ản sao\s*:\s*(\d+)", text)
    parts = (
        [(m.group(1), "bản chính"), (m.group(2), "bản sao")]
        if m
        else re.findall(r"(\d+)\s*[Bb]ản\s*(chính|sao)", text)
    )
    out = [
        f"{int(n)} {'bản ' + kind if not kind.startswith('bản') else kind}" for n, kind in parts if int(n) > 0
    ]
    return ", ".join(out)


def parse_documents(text: str, flags: list[str]) -> list[ParsedDocument]:
    """Split the flattened application-file table into documents with their case heading."""
    if _DOC_HEADER not in text:
        _flag(flags, "no_documents")
        return []
    segments = text.split(_DOC_HEADER)
    case = _clean(segments[0]).lstrip("-+*• ").rstrip(": ")
    docs: list[ParsedDocument] = []
    for seg in segments[1:]:
        parts = _COPIES.split(seg)
        sub_case = case
        for i in range(0, len(parts) - 1, 2):
            raw, copies = parts[i], parts[i + 1]
            name, files = _split_file(raw)
            name = tidy(name).strip(" ;").lstrip("-+*• ").strip()
            if not name:
                continue
            copies_text = _copies(copies)
            if _NOTE_ROW.match(name):
                continue
            if not copies_text and name.endswith(":"):
                sub_case = name.rstrip(":").lstrip("-+*• ").strip()
                continue
            docs.append(
                ParsedDocument(
                    name=name,
                    case_name=sub_case,
                    form_code=_form_codes(name, files),
                    copies=copies_text,
                )
            )
        case = _clean(parts[-1]).lstrip("-+*• ").rstrip(": ")  # text after the last row heads the next table
    if not docs:
        _flag(flags, "no_documents")
    return docs


# --- steps, legal bases, results ---------------------------------------------------------------

_STEP = re.compile(r"(?:^|\n|\s)[-+*•]?\s*Bước\s*(\d+)\s*[:.)-]?", re.IGNORECASE)


def parse_steps(text: str, flags: list[str]) -> list[str]:
    """Split "Bước N" paragraphs; without them, one step per non-empty line."""
    text = text.replace("\t", "\n")
    marks = list(_STEP.finditer(text))
    if len(marks) >= 2:
        steps = [
            tidy(text[m.end() : marks[i + 1].start() if i + 1 < len(marks) else len(text)])
            for i, m in enumerate(marks)
        ]
        head = tidy(text[: marks[0].start()])
        if head:
            steps.insert(0, head)
    else:
        steps = [tidy(line).lstrip("-+* ") for line in text.split("\n")]
    steps = [s for s in steps if s and s.lower() != _NO_INFO.lower()]
    if not steps:
        _flag(flags, "no_steps")
    return steps


_LEGAL_HEADER = "Tên văn bản pháp lýMã văn bản"
# "68/2020/QH14", "154/2024/NĐ-CP", "66.7/2025/NQ-CP", "1523/QĐ-BCA-C06". The suffix is matched
# lazily and must end where the next title starts ("NĐ-CPThông tư ...") or the text ends, because
# the crawl glued each number to the following title.
_LEGAL_END = re.compile(
    r"(?P<digits>\d+(?:\.\d+)?)/(?:(?P<year>\d{4})/)?"
    rf"(?P<suffix>(?:TTg|[A-ZĐ]+?\d*?)(?:-(?:TTg|[A-ZĐ]+?\d*?))*?)"
    rf"(?:(?=$|[{UPPER}][{LOWER}])(?![A-Z](?:ngày|năm|của|về|số)\b)(?!(?<=-C)P)(?!(?<=-T)Tg)|(?<=-CP)(?=[{LOWER}])(?!ngày|năm|của|về|số|và|tại|sửa))"
    r"|(?P<bare>\d+/\d{4})$"  # "46/2020" with the suffix cut off by the crawl
)
_LEGAL_DASH_SPACE = re.compile(r"(/[A-ZĐ]+)-\s+(?=[A-ZĐ])")


def _legal_number(digits: str, year: str | None, suffix: str) -> tuple[str, int]:
    """The number, and how many leading digits belong to the title instead."""
    # "Luật Cư trú 202068/2020/QH14": a title ending in a year runs into the number.
    lead = 0
    if len(digits.split(".")[0]) > 4 and re.match(r"(19|20)\d\d", digits):
        lead, digits = 4, digits[4:]
    return "/".join(x for x in (digits, year, suffix) if x), lead


def _split_repeated(before: str, digits: str, number: str, lead: int) -> tuple[str, int]:
    """ "Luật X 5/2031/QH16" + "5/2031/QH16" glue into "...QH165/2031/QH16": give the digits back."""
    rest = number[len(digits) - lead :]
    for k in range(lead + 1, len(digits)):
        candidate = digits[k:] + rest
        if (before + digits[:k]).endswith(candidate):
            return candidate, k
    return number, lead


def parse_legal_bases(text: str, flags: list[str]) -> list[ParsedLegalBasis]:
    """(number, title) pairs; a pair ends at a number followed by the next title or the end."""
    if not text.startswith(_LEGAL_HEADER):
        if _clean(text):
            _flag(flags, "legal_unparsed")
        return []
    body = _LEGAL_DASH_SPACE.sub(r"\1-", text[len(_LEGAL_HEADER) :].rstrip())
    out: list[ParsedLegalBasis] = []
    last = 0
    for m in _LEGAL_END.finditer(body):
        if m.start() < last:
            continue
        if m.group("bare"):
            number, lead = m.group("bare"), 0
        else:
            number, lead = _legal_number(m.group("digits"), m.group("year"), m.group("suffix"))
            number, lead = _split_repeated(body[: m.start()], m.group("digits"), number, lead)
        title = tidy(body[last : m.start() + lead]).strip(" ;:,.")
        title = re.sub(rf"(/[A-ZĐ]+(?:-[A-ZĐ0-9]+)*)(?=[{LOWER}])(?!(?<=TT)g)", r"\1 ", title)  # "TT-BCAngày"
        out.append(ParsedLegalBasis(number=number, title=title or number))
        last = m.end()
    trailing = tidy(body[last:]).strip(" ;:,.")
    if trailing:
        _flag(flags, "legal_title_without_number")
        if len(trailing) >= 10:
            out.append(ParsedLegalBasis(number="", title=trailing))
    if not out:
        _flag(flags, "no_legal_bases")
    return out


_RESULT_END = re.compile(r"Từ khóa|Chọn cơ quan thực hiện")
# "Mã: KQ.G01.000064", "Mã: 000.00.00.G11-KQ1711", "Mã: BQP-CCS.KQ0001": codes end with a digit and
# the next result name starts right after them.
_RESULT_CODE = re.compile(r"Mã\s*:\s*(?:[A-Za-z0-9][A-Za-z0-9.\-_]*\d|[a-z]+(?![a-z]))")


def parse_result(text: str) -> tuple[str, list[str]]:
    """Result documents without the portal menu text glued after them."""
    m = _RESULT_END.search(text)
    body = text[: m.start()] if m else text
    names = [tidy(n).strip(" ;,.") for n in _RESULT_CODE.split(body)]
    names = [n for n in names if n and n.lower() != _NO_INFO.lower()]
    return "; ".join(names), names


_ONLINE = re.compile(r"(?:trực\s+tuyến|dịch\s+vụ\s+công)\s+(toàn\s+trình|một\s+phần)", re.IGNORECASE)


def online_level(name: str, *texts: str) -> str:
    """ "toàn trình"/"một phần" only when the record says so; the name wins over other text."""
    for text in (name, *texts):
        found = {tidy(m.group(1)).lower() for m in _ONLINE.finditer(tidy(text))}
        if len(found) == 1:
            return found.pop()
        if found:  # "toàn trình hoặc một phần": do not pick one
            return ""
    return ""


# --- the record -------------------------------------------------------------------------------


def parse_record(record: dict[str, Any]) -> ParsedProcedure:
    """One catalogue record -> :class:`ParsedProcedure` (never raises on odd cell contents)."""
    flags: list[str] = []
    code = _clean(record.get("ma_thu_tuc"))
    result, result_names = parse_result(str(record.get("ket_qua_xu_ly") or ""))
    channels_text = str(record.get("cach_thuc_thuc_hien") or "")
    steps_text = str(record.get("trinh_tu_thuc_hien") or "")
    proc = ParsedProcedure(
        code=code,
        name=_clean(record.get("ten_thu_tuc")),
        levels=_clean(record.get("cap_thuc_hien")),
        field=_clean(record.get("linh_vuc")),
        agency=_clean(record.get("co_quan_thuc_hien")),
        competent_agency=_clean(record.get("co_quan_co_tham_quyen")),
        submit_address=_clean(record.get("dia_chi_tiep_nhan")),
        applicants=_clean(record.get("doi_tuong_thuc_hien")),
        result=result,
        result_names=result_names,
        conditions=_clean(record.get("yeu_cau_dieu_kien")),
        decision_no=_clean(record.get("so_quyet_dinh")),
        source_url=_clean(record.get("detail_url")),
        ministry=_clean(record.get("bo_nganh")),
        flags=flags,
    )
    proc.online_level = online_level(proc.name, channels_text, steps_text)
    proc.channels = parse_channels(channels_text, flags)
    proc.documents = parse_documents(str(record.get("thanh_phan_ho_so") or ""), flags)
    proc.steps = parse_steps(steps_text, flags)
    proc.legal_bases = parse_legal_bases(str(record.get("can_cu_phap_ly") or ""), flags)
    if not result_names:
        _flag(flags, "no_result")
    return proc
