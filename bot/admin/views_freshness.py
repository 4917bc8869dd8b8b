"""Freshness: procedures whose source is older than the configured age, and what the last imports changed."""

from __future__ import annotations

from aiohttp import web

from bot import clock
from bot.admin.web import render, requires
from bot.db import session_scope
from bot.knowledge.freshness import coverage, recent_runs, run_changes, stale_records
from bot.knowledge.models import CHANGE_LABELS, SOURCE_LABELS
from bot.settings import get_settings

routes = web.RouteTableDef()


def _int(raw: str, default: int) -> int:
    try:
        return max(0, int(raw))
    except ValueError:
        return default


@routes.get("/freshness", name="freshness")
@requires()
async def freshness(request: web.Request) -> web.StreamResponse:
    age = _int(request.query.get("age", ""), get_settings().source_max_age_days)
    today = clock.today()
    with session_scope() as session:
        total, stale = stale_records(session=session, today=today, max_age_days=age)
        runs = recent_runs(session=session)
        wanted = _int(request.query.get("run", ""), 0)
        chosen = next((r for r, counts in runs if r.id == wanted), None) or next(
            (r for r, counts in runs if counts), None)
        changes = run_changes(session=session, run_id=chosen.id) if chosen else []
        return render(
            request, "freshness.html", age=age, today=today, total=total, stale=stale, runs=runs, chosen=chosen,
            changes=changes, coverage=coverage(session=session), source_labels=SOURCE_LABELS,
            change_labels=CHANGE_LABELS,
        )
