"""The admin's aiohttp plumbing: templates, the session/CSRF/role middleware, helpers for handlers."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.admin.models import ROLE_LABELS, ROLE_STAFF
from bot.admin.security import LoginRateLimiter, tokens_equal
from bot.admin.users import CurrentUser, load_session
from bot.db import session_scope
from bot.settings import get_settings

logger = logging.getLogger(__name__)

SESSION_COOKIE = "tthc_admin_session"
LOGIN_CSRF_COOKIE = "tthc_admin_login_csrf"
TEMPLATES = Path(__file__).parent / "templates"

JINJA_KEY = web.AppKey("admin_jinja", Environment)
LIMITER_KEY = web.AppKey("admin_login_limiter", LoginRateLimiter)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def requires(role: str = ROLE_STAFF, *, public: bool = False, multipart_csrf: bool = False) -> Callable[[Handler], Handler]:
    """Mark a handler with the least role it needs (public = no login), read by the middleware."""

    def mark(handler: Handler) -> Handler:
        handler.admin_role = role  # type: ignore[attr-defined]
        handler.admin_public = public  # type: ignore[attr-defined]
        handler.admin_multipart_csrf = multipart_csrf  # type: ignore[attr-defined]
        return handler

    return mark


def make_jinja() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(enabled_extensions=("html",), default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["ROLE_LABELS"] = ROLE_LABELS
    return env


def url(request: web.Request, name: str, query: dict[str, Any] | None = None, **parts: Any) -> str:
    """Path of a named admin route, including the prefix the admin is mounted under."""
    path = str(request.app.router[name].url_for(**{k: str(v) for k, v in parts.items()}))
    if query:
        path += "?" + urlencode({k: v for k, v in query.items() if v not in (None, "")})
    return path


def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    env = request.app[JINJA_KEY]
    user: CurrentUser | None = request.get("admin_user")
    html = env.get_template(template).render(
        request=request,
        user=user,
        csrf_token=user.csrf_token if user else "",
        url=lambda name, query=None, **parts: url(request, name, query, **parts),
        msg=request.query.get("msg", ""),
        err=request.query.get("err", ""),
        petitions_enabled=any(r.name == "petitions" for r in request.app.router.routes()),
        **context,
    )
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")


def redirect(request: web.Request, name: str, *, msg: str = "", err: str = "", **parts: Any) -> web.HTTPFound:
    return web.HTTPFound(url(request, name, {"msg": msg, "err": err}, **parts))


def current_user(request: web.Request) -> CurrentUser:
    user = request.get("admin_user")
    if user is None:  # the middleware guarantees this for non-public routes
        raise web.HTTPUnauthorized()
    return user


def _security_headers(response: web.StreamResponse) -> None:
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'",
    )
    response.headers.setdefault("Cache-Control", "no-store")


def _denied(request: web.Request, status: int, message: str) -> web.Response:
    response = render(request, "error.html", status=status, message=message)
    _security_headers(response)
    return response


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Session lookup, login redirect / 401, role check (403) and CSRF check on every POST."""
    target = getattr(handler, "admin_public", None)
    if target is None:  # aiohttp wraps some handlers (e.g. 404 resources); look through
        target = getattr(getattr(handler, "__wrapped__", None), "admin_public", False)
    public = bool(target)
    role = getattr(handler, "admin_role", ROLE_STAFF)
    token = request.cookies.get(SESSION_COOKIE, "")
    settings = get_settings()
    user = None
    if token:
        with session_scope() as session:
            user = load_session(session=session, token=token, minutes=settings.admin_session_minutes)
    request["admin_user"] = user

    if not public:
        if user is None:
            if request.method in ("GET", "HEAD"):
                login = url(request, "login", {"next": request.path_qs})
                raise web.HTTPFound(login)
            return _denied(request, 401, "Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại.")
        if not user.has_role(role):
            return _denied(request, 403, "Tài khoản của bạn không có quyền vào trang này.")
        if request.method == "POST" and not getattr(handler, "admin_multipart_csrf", False):
            form = await request.post()
            sent = form.get("csrf_token") or request.headers.get("X-CSRF-Token", "")
            if not tokens_equal(str(sent), user.csrf_token):
                logger.warning("CSRF token mismatch for %s on %s", user.username, request.path)
                return _denied(request, 403, "Biểu mẫu đã hết hạn hoặc không hợp lệ. Hãy tải lại trang và thử lại.")
    response = await handler(request)
    _security_headers(response)
    return response


def set_cookie(response: web.StreamResponse, name: str, value: str, *, max_age: int | None = None) -> None:
    """Cookies the browser keeps away from scripts and other sites (Secure in production)."""
    response.set_cookie(
        name, value, max_age=max_age, path="/", httponly=True, samesite="Lax",
        secure=get_settings().is_production,
    )
