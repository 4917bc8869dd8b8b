"""The petition inbox: list, filter, status changes, internal notes, CSV export, deletion (data retention).

Importing this module fails (and the inbox stays hidden) when bot.feedback is not installed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from aiohttp import web
from sqlalchemy import func, or_, select

from bot.admin import audit
from bot.admin.web import current_user, redirect, render, requires
from bot.feedback import storage
from bot.feedback.models import STATUS_LABELS, Petition, PetitionEvent
from bot.knowledge.db import session_scope

routes = web.RouteTableDef()
INTERNAL_PREFIX = "[nội bộ] "
_CSV_INJECTION = ("=", "+", "-", "@", "\t", "\r")


def _today() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


@routes.get("/petitions", name="petitions")
@requires()
async def petition_list(request: web.Request) -> web.StreamResponse:
    status = request.query.get("status", "")
    query = request.query.get("q", "").strip()[:200]
    with session_scope() as session:
        stmt = select(Petition).order_by(Petition.created_at.desc(), Petition.id.desc()).limit(500)
        if status in STATUS_LABELS:
            stmt = stmt.where(Petition.status == status)
        if query:
            like = f"%{query}%"
            stmt = stmt.where(or_(Petition.tracking_code.ilike(like), Petition.subject.ilike(like),
                                  Petition.content.ilike(like), Petition.full_name.ilike(like)))
        items = list(session.execute(stmt).scalars())
        counts = dict(session.execute(select(Petition.status, func.count(Petition.id)).group_by(Petition.status)).all())
        expired = session.scalar(select(func.count(Petition.id)).where(Petition.retain_until < _today()))
        return render(request, "petitions.html", items=items, selected_status=status, q=query, labels=STATUS_LABELS,
                      counts=counts, expired=expired)


def _petition(session, code: str) -> Petition:  # noqa: ANN001
    petition = session.execute(select(Petition).where(Petition.tracking_code == code)).scalar_one_or_none()
    if petition is None:
        raise web.HTTPNotFound(text="Không tìm thấy phản ánh.")
    return petition


@routes.get("/petitions/export.csv", name="petitions_export")
@requires()
async def petition_export(request: web.Request) -> web.StreamResponse:
    user = current_user(request)
    with session_scope() as session:
        rows = storage.export_rows(session=session)
        audit.record(session=session, username=user.username, action="export", entity="petition",
                     summary=f"Xuất {len(rows)} phản ánh, kiến nghị ra CSV")
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(storage.EXPORT_COLUMNS), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("'" + v if v.startswith(_CSV_INJECTION) else v) for k, v in row.items()})
    name = f"phan-anh-{_today():%Y%m%d}.csv"
    return web.Response(body=("\ufeff" + buf.getvalue()).encode("utf-8"), content_type="text/csv",
                        charset="utf-8", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@routes.get("/petitions/{code}", name="petition")
@requires()
async def petition_view(request: web.Request) -> web.StreamResponse:
    with session_scope() as session:
        petition = _petition(session, request.match_info["code"])
        return render(request, "petition.html", p=petition, labels=STATUS_LABELS, internal=INTERNAL_PREFIX)


@routes.post("/petitions/{code}/status", name="petition_status")
@requires()
async def petition_status(request: web.Request) -> web.StreamResponse:
    user = current_user(request)
    form = await request.post()
    code = request.match_info["code"]
    status = str(form.get("status", ""))
    note = str(form.get("note", "")).strip()[:4000]
    if status not in STATUS_LABELS:
        raise redirect(request, "petition", code=code, err="Trạng thái không hợp lệ.")
    with session_scope() as session:
        petition = _petition(session, code)
        before = {"status": petition.status, "status_note": petition.status_note}
        storage.set_status(session=session, tracking_code=code, status=status, note=note, actor=user.username)
        audit.record(session=session, username=user.username, action="update", entity="petition", entity_id=code,
                     summary=f"Đổi trạng thái phản ánh {code}", before=before,
                     after={"status": status, "status_note": note})
    raise redirect(request, "petition", code=code, msg="Đã cập nhật trạng thái.")


@routes.post("/petitions/{code}/note", name="petition_note")
@requires()
async def petition_note(request: web.Request) -> web.StreamResponse:
    """An internal note: kept in the history, never shown to the citizen (they see status_note only)."""
    user = current_user(request)
    form = await request.post()
    code = request.match_info["code"]
    note = str(form.get("note", "")).strip()[:4000]
    if not note:
        raise redirect(request, "petition", code=code, err="Ghi chú trống.")
    with session_scope() as session:
        petition = _petition(session, code)
        session.add(PetitionEvent(petition_id=petition.id, status=petition.status, note=INTERNAL_PREFIX + note,
                                  actor=user.username))
        audit.record(session=session, username=user.username, action="note", entity="petition", entity_id=code,
                     summary=f"Ghi chú nội bộ cho phản ánh {code}")
    raise redirect(request, "petition", code=code, msg="Đã thêm ghi chú.")


@routes.post("/petitions/{code}/delete", name="petition_delete")
@requires()
async def petition_delete(request: web.Request) -> web.StreamResponse:
    user = current_user(request)
    code = request.match_info["code"]
    with session_scope() as session:
        if not storage.delete_petition(session=session, tracking_code=code):
            raise web.HTTPNotFound(text="Không tìm thấy phản ánh.")
        # The audit row names the code only: keeping the deleted personal data here would defeat deletion.
        audit.record(session=session, username=user.username, action="delete", entity="petition", entity_id=code,
                     summary=f"Xóa phản ánh {code} và dữ liệu cá nhân kèm theo")
    raise redirect(request, "petitions", msg=f"Đã xóa phản ánh {code}.")


@routes.post("/petitions-purge", name="petitions_purge")
@requires()
async def petitions_purge(request: web.Request) -> web.StreamResponse:
    user = current_user(request)
    with session_scope() as session:
        count = storage.purge_expired(session=session, today=_today())
        audit.record(session=session, username=user.username, action="delete", entity="petition",
                     summary=f"Xóa {count} phản ánh đã hết thời hạn lưu trữ")
    raise redirect(request, "petitions", msg=f"Đã xóa {count} phản ánh hết thời hạn lưu trữ.")
