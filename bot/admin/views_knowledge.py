"""Procedures (fields, per-channel times and fees, documents, steps, legal bases, aliases) and FAQ."""

from __future__ import annotations

from typing import Any, TypeVar

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.admin import editing
from bot.admin.web import current_user, redirect, render, requires
from bot.db import session_scope
from bot.knowledge.models import (
    CHANNEL_LABELS,
    CHANNELS,
    SOURCE_LABELS,
    Alias,
    ChannelOption,
    Document,
    FaqEntry,
    Procedure,
)

routes = web.RouteTableDef()


T = TypeVar("T")


def _get(session: Session, model: type[T], raw_id: str) -> T:
    try:
        obj = session.get(model, int(raw_id))
    except ValueError:
        obj = None
    if obj is None:
        raise web.HTTPNotFound(text="Không tìm thấy.")
    return obj


@routes.get("/procedures", name="procedures")
@requires()
async def procedure_list(request: web.Request) -> web.StreamResponse:
    query = request.query.get("q", "")[:200]
    with session_scope() as session:
        rows = editing.search_procedures(session=session, query=query, limit=100)
        items = [(p.id, p.code, p.name, p.levels, p.active) for p in rows]
    return render(request, "procedures.html", items=items, q=query)


@routes.get("/procedures/{pid}", name="procedure")
@requires()
async def procedure_view(request: web.Request) -> web.StreamResponse:
    with session_scope() as session:
        proc = _get(session, Procedure, request.match_info["pid"])
        steps_text = "\n\n".join(s.text for s in proc.steps)
        legal_text = "\n".join(f"{lb.number} | {lb.title}" for lb in proc.legal_bases)
        return render(
            request, "procedure.html", p=proc, steps_text=steps_text, legal_text=legal_text,
            channels=CHANNELS, channel_labels=CHANNEL_LABELS, fee_kinds=editing.FEE_KIND_LABELS,
            fields=editing.PROCEDURE_TEXT_FIELDS, source_labels=SOURCE_LABELS,
        )


async def _edit(request: web.Request, action: Any, *, pid: int, ok: str) -> web.StreamResponse:
    """Run an editing action in one transaction and go back to the procedure page with a message."""
    user = current_user(request)
    form = await request.post()
    try:
        with session_scope() as session:
            action(session, form, user.username)
    except editing.EditError as exc:
        raise redirect(request, "procedure", err=str(exc), pid=str(pid)) from exc
    raise redirect(request, "procedure", msg=ok, pid=str(pid))


@routes.post("/procedures/{pid}", name="procedure_update")
@requires()
async def procedure_update(request: web.Request) -> web.StreamResponse:
    pid = int(request.match_info["pid"]) if request.match_info["pid"].isdigit() else 0

    def act(session: Session, form, username: str) -> int:  # noqa: ANN001
        proc = _get(session, Procedure, str(pid))
        editing.update_procedure(session=session, procedure=proc, form=form, username=username)
        if "steps_text" in form:
            editing.replace_steps(session=session, procedure=proc, text=str(form["steps_text"]), username=username)
        if "legal_text" in form:
            editing.replace_legal_bases(session=session, procedure=proc, text=str(form["legal_text"]),
                                        username=username)
        return pid

    return await _edit(request, act, pid=pid, ok="Đã lưu thông tin thủ tục.")


@routes.post("/channels/{cid}", name="channel_update")
@requires()
async def channel_update(request: web.Request) -> web.StreamResponse:
    def act(session: Session, form, username: str) -> int:  # noqa: ANN001
        option = _get(session, ChannelOption, request.match_info["cid"])
        editing.update_channel_option(session=session, option=option, form=form, username=username)
        return option.procedure_id

    pid = _owner_id(ChannelOption, request.match_info["cid"])
    return await _edit(request, act, pid=pid, ok="Đã lưu thời gian và phí.")


def _owner_id(model: Any, raw_id: str) -> int:
    with session_scope() as session:
        row = _get(session, model, raw_id)
        return int(row.procedure_id)  # type: ignore[attr-defined]


@routes.post("/procedures/{pid}/channels", name="channel_add")
@requires()
async def channel_add(request: web.Request) -> web.StreamResponse:
    pid = int(request.match_info["pid"]) if request.match_info["pid"].isdigit() else 0

    def act(session: Session, form, username: str) -> int:  # noqa: ANN001
        proc = _get(session, Procedure, str(pid))
        editing.add_channel_option(session=session, procedure=proc, form=form, username=username)
        return pid

    return await _edit(request, act, pid=pid, ok="Đã thêm kênh nộp.")


@routes.post("/channels/{cid}/delete", name="channel_delete")
@requires()
async def channel_delete(request: web.Request) -> web.StreamResponse:
    pid = _owner_id(ChannelOption, request.match_info["cid"])

    def act(session: Session, form, username: str) -> int:  # noqa: ANN001
        row = _get(session, ChannelOption, request.match_info["cid"])
        editing.delete_row(session=session, row=row, entity="channel_option", username=username,
                           summary=f"Xóa kênh nộp của thủ tục #{pid}")
        return pid

    return await _edit(request, act, pid=pid, ok="Đã xóa kênh nộp.")


@routes.post("/documents/{did}", name="document_update")
@requires()
async def document_update(request: web.Request) -> web.StreamResponse:
    pid = _owner_id(Document, request.match_info["did"])

    def act(session: Session, form, username: str) -> int:  # noqa: ANN001
        doc = _get(session, Document, request.match_info["did"])
        editing.update_document(session=session, doc=doc, form=form, username=username)
        return pid

    return await _edit(request, act, pid=pid, ok="Đã lưu giấy tờ.")


@routes.post("/procedures/{pid}/documents", name="document_add")
@requires()
async def document_add(request: web.Request) -> web.StreamResponse:
    pid = int(request.match_info["pid"]) if request.match_info["pid"].isdigit() else 0

    def act(session: Session, form, username: str) -> int:  # noqa: ANN001
        proc = _get(session, Procedure, str(pid))
        editing.add_document(session=session, procedure=proc, form=form, username=username)
        return pid

    return await _edit(request, act, pid=pid, ok="Đã thêm giấy tờ.")


@routes.post("/documents/{did}/delete", name="document_delete")
@requires()
async def document_delete(request: web.Request) -> web.StreamResponse:
    pid = _owner_id(Document, request.match_info["did"])

    def act(session: Session, form, username: str) -> int:  # noqa: ANN001
        row = _get(session, Document, request.match_info["did"])
        editing.delete_row(session=session, row=row, entity="document", username=username,
                           summary=f"Xóa giấy tờ của thủ tục #{pid}")
        return pid

    return await _edit(request, act, pid=pid, ok="Đã xóa giấy tờ.")


@routes.post("/procedures/{pid}/aliases", name="alias_add")
@requires()
async def alias_add(request: web.Request) -> web.StreamResponse:
    pid = int(request.match_info["pid"]) if request.match_info["pid"].isdigit() else 0

    def act(session: Session, form, username: str) -> int:  # noqa: ANN001
        proc = _get(session, Procedure, str(pid))
        editing.add_alias(session=session, procedure=proc, text=str(form.get("text", "")), username=username)
        return pid

    return await _edit(request, act, pid=pid, ok="Đã thêm tên gọi khác.")


@routes.post("/aliases/{aid}/delete", name="alias_delete")
@requires()
async def alias_delete(request: web.Request) -> web.StreamResponse:
    pid = _owner_id(Alias, request.match_info["aid"])

    def act(session: Session, form, username: str) -> int:  # noqa: ANN001
        row = _get(session, Alias, request.match_info["aid"])
        editing.delete_row(session=session, row=row, entity="alias", username=username,
                           summary=f"Xóa tên gọi khác của thủ tục #{pid}")
        return pid

    return await _edit(request, act, pid=pid, ok="Đã xóa tên gọi khác.")


# ---- FAQ ----

@routes.get("/faq", name="faq_list")
@requires()
async def faq_list(request: web.Request) -> web.StreamResponse:
    query = request.query.get("q", "")[:200]
    with session_scope() as session:
        stmt = select(FaqEntry).order_by(FaqEntry.topic, FaqEntry.slug)
        if query:
            stmt = stmt.where(FaqEntry.question.contains(query) | FaqEntry.slug.contains(query))
        items = list(session.execute(stmt).scalars())
        return render(request, "faq_list.html", items=items, q=query)


@routes.get("/faq/new", name="faq_new")
@requires()
async def faq_new(request: web.Request) -> web.StreamResponse:
    blank = FaqEntry(slug="", topic="", question="", keywords="", answer="", source_url="", active=True)
    return render(request, "faq_edit.html", entry=blank, is_new=True)


@routes.post("/faq/new", name="faq_create")
@requires()
async def faq_create(request: web.Request) -> web.StreamResponse:
    user = current_user(request)
    form = await request.post()
    try:
        with session_scope() as session:
            entry = editing.create_faq(session=session, form=form, username=user.username)
            fid = entry.id
    except editing.EditError as exc:
        raise redirect(request, "faq_new", err=str(exc)) from exc
    raise redirect(request, "faq_edit", fid=fid, msg="Đã thêm câu hỏi.")


@routes.get("/faq/{fid}", name="faq_edit")
@requires()
async def faq_edit(request: web.Request) -> web.StreamResponse:
    with session_scope() as session:
        entry = _get(session, FaqEntry, request.match_info["fid"])
        return render(request, "faq_edit.html", entry=entry, is_new=False)


@routes.post("/faq/{fid}", name="faq_update")
@requires()
async def faq_update(request: web.Request) -> web.StreamResponse:
    user = current_user(request)
    form = await request.post()
    fid = request.match_info["fid"]
    try:
        with session_scope() as session:
            entry = _get(session, FaqEntry, fid)
            editing.update_faq(session=session, entry=entry, form=form, username=user.username)
    except editing.EditError as exc:
        raise redirect(request, "faq_edit", fid=fid, err=str(exc)) from exc
    raise redirect(request, "faq_edit", fid=fid, msg="Đã lưu câu hỏi.")


@routes.post("/faq/{fid}/delete", name="faq_delete")
@requires()
async def faq_delete(request: web.Request) -> web.StreamResponse:
    user = current_user(request)
    with session_scope() as session:
        entry = _get(session, FaqEntry, request.match_info["fid"])
        editing.delete_row(session=session, row=entry, entity="faq", username=user.username,
                           summary=f"Xóa câu hỏi thường gặp '{entry.slug}'")
    raise redirect(request, "faq_list", msg="Đã xóa câu hỏi.")
