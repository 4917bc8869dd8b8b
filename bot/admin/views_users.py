"""Account management (admin role only)."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import delete, select

from bot import audit
from bot.admin.models import ROLE_ADMIN, ROLES, AdminSession, User
from bot.admin.users import UserError, create_user, set_password
from bot.admin.web import current_user, redirect, render, requires
from bot.db import session_scope

routes = web.RouteTableDef()


@routes.get("/users", name="users")
@requires(ROLE_ADMIN)
async def users_page(request: web.Request) -> web.StreamResponse:
    with session_scope() as session:
        users = list(session.execute(select(User).order_by(User.username)).scalars())
        return render(request, "users.html", users=users, roles=ROLES)


@routes.post("/users", name="user_create")
@requires(ROLE_ADMIN)
async def user_create(request: web.Request) -> web.StreamResponse:
    admin = current_user(request)
    form = await request.post()
    try:
        with session_scope() as session:
            user = create_user(session=session, username=str(form.get("username", "")),
                               password=str(form.get("password", "")), role=str(form.get("role", "")),
                               full_name=str(form.get("full_name", "")))
            audit.record(session=session, username=admin.username, action="create", entity="user",
                         entity_id=user.username, summary=f"Tạo tài khoản {user.username} ({user.role})",
                         after=audit.snapshot(user))
    except UserError as exc:
        raise redirect(request, "users", err=str(exc)) from exc
    raise redirect(request, "users", msg="Đã tạo tài khoản.")


@routes.post("/users/{uid}", name="user_update")
@requires(ROLE_ADMIN)
async def user_update(request: web.Request) -> web.StreamResponse:
    admin = current_user(request)
    form = await request.post()
    try:
        with session_scope() as session:
            user = session.get(User, int(request.match_info["uid"])) if request.match_info["uid"].isdigit() else None
            if user is None:
                raise web.HTTPNotFound(text="Không tìm thấy.")
            before = audit.snapshot(user)
            role = str(form.get("role", user.role))
            if role not in ROLES:
                raise UserError("Vai trò không hợp lệ.")
            if user.id == admin.id and (role != ROLE_ADMIN or "active" not in form):
                raise UserError("Không thể tự hạ quyền hoặc khóa tài khoản của chính mình.")
            user.role = role
            user.active = "active" in form
            if not user.active:
                session.execute(delete(AdminSession).where(AdminSession.user_id == user.id))
            if str(form.get("password", "")):
                set_password(session=session, user=user, password=str(form["password"]))
            audit.record(session=session, username=admin.username, action="update", entity="user",
                         entity_id=user.username, summary=f"Sửa tài khoản {user.username}",
                         before=before, after=audit.snapshot(user))
    except UserError as exc:
        raise redirect(request, "users", err=str(exc)) from exc
    raise redirect(request, "users", msg="Đã lưu tài khoản.")
