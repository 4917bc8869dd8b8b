"""Vocabulary (Từ vựng) and labelled questions (Câu hỏi đã gán thủ tục): data that staff edit, no code."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import func, select

from bot.admin.web import current_user, redirect, render, requires
from bot.answers.facts import FACT_LABELS
from bot.db import session_scope
from bot.understanding import editing
from bot.understanding.lexicon import KIND_LABELS, KINDS, VALUE_LABELS
from bot.understanding.models import LabelledQuestion, LexiconEntry

routes = web.RouteTableDef()
PAGE = 300


@routes.get("/lexicon", name="lexicon")
@requires()
async def lexicon_page(request: web.Request) -> web.StreamResponse:
    kind = request.query.get("kind", "synonym")
    kind = kind if kind in KINDS else "synonym"
    query = request.query.get("q", "")[:100]
    with session_scope() as session:
        stmt = select(LexiconEntry).where(LexiconEntry.kind == kind).order_by(LexiconEntry.phrase)
        if query:
            stmt = stmt.where(LexiconEntry.phrase.contains(query) | LexiconEntry.value.contains(query))
        entries = list(session.execute(stmt.limit(PAGE)).scalars())
        counts = dict(session.execute(select(LexiconEntry.kind, func.count()).group_by(LexiconEntry.kind)).all())
        return render(request, "lexicon.html", entries=entries, kind=kind, kinds=KINDS, labels=KIND_LABELS,
                      value_label=VALUE_LABELS.get(kind, ""), counts=counts, q=query)


@routes.post("/lexicon/add", name="lexicon_add")
@requires()
async def lexicon_add(request: web.Request) -> web.StreamResponse:
    user, form = current_user(request), await request.post()
    kind = str(form.get("kind", ""))
    try:
        with session_scope() as session:
            editing.add_entry(session=session, kind=kind, phrase=str(form.get("phrase", "")),
                              value=str(form.get("value", "")), accents_required=bool(form.get("accents_required")),
                              username=user.username)
    except editing.VocabularyError as exc:
        raise redirect(request, "lexicon", err=str(exc)) from exc
    raise web.HTTPFound(request.app.router["lexicon"].url_for().with_query(kind=kind, msg="Đã thêm; bot dùng ngay."))


def _entry(session, eid: str) -> LexiconEntry:  # noqa: ANN001 - a SQLAlchemy session
    entry = session.get(LexiconEntry, int(eid)) if eid.isdigit() else None
    if entry is None:
        raise web.HTTPNotFound(text="Không tìm thấy.")
    return entry


@routes.post("/lexicon/{eid}", name="lexicon_update")
@requires()
async def lexicon_update(request: web.Request) -> web.StreamResponse:
    user, form = current_user(request), await request.post()
    with session_scope() as session:
        entry = _entry(session, request.match_info["eid"])
        kind = entry.kind
        try:
            if form.get("delete"):
                editing.delete_entry(session=session, entry=entry, username=user.username)
            else:
                editing.update_entry(session=session, entry=entry, phrase=str(form.get("phrase", "")),
                                     value=str(form.get("value", "")), accents_required=bool(form.get("accents_required")),
                                     active=bool(form.get("active")), username=user.username)
        except editing.VocabularyError as exc:
            raise web.HTTPFound(request.app.router["lexicon"].url_for().with_query(kind=kind, err=str(exc))) from exc
    raise web.HTTPFound(request.app.router["lexicon"].url_for().with_query(kind=kind, msg="Đã lưu; bot dùng ngay."))


@routes.get("/labelled", name="labelled")
@requires()
async def labelled_page(request: web.Request) -> web.StreamResponse:
    code = request.query.get("code", "")[:32]
    with session_scope() as session:
        stmt = select(LabelledQuestion).order_by(LabelledQuestion.id.desc())
        if code:
            stmt = stmt.where(LabelledQuestion.procedure_code == code)
        rows = list(session.execute(stmt.limit(PAGE)).scalars())
        total = session.execute(select(func.count(LabelledQuestion.id))).scalar() or 0
        return render(request, "labelled.html", rows=rows, code=code, total=total, facts=FACT_LABELS)


@routes.post("/labelled/add", name="labelled_add")
@requires()
async def labelled_add(request: web.Request) -> web.StreamResponse:
    user, form = current_user(request), await request.post()
    try:
        with session_scope() as session:
            editing.label_questions(session=session, texts=[str(form.get("text", ""))], code=str(form.get("code", "")),
                                    fact=str(form.get("fact", "")), username=user.username)
    except editing.VocabularyError as exc:
        raise redirect(request, "labelled", err=str(exc)) from exc
    raise redirect(request, "labelled", msg="Đã gán; bot dùng câu này ngay, bộ xếp hạng học nó ở lần huấn luyện tới.")


@routes.post("/labelled/{lid}/delete", name="labelled_delete")
@requires()
async def labelled_delete(request: web.Request) -> web.StreamResponse:
    user = current_user(request)
    with session_scope() as session:
        lid = request.match_info["lid"]
        row = session.get(LabelledQuestion, int(lid)) if lid.isdigit() else None
        if row is None:
            raise web.HTTPNotFound(text="Không tìm thấy.")
        editing.delete_labelled(session=session, row=row, username=user.username)
    raise redirect(request, "labelled", msg="Đã xóa.")

