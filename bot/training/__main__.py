"""``python -m bot.training``: retrain, evaluate, gate and promote (see docs/training.md)."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from pathlib import Path

from bot.settings import get_settings
from bot.training import gate
from bot.training.paths import ProjectPaths, default_paths
from bot.training.pipeline import PipelineOptions, run_pipeline

logger = logging.getLogger("bot.training")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bot.training", description=__doc__)
    p.add_argument("--force", action="store_true", help="promote even if the new model is worse")
    p.add_argument("--tolerance", type=float, default=gate.DEFAULT_TOLERANCE,
                   help="allowed drop of held-out macro F1 (default %(default)s)")
    p.add_argument("--train-frac", type=float, default=0.8, help="share of data/nlu used for training")
    p.add_argument("--seed", type=int, default=42, help="seed of the held-out split")
    p.add_argument("--no-export", action="store_true", help="do not regenerate data/nlu/generated from the DB")
    p.add_argument("--skip-validate", action="store_true", help="skip rasa data validate")
    p.add_argument("--no-reload", action="store_true", help="do not load the promoted model into Rasa")
    p.add_argument("--project-root", type=Path, default=None, help="another Rasa project (tests)")
    p.add_argument("--eval-questions", type=Path, action="append", default=None,
                   help="question file(s) in the dev-set JSONL format (default: EVAL_QUESTIONS or ../shared)")
    p.add_argument("--run-id", type=int, default=None, help="TrainingRun row to update (set by the admin)")
    return p


class _RunRecorder:
    """Writes stage and outcome to the TrainingRun row when started from the admin."""

    def __init__(self, run_id: int | None) -> None:
        self.run_id = run_id

    def update(self, **values: object) -> None:
        if self.run_id is None:
            return
        from sqlalchemy.exc import SQLAlchemyError

        from bot.knowledge.db import session_scope
        from bot.training.models import TrainingRun

        try:
            with session_scope() as session:
                run = session.get(TrainingRun, self.run_id)
                if run is not None:
                    for key, value in values.items():
                        setattr(run, key, value)
        except SQLAlchemyError:
            logger.exception("Could not update training run %s", self.run_id)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True)
    paths = default_paths()
    if args.project_root or args.eval_questions is not None:
        paths = ProjectPaths(
            root=(args.project_root or paths.root).resolve(),
            eval_questions=tuple(args.eval_questions) if args.eval_questions is not None else paths.eval_questions,
        )
    settings = get_settings()
    options = PipelineOptions(
        force=args.force, tolerance=args.tolerance, train_frac=args.train_frac, seed=args.seed,
        export_db=not args.no_export, validate=not args.skip_validate, reload=not args.no_reload,
        rasa_url=settings.rasa_url, rasa_token=settings.rasa_auth_token,
    )
    recorder = _RunRecorder(args.run_id)
    recorder.update(status="running", stage="bắt đầu")
    now = lambda: dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)  # noqa: E731
    try:
        result = run_pipeline(paths, options, on_stage=lambda name: recorder.update(stage=name))
    except Exception as exc:  # noqa: BLE001 - any failure must end up in the run row and the exit code
        logger.exception("Training pipeline failed")
        recorder.update(status="failed", message=f"{exc.__class__.__name__}: {exc}"[:2000], finished_at=now())
        return 1
    recorder.update(
        status="promoted" if result.promoted else "refused",
        stage="xong",
        model_path=str(result.model_path or ""),
        report_dir=str(result.report_dir or ""),
        macro_f1=f"{result.metrics.get('macro_f1', 0.0):.4f}",
        message=result.reason + ("" if result.reloaded or not result.promoted else
                                 " Mô hình chưa được nạp vào Rasa đang chạy (xem nhật ký)."),
        finished_at=now(),
    )
    logger.info("Result: %s", result.reason)
    return 0 if result.promoted else 2


if __name__ == "__main__":
    sys.exit(main())
