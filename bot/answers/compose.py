"""Short Vietnamese answers built only from what the record says, right on the day asked, sized for a phone.

``answer(procedures, fact, today=…, case_hint=…)`` returns the text sent now (what was asked, for the
case the question describes, at most about 700 characters, ending with the source line) and further
chunks sent on request ("xem thêm"). Never invents: a fee, time or address the record does not give is
reported as not stated; a temporary rate is stated only inside its period, with the ordinary rate and
the end date beside it; an expired rate is never given as current.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bot import clock
from bot.answers.cases import choose_case
from bot.answers.facts import FACT_LABELS, Fact
from bot.knowledge.agencies import agency_note
from bot.knowledge.catalogue import NOT_REQUIRED
from bot.knowledge.models import (
    CHANNEL_LABELS,
    CHANNEL_ONLINE,
    CHANNELS,
    FEE_AMOUNT,
    FEE_FREE,
    FEE_TEXT,
    SOURCE_LABELS,
    SOURCE_PROVINCE_LIST,
)
from bot.knowledge.repository import ChannelFact, DocumentFact, ProcedureFacts
from bot.knowledge.rules import legal_name
from bot.settings import get_settings

MAX_CHARS = 700  # what one phone screen shows comfortably (Telegram, Zalo, the widget)
MAX_NAME = 120  # official names run to 300 characters; the code identifies the procedure
MAX_STEPS = 8
MAX_LEGAL = 6
NOT_STATED = "hồ sơ gốc chưa ghi rõ"
MORE_HINT = "(Còn tiếp — chọn «Xem thêm» để xem phần còn lại.)"


@dataclass(frozen=True)
class ComposedAnswer:
    """What is sent now (``text``) and what is sent on request, one chunk per "xem thêm" (``more``)."""

    text: str
    more: list[str] = field(default_factory=list)

    def __str__(self) -> str:  # the text alone, for callers that print a reply
        return self.text


# --- small formatting helpers ---------------------------------------------------------------------


def money(amount: int) -> str:
    """20000 -> '20.000 đồng' (Vietnamese thousands separator)."""
    return f"{amount:,}".replace(",", ".") + " đồng"


def day(d: dt.date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}".replace(".", ",")


def _per(amount: int, unit: str) -> str:
    return money(amount) + (f"/{unit}" if unit else "")


def format_time(c: ChannelFact) -> str:
    if c.time_value is not None and c.time_unit:
        return f"{_number(c.time_value)} {c.time_unit.lower()}"
    if c.time_value is not None:
        return f"{_number(c.time_value)} (đơn vị {NOT_STATED})"
    return c.time_text.strip() or NOT_STATED


# --- fees on a given day ---------------------------------------------------------------------------


def _fee_key(c: ChannelFact) -> tuple[str, str, str]:
    return (c.fee_text, c.case_name, c.fee_unit)


def _limits(c: ChannelFact) -> str:
    parts = []
    if c.fee_min is not None:
        parts.append(f"tối thiểu {_per(c.fee_min, c.fee_limit_unit)}")
    if c.fee_max is not None:
        parts.append(f"tối đa {_per(c.fee_max, c.fee_limit_unit)}")
    return ", ".join(parts)


def _amount_text(c: ChannelFact) -> str:
    if c.fee_kind == FEE_AMOUNT and c.fee_amount is not None:
        return _per(c.fee_amount, c.fee_unit)
    if c.fee_kind == FEE_FREE:
        return "miễn phí" if c.temporary else "không thu phí, lệ phí"
    if c.fee_kind == FEE_TEXT and c.fee_text.strip():
        return c.fee_text.strip()
    return f"{NOT_STATED} mức phí, lệ phí"


# A "label" that only restates an amount ("20.000 đồng") is not a label.
_AMOUNT_LABEL = re.compile(r"^\s*[\d.,]+\s*(?:đồng|đ|vnđ)\b", re.IGNORECASE)


@dataclass(frozen=True)
class _FeeLine:
    case: str
    text: str
    expired: bool = False
    limits: str = ""


def _fee_group_line(rows: list[ChannelFact], today: dt.date) -> _FeeLine | None:
    """One fee (label, case, unit) as it applies on ``today``; None when the record has nothing for it."""
    current = [r for r in rows if r.applies_on(today)]
    temporary = sorted((r for r in current if r.temporary), key=lambda r: r.valid_to or dt.date.max, reverse=True)
    ordinary = next((r for r in rows if not r.temporary), None)
    head = rows[0]
    label = head.fee_text if head.fee_kind != FEE_TEXT and not _AMOUNT_LABEL.search(head.fee_text) else ""
    prefix = f"{label}: " if label else ""
    if temporary:
        rate = temporary[0]
        notes = []
        if rate.valid_to:
            notes.append(f"áp dụng đến hết {day(rate.valid_to)}")
        if rate.fee_basis:
            notes.append(f"theo {legal_name(rate.fee_basis)}")
        if ordinary is not None and ordinary.fee_amount != rate.fee_amount:
            notes.append(f"mức thông thường {_amount_text(ordinary)}")
        text = prefix + _amount_text(rate) + (f" ({'; '.join(notes)})" if notes else "")
        return _FeeLine(head.case_name, text, limits=_limits(rate))
    if ordinary is not None:
        text = prefix + _amount_text(ordinary)
        coming = sorted(((r.valid_from, i) for i, r in enumerate(rows) if r.valid_from and r.valid_from > today))
        if coming:
            start, i = coming[0]
            text += f" (từ {day(start)}: {_amount_text(rows[i])})"
        return _FeeLine(head.case_name, text, limits=_limits(ordinary))
    ended = [r.valid_to for r in rows if r.valid_to and r.valid_to < today]
    if ended:
        return _FeeLine(head.case_name, label, expired=True)
    starts = [r.valid_from for r in rows if r.valid_from]
    if starts:
        return _FeeLine(head.case_name, f"{prefix}áp dụng từ {day(min(starts))}: {_amount_text(rows[0])}")
    return None


def _fee_items(rows: Sequence[ChannelFact], today: dt.date) -> dict[tuple[str, str, str], _FeeLine]:
    groups: dict[tuple[str, str, str], list[ChannelFact]] = {}
    for r in rows:
        groups.setdefault(_fee_key(r), []).append(r)
    return {key: line for key, group in groups.items() if (line := _fee_group_line(group, today))}


def _render_fees(found: list[_FeeLine], hint: str) -> list[str]:
    """Fee lines by case (the case the question describes first, fees of no case before), limits once."""
    cases = list(dict.fromkeys(f.case for f in found))
    chosen = choose_case([c for c in cases if c], hint)
    cases.sort(key=lambda c: 0 if not c else (1 if c == chosen else 2))
    lines: list[str] = []
    for case in cases:
        items = [f for f in found if f.case == case and not f.expired]
        limits = [lim[:1].upper() + lim[1:] + "." for lim in dict.fromkeys(f.limits for f in items if f.limits)]
        if case and (len(cases) > 1 or len(items) > 1):
            lines.append(f"▸ {case}:")
            lines += [f"  – {f.text}" for f in items] + [f"  – {lim}" for lim in limits]
        elif case:
            lines += [f"{case} — {items[0].text}"] + limits
        else:
            lines += [f.text for f in items] + limits
    return lines


def _fee_lines(rows: Sequence[ChannelFact], today: dt.date, hint: str) -> list[str]:
    """Fee lines of one channel. A channel whose only rates ended is said to have no current rate in
    the record: the expired amounts are not repeated."""
    found = list(_fee_items(rows, today).values())
    if found and all(f.expired for f in found):
        ended = max(r.valid_to for r in rows if r.valid_to)
        return [f"mức thu tạm thời chỉ áp dụng đến hết {day(ended)}; {NOT_STATED} mức áp dụng hiện nay"]
    return _render_fees(found, hint)


def _fees(p: ProcedureFacts, today: dt.date, hint: str) -> list[str]:
    """Fee lines: channels with the same fees share lines, and a fee that differs by channel is said
    once with the difference ("riêng trực tuyến: …") instead of repeating every fee per channel."""
    channels = [c for c in CHANNELS if any(r.channel == c for r in p.channels)]
    per_channel = {c: _fee_items([r for r in p.channels if r.channel == c], today) for c in channels}
    keysets = {tuple(items) for items in per_channel.values()}
    same_fees = len({tuple(sorted((k, v.text) for k, v in items.items())) for items in per_channel.values()}) == 1
    if len(channels) < 2 or len(keysets) != 1 or same_fees or max(len(i) for i in per_channel.values()) < 2 or any(
        f.expired for items in per_channel.values() for f in items.values()
    ):
        return _by_channel(p, _fee_lines, today, hint)
    first = channels[0]
    merged = []
    for key, line in per_channel[first].items():
        others = [
            f"riêng {CHANNEL_LABELS[c].lower()}: {per_channel[c][key].text.split(': ', 1)[-1]}"
            for c in channels[1:] if per_channel[c][key].text != line.text
        ]
        text = line.text + (f"; {'; '.join(others)}" if others else "")
        merged.append(_FeeLine(line.case, text, limits=line.limits))
    who = ", ".join([CHANNEL_LABELS[first]] + [CHANNEL_LABELS[c].lower() for c in channels[1:]])
    lines = _render_fees(merged, hint)
    return [f"• {who}:"] + [f"  {x}" if x.startswith(("  ", "▸")) else f"  – {x}" for x in lines]


def _time_lines(rows: Sequence[ChannelFact], today: dt.date, hint: str) -> list[str]:
    """The times of one channel; several times keep their labels (the one the question names first)."""
    times: list[tuple[str, str]] = []
    for r in rows:
        item = (format_time(r), r.time_label)
        if item not in times:
            times.append(item)
    if len(times) == 1:
        return [times[0][0]]
    labels = [label for _t, label in times if label]
    chosen = choose_case(labels, hint)
    times.sort(key=lambda t: 0 if chosen and t[1] == chosen else 1)
    if not labels:
        return [" hoặc ".join(t for t, _l in times) + " (tùy trường hợp; xem trang nguồn)"]
    return [f"{t} ({label or 'các trường hợp khác'})" for t, label in times]


def _by_channel(
    p: ProcedureFacts, render: Callable[[Sequence[ChannelFact], dt.date, str], list[str]], today: dt.date, hint: str
) -> list[str]:
    """Per-channel lines; channels whose lines are identical are named together."""
    rendered: list[tuple[list[str], list[str]]] = []
    for channel in sorted({c.channel for c in p.channels}, key=lambda c: CHANNELS.index(c) if c in CHANNELS else 9):
        lines = render([c for c in p.channels if c.channel == channel], today, hint)
        label = CHANNEL_LABELS.get(channel, channel)
        for names, existing in rendered:
            if existing == lines:
                names.append(label)
                break
        else:
            rendered.append(([label], lines))
    out = []
    for names, lines in rendered:
        who = ", ".join(names[:1] + [n.lower() for n in names[1:]])
        if len(lines) == 1:
            out.append(f"• {who}: {lines[0]}")
        else:
            out.append(f"• {who}:")
            out += [f"  {line}" if line.startswith(("  ", "▸")) else f"  – {line}" for line in lines]
    return out


# --- the other facts -------------------------------------------------------------------------------


def _document_line(d: DocumentFact) -> str:
    if d.copies == NOT_REQUIRED:
        return f"• Không phải nộp: {d.name}"
    form = f"mẫu {d.form_code}" if d.form_code and d.form_code.lower() not in d.name.lower() else ""
    extra = ", ".join(x for x in (form, d.copies) if x)
    return f"• {d.name}" + (f" ({extra})" if extra else "")


def _documents(p: ProcedureFacts, hint: str) -> tuple[list[str], list[list[str]]]:
    """Lines for the chosen case first; each other case as a chunk of its own for "xem thêm"."""
    if not p.documents:
        return [f"Thành phần hồ sơ: {NOT_STATED}; xem chi tiết tại trang nguồn."], []
    cases: dict[str, list[DocumentFact]] = {}
    for d in p.documents:
        cases.setdefault(d.case_name, []).append(d)
    names = [c for c in cases if c]
    chosen = choose_case(names, hint) if names else ""
    order = sorted(cases, key=lambda c: 0 if not c else (1 if c == chosen else 2))
    blocks = []
    for case in order:
        lines = [f"▸ {case}:"] if case else []
        # The form to fill in first (a document with a form code), then the rest in the record's order.
        docs = sorted(cases[case], key=lambda d: 0 if d.form_code and d.copies != NOT_REQUIRED else 1)
        lines += [_document_line(d) for d in docs]
        blocks.append(lines)
    first = blocks[0] if names and len(order) > 1 and not order[0] else []
    if first:  # documents common to every case, then the chosen case
        return first + blocks[1], blocks[2:]
    return blocks[0], blocks[1:]


def _place(p: ProcedureFacts) -> list[str]:
    settings = get_settings()
    agency = p.agency or p.competent_agency
    lines = [f"Cơ quan thực hiện: {agency or NOT_STATED} ({_levels(p)})."]
    note = agency_note(agency, p.levels)
    if note:
        lines.append(note)
    if p.submit_address.strip():
        lines.append(f"Địa chỉ tiếp nhận: {p.submit_address.strip()}.")
    else:
        lines.append(
            "Hồ sơ gốc không ghi địa chỉ cụ thể: bạn nộp tại bộ phận một cửa (Trung tâm Phục vụ hành chính công) "
            "của xã/phường hoặc của tỉnh theo cấp thực hiện ở trên"
            + ("." if note else "; từ 01/7/2025 không còn cấp huyện.")
        )
    channels = [CHANNEL_LABELS.get(c, c) for c in CHANNELS if any(x.channel == c for x in p.channels)]
    if channels:
        lines.append("Hình thức nộp: " + ", ".join(channels) + ".")
    if any(c.channel == CHANNEL_ONLINE for c in p.channels):
        lines.append(f"Nộp trực tuyến tại {settings.national_portal_url} hoặc ứng dụng VNeID (nếu có hỗ trợ).")
    return lines


def _online(p: ProcedureFacts, today: dt.date) -> list[str]:
    settings = get_settings()
    online = [c for c in p.channels if c.channel == CHANNEL_ONLINE]
    if not online:
        if p.channels:
            return ["Theo hồ sơ gốc, thủ tục này chưa có hình thức nộp trực tuyến; bạn nộp trực tiếp hoặc qua bưu chính."]
        return ["Hồ sơ gốc chưa ghi rõ hình thức nộp; xem trang nguồn hoặc hỏi bộ phận một cửa."]
    level = f" (dịch vụ công trực tuyến {p.online_level})" if p.online_level else ""
    lines = [f"Có thể nộp trực tuyến{level} tại {settings.national_portal_url} (đăng nhập bằng tài khoản VNeID)."]
    times = _time_lines(online, today, "")
    fees = _fee_lines(online, today, "")
    lines.append(f"• Thời gian: {'; '.join(times)}.")
    lines.append(f"• Phí, lệ phí: {'; '.join(fees) if fees else NOT_STATED}.")
    return lines


def _overview(p: ProcedureFacts, today: dt.date, hint: str) -> list[str]:
    lines = [f"Lĩnh vực: {p.field or NOT_STATED}; cấp thực hiện: {_levels(p)}."]
    if p.agency:
        lines.append(f"Cơ quan thực hiện: {p.agency}.")
        note = agency_note(p.agency, p.levels)
        if note:
            lines.append(note)
    lines.append("Thời gian giải quyết:")
    lines += _by_channel(p, _time_lines, today, hint) or [f"• {NOT_STATED}"]
    lines.append("Phí, lệ phí:")
    lines += _fees(p, today, hint) or [f"• {NOT_STATED}"]
    if p.documents:
        lines.append(f"Hồ sơ gồm {len(p.documents)} loại giấy tờ (hỏi \"cần giấy tờ gì\" để xem).")
    return lines


def _levels(p: ProcedureFacts) -> str:
    return p.levels or "chưa ghi cấp thực hiện"


def _body(p: ProcedureFacts, fact: Fact, today: dt.date, hint: str) -> tuple[list[str], list[list[str]]]:
    """The lines answering one fact for one procedure, and further blocks for "xem thêm"."""
    if fact is Fact.FEE:
        return _fees(p, today, hint) or [f"Phí, lệ phí: {NOT_STATED}."], []
    if fact is Fact.TIME:
        return _by_channel(p, _time_lines, today, hint) or [f"Thời hạn giải quyết: {NOT_STATED}."], []
    if fact is Fact.DOCUMENTS:
        return _documents(p, hint)
    if fact is Fact.PLACE:
        return _place(p), []
    if fact is Fact.STEPS:
        if not p.steps:
            return [f"Trình tự thực hiện: {NOT_STATED}; xem chi tiết tại trang nguồn."], []
        return [f"{i}. {s}" for i, s in enumerate(p.steps[:MAX_STEPS], 1)], []
    if fact is Fact.CONDITIONS:
        text = p.conditions.strip()
        if not text or text.lower() in {"không", "không có", "không có thông tin"}:
            return ["Hồ sơ gốc không nêu điều kiện riêng cho thủ tục này."], []
        return [text], []
    if fact is Fact.ONLINE:
        return _online(p, today), []
    if fact is Fact.LEGAL_BASIS:
        if not p.legal_bases:
            return [f"Căn cứ pháp lý: {NOT_STATED}."], []
        lines = [f"• {num}{' — ' + title if title and title != num else ''}" for num, title in p.legal_bases]
        return lines[:MAX_LEGAL], [lines[MAX_LEGAL:]] if len(lines) > MAX_LEGAL else []
    return _overview(p, today, hint), []


# --- procedures known only by name ---------------------------------------------------------------

_NOT_IN_DATA = {
    Fact.FEE: "phí, lệ phí",
    Fact.TIME: "thời gian giải quyết",
    Fact.DOCUMENTS: "thành phần hồ sơ",
    Fact.STEPS: "trình tự thực hiện",
    Fact.CONDITIONS: "điều kiện",
    Fact.LEGAL_BASIS: "căn cứ pháp lý",
}


def _name_only(p: ProcedureFacts, fact: Fact) -> list[str]:
    """What we know of a procedure listed for Quảng Trị without a detail record — and what we do not."""
    asked = _NOT_IN_DATA.get(fact)
    if asked:
        first = f"Dữ liệu của chúng tôi chưa có {asked} của thủ tục này (không tự suy đoán)."
    else:
        first = ("Dữ liệu của chúng tôi chỉ có tên, cấp thực hiện và cơ quan ban hành của thủ tục này; "
                 "chưa có thời gian giải quyết, phí, lệ phí và giấy tờ cần nộp.")
    who = "; ".join(x for x in (
        f"cơ quan ban hành: {p.issuing_body}" if p.issuing_body else "",
        f"lĩnh vực: {p.field}" if p.field else "",
    ) if x)
    lines = [first, f"Cấp thực hiện: {_levels(p)}" + (f"; {who}." if who else ".")]
    if p.related_codes:
        codes = ", ".join(f"mã {c}" for c in p.related_codes)
        lines.append(f"Dữ liệu có thủ tục cùng tên với đủ thông tin: {codes}.")
    if fact in (Fact.ONLINE, Fact.OVERVIEW, Fact.PLACE):
        lines.append("Danh mục của tỉnh chưa ghi thủ tục này có nộp trực tuyến được hay không.")
    lines.append("Xem chi tiết, nộp hồ sơ tại trang thủ tục (đường dẫn dưới đây) hoặc hỏi bộ phận một cửa "
                 "của xã/phường hay của tỉnh.")
    return lines


# --- assembling a reply ---------------------------------------------------------------------------


def _source(p: ProcedureFacts) -> str:
    url = p.source_url or get_settings().national_portal_url
    date = f" (cập nhật {day(p.updated_on)})" if p.updated_on else ""
    where = SOURCE_LABELS[SOURCE_PROVINCE_LIST] if p.source_kind == SOURCE_PROVINCE_LIST else "Cổng Dịch vụ công quốc gia"
    return f"Nguồn: {where} — {url}{date}"


def _header(members: list[ProcedureFacts], fact: Fact) -> str:
    head = members[0]
    name = _cut(head.name, MAX_NAME)
    if len(members) == 1:
        return f"{FACT_LABELS[fact]} — {name} (mã {head.code}, {_levels(head)}):"
    codes = "; ".join(f"mã {m.code} — {_levels(m)}" for m in members)
    return f"{FACT_LABELS[fact]} — {name} ({codes}):"


def _chunks(lines: list[str], limit: int) -> list[str]:
    """Lines packed into chunks of at most ``limit`` characters (a longer line is a chunk of its own)."""
    out: list[str] = []
    current: list[str] = []
    for line in lines:
        if current and len("\n".join(current + [line])) > limit:
            out.append("\n".join(current))
            current = []
        current.append(line)
    if current:
        out.append("\n".join(current))
    return out


def answer(
    procedures: list[ProcedureFacts], fact: Fact, *, today: dt.date | None = None, case_hint: str = ""
) -> ComposedAnswer:
    """One reply for the asked fact over one procedure or its level variants, as on ``today``.

    ``case_hint`` is the citizen's question: the case (documents, fees, times) whose name overlaps it
    most comes first. Variants whose answer is identical are merged so the citizen reads it once.
    The text keeps "mã <code>" and ends with the source line and the record's date.
    """
    if not procedures:
        raise ValueError("answer() needs at least one procedure")
    today = today or clock.today()
    groups: list[tuple[list[ProcedureFacts], list[str], list[list[str]]]] = []
    for p in procedures:
        body, extra = (_name_only(p, fact), []) if not p.has_details else _body(p, fact, today, case_hint)
        for members, existing, _extra in groups:
            if existing == body:
                members.append(p)
                break
        else:
            groups.append(([p], body, extra))
    sources: list[str] = []
    for p in procedures:
        s = _source(p)
        if s not in sources:
            sources.append(s)
    footer = sources[0]
    whole = [_header(groups[0][0], fact), *groups[0][1]]
    fits = len(groups) == 1 and not groups[0][2] and len(sources) == 1
    if fits and len("\n".join([*whole, footer])) <= MAX_CHARS:
        return ComposedAnswer(text="\n".join([*whole, footer]), more=[])
    budget = MAX_CHARS - len(footer) - len(MORE_HINT) - 2
    lines: list[str] = []
    rest: list[str] = []
    for i, (members, body, extra) in enumerate(groups):
        block = [_header(members, fact), *body]
        if i > 0 and not rest and len("\n".join([*lines, *block])) <= budget:
            lines += block  # another level variant that fits on the same screen
        elif i > 0 and len("\n".join([*lines, block[0]])) <= budget:
            lines.append(block[0].rstrip(":") + " — xem thêm.")  # at least name the variant and its code
            rest += ([""] if rest else []) + block
        elif i > 0 or rest:
            rest += ([""] if rest else []) + block
        else:
            for line in block:
                if rest or (lines and len("\n".join(lines + [line])) > budget):
                    rest.append(line)
                elif len("\n".join(lines + [line])) > budget:
                    lines.append(_cut(line, budget - len("\n".join(lines)) - 1))
                    rest.append(line)
                else:
                    lines.append(line)
        for more_block in extra:
            rest += ([""] if rest else []) + more_block
    rest += [""] + sources[1:] if len(sources) > 1 else []
    head = groups[0][0][0]
    cont = f"(tiếp) {FACT_LABELS[fact]} — mã {head.code}:"
    more = [f"{cont}\n{m.strip()}" for m in _chunks(rest, MAX_CHARS - len(cont) - 1) if m.strip()]
    text = "\n".join(lines + ([MORE_HINT] if more else []) + [footer])
    return ComposedAnswer(text=text, more=more)


def _cut(line: str, limit: int) -> str:
    """A line shortened at a word boundary to fit ``limit`` characters, marked as cut."""
    if len(line) <= limit:
        return line
    head = line[: max(limit - 1, 20)]
    return head[: head.rfind(" ")].rstrip(" ,;:") + "…" if " " in head else head + "…"
