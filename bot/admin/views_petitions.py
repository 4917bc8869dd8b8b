"""The petition inbox: list, filter, status changes, internal notes, CSV export, deletion (data retention).

Importing this module fails (and the inbox stays hidden) when bot.feedback is not installed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from aiohttp import web
from sqlalchemy import func, or_, select

from bot import audit
from bot.admin.models import User
from bot.admin.web import current_user, redirect, render, requires
from bot.db import session_scope
from bot.feedback import handling, storage
from bot.feedback.delivery import push_pending
from bot.feedback.models import CLOSED_STATUSES, STATUS_LABELS, STATUS_STAFF_LABELS, Petition, PetitionEvent

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
    overdue_only = request.query.get("overdue") == "1"
    today = _today()
    with session_scope() as session:
        stmt = select(Petition).order_by(Petition.created_at.desc(), Petition.id.desc()).limit(500)
        if status in STATUS_LABELS:
            stmt = stmt.where(Petition.status == status)
        if query:
            like = f"%{query}%"
            stmt = stmt.where(or_(Petition.tracking_code.ilike(like), Petition.subject.ilike(like),
                                  Petition.content.ilike(like), Petition.full_name.ilike(like)))
        items = list(session.execute(stmt).scalars())
        if overdue_only:
            items = [p for p in items if handling.is_overdue(p, today)]
        counts = dict(session.execute(select(Petition.status, func.count(Petition.id)).group_by(Petition.status)).all())
        expired = session.scalar(select(func.count(Petition.id)).where(Petition.retain_until < today))
        return render(request, "petitions.html", items=items, selected_status=status, q=query, labels=STATUS_LABELS,
                      staff_labels=STATUS_STAFF_LABELS, counts=counts, expired=expired, today=today,
                      overdue_only=overdue_only, is_overdue=handling.is_overdue)


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
        allowed = [petition.status, *sorted(handling.TRANSITIONS.get(petition.status, set()))]
        return render(request, "petition.html", p=petition, labels=STATUS_LABELS, staff_labels=STATUS_STAFF_LABELS,
                      allowed=allowed, internal=INTERNAL_PREFIX, today=_today(),
                      overdue=handling.is_overdue(petition, _today()),
                      officers=_officers(session), agencies=_agencies(session))


def _officers(session) -> list[str]:  # noqa: ANN001
    return list(session.execute(select(User.username).where(User.active.is_(True)).order_by(User.username)).scalars())


def _agencies(session) -> list[str]:  # noqa: ANN001
    """Agencies already used, so staff pick the same spelling again."""
    rows = session.execute(select(Petition.assigned_agency).where(Petition.assigned_agency != "").distinct()
                           .order_by(Petition.assigned_agency).limit(200)).scalars()
    return list(rows)


def _parse_date(value: str) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise handling.HandlingError("Ngày hạn trả lời không hợp lệ (dạng YYYY-MM-DD).") from exc


@routes.post("/petitions/{code}/status", name="petition_status")
@requires()
async def petition_status(request: web.Request) -> web.StreamResponse:
    """The handling form: status, assignment, answer, answer date; a result is pushed to the citizen at once."""
    user = current_user(request)
    form = await request.post()
    code = request.match_info["code"]
    try:
        change = handling.HandlingChange(
            status=str(form.get("status", "")),
            assigned_agency=str(form.get("assigned_agency", "")),
            assigned_officer=str(form.get("assigned_officer", "")),
            transferred_to=str(form.get("transferred_to", "")),
            answer_text=str(form.get("answer_text", "")),
            status_note=str(form.get("note", "")),
            answer_due=_parse_date(str(form.get("answer_due", ""))),
        )
        with session_scope() as session:
            petition = _petition(session, code)
            before = handling.snapshot(petition)
            changed = handling.apply_change(session=session, petition=petition, change=change, actor=user.username)
            if changed:
                audit.record(session=session, username=user.username, action="update", entity="petition",
                             entity_id=code, summary=f"Xử lý phản ánh {code}", before=before,
                             after=handling.snapshot(petition))
            closed = changed and petition.status in CLOSED_STATUSES and before["status"] != petition.status
    except handling.HandlingError as exc:
        raise redirect(request, "petition", code=code, err=str(exc)) from exc
    if not changed:
        raise redirect(request, "petition", code=code, msg="Không có thay đổi.")
    msg = "Đã cập nhật."
    if closed:
        report = await push_pending()
        if report.sent:
            msg += " Đã gửi kết quả vào cuộc trò chuyện của người dân."
        else:
            msg += " Người dân sẽ nhận kết quả ở lần nhắn tin hoặc truy cập tiếp theo (và khi tra cứu mã)."
    raise redirect(request, "petition", code=code, msg=msg)


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
