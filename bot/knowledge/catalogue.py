"""Parse one record of the national public-service catalogue into plain dataclasses.

The crawl flattened the portal's tables, so cells run together ("Trực tuyến7 Ngày làm việc10,000
Việt Nam Đồng(...)"). The parser rebuilds rows from the cell patterns and records everything it could
not read as a parse flag instead of guessing, so staff can see which records need a look.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, replace
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
    SOURCE_NATIONAL,
)
from bot.knowledge.rules import FeeItem, read_fee_note, time_label
from bot.text.normalize import fold

ONLINE_FULL = "toàn trình"
ONLINE_PARTIAL = "một phần"


@dataclass
class ParsedChannel:
    """One time/fee rule of a channel (a channel can have several: labelled times, fee items, periods)."""

    channel: str
    time_value: float | None = None
    time_unit: str = ""
    time_text: str = ""
    fee_kind: str = FEE_UNSPECIFIED
    fee_amount: int | None = None
    fee_text: str = ""
    note: str = ""
    time_label: str = ""
    case_name: str = ""
    fee_unit: str = ""
    fee_min: int | None = None
    fee_max: int | None = None
    fee_limit_unit: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    fee_basis: str = ""

    def with_fee(self, item: FeeItem) -> ParsedChannel:
        """A copy of this row (same channel and time) carrying one fee item."""
        return replace(
            self,
            fee_kind=item.kind,
            fee_amount=item.amount if item.kind == FEE_AMOUNT else None,
            fee_text=item.label,
            case_name=item.case,
            fee_unit=item.unit,
            fee_min=item.fee_min,
            fee_max=item.fee_max,
            fee_limit_unit=item.limit_unit,
            valid_from=item.valid_from,
            valid_to=item.valid_to,
            fee_basis=item.basis,
        )


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
    # Coverage: which source the record comes from and what the Quảng Trị list adds to it.
    source_kind: str = SOURCE_NATIONAL
    has_details: bool = True
    source_date: dt.date | None = None
    portal_id: str = ""
    issuing_body: str = ""
    usage_weight: int | None = None
    in_province_list: bool = False
    other_names: list[str] = dc_field(default_factory=list)  # official names in other sources
    related_codes: list[str] = dc_field(default_factory=list)  # detailed procedures with the same name
    active: bool = True  # False: kept for the record but not answered (a duplicate of a detailed one)

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


def add_flag(flags: list[str], flag: str) -> None:
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
_UNSPECIFIED_NOTE = re.compile(r"^\W*(chưa|không|không được) quy định|không có thông tin", re.IGNORECASE)
_FREE_NOTE = re.compile(r"^\W*(không\W*$|không có\W*$|không thu|miễn( lệ)? phí|miễn lệ phí)", re.IGNORECASE)
_LOCAL_RATE = re.compile(r"(Hội đồng nhân dân|HĐND|Ủy ban nhân dân|UBND)( cấp)? tỉnh", re.IGNORECASE)
_RULED_FEE = re.compile(r"phí|mức thu|giá dịch vụ|theo quy định|\d+/\d{4}/T", re.IGNORECASE)
# "Phí cấp bản sao Trích lục … (nếu có yêu cầu)": a fee for an optional extra, the procedure stays free.
_OPTIONAL_EXTRA = re.compile(
    r"^\W*(?:phí|lệ phí)\s+(?:cấp\s+)?(?:bản\s+sao|trích\s+lục)[^.;]*\(?nếu\s+có(?:\s+yêu\s+cầu)?\)?",
    re.IGNORECASE,
)
_TT_NUMBER = re.compile(r"\d+/\d{4}/(?:TT|NĐ|NQ|QĐ)[A-ZĐ0-9-]*")


def classify_free_note(note: str) -> tuple[str, str]:
    """Kind and short text for a "Miễn phí" cell: the portal seems to print it for any empty amount.

    Only a note that agrees ("Không", "Không thu lệ phí", "Miễn lệ phí") or no note at all means
    free; "Chưa quy định" is unspecified; a rate set by the province or by a fee regulation is text.
    """
    if not note or _FREE_NOTE.search(note):
        return FEE_FREE, ""
    if _OPTIONAL_EXTRA.search(note):
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


def _parse_time(cell: re.Match[str], description: str, ch: ParsedChannel, flags: list[str]) -> None:
    if cell.group(1) is None:
        add_flag(flags, "time_missing")
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
            add_flag(flags, "time_unit_from_description")
        else:
            add_flag(flags, "time_missing_unit")
    ch.time_unit = unit
    ch.time_text = f"{cell.group(1)} {unit}".strip()


_PER_UNIT_NOTE = re.compile(r"^\s*/\s*(?P<unit>[^().,;]{1,40})(?P<rest>.*)$", re.DOTALL)


# No fee is a few đồng: a smaller cell is printed in thousands ("20 VNĐ(20.000 vnđ/tờ khai)") or a placeholder.
MIN_FEE = 1000


def _cell_item(cell: re.Match[str] | None, note: str, flags: list[str]) -> FeeItem | None:
    """The fee cell's own amount as an item ("2,000 Việt Nam Đồng(/trang)" -> 2.000 per page).

    An amount under 1.000 đồng is not stated: only what the note says about the fee is used.
    """
    if cell is None or not cell.group("cur") or cell.group("cur") == "USD" or cell.group("amount") is None:
        return None
    amount = _money(cell.group("amount"))
    if 0 < amount < MIN_FEE:
        add_flag(flags, "fee_implausible_amount")
        return None
    per = _PER_UNIT_NOTE.match(note)
    if amount == 0:
        return FeeItem(FEE_FREE, None)
    return FeeItem(FEE_AMOUNT, amount, unit=per.group("unit").strip() if per else "")


_USD_NOTE = re.compile(r"(?:(?P<label>[^.:;()]{3,80}):\s*)?(?P<num>[\d.,]+)\s*USD(?:\s*/\s*(?P<unit>[^\s.,;()]+(?:\s+(?!đến|đối|theo|cho|khi|và)[^\s.,;()]+){0,2}))?")


def _usd_in_note(cell: re.Match[str], note: str) -> str:
    """ "145 VNĐ(Thẻ tạm trú …: 145 USD/thẻ.)": a small cell whose note gives the same number in US dollars."""
    amount = cell.group("amount")
    m = _USD_NOTE.search(note)
    if not amount or not m or m.group("num") != amount or _money(amount) >= MIN_FEE:
        return ""
    text = f"{amount} USD" + (f"/{m.group('unit')}" if m.group("unit") else "")
    return f"{m.group('label').strip()}: {text}" if m.group("label") else text


def _usd_clauses(note: str) -> list[str]:
    """The clauses of a note that price something in US dollars, each as a fee text."""
    clauses = [c.strip(" .,-") for c in re.split(r"[;\n]|\.\s", note)]
    return [c[:1].upper() + c[1:] for c in clauses if re.search(r"\d\s?USD\b", c) and len(c) <= 120]


def _fee_rows(
    ch: ParsedChannel, cell: re.Match[str] | None, rest: str, note: str, description: str, flags: list[str]
) -> list[ParsedChannel]:
    """The rows of one channel: one per fee item the cell and its note state, each with the row's time."""
    if cell is None:
        add_flag(flags, f"fee_unparsed:{rest[:40]}")
        return [replace(ch, fee_kind=FEE_TEXT, fee_text="")]
    if cell.group("cur") == "USD":
        per = _PER_UNIT_NOTE.match(note)
        text = f"{cell.group('amount') or ''} USD".strip() + (f"/{per.group('unit').strip()}" if per else "")
        where = re.match(r"\s*([^.:;]{3,80}):\s*[\d.,]+\s*USD", description)
        return [replace(ch, fee_kind=FEE_TEXT, fee_text=f"{where.group(1).strip()}: {text}" if where else text)]
    usd = _usd_in_note(cell, note)
    if usd:
        return [replace(ch, fee_kind=FEE_TEXT, fee_text=usd)]
    per_unit = _PER_UNIT_NOTE.match(note)
    note_text = per_unit.group("rest").strip(" .,;") if per_unit else note
    text = "\n".join(x for x in (note_text, description) if x)
    items = read_fee_note(text, online=ch.channel == CHANNEL_ONLINE, cell=_cell_item(cell, note, flags),
                          flags=flags)
    if cell.group("cur") and cell.group("amount") is None and not items:
        add_flag(flags, "fee_currency_without_amount")
        return [replace(ch, fee_kind=FEE_UNSPECIFIED)]
    if not items:
        clauses = _usd_clauses(note)
        if clauses:  # "Miễn phí(Lệ phí cấp mới 200 USD/lần; lệ phí cấp lại hoặc gia hạn 100 USD/lần.)"
            return [replace(ch, fee_kind=FEE_TEXT, fee_text=clause) for clause in clauses]
        if cell.group("free"):
            kind, text = classify_free_note(note)
            return [replace(ch, fee_kind=kind, fee_text=text)]
        return [replace(ch, fee_kind=FEE_UNSPECIFIED)]
    if cell.group("free"):
        # The portal shows "Miễn phí" when the amount cell is empty, even if the note lists fees.
        add_flag(flags, "fee_amounts_in_note")
    return [ch.with_fee(item) for item in items]


def _label_times(rows: list[ParsedChannel], descriptions: list[str]) -> None:
    """Label each time of a channel that has several different ones, from the row's own description."""
    by_channel: dict[str, set[tuple[float | None, str]]] = {}
    for r in rows:
        by_channel.setdefault(r.channel, set()).add((r.time_value, r.time_unit))
    for r, description in zip(rows, descriptions, strict=True):
        if len(by_channel[r.channel]) > 1 and not r.time_label:
            r.time_label = time_label(description, r.time_value)
    # The same time is often described under one channel only: share its label with the others.
    known = {(r.time_value, r.time_unit): r.time_label for r in rows if r.time_label}
    for r in rows:
        if len(by_channel[r.channel]) > 1 and not r.time_label:
            r.time_label = known.get((r.time_value, r.time_unit), "")


def parse_channels(text: str, flags: list[str]) -> list[ParsedChannel]:
    """Rows of the submission table: channel, time (with its label when there are several), fee rules."""
    body = text[len(_CHANNEL_HEADER) :] if text.startswith(_CHANNEL_HEADER) else text
    starts = list(_ROW_START.finditer(body))
    rows: list[ParsedChannel] = []
    descriptions: list[str] = []
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
        ch.note = "\n".join(x for x in (note, description) if x)
        if glued:
            # "Trực tuyến125 VNĐ": a unit-less time glued to an amount; the split point is unknowable.
            add_flag(flags, "time_fee_glued")
            items = read_fee_note(ch.note, online=ch.channel == CHANNEL_ONLINE, flags=flags)
            new = [ch.with_fee(it) for it in items] or [ch]
        else:
            _parse_time(time_cell, description, ch, flags)
            new = _fee_rows(ch, fee_cell, rest, note, description, flags)
        rows.extend(new)
        descriptions.extend([description] * len(new))
    _label_times(rows, descriptions)
    if not rows:
        add_flag(flags, "no_channels")
    return rows


# --- documents: "Thành phần hồ sơ" -----------------------------------------------------------

_DOC_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
_COPIES = re.compile(
    r"(\d+\s*[Bb]ản\s*(?:chính|sao)(?:\s*,\s*\d+\s*[Bb]ản\s*(?:chính|sao))*"
    r"|[Bb]ản chính\s*:\s*\d+\s*[Bb]ản sao\s*:\s*\d+)"
)
_FILE = re.compile(r"\.(?:docx?|pdf|xlsx?|rar|zip|odt|rtf)", re.IGNORECASE)
# Form codes: CT01, DC02, CC01, TK1, PC15, ĐKX11, TP-TSCC-10, M01b, and number-first 14-HSB, 04B – HBQP.
_CODE = r"(?:[A-ZĐ]{1,6}(?:-[A-ZĐ]{1,6})*[-.]?\s?\d{1,3}[a-z]?\b|\d{1,3}[A-Za-z]?\s?[-–]\s?[A-ZĐ]{2,8}\b)"
_FORM_IN_NAME = re.compile(rf"(?:Mẫu|mẫu|MẪU|Mau|mau)\s*(?:số\s*)?(?P<code>{_CODE})")
_FORM_IN_FILE = re.compile(
    rf"(?<![A-ZĐ])(?P<code>[A-ZĐ]{{2,6}}(?:-[A-ZĐ]{{1,6}})*[-\s]?\d{{1,3}}(?:[a-z](?![{LOWER}]))?)(?!\d)"
)
# "Mau so 01_TT41.docx", "PL1.docx": legal documents and annexes, not form codes.
_NOT_FORM = re.compile(r"^(?:.*-)?(?:TT|TTLT|NĐ|ND|QĐ|QD|NQ|QH|PL|TPHS)-?\d", re.IGNORECASE)
_NOTE_ROW = re.compile(r"^\W*(lưu ý|ghi chú)", re.IGNORECASE)
# A copies cell glued to a number before it: counts in the cell are below ten, so "Mẫu số 181 bản chính" is
# form 18 and 1 copy, "năm 20240 bản chính" the year 2024 and 0, "Nghị định 1161 bản chính" decree 116 and 1.
# "Lưu ý: … không phải nộp Phiếu lý lịch tư pháp trong hồ sơ": a document the record says is not needed.
_NOT_REQUIRED = re.compile(
    r"không\s+(?:phải|cần)\s+nộp\s+(?P<doc>[A-ZĐ][^.;,:()]{3,80}?)(?=\s+trong\s+hồ\s+sơ|\s+khi\b|[.;,:()]|$)"
)
NOT_REQUIRED = "không phải nộp"
# "Trường hợp không quy định rõ bản chính thì có thể nộp bản sao hợp lệ": a rule about copies, not a document.
_PERMISSION_NOTE = re.compile(r"^(?:Trường hợp|Lưu ý|Ghi chú)\b[^.;]*\bthì\s+(?:có thể|được)\s+nộp\s+bản\s+(?:sao|chính)",
                              re.IGNORECASE)
_ENUMERATOR = re.compile(r"^\s*(?:[a-zđ]\)|\([a-zđ0-9]{1,2}\)|\([ivx]{1,4}\)\.?|\d{1,2}[.)](?!\d))\s*")
_SENTENCE_END = re.compile(r"(?<=[^\s.]{2})\.\s+(?=[A-ZĐÀ-Ỹ(\-+])")


def _normalize_code(code: str) -> str:
    return re.sub(r"[\s.]", "", code).replace("–", "-")


def first_sentence(text: str) -> str:
    """The first sentence of a document name (outside brackets): the fact, not the explanation after it."""
    depth = 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and ch == "." and _SENTENCE_END.match(text, i):
            return text[:i].strip()
    return text.strip()


def _unglue_copies(raw: str, copies: str) -> tuple[str, str]:
    """Give back to the name the digits the copies cell took from it (all but the last)."""
    m = re.match(r"(\d+)", copies)
    if not m or len(m.group(1)) < 2:
        return raw, copies
    keep = len(m.group(1)) - 1
    return raw + copies[:keep], copies[keep:]


# A count written inside a name: "(01 bản chính hoặc 01 bản sao có chứng thực)", "…: 01 bản chính nếu …".
_COUNT_IN_NAME_AFTER = re.compile(rf"\s+[{LOWER}]")


def _is_copies_cell(seg: str, m: re.Match[str]) -> bool:
    """Whether a copies match is the table's copies cell rather than a count written in the name.

    Cells print counts without a leading zero ("0 bản chính,1 bản sao"); a bare "N bản chính" followed
    by a lower-case word ("1 bản chính nếu …") continues the name.
    """
    if re.match(r"0\d\D", m.group(0)):
        return False
    single = "," not in m.group(0) and ":" not in m.group(0)
    return not (single and _COUNT_IN_NAME_AFTER.match(seg, m.end()))


def _table_rows(seg: str) -> list[str]:
    """Split one flattened table into [name, copies, name, copies, …, text after the last row]."""
    parts, start = [], 0
    for m in _COPIES.finditer(seg):
        if _is_copies_cell(seg, m):
            parts += [seg[start : m.start()], m.group(0)]
            start = m.end()
    return parts + [seg[start:]]


# The form-file column is glued to the name without a space; it usually starts with a form word.
_FORM_FILE_WORD = re.compile(r"(?:Mẫu|Mau|mẫu|mau|MẪU|MAU|Mus|MS|Phụ lục|Phu luc|PL|BM|TK)")


def _glued_at(piece: str, i: int) -> bool:
    """Whether a glued column may start at ``i``: "…)Mẫu", "…CPMau", "…nuôiBáo", "…01.docx" after a stop."""
    prev, cur = piece[i - 1], piece[i]
    if prev.isdigit() and cur.isdigit():
        return False
    glued = (prev in ").;:" or prev.islower() or prev.isdigit()) and (cur.isupper() or cur.isdigit())
    camel = prev.isupper() and cur.isupper() and i + 1 < len(piece) and piece[i + 1].islower()
    return glued or camel or (prev in ".;" and cur.isalpha())


def _file_start(piece: str, end: int) -> int | None:
    """Where the form-file column ending at ``end`` starts: the first glued place whose tail can be a file
    name (no legal number "41/2026/", no ";", balanced brackets), preferring one that starts with a form word."""
    starts = [
        i for i in range(max(1, end - 150), end)
        if _glued_at(piece, i)
        and ";" not in piece[i:end]
        and piece[i:end].count("(") == piece[i:end].count(")")
        and not re.search(r"\d/\d{4}/", piece[i:end])
    ]
    return next((i for i in starts if _FORM_FILE_WORD.match(piece, i)), starts[0] if starts else None)


def _split_file(piece: str) -> tuple[str, list[str]]:
    """Separate the document name from trailing attached form files ("...).MauCT01.doc")."""
    ends = list(_FILE.finditer(piece))
    if not ends or piece[ends[-1].end() :].strip():
        return piece, []
    start = _file_start(piece, ends[0].start())
    if start is None:  # no place to tell the file from the name ("…quy địnhvăn bản đề nghị.docx")
        space = piece.rfind(" ", 0, ends[0].start())
        return piece[: ends[0].start()], [piece[space + 1 :]]
    files_part = piece[start:]
    files, last = [], 0
    for m in _FILE.finditer(files_part):
        files.append(files_part[last : m.end()])
        last = m.end()
    return piece[:start], files


def form_codes(name: str, files: list[str]) -> str:
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


def _case_heading(text: str) -> str:
    return first_sentence(_ENUMERATOR.sub("", _clean(text).lstrip("-+*• "))).rstrip(": ")


# Text before a table that describes its document rather than naming a case: "Phiếu được tạo lập khi …",
# "… (Mẫu DC02). Phiếu này là biểu mẫu điện tử …", "Trong phiếu nêu rõ …", "Công dân kê khai khi …", "Bao gồm".
_CASE_START = re.compile(r"^\W*(?:trường hợp|đối với|nếu|khi)\b", re.IGNORECASE)
_DESCRIPTION = re.compile(
    r"(?:^|[.;]\s+)(?:(?:Trong\s+)?(?:phiếu|tờ khai|đơn|biểu mẫu|mẫu|giấy|văn bản)(?:\s+này)?"
    r"\s+(?:được|là|do|nêu|ghi)\b|(?:công dân|người [^\s.;,:]+)\s+kê khai\b)|^\W*(?:bao gồm|gồm)\W*$",
    re.IGNORECASE,
)


def _sub_case(case: str, heading: str) -> str:
    """A heading row inside a table ("- Giấy tờ phải nộp:") narrows the table's case, it does not replace it:
    two tables with the same sub-headings stay two cases, and neither loses its documents."""
    sub = _case_heading(heading)
    return f"{case} – {sub}" if case and sub else case or sub


def _describes_a_document(text: str) -> bool:
    """Whether the text before a table describes the table's document (then the case does not change)."""
    text = tidy(_clean(text))
    if not text or text.endswith(":") or _CASE_START.match(text):
        return False
    return bool(_DESCRIPTION.search(text))


def _next_case(text: str, case: str) -> str:
    """The case of the next table: the heading before it, unless that heading only describes a document."""
    return case if _describes_a_document(text) else _case_heading(text)


def _not_required(note: str) -> list[str]:
    """Documents a note says need not be submitted, unless the note makes it conditional."""
    out = []
    for m in _NOT_REQUIRED.finditer(note):
        if not re.search(r"trường hợp|nếu", note[max(0, m.start() - 60) : m.start()], re.IGNORECASE):
            out.append(tidy(m.group("doc")))
    return out


def mark_not_required(docs: list[ParsedDocument], names: list[str]) -> None:
    """Turn the listed documents into "không phải nộp" rows (the note removing them is the fact)."""
    wanted = [fold(n) for n in names]
    for d in docs:
        folded = fold(d.name)
        if any(folded.startswith(w) or w.startswith(folded) for w in wanted):
            d.copies = NOT_REQUIRED


def parse_documents(text: str, flags: list[str]) -> list[ParsedDocument]:
    """Split the flattened application-file table into documents with their case heading."""
    if _DOC_HEADER not in text:
        add_flag(flags, "no_documents")
        return []
    segments = text.split(_DOC_HEADER)
    case = _next_case(segments[0], "")
    docs: list[ParsedDocument] = []
    exempt: list[str] = []
    for seg in segments[1:]:
        parts = _table_rows(seg)
        sub_case = case
        for i in range(0, len(parts) - 1, 2):
            raw, copies = _unglue_copies(parts[i], parts[i + 1])
            name, files = _split_file(raw)
            name = tidy(name).strip(" ;").lstrip("-+*•.,;:) ").strip()
            if not name:
                continue
            copies_text = _copies(copies)
            if _NOTE_ROW.match(name) or _PERMISSION_NOTE.match(name):
                exempt += _not_required(name)
                continue
            if not copies_text and name.endswith(":"):
                sub_case = _sub_case(case, name)
                continue
            name = first_sentence(_ENUMERATOR.sub("", name)) or name
            docs.append(
                ParsedDocument(
                    name=name,
                    case_name=sub_case,
                    form_code=form_codes(name, files),
                    copies=copies_text,
                )
            )
        case = _next_case(parts[-1], case)  # text after the last row heads the next table
        exempt += _not_required(tidy(parts[-1]))
    if segments[0]:
        exempt += _not_required(tidy(segments[0]))
    mark_not_required(docs, exempt)
    if not docs:
        add_flag(flags, "no_documents")
    return docs


_RAW_DOCS_END = re.compile(r"Căn cứ pháp lý|Yêu cầu, điều kiện")


def documents_text(record: dict[str, Any], flags: list[str]) -> str:
    """The document table; from ``raw_text`` when the crawl put step text in the documents field.

    The section starts at the last "Thành phần hồ sơ" before the first table header (the steps often
    mention the words too) and ends at the next section.
    """
    text = str(record.get("thanh_phan_ho_so") or "")
    if _DOC_HEADER in text:
        return text
    raw = str(record.get("raw_text") or "")
    first_table = raw.find(_DOC_HEADER)
    start = raw.rfind("Thành phần hồ sơ", 0, first_table) if first_table >= 0 else -1
    if start < 0:
        return text
    end = _RAW_DOCS_END.search(raw, first_table)
    add_flag(flags, "documents_from_raw_text")
    return raw[start + len("Thành phần hồ sơ") : end.start() if end else len(raw)]


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
        add_flag(flags, "no_steps")
    return steps


_LEGAL_HEADER = "Tên văn bản pháp lýMã văn bản"
# A legal number: digits, an optional year, then a run of code letters that the crawl glued to the
# next title ("…/TT-BTCsửa đổi", "…/TT-BCAQUY ĐỊNH", "…/QH1451/2019/QH14"). Where the code ends is
# decided by :func:`_code_end` from what can start a Vietnamese title and from known code parts.
_LEGAL_START = re.compile(r"(?P<digits>\d+(?:\.\d+)?)/(?:(?P<year>\d{4})/)?(?P<run>[A-ZĐ](?:TTg|[A-ZĐ0-9]|-(?=[A-ZĐ0-9]))*)")
_LEGAL_BARE = re.compile(r"(?P<bare>\d+/\d{4})$")  # "46/2020" with the suffix cut off by the crawl
_LEGAL_DASH_SPACE = re.compile(r"(/[A-ZĐ]+)-\s+(?=[A-ZĐ])")
# Parts of legal numbers: document kinds and issuing bodies (a number's last part is one of these).
_CODE_PARTS = frozenset(
    "TT TTLT NĐ NQ QĐ CT PL L CTN HĐTP TTg CP VBHN QH UBTVQH BTC BCA BTP BYT BQP BNG BNV BXD BCT BGDĐT "
    "BGTVT BLĐTBXH BNNPTNT BNNMT BTNMT BKHĐT BKHCN BTTTT BVHTTDL BTTTT NHNN VPCP TANDTC VKSNDTC UBDT "
    "BDTTG TTCP KTNN UBND HĐND BHXH TLĐ TCT TCHQ VPQH MTTQ BCĐ BDT BTNN".split()
)
_CODE_PART_PATTERN = re.compile(r"(?:QH|UBTVQH)\d{1,2}|[A-Z]\d{2}")
_CONTINUATION = ("ngày", "năm", "của", "về", "số", "và", "tại")
_ONSETS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "th", "tr", "qu", "b", "c", "d", "đ", "g", "h", "k",
           "l", "m", "n", "p", "r", "s", "t", "v", "x", "")


def _word_start(text: str) -> bool:
    """Whether ``text`` begins like a Vietnamese word (an onset, then a vowel)."""
    folded = fold(text[:4])
    for onset in _ONSETS:
        if folded.startswith(onset) and folded[len(onset) : len(onset) + 1] in tuple("aeiouy"):
            if onset == "" and text[:1].islower():
                return True
            return onset != "" or text[:1].isalpha()
    return False


def known_legal_code(code: str) -> bool:
    last = code.rsplit("-", 1)[-1]
    return last in _CODE_PARTS or bool(_CODE_PART_PATTERN.fullmatch(last))


def _code_end(run: str, after: str) -> tuple[int, bool]:
    """How many characters of ``run`` are the code, and whether the number ends a pair there.

    The longest split whose last part is a known code part is taken when what follows can start a
    title: the end of the text, a word (capitalised, all capitals or lower case) or another number
    glued on. A lower-case "ngày", "của"… after it means the number is cited inside a title.
    Without a known part, the longest split followed by such a start is used.
    """
    def starts_title(rest: str) -> bool:
        if not rest:
            return True
        if rest[0].isdigit():
            return re.match(r"\d+(?:\.\d+)?/\d{4}/", rest) is not None
        return rest[0].isalpha() and _word_start(rest)

    if after and not after[0].isalnum() and after[0] != "/" and known_legal_code(run):
        return len(run), False  # "… 55/2021/TT-BCA ngày 15/5/2021 …": a complete number cited in a title
    splits = [k for k in range(len(run), 0, -1) if not run[:k].endswith("-")]
    for k in splits:
        if not known_legal_code(run[:k]):
            continue
        rest = run[k:] + after
        if rest[:1].islower() and rest.startswith(_CONTINUATION):
            return k, False
        if starts_title(rest):
            return k, True
    for k in splits:
        rest = run[k:] + after
        if starts_title(rest) and not (rest[:1].islower() and rest.startswith(_CONTINUATION)):
            return k, True
    return len(run), False


def _legal_number(digits: str, year: str | None, suffix: str) -> tuple[str, int]:
    """The number, and how many leading digits belong to the title instead."""
    # "Luật Cư trú 202068/2020/QH14": a title ending in a year runs into the number.
    lead = 0
    head = digits.split(".")[0]
    if len(head) > 4 and re.match(r"(19|20)\d\d", digits):
        lead, digits = 4, digits[4:]
    elif "." in digits and re.fullmatch(r"(19|20)\d\d", head):
        lead, digits = len(head) + 1, digits[len(head) + 1 :]  # "… năm 2022.65/2025/TT-BTC"
    return "/".join(x for x in (digits, year, suffix) if x), lead


def parse_legal_bases(text: str, flags: list[str]) -> list[ParsedLegalBasis]:
    """(number, title) pairs; a pair ends at a number followed by the next title or the end."""
    if not text.startswith(_LEGAL_HEADER):
        if _clean(text):
            add_flag(flags, "legal_unparsed")
        return []
    body = _LEGAL_DASH_SPACE.sub(r"\1-", text[len(_LEGAL_HEADER) :].rstrip())
    out: list[ParsedLegalBasis] = []
    last = pos = 0
    while True:
        m = _LEGAL_START.search(body, pos)
        if m is None:
            break
        k, ends = _code_end(m.group("run"), body[m.end("run") :])
        number, lead = _legal_number(m.group("digits"), m.group("year"), m.group("run")[:k])
        end = m.start("run") + k
        following = body[end:]
        # "Luật 5/2031/QH16" glued to its own number "5/2031/QH16": the first copy is title text.
        if not ends or following.startswith(number.split("/")[0] + "/") and following.startswith(number):
            pos = end
            continue
        title = tidy(body[last : m.start() + lead]).strip(" ;:,.")
        title = re.sub(rf"(/[A-ZĐ]+(?:-[A-ZĐ0-9]+)*)(?=[{LOWER}])(?!(?<=TT)g)", r"\1 ", title)  # "TT-BCAngày"
        out.append(ParsedLegalBasis(number=number, title=title or number))
        last = pos = end
    trailing = tidy(body[last:]).strip(" ;:,.")
    bare = _LEGAL_BARE.search(trailing)
    if bare:
        title = tidy(trailing[: bare.start()]).strip(" ;:,.")
        out.append(ParsedLegalBasis(number=bare.group("bare"), title=title or bare.group("bare")))
        trailing = ""
    if trailing:
        add_flag(flags, "legal_title_without_number")
        if len(trailing) >= 10:
            out.append(ParsedLegalBasis(number="", title=trailing))
    if not out:
        add_flag(flags, "no_legal_bases")
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
    proc.documents = parse_documents(documents_text(record, flags), flags)
    proc.steps = parse_steps(steps_text, flags)
    proc.legal_bases = parse_legal_bases(str(record.get("can_cu_phap_ly") or ""), flags)
    if not result_names:
        add_flag(flags, "no_result")
    return proc
