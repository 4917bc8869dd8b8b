"""Small aiohttp app: the widget's static files, a Vietnamese demo page, and a health check."""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from pathlib import Path
from string import Template

from aiohttp import web

from bot.channels.config import env, env_int, is_placeholder
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

    @classmethod
    def from_env(cls) -> WebConfig:
        settings = get_settings()
        return cls(
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
    app.router.add_static("/widget/", STATIC_DIR, show_index=False, follow_symlinks=False)
    if with_admin:
        mount_admin(app)
    return app
