"""Validated changes to the knowledge base, each with an audit row. Shared by the web admin and the CLI."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from bot.knowledge.models import (
    CHANNELS,
    FEE_AMOUNT,
    FEE_FREE,
    FEE_TEXT,
    FEE_UNSPECIFIED,
    LOADED_BY_STAFF,
    Alias,
    ChannelOption,
    Document,
    FaqEntry,
    LegalBasis,
    Procedure,
    Step,
)
from bot.text.normalize import fold, normalize

FEE_KINDS = (FEE_AMOUNT, FEE_FREE, FEE_UNSPECIFIED, FEE_TEXT)
FEE_KIND_LABELS = {
    FEE_AMOUNT: "Số tiền (đồng)",
    FEE_FREE: "Miễn phí",
    FEE_UNSPECIFIED: "Chưa quy định / không có thông tin",
    FEE_TEXT: "Mô tả bằng lời",
}
PROCEDURE_TEXT_FIELDS = (
    "name",
    "levels",
    "field",
    "agency",
    "competent_agency",
    "submit_address",
    "applicants",
    "result",
    "conditions",
    "online_level",
    "decision_no",
    "source_url",
)
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")


class EditError(ValueError):
    """A Vietnamese message explaining why the submitted values were refused."""


def _text(form: Mapping[str, Any], key: str, default: str = "") -> str:
    value = form.get(key, default)
    return normalize(str(value)) if value is not None else ""


def parse_amount(raw: str) -> int | None:
    """'20.000', '20,000 đồng', '20000' -> 20000; '' -> None. Refuses anything else."""
    raw = (raw or "").strip().lower().replace("đồng", "").replace("vnđ", "").replace("vnd", "").strip()
    if not raw:
        return None
    digits = re.sub(r"[.,\s]", "", raw)
    if not digits.isdigit():
        raise EditError("Số tiền phải là số (ví dụ 20000 hoặc 20.000).")
    return int(digits)


def parse_time_value(raw: str) -> float | None:
    raw = (raw or "").strip().replace(",", ".")
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError as exc:
        raise EditError("Thời gian giải quyết phải là số (ví dụ 8 hoặc 0.5).") from exc
    if value < 0:
        raise EditError("Thời gian giải quyết không được âm.")
    return value


def parse_date(raw: str) -> dt.date | None:
    """'2026-12-31' or '31/12/2026' -> a date; '' -> None. Refuses anything else."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        if "/" in raw:
            d, m, y = (int(x) for x in raw.split("/"))
            return dt.date(y, m, d)
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise EditError("Ngày phải có dạng 31/12/2026 hoặc 2026-12-31.") from exc


def search_procedures(*, session: Session, query: str = "", limit: int = 50) -> list[Procedure]:
    """Procedures whose code, name or an alias contains the query, ignoring case and diacritics.

    Names are folded in Python: SQLite's lower() does not know Vietnamese letters, and a few thousand
    names are cheap to scan.
    """
    q = normalize(query)
    if not q:
        return list(session.execute(select(Procedure).order_by(Procedure.code).limit(limit)).scalars())
    folded = fold(q)
    alias_ids = set(session.execute(select(Alias.procedure_id).where(Alias.folded.contains(folded))).scalars())
    rows = session.execute(select(Procedure.id, Procedure.code, Procedure.name).order_by(Procedure.code)).all()
    ids = [
        r.id for r in rows
        if q in r.code or (folded and folded in fold(r.name)) or r.id in alias_ids
    ][:limit]
    if not ids:
        return []
    found = {p.id: p for p in session.execute(select(Procedure).where(Procedure.id.in_(ids))).scalars()}
    return [found[i] for i in ids if i in found]


def update_procedure(*, session: Session, procedure: Procedure, form: Mapping[str, Any], username: str) -> None:
    before = audit.snapshot(procedure)
    for key in PROCEDURE_TEXT_FIELDS:
        if key in form:
            setattr(procedure, key, _text(form, key))
    if not procedure.name:
        raise EditError("Tên thủ tục không được để trống.")
    procedure.active = str(form.get("active", "")).lower() in {"1", "on", "true", "yes"}
    session.flush()
    audit.record(
        session=session, username=username, action="update", entity="procedure", entity_id=procedure.code,
        summary=f"Sửa thủ tục {procedure.code}", before=before, after=audit.snapshot(procedure),
    )


def _apply_channel_form(option: ChannelOption, form: Mapping[str, Any]) -> None:
    channel = _text(form, "channel", option.channel or "")
    if channel not in CHANNELS:
        raise EditError("Kênh nộp không hợp lệ.")
    fee_kind = _text(form, "fee_kind", option.fee_kind or FEE_UNSPECIFIED)
    if fee_kind not in FEE_KINDS:
        raise EditError("Loại phí không hợp lệ.")
    amount = parse_amount(str(form.get("fee_amount", "") or ""))
    fee_text = _text(form, "fee_text", option.fee_text or "")
    if fee_kind == FEE_AMOUNT and amount is None:
        raise EditError("Hãy nhập số tiền khi chọn loại phí 'Số tiền'.")
    if fee_kind == FEE_TEXT and not fee_text:
        raise EditError("Hãy nhập mô tả phí khi chọn 'Mô tả bằng lời'.")
    old_fee = (option.fee_kind, option.fee_amount)
    old_time = (option.time_value, option.time_unit)
    option.channel = channel
    option.fee_kind = fee_kind
    option.fee_amount = amount if fee_kind == FEE_AMOUNT else None
    # A published fee text that no longer matches an edited amount would contradict it: drop it
    # unless the editor also changed it.
    if fee_kind != FEE_TEXT and (fee_kind, option.fee_amount) != old_fee and fee_text == (option.fee_text or ""):
        fee_text = ""
    option.fee_text = fee_text
    option.time_value = parse_time_value(str(form.get("time_value", "") or ""))
    option.time_unit = _text(form, "time_unit", option.time_unit or "")
    time_text = _text(form, "time_text", option.time_text or "")
    if (option.time_value, option.time_unit) != old_time and time_text == (option.time_text or ""):
        time_text = ""
    option.time_text = time_text
    option.note = _text(form, "note", option.note or "")
    option.position = _position(form, option.position)
    _apply_rule_fields(option, form)


def _apply_rule_fields(option: ChannelOption, form: Mapping[str, Any]) -> None:
    """Labels, unit, limits and validity period of a fee/time rule (all optional)."""
    option.time_label = _text(form, "time_label", option.time_label or "")
    option.case_name = _text(form, "case_name", option.case_name or "")
    option.fee_unit = _text(form, "fee_unit", option.fee_unit or "")[:40]
    option.fee_limit_unit = _text(form, "fee_limit_unit", option.fee_limit_unit or "")[:40]
    option.fee_basis = _text(form, "fee_basis", option.fee_basis or "")[:100]
    for key in ("fee_min", "fee_max"):
        if key in form:
            setattr(option, key, parse_amount(str(form.get(key) or "")))
    for key in ("valid_from", "valid_to"):
        if key in form:
            setattr(option, key, parse_date(str(form.get(key) or "")))
    if option.valid_from and option.valid_to and option.valid_from > option.valid_to:
        raise EditError("Ngày bắt đầu áp dụng phải trước ngày hết hiệu lực.")
    if option.fee_min is not None and option.fee_max is not None and option.fee_min > option.fee_max:
        raise EditError("Mức tối thiểu không được lớn hơn mức tối đa.")


def _position(form: Mapping[str, Any], current: int) -> int:
    """The row's order from the form, or ``current`` when the field is blank or absent."""
    raw = str(form.get("position", "")).strip()
    if not raw:
        return current
    try:
        return int(raw)
    except ValueError as exc:
        raise EditError("Thứ tự phải là số nguyên.") from exc


def update_channel_option(*, session: Session, option: ChannelOption, form: Mapping[str, Any], username: str) -> None:
    before = audit.snapshot(option)
    _apply_channel_form(option, form)
    session.flush()
    code = option.procedure.code if option.procedure else ""
    audit.record(
        session=session, username=username, action="update", entity="channel_option", entity_id=option.id,
        summary=f"Sửa thời gian/phí ({option.channel}) của thủ tục {code}",
        before=before, after=audit.snapshot(option),
    )


def add_channel_option(*, session: Session, procedure: Procedure, form: Mapping[str, Any], username: str) -> ChannelOption:
    option = ChannelOption(procedure=procedure, channel=CHANNELS[0], position=len(procedure.channels))
    _apply_channel_form(option, form)
    session.add(option)
    session.flush()
    audit.record(
        session=session, username=username, action="create", entity="channel_option", entity_id=option.id,
        summary=f"Thêm kênh {option.channel} cho thủ tục {procedure.code}", after=audit.snapshot(option),
    )
    return option


def delete_row(*, session: Session, row: Any, entity: str, username: str, summary: str) -> None:
    before = audit.snapshot(row)
    session.delete(row)
    session.flush()
    audit.record(
        session=session, username=username, action="delete", entity=entity,
        entity_id=before.get("id", ""), summary=summary, before=before,
    )


def _apply_document_form(doc: Document, form: Mapping[str, Any]) -> None:
    doc.name = _text(form, "name", doc.name or "")
    if not doc.name:
        raise EditError("Tên giấy tờ không được để trống.")
    doc.case_name = _text(form, "case_name", doc.case_name or "")
    doc.form_code = _text(form, "form_code", doc.form_code or "")
    doc.copies = _text(form, "copies", doc.copies or "")
    doc.position = _position(form, doc.position)


def update_document(*, session: Session, doc: Document, form: Mapping[str, Any], username: str) -> None:
    before = audit.snapshot(doc)
    _apply_document_form(doc, form)
    session.flush()
    audit.record(
        session=session, username=username, action="update", entity="document", entity_id=doc.id,
        summary=f"Sửa giấy tờ của thủ tục {doc.procedure.code}", before=before, after=audit.snapshot(doc),
    )


def add_document(*, session: Session, procedure: Procedure, form: Mapping[str, Any], username: str) -> Document:
    doc = Document(procedure=procedure, name="", position=len(procedure.documents))
    _apply_document_form(doc, form)
    session.add(doc)
    session.flush()
    audit.record(
        session=session, username=username, action="create", entity="document", entity_id=doc.id,
        summary=f"Thêm giấy tờ cho thủ tục {procedure.code}", after=audit.snapshot(doc),
    )
    return doc


def replace_steps(*, session: Session, procedure: Procedure, text: str, username: str) -> None:
    """Steps edited as one textarea, one step per paragraph (blank line between steps)."""
    before = [s.text for s in procedure.steps]
    parts = [normalize(p) for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n"))]
    parts = [p for p in parts if p]
    if parts == before:
        return
    procedure.steps.clear()
    session.flush()
    for i, part in enumerate(parts):
        procedure.steps.append(Step(position=i, text=part))
    session.flush()
    audit.record(
        session=session, username=username, action="update", entity="steps", entity_id=procedure.code,
        summary=f"Sửa trình tự thực hiện của thủ tục {procedure.code}",
        before={"steps": before}, after={"steps": parts},
    )


def replace_legal_bases(*, session: Session, procedure: Procedure, text: str, username: str) -> None:
    """Legal bases edited as lines ``số hiệu | trích yếu``."""
    before = [[lb.number, lb.title] for lb in procedure.legal_bases]
    rows = []
    for line in text.replace("\r\n", "\n").split("\n"):
        line = normalize(line)
        if not line:
            continue
        number, _, title = line.partition("|")
        rows.append([number.strip(), title.strip()])
    if rows == before:
        return
    procedure.legal_bases.clear()
    session.flush()
    for i, (number, title) in enumerate(rows):
        procedure.legal_bases.append(LegalBasis(position=i, number=number, title=title))
    session.flush()
    audit.record(
        session=session, username=username, action="update", entity="legal_bases", entity_id=procedure.code,
        summary=f"Sửa căn cứ pháp lý của thủ tục {procedure.code}",
        before={"legal_bases": before}, after={"legal_bases": rows},
    )


def add_alias(*, session: Session, procedure: Procedure, text: str, username: str) -> Alias:
    """A new name citizens use for the procedure; duplicates (after folding) are refused."""
    text = normalize(text)
    folded = fold(text)
    if not folded:
        raise EditError("Tên gọi khác không được để trống.")
    if len(text) > 300:
        raise EditError("Tên gọi khác quá dài (tối đa 300 ký tự).")
    exists = session.execute(
        select(Alias.id).where(Alias.procedure_id == procedure.id, Alias.folded == folded)
    ).first()
    if exists:
        raise EditError("Thủ tục này đã có tên gọi khác này.")
    alias = Alias(procedure=procedure, text=text, folded=folded, source=LOADED_BY_STAFF)
    session.add(alias)
    session.flush()
    audit.record(
        session=session, username=username, action="create", entity="alias", entity_id=alias.id,
        summary=f"Thêm tên gọi khác '{text}' cho thủ tục {procedure.code}", after=audit.snapshot(alias),
    )
    return alias


def _apply_faq_form(entry: FaqEntry, form: Mapping[str, Any]) -> None:
    slug = _text(form, "slug", entry.slug or "").lower()
    if not _SLUG.match(slug):
        raise EditError("Mã câu hỏi chỉ gồm chữ thường không dấu, số, '-' và '_'.")
    entry.slug = slug
    entry.topic = _text(form, "topic", entry.topic or "")
    entry.question = _text(form, "question", entry.question or "")
    entry.answer = normalize(str(form.get("answer", entry.answer or "")))
    entry.keywords = "\n".join(
        k for k in (normalize(x) for x in str(form.get("keywords", entry.keywords or "")).splitlines()) if k
    )
    entry.source_url = _text(form, "source_url", entry.source_url or "")
    entry.active = str(form.get("active", "")).lower() in {"1", "on", "true", "yes"}
    if not entry.question or not entry.answer:
        raise EditError("Câu hỏi và câu trả lời không được để trống.")


def slug_from(text: str) -> str:
    """A FAQ slug from a question: folded words joined by '-', at most 60 characters."""
    return "-".join(fold(text).split())[:60].strip("-") or "cau-hoi"


def unique_slug(*, session: Session, base: str) -> str:
    slug, n = base, 2
    while session.execute(select(FaqEntry.id).where(FaqEntry.slug == slug)).first():
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_faq(*, session: Session, form: Mapping[str, Any], username: str) -> FaqEntry:
    entry = FaqEntry(slug="", question="", answer="")
    _apply_faq_form(entry, form)
    if session.execute(select(FaqEntry.id).where(FaqEntry.slug == entry.slug)).first():
        raise EditError("Mã câu hỏi đã tồn tại.")
    session.add(entry)
    session.flush()
    audit.record(
        session=session, username=username, action="create", entity="faq", entity_id=entry.slug,
        summary=f"Thêm câu hỏi thường gặp '{entry.question[:80]}'", after=audit.snapshot(entry),
    )
    return entry


def update_faq(*, session: Session, entry: FaqEntry, form: Mapping[str, Any], username: str) -> None:
    before = audit.snapshot(entry)
    old_slug = entry.slug
    _apply_faq_form(entry, form)
    if entry.slug != old_slug and session.execute(
        select(FaqEntry.id).where(FaqEntry.slug == entry.slug, FaqEntry.id != entry.id)
    ).first():
        raise EditError("Mã câu hỏi đã tồn tại.")
    session.flush()
    audit.record(
        session=session, username=username, action="update", entity="faq", entity_id=entry.slug,
        summary=f"Sửa câu hỏi thường gặp '{entry.question[:80]}'", before=before, after=audit.snapshot(entry),
    )
