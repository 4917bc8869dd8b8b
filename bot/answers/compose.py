"""Short Vietnamese answers built only from what the record says, always with the source.

Never invents: a fee, time or address the record does not give is reported as not stated, with the
link to the official page.
"""

from __future__ import annotations

from bot.answers.facts import FACT_LABELS, Fact
from bot.knowledge.models import CHANNEL_LABELS, FEE_AMOUNT, FEE_FREE, FEE_TEXT
from bot.knowledge.repository import ChannelFact, ProcedureFacts
from bot.settings import get_settings

MAX_DOCUMENTS = 10
MAX_STEPS = 8
MAX_LEGAL = 6
NOT_STATED = "hồ sơ gốc chưa ghi rõ"


def money(amount: int) -> str:
    """20000 -> '20.000 đồng' (Vietnamese thousands separator)."""
    return f"{amount:,}".replace(",", ".") + " đồng"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}".replace(".", ",")


def format_time(c: ChannelFact) -> str:
    if c.time_value is not None and c.time_unit:
        return f"{_number(c.time_value)} {c.time_unit.lower()}"
    if c.time_value is not None:
        return f"{_number(c.time_value)} (đơn vị {NOT_STATED})"
    return c.time_text.strip() or NOT_STATED


def format_fee(c: ChannelFact) -> str:
    if c.fee_kind == FEE_AMOUNT and c.fee_amount is not None:
        text = money(c.fee_amount)
    elif c.fee_kind == FEE_FREE:
        text = "không thu phí, lệ phí"
    elif c.fee_kind == FEE_TEXT and c.fee_text.strip():
        text = c.fee_text.strip()
    else:
        text = f"{NOT_STATED} mức phí, lệ phí"
    return text


def _channel_lines(p: ProcedureFacts, render) -> list[str]:  # type: ignore[no-untyped-def]
    lines = []
    for c in p.channels:
        label = CHANNEL_LABELS.get(c.channel, c.channel)
        line = f"• {label}: {render(c)}"
        if c.note and render is format_fee:
            line += f" ({c.note.strip()})"
        if line not in lines:
            lines.append(line)
    return lines


def _source(p: ProcedureFacts) -> str:
    settings = get_settings()
    url = p.source_url or settings.national_portal_url
    date = f" (cập nhật {p.updated_on:%d/%m/%Y})" if p.updated_on else ""
    return f"Nguồn: Cổng Dịch vụ công quốc gia — {url}{date}"


def _levels(p: ProcedureFacts) -> str:
    return p.levels or "chưa ghi cấp thực hiện"


def _body(p: ProcedureFacts, fact: Fact) -> list[str]:
    """The lines answering one fact for one procedure."""
    if fact is Fact.FEE:
        lines = _channel_lines(p, format_fee)
        return lines or [f"Phí, lệ phí: {NOT_STATED}."]
    if fact is Fact.TIME:
        lines = _channel_lines(p, format_time)
        return lines or [f"Thời hạn giải quyết: {NOT_STATED}."]
    if fact is Fact.DOCUMENTS:
        return _documents(p)
    if fact is Fact.PLACE:
        return _place(p)
    if fact is Fact.STEPS:
        steps = p.steps[:MAX_STEPS]
        if not steps:
            return [f"Trình tự thực hiện: {NOT_STATED}; xem chi tiết tại trang nguồn."]
        return [f"{i}. {s}" for i, s in enumerate(steps, 1)]
    if fact is Fact.CONDITIONS:
        text = p.conditions.strip()
        if not text or text.lower() in {"không", "không có", "không có thông tin"}:
            return ["Hồ sơ gốc không nêu điều kiện riêng cho thủ tục này."]
        return [text]
    if fact is Fact.ONLINE:
        return _online(p)
    if fact is Fact.LEGAL_BASIS:
        if not p.legal_bases:
            return [f"Căn cứ pháp lý: {NOT_STATED}."]
        return [f"• {num}{' — ' + title if title and title != num else ''}" for num, title in p.legal_bases[:MAX_LEGAL]]
    return _overview(p)


def _documents(p: ProcedureFacts) -> list[str]:
    if not p.documents:
        return [f"Thành phần hồ sơ: {NOT_STATED}; xem chi tiết tại trang nguồn."]
    lines: list[str] = []
    case = None
    for shown, d in enumerate(p.documents):
        if shown >= MAX_DOCUMENTS:
            lines.append(f"… và {len(p.documents) - shown} giấy tờ khác (xem trang nguồn).")
            break
        if d.case_name and d.case_name != case:
            case = d.case_name
            lines.append(f"▸ {case}:")
        form = f"mẫu {d.form_code}" if d.form_code and d.form_code.lower() not in d.name.lower() else ""
        extra = ", ".join(x for x in (form, d.copies) if x)
        lines.append(f"• {d.name}" + (f" ({extra})" if extra else ""))
    return lines


def _place(p: ProcedureFacts) -> list[str]:
    settings = get_settings()
    lines = [f"Cơ quan thực hiện: {p.agency or p.competent_agency or NOT_STATED} ({_levels(p)})."]
    if p.submit_address.strip():
        lines.append(f"Địa chỉ tiếp nhận: {p.submit_address.strip()}.")
    else:
        lines.append(
            "Hồ sơ gốc không ghi địa chỉ cụ thể: bạn nộp tại bộ phận một cửa (Trung tâm Phục vụ hành chính công) "
            "của xã/phường hoặc của tỉnh theo cấp thực hiện ở trên; từ 01/7/2025 không còn cấp huyện."
        )
    channels = sorted({CHANNEL_LABELS.get(c.channel, c.channel) for c in p.channels})
    if channels:
        lines.append("Hình thức nộp: " + ", ".join(channels) + ".")
    if any(c.channel == "truc_tuyen" for c in p.channels):
        lines.append(f"Nộp trực tuyến tại {settings.national_portal_url} hoặc ứng dụng VNeID (nếu có hỗ trợ).")
    return lines


def _online(p: ProcedureFacts) -> list[str]:
    settings = get_settings()
    online = [c for c in p.channels if c.channel == "truc_tuyen"]
    if not online:
        if p.channels:
            return ["Theo hồ sơ gốc, thủ tục này chưa có hình thức nộp trực tuyến; bạn nộp trực tiếp hoặc qua bưu chính."]
        return ["Hồ sơ gốc chưa ghi rõ hình thức nộp; xem trang nguồn hoặc hỏi bộ phận một cửa."]
    level = f" (dịch vụ công trực tuyến {p.online_level})" if p.online_level else ""
    lines = [f"Có thể nộp trực tuyến{level} tại {settings.national_portal_url} (đăng nhập bằng tài khoản VNeID)."]
    for c in online:
        lines.append(f"• Thời gian: {format_time(c)}; phí, lệ phí: {format_fee(c)}.")
    return lines


def _overview(p: ProcedureFacts) -> list[str]:
    lines = [f"Lĩnh vực: {p.field or NOT_STATED}; cấp thực hiện: {_levels(p)}."]
    if p.agency:
        lines.append(f"Cơ quan thực hiện: {p.agency}.")
    if p.applicants:
        lines.append(f"Đối tượng: {p.applicants}.")
    for c in p.channels:
        label = CHANNEL_LABELS.get(c.channel, c.channel)
        lines.append(f"• {label}: {format_time(c)}; {format_fee(c)}.")
    if p.documents:
        lines.append(f"Hồ sơ gồm {len(p.documents)} loại giấy tờ (hỏi \"cần giấy tờ gì\" để xem).")
    return lines


def _header(p: ProcedureFacts, fact: Fact) -> str:
    return f"{FACT_LABELS[fact]} — {p.name} (mã {p.code}, {_levels(p)}):"


def answer(procedures: list[ProcedureFacts], fact: Fact) -> str:
    """One reply for the asked fact over one procedure or its level variants.

    Variants whose answer is identical are merged so the citizen reads it once.
    """
    if not procedures:
        raise ValueError("answer() needs at least one procedure")
    groups: list[tuple[list[ProcedureFacts], list[str]]] = []
    for p in procedures:
        body = _body(p, fact)
        for members, existing in groups:
            if existing == body:
                members.append(p)
                break
        else:
            groups.append(([p], body))
    parts: list[str] = []
    for members, body in groups:
        head = members[0]
        if len(members) == 1:
            parts.append(_header(head, fact))
        else:
            codes = "; ".join(f"mã {m.code} — {_levels(m)}" for m in members)
            parts.append(f"{FACT_LABELS[fact]} — {head.name} ({codes}):")
        parts.extend(body)
        parts.append("")
    sources = []
    for p in procedures:
        s = _source(p)
        if s not in sources:
            sources.append(s)
    parts.extend(sources[:3])
    return "\n".join(parts).strip()
