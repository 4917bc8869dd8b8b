"""Application statuses (tình trạng hồ sơ): staff upload CSV/Excel files the bot answers from."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from urllib.parse import urlsplit

from aiohttp import web
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from bot.admin.views_data import read_upload
from bot.admin.web import current_user, redirect, render, requires
from bot.applications.loading import LoadError, load_file, recent_imports, template_csv
from bot.applications.models import ApplicationStatusRecord
from bot.applications.replies import VIETNAM_TIME
from bot.db import session_scope
from bot.settings import get_settings

logger = logging.getLogger(__name__)
routes = web.RouteTableDef()


def _local(utc: dt.datetime) -> dt.datetime:
    """Times are stored as naive UTC; staff read Vietnam time."""
    return utc.replace(tzinfo=dt.timezone.utc).astimezone(VIETNAM_TIME)


@routes.get("/applications", name="applications")
@requires()
async def applications_page(request: web.Request) -> web.StreamResponse:
    settings = get_settings()
    with session_scope() as session:
        count, newest = session.execute(
            select(func.count(ApplicationStatusRecord.id), func.max(ApplicationStatusRecord.updated_at))
        ).one()
        imports = recent_imports(session=session)
        return render(request, "applications.html", count=count, newest=_local(newest) if newest else None,
                      imports=imports, local=_local,
                      onestop_host=urlsplit(settings.onestop_base_url).netloc if settings.onestop_base_url else "")


@routes.get("/applications/template.csv", name="applications_template")
@requires()
async def applications_template(request: web.Request) -> web.StreamResponse:
    return web.Response(body=template_csv(), content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": 'attachment; filename="mau-trang-thai-ho-so.csv"'})


@routes.post("/applications/import", name="applications_import")
@requires(multipart_csrf=True)
async def applications_import(request: web.Request) -> web.StreamResponse:
    user = current_user(request)
    fields: dict[str, str] = {}
    filename, path = await read_upload(request, user.csrf_token, back="applications", fields=fields)
    skip_invalid = fields.get("skip_invalid") in {"1", "on"}

    def run() -> tuple[str, list[str], bool]:
        with session_scope() as session:
            report = load_file(session=session, filename=filename, data=path.read_bytes(), username=user.username,
                               channel="admin", skip_invalid=skip_invalid)
            return report.summary(), report.errors, report.refused

    try:
        summary, errors, refused = await asyncio.get_running_loop().run_in_executor(None, run)
    except LoadError as exc:
        raise redirect(request, "applications", err=str(exc)) from exc
    except (SQLAlchemyError, OSError) as exc:
        logger.exception("Loading application statuses from %s failed", filename)
        raise redirect(request, "applications", err="Không nhập được tệp (xem nhật ký máy chủ).") from exc
    finally:
        path.unlink(missing_ok=True)
    detail = (" " + " · ".join(errors[:5]) + (" …" if len(errors) > 5 else "")) if errors else ""
    if refused:
        raise redirect(request, "applications", err=(summary + detail)[:1500])
    raise redirect(request, "applications", msg=(summary + detail)[:1500])
