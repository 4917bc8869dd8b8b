"""An independent reading of the source catalogue, for the fact audit (issue 10, item 3).

Written from the source files alone, deliberately without reading or importing the project's
parsers (``bot/knowledge/catalogue.py``, ``rules.py``, ``portal_api.py`` …): a second pair of eyes
on the same text. It reads only the facts the audit compares — per channel the processing times and
the fee amounts (with the label and unit the source gives them), and the documents with their copy
counts — and it reads them plainly: no rule engine, no validity periods, no guessing. Where the
source itself is ambiguous (a unit-less time glued to an amount, a copy count glued to a form
number) the reading says so instead of choosing.

Two source formats:

* the national catalogue crawl (``national-catalogue-2026.jsonl.gz``), whose tables were flattened
  into one string per section ("…Trực tuyến7 Ngày làm việc70,000 Việt Nam Đồng(note)description…",
  "…name<form file>.docx1 bản chính,1 bản sao…");
* the portal's own API (``top-demand-details-2026.jsonl.gz``, ``commune-citizen-details-2026.jsonl.gz``),
  structured JSON (``executionMethods``, ``executionCases[].profileComponents``).
"""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHANNEL_NAMES = {"Trực tiếp": "truc_tiep", "Trực tuyến": "truc_tuyen", "Dịch vụ bưu chính": "buu_chinh"}
API_CHANNELS = {"DIRECT": "truc_tiep", "ONLINE": "truc_tuyen", "POSTAL": "buu_chinh"}
API_UNITS = {"WORKING_DAY": "Ngày làm việc", "DAY": "Ngày", "HOUR": "Giờ", "MONTH": "Tháng", "YEAR": "Năm"}
TIME_UNITS = ("Ngày làm việc", "Ngày", "Giờ", "Tháng", "Năm", "Tuần", "Phút")

CHANNELS_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
DOCUMENTS_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"

# ---------------------------------------------------------------------------------------------
# Facts


@dataclass(frozen=True)
class Time:
    """One processing time as the source states it (``unit`` None when the cell has none)."""

    value: float | None
    unit: str | None
    text: str = ""  # the cell when it is words, not a number


@dataclass(frozen=True)
class Amount:
    """One amount of money in a fee cell or its note, in đồng unless ``currency`` says otherwise."""

    value: int
    currency: str = "đồng"
    label: str = ""  # the words before "…:" that say which fee it is
    unit: str = ""  # per what ("trang", "hồ sơ"), from "…đồng/trang"
    where: str = "note"  # "cell" (the fee column) or "note" (its bracketed note / description)
    context: str = ""  # the sentence around it (says "trực tuyến" for an online-only rate)


@dataclass
class Row:
    """One row of a channel table: a time, a fee cell and the text around them."""

    channel: str
    time: Time | None
    fee_cell: str  # "free" | "none" | "amount" | "glued" | "text"
    amounts: list[Amount] = field(default_factory=list)
    percents: list[float] = field(default_factory=list)  # "bằng 50% mức thu" in the fee text
    fee_text: str = ""  # the cell and its note, for checks that need the words
    note: str = ""  # the bracketed note after the fee cell (API: the fee descriptions)
    description: str = ""
    glued: str = ""  # "1100 VNĐ": a unit-less time run into an amount, not split
    glued_splits: list[tuple[int, int]] = field(default_factory=list)  # (time, amount) readings

    @property
    def text(self) -> str:
        return f"{self.fee_text} {self.description}"


@dataclass(frozen=True)
class Document:
    """One row of a document table."""

    name: str  # the first sentence of the name, list marker and form file removed
    row: str  # the whole name cell as the source has it
    readings: tuple[str, ...]  # the name read with the form file cut at each other possible place
    originals: int | None
    copies: int | None
    glued_digits: str = ""  # "181": the count cell run into a number ending the name
    case: str = ""


@dataclass
class Reading:
    """What the audit reads from one source record."""

    code: str
    source: str  # "national_catalogue" | "portal_api"
    rows: list[Row] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    documents_from_raw_text: bool = False
    text: str = ""  # every text of the record the checks may search (notes, descriptions, documents)

    def channel_rows(self, channel: str) -> list[Row]:
        return [row for row in self.rows if row.channel == channel]

    @property
    def channels(self) -> list[str]:
        return sorted({row.channel for row in self.rows})


# ---------------------------------------------------------------------------------------------
# Text helpers


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


_NUMBER = r"\d{1,3}(?:[.,]\d{3})+(?![\d])|\d+(?:[.,]\d+)?"
_CURRENCY = r"Việt Nam Đồng|việt nam đồng|VNĐ|VND|vnđ|Vnđ|VNđ|đồng|Đồng|ĐỒNG|đ(?![a-zà-ỹ])|Đ(?![a-zà-ỹA-ZÀ-Ỹ])|USD|usd|Đô la Mỹ"
AMOUNT = re.compile(
    rf"(?<![\d/.,])(?P<num>{_NUMBER})\s?(?P<mult>triệu|nghìn|ngàn|tỷ)?\s?(?P<cur>{_CURRENCY})"
    r"(?:\s?/\s?(?P<unit>[^\s.,;:()\d][^.,;:()\n\t]{0,40}))?"
)
# a grouped amount with no currency but a "per" unit: "160.000/hộ chiếu"
BARE_AMOUNT = re.compile(
    r"(?<![\d/.,])(?P<num>\d{1,3}(?:\.\d{3})+)(?![\d.,])\s?/\s?(?P<unit>[^\s\d/][^.,;:()\n\t]{0,40})"
)
# "15000000/lần Đồng": the unit between the number and the currency
UNIT_FIRST_AMOUNT = re.compile(r"(?<![\d/.,])(?P<num>\d{4,})/(?P<unit>[^\s\d/()]+) (?:Đồng|đồng)")
PERCENT = re.compile(r"(?P<num>\d+(?:[.,]\d+)?)\s?%")
MULTIPLIERS = {"triệu": 1_000_000, "nghìn": 1000, "ngàn": 1000, "tỷ": 1_000_000_000}


def number(text: str, *, decimal_comma: bool = False) -> float:
    """``"1.200.000"``/``"1,200,000"`` → 1200000; ``"1,5"`` → 1.5 (a lone short group is a decimal)."""
    text = text.strip()
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", text) and not decimal_comma:
        return float(re.sub(r"[.,]", "", text))
    return float(text.replace(",", "."))


def _currency(word: str) -> str:
    return "USD" if word.lower() in {"usd", "đô la mỹ"} else "đồng"


def _clean_unit(unit: str | None) -> str:
    if not unit:
        return ""
    unit = re.split(r"\s(?:đối với|cho|khi|trong|và|hoặc|nếu|theo|kể từ|từ|áp dụng)\s", " " + unit + " ")[0]
    return squash(unit).strip(" -–")


_NOT_A_LABEL = re.compile(
    r"^(?:(?:kể )?từ ngày|đến (?:hết )?ngày|áp dụng|mức (?:thu|phí|lệ phí|giảm)|theo quy định)\b"
    r"|^(?:phí|lệ phí|thu|nộp|giá|mức thu|mức phí)$",
    re.IGNORECASE,
)


def _label_before(text: str, start: int) -> str:
    """The words naming an amount: the clause before it, when it ends with ":" ("Sát hạch lý thuyết: 60.000").

    The clause starts after the previous ";", line, sentence or list dash outside brackets, or at
    the bracket the amount sits in. A period ("Từ ngày 01/7/2025 đến …:") or a bare "Phí:" names no fee.
    """
    before = text[:start].rstrip()
    if not before.endswith(":"):
        return ""
    depth, i = 0, len(before) - 1
    while i > 0:
        char = before[i - 1]
        if char == ")":
            depth += 1
        elif char == "(":
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and (char in ";\n\t" or before[i - 1 : i + 1] in (". ", "- ", "+ ")):
            break
        i -= 1
    clause = before[i:-1]
    # "Phí: 250000 Đồng (Xác minh …) Phí: 500000 …": the words before belong to the previous amount
    previous = list(
        re.finditer(r"\d[\d.,]*\s?(?:đồng|Đồng|VNĐ|đ)\b[^()]*(?:\([^()]*(?:\([^()]*\)[^()]*)*\))?", clause)
    )
    if previous:
        clause = clause[previous[-1].end() :]
    clause = re.sub(r"^\s*(?:[a-zđ]\)|\d+[.)]|[-+•*])\s*", "", clause)
    clause = re.sub(r"\s*(?:Phí|Lệ phí|phí|lệ phí|mức thu(?: là)?|Mức thu(?: là)?)$", "", clause).strip()
    clause = squash(clause).strip(" ,-")
    if _NOT_A_LABEL.match(clause) or re.search(r"\d{1,2}/\d{1,2}/\d{4}", clause):
        return ""
    return clause


def _context(text: str, start: int, end: int) -> str:
    left = max(text.rfind(". ", 0, start), text.rfind(";", 0, start), text.rfind("\n", 0, start), 0)
    right = min(
        [i for i in (text.find(". ", end), text.find(";", end), text.find("\n", end)) if i >= 0]
        or [len(text)]
    )
    return text[left:right]


# "Giá trị giao dịch dưới 2,1 tỷ đồng", "vốn điều lệ 10 tỷ đồng": an amount that is a threshold, not a fee
THRESHOLD = re.compile(
    r"(?:giá trị|vốn|doanh thu)[^.;:()]{0,40}$|(?<!không )(?:dưới|trên|vượt quá)\s*$", re.IGNORECASE
)


def _label_after(text: str, start: int, end: int) -> str:
    """ "Phí: 600000 Đồng (Sát hạch thực hành)": after a bare "Phí:", the bracket that follows names the fee."""
    if not re.search(r"(?:^|[\s(;])(?:Phí|Lệ phí|phí|lệ phí)\s*:\s*$", text[max(0, start - 12) : start]):
        return ""
    bracket = re.match(r"\s*\(\s*-?\s*([^()]{3,160})\)", text[end:])
    label = squash(bracket.group(1)) if bracket else ""
    if (
        not label
        or _NOT_A_LABEL.match(label)
        or re.search(r"\d{1,2}/\d{1,2}/\d{4}|Thông tư|Nghị định", label)
    ):
        return ""
    return label


def amounts_in(text: str, where: str = "note") -> list[Amount]:
    """Every amount of money ``text`` states, with its label and per-unit when written next to it."""
    found: list[Amount] = []
    taken: list[tuple[int, int]] = []
    for match in AMOUNT.finditer(text):
        if THRESHOLD.search(text[max(0, match.start() - 60) : match.start()]):
            taken.append(match.span())
            continue
        raw = match.group("num")
        value = number(raw, decimal_comma=bool(match.group("mult")))
        if match.group("mult"):
            value *= MULTIPLIERS[match.group("mult")]
        found.append(
            Amount(
                int(round(value)),
                _currency(match.group("cur")),
                _label_before(text, match.start()) or _label_after(text, match.start(), match.end()),
                _clean_unit(match.group("unit")),
                where,
                _context(text, match.start(), match.end()),
            )
        )
        taken.append(match.span())
    for match in UNIT_FIRST_AMOUNT.finditer(text):
        found.append(
            Amount(
                int(match.group("num")),
                "đồng",
                _label_before(text, match.start()),
                match.group("unit"),
                where,
                _context(text, match.start(), match.end()),
            )
        )
        taken.append(match.span())
    for match in BARE_AMOUNT.finditer(text):
        if any(s <= match.start() < e for s, e in taken):
            continue
        value = number(match.group("num"))
        found.append(
            Amount(
                int(value),
                "đồng",
                _label_before(text, match.start()),
                _clean_unit(match.group("unit")),
                where,
                _context(text, match.start(), match.end()),
            )
        )
    return found


def percents_in(text: str) -> list[float]:
    return [number(m.group("num"), decimal_comma=True) for m in PERCENT.finditer(text)]


def _closing_paren(text: str, start: int) -> int:
    """Index just after the bracket that closes ``text[start] == "("`` (or the end of text)."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


# ---------------------------------------------------------------------------------------------
# National catalogue: channel rows

_TIME_CELL = (
    r"(?P<tval>\d+(?:[.,]\d+)?) (?P<tunit>" + "|".join(TIME_UNITS) + r")"
    r"|(?P<tnone>Không có thông tin)"
    r"|(?P<tbare>\d+)(?=Miễn phí|Không có thông tin)"
    r"|(?P<ttext>Không phải trả kết quả[^()\d]{0,60}?|Không quy định|Không ?|Hệ thống [^()\d]{0,160}?\.)"
    r"(?=Miễn phí|Không có thông tin)"
)
_FEE_CELL = (
    r"(?P<free>Miễn phí)|(?P<nofee>Không có thông tin)|(?P<amt>\d[\d.,]*) ?(?P<cur>Việt Nam Đồng|VNĐ|USD)"
)
ROW_START = re.compile(
    r"(?P<ch>Trực tiếp|Trực tuyến|Dịch vụ bưu chính)(?:" + _TIME_CELL + r")?(?:" + _FEE_CELL + ")"
)


def _glued_splits(digits: str) -> list[tuple[int, int]]:
    """Ways a unit-less time and an amount may have been run together ("1100" → (1, 100), (11, 0)…).

    A cell printed in thousands ("20 VNĐ" with a note of "20.000 vnđ") is common, so each amount
    is also offered times 1.000.
    """
    splits = []
    for cut in range(1, min(4, len(digits))):
        head, tail = digits[:cut], digits[cut:]
        if head.startswith("0") or not tail or re.match(r"[.,]", tail):
            continue
        if tail.startswith("0") and tail != "0":
            continue
        if re.search(r"[.,]", tail) and not re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", tail):
            continue
        splits.append((int(head), int(number(tail))))
    return splits + [(t, a * 1000) for t, a in splits if a and a < 1000]


def read_channel_rows(text: str) -> list[Row]:
    """The rows of a flattened "Cách thức thực hiện" table."""
    text = nfc(text)
    if text.startswith(CHANNELS_HEADER):
        text = text[len(CHANNELS_HEADER) :]
    starts: list[re.Match[str]] = []
    for match in ROW_START.finditer(text):
        if starts and match.start() < starts[-1].end():
            continue
        # a channel name inside a row's description is not a row: rows start where the previous ends
        starts.append(match)
    rows: list[Row] = []
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        rows.append(_read_row(match, text[match.end() : end]))
    return rows


def _read_row(match: re.Match[str], rest: str) -> Row:
    channel = CHANNEL_NAMES[match.group("ch")]
    note = ""
    if rest.startswith("("):
        close = _closing_paren(rest, 0)
        note, rest = rest[1 : close - 1], rest[close:]
        if re.fullmatch(r"[a-zđ0-9]{1,3}|[ivx]{1,4}", note) and ")" in rest:
            # "Miễn phí(a) Cung cấp …: 30.000.000 đồng; b) …)": a list marker closed the bracket early
            depth, end = 0, len(rest)
            for i, char in enumerate(rest):
                depth += {"(": 1, ")": -1}.get(char, 0)
                if depth < 0:
                    end = i
                    break
            note, rest = f"{note}) {rest[:end]}", rest[end + 1 :]
    description = rest
    time: Time | None = None
    if match.group("tval"):
        time = Time(number(match.group("tval"), decimal_comma=True), match.group("tunit"))
    elif match.group("tbare"):
        time = Time(float(match.group("tbare")), None)
    elif match.group("ttext"):
        time = Time(None, None, match.group("ttext").strip())
    cell = (
        match.group("free")
        or match.group("nofee")
        or f"{match.group('amt') or ''} {match.group('cur') or ''}"
    )
    row = Row(
        channel, time, "", fee_text=f"{cell}({note})" if note else cell, note=note, description=description
    )
    if match.group("free"):
        row.fee_cell = "free"
    elif match.group("nofee"):
        row.fee_cell = "none"
    else:
        digits, currency = match.group("amt"), _currency(match.group("cur"))
        unit = ""
        unit_note = re.fullmatch(r"\s*/\s*([^()]+?)\s*\.?\s*", note)  # "(/hồ sơ)": the cell's own unit
        if unit_note:
            unit = _clean_unit(unit_note.group(1))
        well_formed = re.fullmatch(r"\d{1,3}(?:,\d{3})*", digits)
        if time is None and not match.group("tnone") and (len(digits) > 1 or not well_formed):
            # "Trực tuyến1100 VNĐ", "Trực tiếp1100,000 VNĐ": a unit-less time run into the amount;
            # keep every reading (time, amount), the whole as an amount too when it is well formed
            row.fee_cell = "glued"
            row.glued = f"{digits} {match.group('cur')}"
            row.glued_splits = _glued_splits(digits) + ([(0, int(number(digits)))] if well_formed else [])
        else:
            row.fee_cell = "amount"
            row.amounts.append(Amount(int(number(digits)), currency, "", unit, "cell"))
    row.amounts.extend(amounts_in(note))
    cells = [a for a in row.amounts if a.where == "cell" and 0 < a.value < 1000 and a.currency == "đồng"]
    if cells and any(a.value == cells[0].value * 1000 for a in row.amounts if a.where == "note"):
        # "20 VNĐ(20.000 vnđ /tờ khai)": the cell is printed in thousands, the note says the amount
        row.amounts[row.amounts.index(cells[0])] = Amount(
            cells[0].value * 1000, "đồng", "", cells[0].unit, "cell"
        )
    row.percents = percents_in(note + " " + description)
    if time is not None and time.value is not None and time.unit is None:
        # "Trực tiếp1Miễn phí … 01 ngày làm việc …": the description may give the unit
        found = {unit for value, unit in times_in(description) if value == time.value}
        if len(found) == 1:
            row.time = Time(time.value, found.pop())
    return row


_TIME_IN_TEXT = re.compile(
    r"(?<![\d/.,])(?P<num>\d+(?:[.,]\d+)?)(?:\s*\([^()]{1,20}\))?\s+(?P<unit>ngày làm việc|ngày|giờ|tháng|năm)(?![a-zà-ỹ])",
    re.IGNORECASE,
)


def times_in(text: str) -> list[tuple[float, str]]:
    """Times written in words in a description: "01 ngày làm việc", "05 (năm) ngày làm việc"."""
    found = []
    for match in _TIME_IN_TEXT.finditer(nfc(text)):
        unit = match.group("unit").lower()
        found.append((number(match.group("num"), decimal_comma=True), unit[0].upper() + unit[1:]))
    return found


# ---------------------------------------------------------------------------------------------
# National catalogue: documents

# a copies cell: "1 bản chính" or "0 bản chính,1 bản sao", followed by the next row (never by a space
# or punctuation, which mark a count written inside a name: "nộp 02 bản chính tờ khai")
COPIES_CELL = re.compile(r"(?P<orig>\d+) bản chính(?:,(?P<copy>\d+) bản sao)?")
# what follows a copies cell: the next row (maybe after a space), never a lower-case word or punctuation
CELL_END = re.compile(r"$|[^\s.,;:)]|\s+(?:[A-ZĐÀ-Ỹ*]|\(\d|\([a-zđivx]{1,4}\))")
FILE_TAIL = re.compile(r"\.(?:docx?|pdf|xlsx?|rar|zip|odt)$", re.IGNORECASE)
LIST_MARKER = re.compile(
    r"^\s*(?:[-+•*–!$]+|\(?[a-zđ](?:\.\d+)*\)|\(?[ivx]+\)|\(?\d+(?:\.\d+)*[.)]|[a-zđ](?:\.\d+)*[.)])(?:\s*\d+(?:\.\d+)*[.)])?\s*",
    re.IGNORECASE,
)


def file_cuts(row: str) -> list[int]:
    """Where the form-file column may start in a name cell ending with a file name ("…(Mẫu CC01)Mẫu CC01 Phiếu….doc").

    The column is glued to the name without a space, so it starts where a lower-case letter, digit or
    closing bracket is followed by a capital or digit, or where a run of capitals ends in a capitalised
    word ("…TT-BNNMTMẫu số 01.docx"). The file part holds no sentence and no ";". Several places may
    qualify (a name may contain "3x4cm"): all are returned, first the leftmost.
    """
    if not FILE_TAIL.search(row):
        return []
    cuts = []
    for i in range(1, len(row)):
        before, here = row[i - 1], row[i]
        glued = (before in ").;:" or before.islower() or before.isdigit()) and (
            here.isupper() or here.isdigit()
        )
        camel = before.isupper() and here.isupper() and i + 1 < len(row) and row[i + 1].islower()
        after_stop = before in ".;" and here.isalpha()  # "…NĐ-CP.mau so 13.doc", "…theo mẫu;mẫu tờ khai.doc"
        if not (glued or camel or after_stop) or (before.isdigit() and here.isdigit()):
            continue
        tail = row[i:]
        if (
            len(tail) > 150
            or tail.count("(") != tail.count(")")
            or "\n" in tail
            or ";" in tail
            or re.search(r"\d/\d{4}/", tail)  # a legal number belongs to the name, not to a file name
        ):
            continue
        cuts.append(i)
    return cuts


_SENTENCE_END = re.compile(
    r"(?<!\bTP)(?<!\bTp)(?<!\bv\.v)[.!?](?=\s+(?:[A-ZĐÀ-Ỹ\-+*•(\"“]|\d+[.)]|[a-zđ]\)))"
)


def first_sentence(name: str) -> str:
    """The name up to its first full stop that ends a sentence (outside brackets), list marker removed."""
    name = squash(nfc(name))
    if name.startswith("("):
        # "(Trường hợp khai thác được thông tin …)! Bản sao …": a note in brackets before the name
        close = _closing_paren(name, 0)
        if close < len(name) and close > 40 and re.match(r"\s*\W*\s*[A-ZĐÀ-Ỹ]", name[close:]):
            name = name[close:]
    name = re.sub(r"^[^\w(]+", "", name)
    name = re.sub(r"^[^\w(]+", "", LIST_MARKER.sub("", name, count=1))
    for match in _SENTENCE_END.finditer(name):
        before = name[: match.start()]
        if before.count("(") <= before.count(")") and not re.search(
            r"(?:^|[:;]\s*)(?:\d+(?:\.\d+)*|[a-zđ]|[ivx]{1,4})$", before
        ):
            name = before  # (not "… tổ chức kinh tế: 1. Đơn đề nghị …", a list number)
            break
    return name.strip().rstrip(".;,: ")


def _copies_cell(digits_orig: str) -> tuple[int, str]:
    """Counts are printed without leading zeros and below ten: "181" is a number ending the name, then 1."""
    if len(digits_orig) == 1:
        return int(digits_orig), ""
    return int(digits_orig[-1]), digits_orig


def read_documents(text: str) -> list[Document]:
    """The rows of the flattened "Thành phần hồ sơ" tables, each with the heading before its table."""
    text = nfc(text)
    parts = text.split(DOCUMENTS_HEADER)
    documents: list[Document] = []
    case = parts[0]
    for part in parts[1:]:
        position = 0
        for match in COPIES_CELL.finditer(part):
            orig_digits = match.group("orig")
            if re.fullmatch(r"0\d", orig_digits):
                continue  # "…: 01 bản chính1 bản chính": a count written in the name (cells have no leading 0)
            if not match.group("copy") and not CELL_END.match(part, match.end()):
                continue  # "nộp 02 bản chính tờ khai", "(01 bản chính)": a count inside the name
            # ("1 bản chính,1 bản sao" is never written inside a name: it is a cell whatever follows)
            originals, glued = _copies_cell(orig_digits)
            row = part[position : match.start()] + (orig_digits[:-1] if glued else "")
            copies = int(match.group("copy")) if match.group("copy") else 0
            row = row.strip()
            if row:
                names = [first_sentence(row[:cut]) for cut in file_cuts(row)] + [first_sentence(row)]
                documents.append(
                    Document(
                        names[0], row, tuple(names[1:]), originals, copies, glued, squash(case).strip("- ")
                    )
                )
            position = match.end()
        case = part[position:]
    return documents


def documents_section_of_raw_text(raw: str) -> str:
    """The "Thành phần hồ sơ" section of ``raw_text``: after "Cách Thức Thực Hiện", up to "Căn cứ pháp lý"."""
    raw = nfc(raw)
    after = raw.find("Cách Thức Thực Hiện")
    start = raw.find("Thành phần hồ sơ", max(after, 0))
    if start < 0:
        return ""
    end = raw.find("Căn cứ pháp lý", start)
    return raw[start + len("Thành phần hồ sơ") : end if end > 0 else len(raw)]


def read_national(record: dict[str, Any]) -> Reading:
    reading = Reading(nfc(record["ma_thu_tuc"]).strip(), "national_catalogue")
    reading.rows = read_channel_rows(record.get("cach_thuc_thuc_hien") or "")
    documents_text = record.get("thanh_phan_ho_so") or ""
    if DOCUMENTS_HEADER not in documents_text:
        section = documents_section_of_raw_text(record.get("raw_text") or "")
        if DOCUMENTS_HEADER in section:
            documents_text = section
            reading.documents_from_raw_text = True
    reading.documents = read_documents(documents_text)
    reading.text = nfc(
        " ".join(
            [record.get("cach_thuc_thuc_hien") or "", documents_text, record.get("trinh_tu_thuc_hien") or ""]
        )
    )
    return reading


# ---------------------------------------------------------------------------------------------
# Portal API


def read_api(record: dict[str, Any]) -> Reading:
    reading = Reading(nfc(record["code"]).strip(), "portal_api")
    texts: list[str] = []
    for method in record.get("executionMethods") or []:
        channel = API_CHANNELS.get(method.get("submissionMethod", ""))
        if channel is None:
            continue
        value, unit = method.get("processingTime"), method.get("processingTimeUnit")
        time: Time | None
        if isinstance(value, (int, float)) and unit in API_UNITS and value:
            time = Time(float(value), API_UNITS[unit])
        elif isinstance(value, str) and value.strip():
            time = Time(None, None, value.strip())
        else:
            time = None
        description = nfc(method.get("description") or "")
        fees = method.get("fees") or []
        row = Row(channel, time, "none" if not fees else "", description=description)
        fee_texts = []
        for fee in fees:
            fee_description = nfc(fee.get("description") or "")
            fee_texts.append(fee_description)
            amount = fee.get("value")
            if amount:
                label = squash(fee_description)
                if (
                    _NOT_A_LABEL.match(label)
                    or re.match(r"\d", label)
                    or re.search(r"\d{1,2}/\d{1,2}/\d{4}", label)
                ):
                    label = ""  # "750.000 đồng/hồ sơ", "Mức giảm áp dụng theo Thông tư …": no fee named
                row.amounts.append(Amount(int(amount), "đồng", label, "", "cell", fee_description))
            row.amounts.extend(a for a in amounts_in(fee_description) if a.value != amount)
        if fees:
            row.fee_cell = "amount" if any(fee.get("value") for fee in fees) else "free"
            if all(not fee.get("value") and fee.get("description") for fee in fees):
                row.fee_cell = "text"
        # the method's description may state fees too ("Phí: - Từ ngày …: 750.000 đồng/hồ sơ")
        row.amounts.extend(amounts_in(description))
        row.percents = percents_in(" ".join(fee_texts) + " " + description)
        row.fee_text = row.note = " ".join(fee_texts)
        reading.rows.append(row)
        texts += fee_texts + [description]
    for case in record.get("executionCases") or []:
        case_name = squash(nfc(case.get("name") or ""))
        for component in case.get("profileComponents") or []:
            row_text = nfc(component.get("name") or "")
            reading.documents.append(
                Document(
                    first_sentence(row_text),
                    row_text,
                    (),
                    component.get("originalQty"),
                    component.get("copyQty"),
                    "",
                    case_name,
                )
            )
            texts.append(row_text)
    reading.text = " ".join(texts)
    return reading


def api_case_times(record: dict[str, Any]) -> list[Time]:
    """Times of the record's ``cases`` (used when a method gives none)."""
    times = []
    for case in record.get("cases") or []:
        day = case.get("processingDay") or {}
        if isinstance(day.get("qty"), (int, float)) and day.get("type") in API_UNITS:
            times.append(Time(float(day["qty"]), API_UNITS[day["type"]]))
    return times


# ---------------------------------------------------------------------------------------------
# Files


def records(path: Path) -> Iterator[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:  # type: ignore[operator]
        for line in handle:
            if line.strip():
                yield json.loads(line)


def read_sources(
    national: Path, api_files: list[Path]
) -> dict[str, dict[str, tuple[Reading, dict[str, Any]]]]:
    """``{"national_catalogue": {code: (reading, record)}, "portal_api": {…}}``."""
    result: dict[str, dict[str, tuple[Reading, dict[str, Any]]]] = {
        "national_catalogue": {},
        "portal_api": {},
    }
    for record in records(national):
        reading = read_national(record)
        result["national_catalogue"][reading.code] = (reading, record)
    for path in api_files:
        for record in records(path):
            reading = read_api(record)
            result["portal_api"].setdefault(reading.code, (reading, record))
    return result
