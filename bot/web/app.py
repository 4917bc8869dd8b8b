"""Small aiohttp app: the widget's static files, a Vietnamese demo page, and a health check."""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from string import Template

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from bot.channels.config import env, env_float, env_int, is_placeholder
from bot.feedback.delivery import push_pending, take_for_sender
from bot.settings import get_settings

logger = logging.getLogger(__name__)

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static"
DEMO_TEMPLATE = WEB_DIR / "templates" / "demo.html"
ADMIN_MAX_REQUEST_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class WebConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    # The Rasa URL as the citizen's browser sees it (often a public https URL behind a proxy).
    widget_rasa_url: str = "http://localhost:5005"
    zalo_oa_id: str = ""
    # Seconds between retries of petition results not yet pushed to Telegram/Zalo (0 = never).
    notice_interval: float = 120.0

    @classmethod
    def from_env(cls) -> WebConfig:
        settings = get_settings()
        return cls(
            notice_interval=env_float("PETITION_NOTICE_INTERVAL", cls.notice_interval),
            host=env("WEB_HOST", "127.0.0.1"),
            port=env_int("WEB_PORT", settings.web_port),
            widget_rasa_url=env("WIDGET_RASA_URL", settings.rasa_url).rstrip("/"),
            zalo_oa_id=env("ZALO_OA_ID"),
        )


def zalo_block(oa_id: str) -> str:
    """Zalo's own chat-widget snippet (loaded from Zalo's SDK), or a note when the OA id is unset."""
    if is_placeholder(oa_id):
        return (
            '<p class="note">Chưa cấu hình <code>ZALO_OA_ID</code>: khung chat Zalo sẽ hiện ở đây '
            "khi có mã Official Account.</p>"
        )
    oa = html.escape(oa_id, quote=True)
    return (
        f'<div class="zalo-chat-widget" data-oaid="{oa}" '
        'data-welcome-message="Xin chào! Anh/chị cần hỗ trợ thủ tục hành chính nào?" '
        'data-autopopup="0" data-width="350" data-height="420"></div>\n'
        '      <script src="https://sp.zalo.me/plugins/sdk.js" async></script>'
    )


def render_demo(config: WebConfig) -> str:
    rasa_url = html.escape(config.widget_rasa_url, quote=True)
    # Zalo's widget floats bottom-right, so ours moves left when both are on the page.
    with_zalo = not is_placeholder(config.zalo_oa_id)
    snippet = f'<script src="https://HOST/widget/widget.js" data-rasa-url="{config.widget_rasa_url}" async></script>'
    return Template(DEMO_TEMPLATE.read_text(encoding="utf-8")).substitute(
        rasa_url=rasa_url,
        embed_snippet=html.escape(snippet),
        zalo_block=zalo_block(config.zalo_oa_id),
        position="left" if with_zalo else "right",
        position_vi="bên trái" if with_zalo else "bên phải",
    )


@web.middleware
async def security_headers(request: web.Request, handler):
    response = await handler(request)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if request.path.startswith("/widget/"):
        response.headers.setdefault("Cache-Control", "public, max-age=300")
    return response


def mount_admin(app: web.Application) -> bool:
    """Mount the staff admin under /admin when its package is importable."""
    try:
        from bot.admin.app import ADMIN_PREFIX, create_admin_app
    except ImportError:
        logger.exception("Staff admin not available; serving the widget only")
        return False
    app.add_subapp(ADMIN_PREFIX, create_admin_app())
    return True


SENDER_RE = re.compile(r"^web:[0-9a-f]{8,64}$")
NOTICE_CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type",
    "Cache-Control": "no-store",
}


async def widget_notices(request: web.Request) -> web.Response:
    """The widget asks, when it loads, whether a petition result waits for this browser's sender id."""
    if request.method == "OPTIONS":
        return web.Response(headers=NOTICE_CORS)
    try:
        body = await request.json()
    except ValueError:
        return web.json_response({"error": "bad request"}, status=400, headers=NOTICE_CORS)
    sender = body.get("sender") if isinstance(body, dict) else None
    if not isinstance(sender, str) or not SENDER_RE.match(sender):
        return web.json_response({"error": "bad request"}, status=400, headers=NOTICE_CORS)
    try:
        texts = await asyncio.to_thread(take_for_sender, sender)
    except SQLAlchemyError:
        logger.exception("could not read waiting petition notices")
        texts = []
    return web.json_response([{"text": t} for t in texts], headers=NOTICE_CORS)


async def _push_notices_forever(interval: float) -> None:
    """Retry petition results that could not be pushed at once (Telegram down, Zalo token refresh...)."""
    while True:
        try:
            await push_pending()
        except SQLAlchemyError:
            logger.exception("petition notice retry failed")
        await asyncio.sleep(interval)


def start_notice_pusher(app: web.Application, interval: float) -> None:
    """Run the retry loop for the app's lifetime (aiohttp's cleanup context: started and cancelled with it)."""

    async def pusher(_app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(_push_notices_forever(interval))
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    app.cleanup_ctx.append(pusher)


def create_app(config: WebConfig | None = None, *, with_admin: bool = True) -> web.Application:
    """Demo page at /, widget files under /widget/, /healthz, and the staff admin under /admin."""
    config = config or WebConfig.from_env()
    page = render_demo(config)

    async def demo(_: web.Request) -> web.Response:
        return web.Response(text=page, content_type="text/html", charset="utf-8")

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    # Admin forms post up to 20 MB; the widget routes read no request bodies at all.
    app = web.Application(middlewares=[security_headers], client_max_size=ADMIN_MAX_REQUEST_BYTES)
    app.router.add_get("/", demo)
    app.router.add_get("/healthz", healthz)
    app.router.add_route("*", "/widget/api/notices", widget_notices)
    app.router.add_static("/widget/", STATIC_DIR, show_index=False, follow_symlinks=False)
    if with_admin:
        mount_admin(app)
        if config.notice_interval > 0:
            start_notice_pusher(app, config.notice_interval)
    return app
