"""The trainer pipeline: export, validate, train, evaluate, gate, report, promote and hot-reload.

Models are trained into ``models/candidates/``; only a promoted model is moved to ``models/`` (where
``rasa run --model models`` picks the newest) and recorded in ``models/current.json``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.exc import OperationalError

from bot.training import gate, rasa_ops
from bot.training.export import write_empty_generated
from bot.training.metrics import EvalResult, LabelledText, evaluate_predictions, load_question_file
from bot.training.paths import ProjectPaths
from bot.training.report import write_report

logger = logging.getLogger(__name__)

StageHook = Callable[[str], None]


@dataclass
class PipelineOptions:
    force: bool = False
    tolerance: float = gate.DEFAULT_TOLERANCE
    train_frac: float = 0.8
    seed: int = 42
    export_db: bool = True
    validate: bool = True
    reload: bool = True
    rasa_url: str = ""
    rasa_token: str = ""
    train_timeout: float = 7200.0


@dataclass
class PipelineResult:
    model_path: Path | None = None
    report_dir: Path | None = None
    promoted: bool = False
    reason: str = ""
    reloaded: bool = False
    metrics: dict[str, Any] = field(default_factory=dict)


@contextmanager
def stage(name: str, hook: StageHook | None) -> Iterator[None]:
    """Log the start and end of a stage with its elapsed time (the admin tails this log)."""
    if hook:
        hook(name)
    started = time.monotonic()
    logger.info("==> %s ...", name)
    try:
        yield
    except Exception:
        logger.error("<== %s failed after %.1fs", name, time.monotonic() - started)
        raise
    logger.info("<== %s done in %.1fs", name, time.monotonic() - started)


def timestamp() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M%S")


def split_nlu(paths: ProjectPaths, *, train_frac: float, seed: int, work_dir: Path) -> tuple[Path, list[LabelledText]]:
    """Stratified split of data/nlu (fixed seed): writes the training part, returns the held-out examples."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(paths.nlu_dir))
    train_data, test_data = data.train_test_split(train_frac=train_frac, random_seed=seed)
    work_dir.mkdir(parents=True, exist_ok=True)
    train_file = work_dir / "nlu-train.yml"
    train_file.write_text(train_data.nlu_as_yaml(), encoding="utf-8")
    held_out = [
        LabelledText(text=m.get("text"), intent=m.get("intent"), source="data/nlu")
        for m in test_data.intent_examples
    ]
    logger.info("Split data/nlu: %d training, %d held-out examples (seed %d)",
                len(train_data.intent_examples), len(held_out), seed)
    return train_file, held_out


def evaluate_model(model: Path, held_out: list[LabelledText], paths: ProjectPaths) -> list[EvalResult]:
    """Held-out split first (the gate uses it), then each question file that exists."""
    sets: list[tuple[str, list[LabelledText]]] = [("heldout", held_out)]
    for qfile in paths.eval_questions:
        if qfile.exists():
            sets.append((qfile.stem.replace("citizen-questions-", "questions-"), load_question_file(qfile)))
        else:
            logger.warning("Question file %s not found; skipped", qfile)
    texts = [item.text for _, items in sets for item in items]
    predictions = rasa_ops.predict(model, texts) if texts else []
    results, offset = [], 0
    for name, items in sets:
        preds = predictions[offset : offset + len(items)]
        offset += len(items)
        result = evaluate_predictions(name, items, preds)
        logger.info("%s: %d examples, accuracy %.3f, macro F1 %.3f", name, result.count, result.accuracy, result.macro_f1)
        results.append(result)
    return results


def summary_metrics(results: list[EvalResult]) -> dict[str, Any]:
    """What current.json keeps: the gate metric plus each set's accuracy and macro F1."""
    heldout = results[0]
    metrics: dict[str, Any] = {"macro_f1": heldout.macro_f1, "accuracy": heldout.accuracy, "heldout_count": heldout.count}
    for r in results[1:]:
        metrics[f"{r.name}_accuracy"] = r.accuracy
        metrics[f"{r.name}_macro_f1"] = r.macro_f1
        metrics[f"{r.name}_count"] = r.count
    return metrics


def promote(candidate: Path, paths: ProjectPaths, metrics: dict[str, Any], report_dir: Path, reason: str) -> Path:
    """Move the candidate next to the other served models and record it as current."""
    target = paths.models_dir / candidate.name
    shutil.move(str(candidate), target)
    os.utime(target)  # newest file: what `rasa run --model models` loads on a restart
    gate.write_current(paths.current_json, {
        "model": str(target),
        "promoted_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "metrics": metrics,
        "report": str(report_dir),
        "reason": reason,
    })
    return target


def run_pipeline(
    paths: ProjectPaths, options: PipelineOptions, *, on_stage: StageHook | None = None
) -> PipelineResult:
    """Run every stage; raises on a failed stage (the caller records the failure)."""
    ts = timestamp()
    result = PipelineResult(report_dir=paths.reports_dir / ts)
    work_dir = paths.logs_dir / f"work-{ts}"

    if options.export_db:
        with stage("xuất dữ liệu từ CSDL (lookup, ví dụ)", on_stage):
            from bot.knowledge.db import session_scope
            from bot.training.export import export_generated

            try:
                with session_scope() as session:
                    export_generated(session=session, out_dir=paths.generated_dir)
            except OperationalError:
                # An empty or unmigrated database (no `make seed` yet) must not block training.
                logger.exception("Database not readable; training without database-derived data (run make seed)")
                write_empty_generated(paths.generated_dir)

    if options.validate:
        with stage("kiểm tra dữ liệu (rasa data validate)", on_stage):
            rasa_ops.validate(domain=paths.domain, config=paths.config, data=[paths.nlu_dir, *paths.core_data],
                              cwd=paths.root)

    with stage("tách tập kiểm tra (stratified)", on_stage):
        train_file, held_out = split_nlu(paths, train_frac=options.train_frac, seed=options.seed, work_dir=work_dir)

    with stage("huấn luyện (rasa train)", on_stage):
        candidate = rasa_ops.train(
            domain=paths.domain, config=paths.config, data=[train_file, *paths.core_data],
            out=paths.models_dir / "candidates", name=f"model-{ts}", cwd=paths.root,
            timeout=options.train_timeout,
        )
        result.model_path = candidate

    with stage("đánh giá", on_stage):
        results = evaluate_model(candidate, held_out, paths)
        result.metrics = summary_metrics(results)

    with stage("so sánh với mô hình hiện hành", on_stage):
        current = gate.read_current(paths.current_json)
        decision = gate.decide(result.metrics, current, tolerance=options.tolerance, force=options.force)
        result.promoted, result.reason = decision.promote, decision.reason
        logger.info("Gate: %s", decision.reason)

    with stage("viết báo cáo", on_stage):
        meta = {
            "model": candidate.name,
            "promoted": result.promoted,
            "decision": decision.reason,
            "current_model": (current or {}).get("model", ""),
            "current_macro_f1": ((current or {}).get("metrics") or {}).get("macro_f1", ""),
            "train_frac": options.train_frac,
            "seed": options.seed,
        }
        assert result.report_dir is not None
        md = write_report(result.report_dir, results, meta)
        logger.info("Report: %s", md)

    if result.promoted:
        with stage("thay mô hình", on_stage):
            result.model_path = promote(candidate, paths, result.metrics, result.report_dir, decision.reason)
        if options.reload and options.rasa_url:
            with stage("nạp mô hình vào Rasa đang chạy", on_stage):
                try:
                    rasa_ops.load_into_server(result.model_path, rasa_url=options.rasa_url, token=options.rasa_token)
                    result.reloaded = True
                except rasa_ops.RasaError:
                    logger.exception("Promoted model not loaded into the running server; restart Rasa to use it")
    shutil.rmtree(work_dir, ignore_errors=True)
    return result
