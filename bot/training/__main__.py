"""``python -m bot.training``: retrain, evaluate, gate, promote and reload (see docs/training.md).

``python -m bot.training reload`` only loads the served model into every Rasa replica again.
Exit codes: 0 promoted (or reloaded), 2 refused by the gate, 1 a step failed.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from bot.settings import get_settings
from bot.training import gate, promotion, replicas, runner
from bot.training.models import RUN_FAILED, RUN_PROMOTED, RUN_REFUSED
from bot.training.paths import ProjectPaths, default_paths
from bot.training.pipeline import PipelineError, PipelineOptions, PipelineResult, run_pipeline
from bot.training.steps import GATE_METRIC

logger = logging.getLogger("bot.training")

EXIT_PROMOTED, EXIT_FAILED, EXIT_REFUSED = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bot.training", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", nargs="?", choices=("train", "reload"), default="train",
                   help="train (default) or reload the served model into every Rasa replica")
    p.add_argument("--force", action="store_true", help="promote even if the new model is worse")
    p.add_argument("--tolerance", type=float, default=gate.DEFAULT_TOLERANCE,
                   help="allowed drop of each gate metric (default %(default)s: not worse)")
    p.add_argument("--config", type=Path, default=None,
                   help="Rasa config to train with (default: TRAIN_CONFIG or config.yml)")
    p.add_argument("--no-export", action="store_true", help="do not regenerate data/nlu/generated from the DB")
    p.add_argument("--skip-validate", action="store_true", help="skip rasa data validate")
    p.add_argument("--no-reload", action="store_true", help="do not load the promoted model into Rasa")
    p.add_argument("--project-root", type=Path, default=None, help="another Rasa project (tests)")
    p.add_argument("--eval-questions", type=Path, action="append", default=None,
                   help="question file(s) in the dev-set JSONL format (default: EVAL_QUESTIONS or ../shared)")
    p.add_argument("--run-id", type=int, default=None, help="queued TrainingRun row to execute (the worker)")
    return p


def _paths(args: argparse.Namespace) -> ProjectPaths:
    paths = default_paths()
    if args.project_root or args.eval_questions is not None:
        paths = ProjectPaths(
            root=(args.project_root or paths.root).resolve(),
            eval_questions=tuple(args.eval_questions) if args.eval_questions is not None else paths.eval_questions,
        )
    return paths


def _options(args: argparse.Namespace) -> PipelineOptions:
    s = get_settings()
    config = args.config or (Path(s.train_config) if s.train_config else None)
    return PipelineOptions(
        force=args.force, tolerance=args.tolerance, export_db=not args.no_export, validate=not args.skip_validate,
        reload=not args.no_reload, config=config, rasa_url=s.rasa_url, rasa_token=s.rasa_auth_token,
        replica_urls=s.rasa_replica_urls, replica_model_path=s.rasa_model_path, reload_wait=s.rasa_reload_wait,
    )


def _open_run(args: argparse.Namespace, options: PipelineOptions) -> int | None:
    """The run row to record into: the worker's, or a new one for a command-line run (None without a DB)."""
    if args.run_id is not None:
        return int(args.run_id)
    from bot.db import session_scope

    try:
        with session_scope() as session:
            run = runner.start_foreground_run(session=session, username=f"cli:{getpass.getuser()}",
                                              force=args.force, options=options.describe())
            return int(run.id)
    except SQLAlchemyError:
        logger.info("Database not available: this run is not recorded for the admin")
        return None


def _outcome_values(result: PipelineResult) -> dict[str, object]:
    ctx = result.context
    message = result.reason
    if ctx and ctx.replicas and not result.reloaded:
        failed = [r.url for r in ctx.replicas if not r.ok]
        message += f" Chưa nạp được vào: {', '.join(failed)} (xem báo cáo)."
    heldout = next((c.new for c in (ctx.comparisons if ctx else []) if c.name == GATE_METRIC), None)
    return {
        "status": RUN_PROMOTED if result.promoted else RUN_REFUSED,
        "stage": "xong",
        "model_path": str(ctx.promoted.served if ctx and ctx.promoted else (ctx.candidate if ctx else "") or ""),
        "report_dir": str(result.report_dir or ""),
        "macro_f1": f"{heldout:.4f}" if heldout is not None else "",
        "message": message[:2000],
    }


def train(args: argparse.Namespace, tail: runner.LogTail) -> int:
    paths, options = _paths(args), _options(args)
    try:
        run_id = _open_run(args, options)
    except runner.RunnerError as exc:
        logger.error("%s", exc)
        return EXIT_FAILED
    with runner.RunRecorder(run_id, tail=tail) as recorder:
        recorder.update(stage="bắt đầu")
        try:
            result = run_pipeline(
                paths, options, on_stage=lambda title: recorder.update(stage=title),
                on_report=lambda report: recorder.update(report_json=json.dumps(report, ensure_ascii=False)),
            )
        except PipelineError as exc:
            logger.error("Training failed: %s", exc)
            recorder.update(status=RUN_FAILED, message=str(exc)[:2000], finished_at=runner.utcnow(),
                            report_dir=str(exc.result.report_dir or ""))
            return EXIT_FAILED
        except Exception as exc:  # noqa: BLE001 - any failure must end up in the run row and the exit code
            logger.exception("Training pipeline failed")
            recorder.update(status=RUN_FAILED, message=f"{exc.__class__.__name__}: {exc}"[:2000],
                            finished_at=runner.utcnow())
            return EXIT_FAILED
        recorder.update(**_outcome_values(result), finished_at=runner.utcnow())
    # Printed, not logged: loading a Rasa model in-process raises the root logger's level, and the
    # outcome is what the trainer (and `make train`'s caller) must always see.
    print(f"Result: {result.outcome}: {result.reason}", flush=True)
    if result.report_dir:
        print(f"Report: {result.report_dir / 'report.md'}", flush=True)
    return EXIT_PROMOTED if result.promoted else EXIT_REFUSED


def reload(args: argparse.Namespace) -> int:
    """Load models/current.tar.gz into every replica again (e.g. one that was down during a promotion)."""
    paths, options = _paths(args), _options(args)
    served = paths.served_model
    if not served.exists():
        logger.error("No served model at %s: run `make train` first", served)
        return EXIT_FAILED
    results = replicas.reload_all(
        options.replica_urls or (options.rasa_url,), model_path=options.replica_model_path or str(served.resolve()),
        expected_id=promotion.model_id(served), token=options.rasa_token, wait=options.reload_wait,
    )
    return EXIT_PROMOTED if results and all(r.ok for r in results) else EXIT_FAILED


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True)
    tail = runner.LogTail()
    logging.getLogger().addHandler(tail)
    try:
        return reload(args) if args.command == "reload" else train(args, tail)
    finally:
        logging.getLogger().removeHandler(tail)


if __name__ == "__main__":
    sys.exit(main())
