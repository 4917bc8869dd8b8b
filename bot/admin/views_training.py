"""Trainer pages: start the pipeline, watch its status and log, manage admin-added examples."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import select

from bot.admin import editing
from bot.admin.models import ROLE_TRAINER
from bot.admin.training_report import load_report
from bot.admin.web import current_user, redirect, render, requires
from bot.knowledge.db import session_scope
from bot.training import gate, runner
from bot.training.examples import list_examples
from bot.training.models import TrainingExample, TrainingRun
from bot.training.paths import default_paths

routes = web.RouteTableDef()


@routes.get("/training", name="training")
@requires(ROLE_TRAINER)
async def training_page(request: web.Request) -> web.StreamResponse:
    with session_scope() as session:
        runs = list(session.execute(select(TrainingRun).order_by(TrainingRun.id.desc()).limit(30)).scalars())
        for run in runs:
            runner.refresh(session=session, run=run)
        active = next((r for r in runs if r.status in ("queued", "running")), None)
        examples = list_examples(session=session)
        current = gate.read_current(default_paths().current_json)
        return render(request, "training.html", runs=runs, active=active, examples=examples, current=current)


@routes.post("/training/start", name="training_start")
@requires(ROLE_TRAINER)
async def training_start(request: web.Request) -> web.StreamResponse:
    user = current_user(request)
    form = await request.post()
    force = str(form.get("force", "")) in {"1", "on"}
    try:
        with session_scope() as session:
            run = runner.start_run(session=session, username=user.username, force=force)
            run_id = run.id
    except runner.RunnerError as exc:
        raise redirect(request, "training", err=str(exc)) from exc
    raise redirect(request, "training_run", rid=run_id, msg="Đã bắt đầu huấn luyện.")


@routes.get("/training/runs/{rid}", name="training_run")
@requires(ROLE_TRAINER)
async def training_run(request: web.Request) -> web.StreamResponse:
    with session_scope() as session:
        run = session.get(TrainingRun, int(request.match_info["rid"])) if request.match_info["rid"].isdigit() else None
        if run is None:
            raise web.HTTPNotFound(text="Không tìm thấy.")
        runner.refresh(session=session, run=run)
        log = runner.tail(run.log_path)
        report = load_report(run.report_dir)
        return render(request, "training_run.html", run=run, log=log, report=report,
                      running=run.status in ("queued", "running"))


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
