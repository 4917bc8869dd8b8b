"""The staff admin as an aiohttp sub-application; bot/web mounts it under /admin."""

from __future__ import annotations

import importlib
import logging

from aiohttp import web

from bot.admin import (
    views_applications,
    views_auth,
    views_dashboard,
    views_data,
    views_freshness,
    views_knowledge,
    views_reports,
    views_training,
    views_unanswered,
    views_understanding,
    views_users,
)
from bot.admin.security import LoginRateLimiter
from bot.admin.web import JINJA_KEY, LIMITER_KEY, auth_middleware, make_jinja

logger = logging.getLogger(__name__)

ADMIN_PREFIX = "/admin"
MAX_REQUEST_BYTES = 20 * 1024 * 1024  # form posts; file uploads are streamed (see views_data)


def _optional_routes() -> list[web.RouteTableDef]:
    """The petition inbox exists once the feedback package provides its model."""
    try:
        module = importlib.import_module("bot.admin.views_petitions")
    except ImportError:
        logger.info("Petition inbox disabled: bot.feedback models not available")
        return []
    return [module.routes]


def create_admin_app(*, login_limiter: LoginRateLimiter | None = None) -> web.Application:
    """A fresh admin application (mount it with ``parent.add_subapp('/admin', app)``)."""
    app = web.Application(middlewares=[auth_middleware])
    app[JINJA_KEY] = make_jinja()
    app[LIMITER_KEY] = login_limiter or LoginRateLimiter()
    for table in (
        views_auth.routes, views_dashboard.routes, views_reports.routes, views_knowledge.routes, views_data.routes,
        views_unanswered.routes, views_training.routes, views_users.routes, views_applications.routes,
        views_understanding.routes, views_freshness.routes, *_optional_routes(),
    ):
        app.add_routes(table)
    return app


def create_standalone_app() -> web.Application:
    """A root app with only the admin under /admin (development and tests)."""
    root = web.Application(client_max_size=MAX_REQUEST_BYTES)

    async def to_admin(_request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(ADMIN_PREFIX + "/")

    root.router.add_get("/", to_admin)
    root.add_subapp(ADMIN_PREFIX, create_admin_app())
    return root
