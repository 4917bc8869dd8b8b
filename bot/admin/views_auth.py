"""Login and logout."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.admin.security import new_token, tokens_equal
from bot.admin.users import authenticate, end_session, start_session
from bot.admin.web import (
    LIMITER_KEY,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    redirect,
    render,
    requires,
    set_cookie,
    url,
)
from bot.db import session_scope
from bot.settings import get_settings

logger = logging.getLogger(__name__)
routes = web.RouteTableDef()


def _safe_next(request: web.Request, raw: str) -> str:
    """Only same-site paths under the admin, so the login page cannot redirect elsewhere."""
    home = url(request, "home")
    if raw.startswith(home) and not raw.startswith("//") and "\\" not in raw:
        return raw
    return home


def _login_page(request: web.Request, *, error: str = "", status: int = 200, username: str = "") -> web.Response:
    token = new_token()
    response = render(request, "login.html", status=status, login_csrf=token, error=error,
                      next=_safe_next(request, request.query.get("next", "")), username=username)
    set_cookie(response, LOGIN_CSRF_COOKIE, token, max_age=3600)
    return response


@routes.get("/login", name="login")
@requires(public=True)
async def login_form(request: web.Request) -> web.StreamResponse:
    if request.get("admin_user") is not None:
        raise web.HTTPFound(url(request, "home"))
    return _login_page(request)


@routes.post("/login", name="login_post")
@requires(public=True)
async def login_submit(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    if not tokens_equal(str(form.get("csrf_token", "")), request.cookies.get(LOGIN_CSRF_COOKIE)):
        return _login_page(request, error="Biểu mẫu đã hết hạn. Hãy thử lại.", status=403)
    username = str(form.get("username", "")).strip().lower()[:100]
    password = str(form.get("password", ""))
    limiter = request.app[LIMITER_KEY]
    keys = (f"ip:{request.remote}", f"user:{username}")
    if limiter.blocked(*keys):
        logger.warning("Login rate limit hit for %s", keys[0])
        return _login_page(request, error="Đăng nhập sai quá nhiều lần. Hãy thử lại sau 15 phút.", status=429,
                           username=username)
    settings = get_settings()
    with session_scope() as session:
        user = authenticate(session=session, username=username, password=password)
        if user is None:
            limiter.record_failure(*keys)
            logger.info("Failed admin login")
            return _login_page(request, error="Tên đăng nhập hoặc mật khẩu không đúng.", status=401,
                               username=username)
        token, _ = start_session(session=session, user=user, minutes=settings.admin_session_minutes)
    limiter.reset(keys[1])
    response = web.HTTPFound(_safe_next(request, str(form.get("next", ""))))
    set_cookie(response, SESSION_COOKIE, token)
    response.del_cookie(LOGIN_CSRF_COOKIE, path="/")
    raise response


@routes.post("/logout", name="logout")
@requires()
async def logout(request: web.Request) -> web.StreamResponse:
    token = request.cookies.get(SESSION_COOKIE, "")
    with session_scope() as session:
        end_session(session=session, token=token)
    response = redirect(request, "login")
    response.del_cookie(SESSION_COOKIE, path="/")
    raise response
