"""Fee and time rules read from the free text of a record: labels, units, limits and validity periods.

A fee cell of the national catalogue (or a fee of the portal API) comes with a note such as
"Sát hạch lý thuyết: 60.000 đồng/lần, …; Lệ phí cấp giấy phép lái xe: 135.000 đồng/lần. Trường hợp …
trực tuyến: Kể từ ngày 01/12/2023 đến hết ngày 31/12/2025, áp dụng mức thu lệ phí là 115.000 đồng".
:func:`read_fee_note` turns it into items: each amount with its label, case, unit, minimum/maximum and,
for a temporary rate, its period and legal basis. A temporary rate keeps the label, case and unit of
the ordinary rate it replaces, so answers can state what applies on a given day and the normal amount
beside it. Anything that looks wrong (a "reduced" rate ten times the normal one) is flagged, not used.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from bot.knowledge.models import FEE_AMOUNT, FEE_FREE

# --- dates and periods ---------------------------------------------------------------------------

_D_NUM = r"(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})"
_D_WORDS = r"(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})"
_DATE = rf"(?:{_D_NUM}|{_D_WORDS})"
_FROM = r"(?:kể\s+từ|từ)(?:\s+kể\s+từ)?(?:\s+ngày)?\s*"
_UNTIL = r"\s*,?\s*(?:đến|tới)\s+(?:hết\s+)?(?:ngày\s+)?"
_RANGE = re.compile(_FROM + _DATE + _UNTIL + _DATE, re.IGNORECASE)
_TO_ONLY = re.compile(r"(?:áp\s+dụng\s+)?đến\s+hết(?:\s+ngày)?\s*" + _DATE, re.IGNORECASE)
_FROM_ONLY = re.compile(_FROM + _DATE, re.IGNORECASE)


def _date(groups: tuple[str | None, ...]) -> dt.date | None:
    """A date from the six groups of _DATE (numeric or "ngày 01 tháng 7 năm 2025" form)."""
    d, m, y = groups[0:3] if groups[0] else groups[3:6]
    try:
        return dt.date(int(y or 0), int(m or 0), int(d or 0))
    except ValueError:
        return None


def find_period(text: str) -> tuple[dt.date | None, dt.date | None, int, int] | None:
    """The first validity period in ``text``: (from, to, start, end); either bound may be open."""
    m = _RANGE.search(text)
    if m:
        return _date(m.groups()[0:6]), _date(m.groups()[6:12]), m.start(), m.end()
    m = _TO_ONLY.search(text)
    if m:
        return None, _date(m.groups()), m.start(), m.end()
    m = _FROM_ONLY.search(text)
    if m:
        return _date(m.groups()), None, m.start(), m.end()
    return None


# --- amounts ---------------------------------------------------------------------------------------

_NUM = r"\d{1,3}(?:[.,]\d{3})+|\d+"
_UNIT_WORDS = r"[^\s\d,.;:()\[\]]+"
_UNIT = rf"(?:\s*/\s*(?P<unit>{_UNIT_WORDS}(?:\s+{_UNIT_WORDS}){{0,2}}))?"
# "60.000 đồng/lần", "06 triệu đồng/Giấy chứng nhận", "320.000đ/hộ chiếu", "160.000/hộ chiếu".
_AMOUNT = re.compile(
    rf"(?<![\d/.,])(?P<num>{_NUM})(?:\s*(?P<mult>triệu|nghìn|ngàn))?\s*"
    rf"(?:(?P<cur>đồng|Đồng|VNĐ|VND|vnđ|vnd|[đĐ](?![{'a-zà-ỹ'}]))|(?=\s*/\s*[^\d\s]))" + _UNIT
)
# Words that end a unit phrase: "đồng/hồ sơ kể từ ngày" -> "hồ sơ".
_UNIT_STOP = {
    "theo", "áp", "kể", "từ", "đối", "đến", "trường", "cho", "khi", "và", "hoặc", "nếu", "tại", "mức",
    "thu", "là", "được", "trong", "bằng", "phí", "lệ", "tối", "không", "miễn", "thực",
}
_LIMIT = re.compile(
    r"(?P<kind>tối\s+đa|tối\s+thiểu|không\s+quá|không\s+thấp\s+hơn|ít\s+nhất|cao\s+nhất|thấp\s+nhất)"
    r"(?:\s+(?:thu|là|mức\s+thu|không\s+quá))*\s*$",
    re.IGNORECASE,
)
# A label in brackets right after the amount, when it is not a citation or a period.
_AFTER_LABEL = re.compile(r"\s*\((?P<label>(?!\s*(?:theo|áp dụng|thông tư|nghị định|quy định|từ|kể từ|đến))[^()]{3,120})\)",
                          re.IGNORECASE)
_PERCENT = re.compile(r"(?P<kind>bằng|giảm)\s+(?P<pct>\d{1,3})\s*%", re.IGNORECASE)
_FREE = re.compile(r"\bmiễn(?:\s+(?:lệ\s+)?phí|\s*phí|\s+kể\s+từ|\s+từ)", re.IGNORECASE)
_ONLINE = re.compile(r"trực\s+tuy[ếể]n", re.IGNORECASE)
_LEGAL = re.compile(r"\d+(?:\.\d+)?/\d{4}/(?:TT|NĐ|NQ|QĐ)[A-ZĐa-z0-9-]*[A-ZĐ0-9]")
_CASE_HEADING = re.compile(r"^\W*Đối\s+với\s+(?P<case>[^:]{3,160}?)\s*:", re.IGNORECASE)
_SEGMENT_SPLIT = re.compile(r";|\n|\.\s+(?=[-+*•]|[A-ZĐ])|\s[-+*•]\s|(?<=\))\s*[-+*•]\s")
_LABEL_TRIM = re.compile(r"^(?:đối với|mức thu|trong đó)\s*:?\s+|\s+(?:thu|là|mức thu|mức phí|:)$", re.IGNORECASE)
# A reduced or temporary rate more than this many times the ordinary one is a source typo.
SUSPICIOUS_FACTOR = 10


def money(num: str, mult: str | None = None) -> int:
    value = int(re.sub(r"[.,]", "", num))
    if mult:
        value *= 1_000_000 if mult.lower() == "triệu" else 1_000
    return value


def _unit(raw: str | None) -> str:
    if not raw:
        return ""
    words = []
    for i, word in enumerate(raw.split()):
        if word.lower() in _UNIT_STOP and not (i < 2 and re.match(r"trường\s+hợp\b", raw.strip(), re.I)):
            break  # "đồng/hồ sơ kể từ …" ends at "kể"; "400.000đ/trường hợp" is a unit of its own
        words.append(word)
    unit = " ".join(words).strip(" \"'")
    if unit.count("“") > unit.count("”"):
        unit += "”"
    return unit[:40]


@dataclass
class FeeItem:
    """One amount of a fee note (or a fee cell), possibly temporary."""

    kind: str  # FEE_AMOUNT or FEE_FREE
    amount: int | None
    label: str = ""
    case: str = ""
    unit: str = ""
    fee_min: int | None = None
    fee_max: int | None = None
    limit_unit: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    basis: str = ""

    @property
    def temporary(self) -> bool:
        return self.valid_from is not None or self.valid_to is not None

    def key(self) -> tuple[str, str, str]:
        """Items with the same key are the same fee; a temporary one replaces the ordinary one."""
        return (self.label, self.case, self.unit)


def _strip(text: str) -> str:
    """Trim punctuation, keeping a closing parenthesis that closes one inside the text."""
    text = text.strip(" ,;:-+*•.\t(")
    while text.endswith(")") and text.count(")") > text.count("("):
        text = text[:-1].rstrip(" ,;:-+*•.")
    while text.startswith(")"):
        text = text[1:].lstrip()
    return text


_GENERIC_LABEL = re.compile(r"^(?:áp dụng|mức|phí|lệ phí|phí\s*,\s*lệ phí|mức phí|mức thu|mức lệ phí|mức thu lệ phí|mức thu phí|gồm|bao gồm"
                            r"|áp dụng mức (?:phí|thu|lệ phí|thu lệ phí)|là|thu)$", re.IGNORECASE)


def _clean_label(text: str) -> str:
    if text.count("(") > text.count(")"):
        text = text[text.rfind("(") + 1 :]  # the label starts inside a parenthesis left open
    text = _strip(re.sub(r"\s+", " ", text))
    for _ in range(2):
        text = _strip(_LABEL_TRIM.sub("", text))
    if _GENERIC_LABEL.match(text):
        return ""
    return (text[:1].upper() + text[1:])[:160] if text else ""


def _paren_span(text: str, at: int) -> tuple[int, int] | None:
    """The innermost parenthesis group around position ``at`` (its end may be the text's end)."""
    depth, start = 0, None
    for i in range(at - 1, -1, -1):
        if text[i] == ")":
            depth += 1
        elif text[i] == "(":
            if depth == 0:
                start = i
                break
            depth -= 1
    if start is None:
        return None
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return start, i
    return start, len(text)


def _segments(text: str) -> list[tuple[bool, str]]:
    """Pieces split at bullets, semicolons, lines and sentence ends; True when one opens a new topic.

    A piece after "+" or ";" continues the "Đối với …:" group before it; one after "-", a new line or
    a sentence end does not.
    """
    out: list[tuple[bool, str]] = []
    last, new_topic = 0, True
    for m in _SEGMENT_SPLIT.finditer(text):
        out.append((new_topic, text[last : m.start()]))
        new_topic = not re.search(r"[+;]", m.group(0))
        last = m.end()
    out.append((new_topic, text[last:]))
    return [(n, s) for n, s in out if s.strip()]


@dataclass
class _Mention:
    amount: int
    unit: str
    label: str
    start: int
    end: int


def _bracket_after(text: str, at: int) -> tuple[str, int] | None:
    """The bracket group (nested ones included) that starts right after ``at``: its content and its end."""
    m = re.match(r"\s*\(", text[at:])
    if not m:
        return None
    depth = 0
    for i in range(at + m.end() - 1, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return text[at + m.end() : i], i + 1
    return None


def _mentions(segment: str) -> tuple[list[_Mention], list[tuple[str, int, str]]]:
    """Amounts of one segment with their labels, and limits (kind, amount, per-unit) apart."""
    mentions: list[_Mention] = []
    limits: list[tuple[str, int, str]] = []
    prev_end = 0
    for m in _AMOUNT.finditer(segment):
        unit_raw = m.group("unit") or ""
        cur_after = re.search(r"\s+(?:Đồng|đồng|VNĐ)$", unit_raw)  # "15000000/loại Đồng": the unit, then the currency
        if m.group("cur") is None and not cur_after and not re.fullmatch(r"\d{1,3}(?:\.\d{3})+", m.group("num")):
            continue  # a bare number before "/" is an amount only with thousands dots ("160.000/hộ chiếu")
        if re.match(r"0[.,]\d", m.group("num")):
            continue  # "0.000đ/giấy thông hành": a typo (a digit lost), not a free rate
        before = segment[prev_end : m.start()]
        bracket = _bracket_after(segment, prev_end) if mentions else None
        if bracket and bracket[1] <= m.start():
            before = segment[bracket[1] : m.start()]  # "(label of the amount before)  Phí: 600000 Đồng"
        amount = money(m.group("num"), m.group("mult"))
        unit = _unit(unit_raw[: cur_after.start()] if cur_after else unit_raw)
        limit = _LIMIT.search(before)
        if limit:
            kind = "max" if re.match(r"tối\s+đa|không\s+quá|cao", limit.group("kind"), re.I) else "min"
            limits.append((kind, amount, unit))
            prev_end = m.end()
            continue
        heading = _CASE_HEADING.match(before)
        window = before[heading.end() :] if heading else before
        parts = [p for p in re.split(r":", window) if p.strip()]
        raw_label = parts[-1] if parts else ""
        # "… thẩm định điều kiện hoạt động). (Áp dụng mức phí: 2.250.000 đồng": words closing another bracket
        label = "" if raw_label.count(")") > raw_label.count("(") else _clean_label(raw_label)
        after = _AFTER_LABEL.match(segment, m.end())
        if after and not label:
            label = _clean_label(after.group("label"))  # "Lệ phí : 25.000 Đồng (Cấp mới giấy xác nhận)"
        own = _bracket_after(segment, m.end()) if not label and not after else None
        if own and len(own[0]) <= 240 and _AFTER_LABEL.match(f"({re.sub(r'[()]', ' ', own[0])})"):
            label = _clean_label(own[0])  # "15000000/loại Đồng (Đối với …: Bổ sung thêm loại hình (ETOPS, …), …)"
        if re.search(r"\d{1,2}/\d{1,2}/\d{4}|tháng\s+\d+\s+năm", label):
            label = ""  # "Kể từ ngày …, áp dụng mức thu lệ phí là": a period, not a label
        mentions.append(_Mention(amount, unit, label, m.start(), m.end()))
        prev_end = m.end()
    return mentions, limits


class _NoteReader:
    """State while reading one note: ordinary items, temporary ones, and the cell item."""

    def __init__(self, cell: FeeItem | None, online: bool, flags: list[str]) -> None:
        self.cell = cell
        self.cell_claimed = False
        self.online = online
        self.flags = flags
        self.base: list[FeeItem] = [cell] if cell is not None else []
        self.temps: list[FeeItem] = []
        self.case = ""

    def _claims_cell(self, mention: _Mention) -> bool:
        """A restatement of the cell's amount labels the cell instead of adding an item."""
        cell = self.cell
        if cell is None or self.cell_claimed or mention.amount != cell.amount:
            return False
        cell.label = cell.label or mention.label
        cell.unit = cell.unit or mention.unit
        cell.case = cell.case or self.case
        self.cell_claimed = True
        return True

    def add_ordinary(self, mention: _Mention) -> None:
        if self._claims_cell(mention):
            return
        same = [b for b in self.base if b.amount == mention.amount and b.label == mention.label]
        if same:
            same[0].unit = same[0].unit or mention.unit  # "50.000 Đồng - 50.000đ/tem “AB”": the restatement's unit
            return
        kind = FEE_FREE if mention.amount == 0 else FEE_AMOUNT
        self.base.append(FeeItem(kind, mention.amount or None, mention.label, self.case, mention.unit))

    def add_limits(self, limits: list[tuple[str, int, str]]) -> None:
        for kind, amount, unit in limits:
            for item in self.base:
                if not unit or item.unit != unit:
                    if kind == "max":
                        item.fee_max, item.limit_unit = amount, unit
                    else:
                        item.fee_min, item.limit_unit = amount, unit

    def segment(self, new_topic: bool, segment: str) -> None:
        heading = _CASE_HEADING.match(segment)
        if heading:
            self.case = _clean_label(heading.group("case"))
        elif new_topic:
            self.case = ""
        mentions, limits = _mentions(segment)
        period = find_period(segment)
        if period is None:
            for mention in mentions:
                self.add_ordinary(mention)
            self.add_limits(limits)
            return
        if _ONLINE.search(segment) and not self.online:
            return  # a rate for online submission only
        start, end, at, _ = period
        if limits and not mentions:
            self.add_limits(limits)  # "Tối đa 700.000 đồng/lần theo Thông tư … (thực hiện từ ngày …)"
            return
        if start is None and end is None:
            self.flags.append("fee_period_unreadable")
            return
        span = _paren_span(segment, at)
        if span and any(span[0] <= m.start < span[1] for m in mentions):
            # "500.000 đồng (áp dụng mức phí 250.000 đồng kể từ …)": the period is the bracketed amount's.
            for mention in mentions:
                if not span[0] <= mention.start < span[1]:
                    self.add_ordinary(mention)
            mentions = [m for m in mentions if span[0] <= m.start < span[1]]
        free = _FREE.search(segment)
        if free:
            # "600.000 đ/lần … (Miễn phí từ ngày … đến …)": amounts before the exemption are ordinary.
            for mention in mentions:
                if mention.start < free.start():
                    self.add_ordinary(mention)
            mentions = [m for m in mentions if m.start >= free.start()]
        laws = _LEGAL.findall(segment)
        self.temporary(segment, mentions, start, end, laws[-1] if laws else "")

    def temporary(
        self, segment: str, mentions: list[_Mention], start: dt.date | None, end: dt.date | None, basis: str
    ) -> None:
        target = self.base[-1] if self.base else None
        ordinary = target if target is not None and not target.temporary else None
        pct = _PERCENT.search(segment)
        explicit = [m for m in mentions if not (ordinary and m.amount == ordinary.amount)]
        if _FREE.search(segment) and not explicit and not pct:
            for item in self.base:
                self.temps.append(replace(item, kind=FEE_FREE, amount=None, fee_min=None, fee_max=None,
                                          valid_from=start, valid_to=end, basis=basis))
            return
        if pct and not explicit:
            if ordinary is None or ordinary.amount is None:
                self.flags.append("fee_percent_without_base")
                return
            share = int(pct.group("pct"))
            share = 100 - share if pct.group("kind").lower() == "giảm" else share
            self.temps.append(replace(ordinary, amount=round(ordinary.amount * share / 100), valid_from=start,
                                      valid_to=end, basis=basis))
            return
        if not mentions:
            self.flags.append("fee_period_without_amount")
            return
        for mention in mentions:
            cell = self.cell
            if cell is not None and not self.cell_claimed and mention.amount == cell.amount:
                # The cell's own amount restated with an end date: the cell rate is the temporary one.
                self._claims_cell(mention)
                cell.valid_from, cell.valid_to, cell.basis = start, end, basis
                continue
            if ordinary is not None and ordinary.amount and mention.amount > ordinary.amount * SUSPICIOUS_FACTOR:
                self.flags.append("fee_rule_suspicious")
                continue
            inherit = ordinary is not None and not mention.label
            self.temps.append(FeeItem(
                FEE_FREE if mention.amount == 0 else FEE_AMOUNT,
                mention.amount or None,
                mention.label or (ordinary.label if ordinary else ""),
                ordinary.case if inherit and ordinary else self.case,
                (ordinary.unit if inherit and ordinary and ordinary.unit else "") or mention.unit,
                valid_from=start, valid_to=end, basis=basis,
            ))


def read_fee_note(
    note: str,
    *,
    online: bool,
    cell: FeeItem | None = None,
    flags: list[str] | None = None,
) -> list[FeeItem]:
    """Fee items of one channel: the cell's amount (if any) and everything the note states.

    ``online`` tells whether the row is the online channel, so rules the note limits to online
    submission ("theo hình thức trực tuyến") are applied only there.
    """
    reader = _NoteReader(cell, online, flags if flags is not None else [])
    for new_topic, segment in _segments(note):
        reader.segment(new_topic, segment)
    return _ordered(reader.base, reader.temps)


def _ordered(base: list[FeeItem], temps: list[FeeItem]) -> list[FeeItem]:
    """Ordinary items in note order, each followed by the temporary rates that replace it."""
    out: list[FeeItem] = []
    used: set[int] = set()
    for item in base:
        out.append(item)
        for i, t in enumerate(temps):
            if i not in used and t.key() == item.key():
                out.append(t)
                used.add(i)
    out.extend(t for i, t in enumerate(temps) if i not in used)
    seen: set[tuple] = set()
    unique = []
    for item in out:
        sig = (item.kind, item.amount, item.key(), item.valid_from, item.valid_to)
        if sig not in seen:
            seen.add(sig)
            unique.append(item)
    return unique


# --- time labels ---------------------------------------------------------------------------------

_TIME_UNIT_WORDS = r"(?:ngày\s+làm\s+việc|ngày|giờ(?:\s+làm\s+việc)?|tháng)"
_LABEL_BEFORE = re.compile(r"(?:^|[.;\n]|\s[-+*•]\s|^[-+*•])\s*[-+*•]?\s*(?P<label>[^.;:\n]{3,140}?)\s*:\s*"
                           r"(?:trong\s+thời\s+hạn\s*|không\s+quá\s*|tối\s+đa\s*|trong\s+)*$", re.IGNORECASE)
_LABEL_SAME_SENTENCE = re.compile(r"(?:đối\s+với\s+|với\s+)?(?:các\s+)?trường\s+hợp\s+(?P<label>[^.;:\n]{3,140}?)"
                                  r"(?:\s+thì|,)[^.;:\n]*$", re.IGNORECASE)
_LABEL_AFTER = re.compile(r"^[^.;\n]{0,200}?(?P<label>(?:đối\s+)?với\s+(?:các\s+)?trường\s+hợp\s+[^.;\n]{3,120}?"
                          r"|trường\s+hợp\s+[^.;\n]{3,120}?|(?<=\()đối\s+với\s+[^.;)\n]{3,120}?)(?=[.;,)\n]|$)",
                          re.IGNORECASE)
# The description's own first clause ("Công an cấp tỉnh, kể từ …", "- Bộ phận một cửa: tiếp nhận …").
_FIRST_CLAUSE = re.compile(r"^\W*(?P<label>[^\d\W][^.;:,\n(]{3,90}?)\s*[:,(]", re.IGNORECASE)
_NOT_A_LABEL = re.compile(r"^(?:thời\s+(?:hạn|gian)|kể\s+từ|trong\s+thời\s+hạn|không\s+quá|nộp\s+hồ\s+sơ|tối\s+đa"
                          r"|(?:trực\s+tiếp|trực\s+tuyến|(?:dịch\s+vụ\s+)?bưu\s+chính)\s*$)",
                          re.IGNORECASE)


def time_label(description: str, value: float | None) -> str:
    """The situation a processing time applies to, read around that number in the row's description."""
    if value is None or not description:
        return ""
    number = str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")
    pattern = re.compile(rf"(?<![\d/]){'0*' + re.escape(number)}(?:\s*\([^)]{{0,30}}\))?\s*{_TIME_UNIT_WORDS}",
                         re.IGNORECASE)
    for m in pattern.finditer(description):
        before = _LABEL_BEFORE.search(description[max(0, m.start() - 160) : m.start()])
        if before:
            label = _clean_label(before.group("label"))
            if label and not re.match(r"(thời\s+hạn|thời\s+gian)(\s+giải\s+quyết)?$", label, re.I):
                return label
        after = _LABEL_AFTER.match(description[m.end() : m.end() + 220])
        if after:
            return _clean_label(after.group("label"))
        same = _LABEL_SAME_SENTENCE.search(description[max(0, m.start() - 220) : m.start()])
        if same:
            return _clean_label("Trường hợp " + same.group("label"))
    first = _FIRST_CLAUSE.match(description)
    if first and not _NOT_A_LABEL.match(first.group("label").strip()):
        return _clean_label(first.group("label"))
    case = _CASE_CLAUSE.search(re.split(r"(?<=[^\d])[.;:]\s|\n", description, maxsplit=1)[0])
    return _clean_label("Trường hợp " + case.group("label")) if case else _step_after_time(description, pattern)


# "(1) Trường hợp tổ chức, cá nhân đề nghị gia hạn giấy phép … nhóm II": the whole case, commas included.
_CASE_CLAUSE = re.compile(r"(?:(?:đối\s+)?với\s+)?(?:các\s+)?trường\s+hợp\s+(?P<label>[^.;:\n]{3,150})", re.IGNORECASE)


def _step_after_time(description: str, time: re.Pattern[str]) -> str:
    """What the time is for, after it in its sentence: "… 01 ngày làm việc kể từ … đối với các phương tiện thương
    mại", or the next clause ("… 02 ngày làm việc kể từ khi nhận đơn, Công an cấp huyện gửi văn bản …")."""
    m = time.search(description)
    rest = description[m.end() :] if m else ""
    target = re.match(r"[^.;\n]*?\b(?P<label>đối\s+với\s+[^.;:\n]{3,120})", rest, re.IGNORECASE)
    after = target or re.match(r"[^.;\n]*?,\s*(?P<label>[^.;\n]{3,160})", rest)
    return _clean_label(after.group("label")) if after else ""


_CASE_PHRASE = re.compile(r"(?:(?:đối\s+)?với\s+)?(?:các\s+)?trường\s+hợp\s+(?P<label>[^.;\n]{3,120}?)(?=[.;,\n]|$)",
                          re.IGNORECASE)


def case_phrase(text: str) -> str:
    """The first "(đối với) trường hợp …" phrase of a text's first sentence, as a label."""
    first = re.split(r"(?<=[^\d])[.;]\s|\n", text, maxsplit=1)[0]
    m = _CASE_PHRASE.search(first)
    return _clean_label("Trường hợp " + m.group("label")) if m else ""


_LEGAL_KINDS = (("TTLT", "Thông tư liên tịch"), ("TT", "Thông tư"), ("NĐ", "Nghị định"), ("NQ", "Nghị quyết"),
                ("QĐ", "Quyết định"), ("QH", "Luật"))


def legal_name(number: str) -> str:
    """ "64/2025/TT-BTC" -> "Thông tư 64/2025/TT-BTC" (the kind read from the number's suffix)."""
    suffix = number.split("/")[-1]
    for key, label in _LEGAL_KINDS:
        if suffix.startswith(key):
            return f"{label} {number}"
    return number
