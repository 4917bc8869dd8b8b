"""Trainer pages: queue a run for the training worker, watch its status, log and report, manage examples.

Everything shown comes from the database, so every admin replica shows the same runs; the web
process never trains (the training worker does: bot/training/worker.py).
"""

from __future__ import annotations

import json

from aiohttp import web
from sqlalchemy import select

from bot.admin import editing
from bot.admin.models import ROLE_TRAINER
from bot.admin.training_report import load_report, report_from_json
from bot.admin.web import current_user, redirect, render, requires
from bot.db import session_scope
from bot.training import runner
from bot.training.examples import list_examples
from bot.training.models import RUN_PROMOTED, TrainingExample, TrainingRun

routes = web.RouteTableDef()


def _report(run: TrainingRun) -> dict:
    try:
        return json.loads(run.report_json) if run.report_json else {}
    except json.JSONDecodeError:
        return {}


def _run_or_404(session, rid: str) -> TrainingRun:  # noqa: ANN001 - a SQLAlchemy session
    run = session.get(TrainingRun, int(rid)) if rid.isdigit() else None
    if run is None:
        raise web.HTTPNotFound(text="Không tìm thấy.")
    return run


@routes.get("/training", name="training")
@requires(ROLE_TRAINER)
async def training_page(request: web.Request) -> web.StreamResponse:
    with session_scope() as session:
        runs = list(session.execute(select(TrainingRun).order_by(TrainingRun.id.desc()).limit(30)).scalars())
        for run in runs:
            runner.refresh(session=session, run=run)
        active = next((r for r in runs if runner.is_active(r)), None)
        current = session.execute(
            select(TrainingRun).where(TrainingRun.status == RUN_PROMOTED).order_by(TrainingRun.id.desc()).limit(1)
        ).scalar_one_or_none()
        workers = runner.live_workers(session=session)
        examples = list_examples(session=session)
        return render(request, "training.html", runs=runs, active=active, examples=examples, current=current,
                      workers=workers)


@routes.post("/training/start", name="training_start")
@requires(ROLE_TRAINER)
async def training_start(request: web.Request) -> web.StreamResponse:
    user = current_user(request)
    form = await request.post()
    force = str(form.get("force", "")) in {"1", "on"}
    try:
        with session_scope() as session:
            run = runner.queue_run(session=session, username=user.username, force=force)
            run_id = run.id
    except runner.RunnerError as exc:
        raise redirect(request, "training", err=str(exc)) from exc
    raise redirect(request, "training_run", rid=run_id, msg="Đã xếp lượt huấn luyện; tiến trình huấn luyện sẽ chạy nó.")


@routes.get("/training/runs/{rid}", name="training_run")
@requires(ROLE_TRAINER)
async def training_run(request: web.Request) -> web.StreamResponse:
    with session_scope() as session:
        run = runner.refresh(session=session, run=_run_or_404(session, request.match_info["rid"]))
        workers = runner.live_workers(session=session)
        report = report_from_json(run.report_json, source=f"run {run.id}") or load_report(run.report_dir)
        return render(request, "training_run.html", run=run, log=run.log_tail, steps=_report(run).get("sections", []),
                      report=report, running=runner.is_active(run), workers=workers)


@routes.get("/training/runs/{rid}/report.json", name="training_report")
@requires(ROLE_TRAINER)
async def training_report(request: web.Request) -> web.StreamResponse:
    """The run's machine-readable report (bot/training/report.py describes its layout)."""
    with session_scope() as session:
        run = _run_or_404(session, request.match_info["rid"])
        if not run.report_json:
            raise web.HTTPNotFound(text="Lượt này chưa có báo cáo.")
        return web.Response(text=run.report_json, content_type="application/json", charset="utf-8")


@routes.post("/training/examples/{eid}/delete", name="example_delete")
@requires(ROLE_TRAINER)
async def example_delete(request: web.Request) -> web.StreamResponse:
    user = current_user(request)
    with session_scope() as session:
        row = session.get(TrainingExample, int(request.match_info["eid"])) if request.match_info["eid"].isdigit() else None
        if row is None:
            raise web.HTTPNotFound(text="Không tìm thấy.")
        editing.delete_row(session=session, row=row, entity="training_example", username=user.username,
                           summary=f"Xóa câu ví dụ của ý định {row.intent}")
    raise redirect(request, "training", msg="Đã xóa câu ví dụ.")
