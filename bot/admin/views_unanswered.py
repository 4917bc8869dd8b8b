"""Review of unanswered questions: one-step alias, training example or FAQ entry from a group."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.orm import Session

from bot.admin import editing
from bot.admin.web import current_user, redirect, render, requires
from bot.analytics.models import STATUS_DISMISSED, STATUS_RESOLVED
from bot.analytics.store import close_questions, open_groups
from bot.answers.facts import FACT_LABELS
from bot.db import session_scope
from bot.knowledge.models import Procedure
from bot.training.examples import ExampleError, add_example, known_intents
from bot.understanding.editing import VocabularyError, label_questions

routes = web.RouteTableDef()


def _ids(form) -> list[int]:  # noqa: ANN001
    return [int(x) for x in str(form.get("ids", "")).split(",") if x.strip().isdigit()][:5000]


def _procedure_by_code(session: Session, code: str) -> Procedure:
    from sqlalchemy import select

    proc = session.execute(select(Procedure).where(Procedure.code == code.strip())).scalar_one_or_none()
    if proc is None:
        raise editing.EditError(f"Không có thủ tục mã '{code.strip()}'.")
    return proc


@routes.get("/unanswered", name="unanswered")
@requires()
async def unanswered_page(request: web.Request) -> web.StreamResponse:
    with session_scope() as session:
        groups = open_groups(session=session)
    return render(request, "unanswered.html", groups=groups[:200], total=len(groups), intents=known_intents(),
                  facts=FACT_LABELS)


async def _act(request: web.Request, action, done: str) -> web.StreamResponse:  # noqa: ANN001
    user = current_user(request)
    form = await request.post()
    ids = _ids(form)
    try:
        with session_scope() as session:
            resolution = action(session, form, user.username)
            close_questions(session=session, ids=ids, status=STATUS_RESOLVED,
                            resolution=f"{user.username}: {resolution}")
    except (editing.EditError, ExampleError, VocabularyError) as exc:
        raise redirect(request, "unanswered", err=str(exc)) from exc
    raise redirect(request, "unanswered", msg=done)


@routes.post("/unanswered/alias", name="unanswered_alias")
@requires()
async def to_alias(request: web.Request) -> web.StreamResponse:
    def act(session: Session, form, username: str) -> str:  # noqa: ANN001
        proc = _procedure_by_code(session, str(form.get("code", "")))
        alias = editing.add_alias(session=session, procedure=proc, text=str(form.get("text", "")), username=username)
        return f"tên gọi khác '{alias.text}' cho {proc.code}"

    return await _act(request, act, "Đã thêm tên gọi khác cho thủ tục.")


@routes.post("/unanswered/example", name="unanswered_example")
@requires()
async def to_example(request: web.Request) -> web.StreamResponse:
    def act(session: Session, form, username: str) -> str:  # noqa: ANN001
        ex = add_example(session=session, intent=str(form.get("intent", "")), text=str(form.get("text", "")),
                         username=username)
        return f"câu ví dụ cho ý định {ex.intent}"

    return await _act(request, act, "Đã thêm câu ví dụ; nó có hiệu lực sau lần huấn luyện tới.")


@routes.post("/unanswered/label", name="unanswered_label")
@requires()
async def to_label(request: web.Request) -> web.StreamResponse:
    def act(session: Session, form, username: str) -> str:  # noqa: ANN001
        texts = [t for t in str(form.get("texts", "")).split("\n") if t.strip()]
        rows = label_questions(session=session, texts=texts, code=str(form.get("code", "")),
                               fact=str(form.get("fact", "")), username=username)
        return f"{len(rows)} câu gán cho thủ tục {rows[0].procedure_code or '(không có trong dữ liệu)'}"

    return await _act(request, act, "Đã gán thủ tục: bot tìm theo các câu này ngay, bộ xếp hạng học chúng ở lần huấn luyện tới.")


@routes.post("/unanswered/faq", name="unanswered_faq")
@requires()
async def to_faq(request: web.Request) -> web.StreamResponse:
    def act(session: Session, form, username: str) -> str:  # noqa: ANN001
        question = str(form.get("question", ""))
        data = {
            "slug": editing.unique_slug(session=session, base=editing.slug_from(question)),
            "topic": str(form.get("topic", "")),
            "question": question,
            "keywords": str(form.get("keywords", "")),
            "answer": str(form.get("answer", "")),
            "source_url": str(form.get("source_url", "")),
            "active": "1",
        }
        entry = editing.create_faq(session=session, form=data, username=username)
        return f"câu hỏi thường gặp '{entry.slug}'"

    return await _act(request, act, "Đã tạo câu hỏi thường gặp; bot dùng ngay.")


@routes.post("/unanswered/dismiss", name="unanswered_dismiss")
@requires()
async def dismiss(request: web.Request) -> web.StreamResponse:
    user = current_user(request)
    form = await request.post()
    with session_scope() as session:
        close_questions(session=session, ids=_ids(form), status=STATUS_DISMISSED, resolution=f"{user.username}: bỏ qua")
    raise redirect(request, "unanswered", msg="Đã bỏ qua nhóm câu hỏi.")
