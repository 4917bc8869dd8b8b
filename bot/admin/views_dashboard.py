"""Admin home: the dashboard (period and channel filter, charts with their tables, CSV of each table)."""

from __future__ import annotations

import asyncio
import base64
import csv
import datetime as dt
import io

from aiohttp import web
from sqlalchemy import func, select

from bot.admin.web import render, requires, url
from bot.analytics import charts, dashboard
from bot.analytics.models import STATUS_OPEN, UnansweredQuestion
from bot.db import session_scope
from bot.knowledge.models import Alias, FaqEntry, Procedure

routes = web.RouteTableDef()
DEFAULT_DAYS = 30
MAX_DAYS = 366
_CSV_INJECTION = ("=", "+", "-", "@", "\t", "\r")


def _today() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


def period_from(query) -> dashboard.Period:  # noqa: ANN001
    """The period in the query string (from/to as YYYY-MM-DD, channel), defaulting to the last 30 days."""
    today = _today()

    def day(name: str, default: dt.date) -> dt.date:
        try:
            return dt.date.fromisoformat(str(query.get(name, "")))
        except ValueError:
            return default

    end = min(day("to", today), today + dt.timedelta(days=1))
    start = day("from", end - dt.timedelta(days=DEFAULT_DAYS - 1))
    if start > end:
        start, end = end, start
    start = max(start, end - dt.timedelta(days=MAX_DAYS - 1))
    channel = str(query.get("channel", ""))
    return dashboard.Period(start, end, channel if channel in dashboard.CHANNEL_CHOICES else "")


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _draw(tables: dict[str, dashboard.Table]) -> dict[str, str]:
    """SVG charts for the tables that have one (the numbers are always shown as a table too)."""
    out = {
        "daily": charts.line_chart(tables["daily"]),
        "outcomes": charts.bar_chart(tables["outcomes"], value=1),
    }
    if tables["procedures"].rows:
        out["procedures"] = charts.bar_chart(tables["procedures"], label=1, value=2)
    if tables["facts"].rows:
        out["facts"] = charts.bar_chart(tables["facts"], value=1)
    if tables["ratings"].rows:
        out["ratings"] = charts.bar_chart(tables["ratings"], label=0, stacked=(3, 2))
    return {k: _data_uri(v) for k, v in out.items()}


def _build(request: web.Request, period: dashboard.Period) -> dict[str, dashboard.Table]:
    with session_scope() as session:
        tables = dashboard.build(session=session, period=period, today=_today(),
                                 admin_url=lambda name, **parts: url(request, name, **parts))
    return {t.name: t for t in tables}


@routes.get("/", name="home")
@requires()
async def home(request: web.Request) -> web.StreamResponse:
    period = period_from(request.query)
    tables = await asyncio.to_thread(_build, request, period)
    images = await asyncio.to_thread(_draw, tables)
    with session_scope() as session:
        counts = {
            "procedures": session.scalar(select(func.count(Procedure.id))),
            "faq": session.scalar(select(func.count(FaqEntry.id))),
            "aliases": session.scalar(select(func.count(Alias.id))),
            "unanswered": session.scalar(
                select(func.count(UnansweredQuestion.id)).where(UnansweredQuestion.status == STATUS_OPEN)
            ),
        }
    query = {"from": period.start.isoformat(), "to": period.end.isoformat(), "channel": period.channel}
    return render(request, "home.html", counts=counts, tables=tables, images=images, period=period, query=query,
                  channels=dashboard.CHANNEL_CHOICES)


@routes.get("/dashboard/{table}.csv", name="dashboard_csv")
@requires()
async def dashboard_csv(request: web.Request) -> web.StreamResponse:
    period = period_from(request.query)
    tables = await asyncio.to_thread(_build, request, period)
    table = tables.get(request.match_info["table"])
    if table is None:
        raise web.HTTPNotFound(text="Không có bảng này.")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow([f"'{v}" if isinstance(v, str) and v.startswith(_CSV_INJECTION) else v for v in row])
    name = f"{table.name}-{period.start:%Y%m%d}-{period.end:%Y%m%d}{'-' + period.channel if period.channel else ''}.csv"
    return web.Response(body=("\ufeff" + buf.getvalue()).encode("utf-8"), content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
