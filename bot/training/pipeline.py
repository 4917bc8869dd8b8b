"""The trainer pipeline: a list of steps run in order over one shared context, each with its report section.

Adding a step means writing a :class:`Step` subclass and inserting it into the list that
:func:`bot.training.steps.default_steps` returns; it reads what earlier steps left on the
:class:`RunContext`, may add a :class:`~bot.training.gate.Comparison` (the gate then refuses a
candidate that got worse on it) or an extra artifact to promote with the model, and fills its own
:class:`~bot.training.report.Section`.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bot.training import gate
from bot.training.data import HeldOutSet, TrainingFile
from bot.training.metrics import EvalResult
from bot.training.paths import ProjectPaths
from bot.training.promotion import Promoted
from bot.training.replicas import ReplicaResult
from bot.training.report import SECTION_FAILED, Section, write_report

logger = logging.getLogger(__name__)

StageHook = Callable[[str], None]

OUTCOME_PROMOTED, OUTCOME_REFUSED, OUTCOME_FAILED = "promoted", "refused", "failed"


@dataclass
class PipelineOptions:
    force: bool = False
    tolerance: float = gate.DEFAULT_TOLERANCE
    export_db: bool = True
    validate: bool = True
    reload: bool = True
    config: Path | None = None  # Rasa config to train with (default: the project's config.yml)
    rasa_url: str = ""
    rasa_token: str = ""
    replica_urls: tuple[str, ...] = ()  # default: (rasa_url,)
    replica_model_path: str = ""  # the served model as the replicas see it (default: its local path)
    reload_wait: float = 0.0
    train_timeout: float = 7200.0

    def describe(self) -> dict[str, Any]:
        """What the report shows about how the run was started (no secrets)."""
        data = asdict(self)
        data.pop("rasa_token")
        data["config"] = str(self.config or "config.yml")
        data["replica_urls"] = list(self.replica_urls or ((self.rasa_url,) if self.rasa_url else ()))
        return data


@dataclass
class RunContext:
    """Everything a run knows; each step reads what earlier steps set and adds its own results."""

    paths: ProjectPaths
    options: PipelineOptions
    stamp: str
    work_dir: Path
    training_files: list[Path] = field(default_factory=list)  # NLU files trained on (sources)
    training_file: TrainingFile | None = None  # the merged file without held-out examples
    heldout: HeldOutSet | None = None
    candidate: Path | None = None  # the trained Rasa model, in models/candidates/
    artifacts: dict[str, Path] = field(default_factory=dict)  # extra files promoted with the model
    evaluations: dict[str, dict[str, EvalResult]] = field(default_factory=dict)  # model -> set -> result
    comparisons: list[gate.Comparison] = field(default_factory=list)
    decision: gate.Decision | None = None
    promoted: Promoted | None = None
    replicas: list[ReplicaResult] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)  # free room for added steps

    @property
    def report_dir(self) -> Path:
        return self.paths.reports_dir / self.stamp

    @property
    def rasa_config(self) -> Path:
        return self.paths.resolve(self.options.config) if self.options.config else self.paths.config


class Step:
    """One stage of the pipeline; subclasses set ``name`` (machine id) and ``title`` (Vietnamese)."""

    name = "step"
    title = "bước"

    def applies(self, ctx: RunContext) -> str:
        """'' when the step should run, else why it is skipped (shown in its report section)."""
        return ""

    def run(self, ctx: RunContext, section: Section) -> None:
        raise NotImplementedError


@dataclass
class PipelineResult:
    outcome: str = OUTCOME_FAILED
    reason: str = ""
    report: dict[str, Any] = field(default_factory=dict)
    report_dir: Path | None = None
    context: RunContext | None = None

    @property
    def promoted(self) -> bool:
        return self.outcome == OUTCOME_PROMOTED

    @property
    def reloaded(self) -> bool:
        replicas = self.context.replicas if self.context else []
        return bool(replicas) and all(r.ok for r in replicas)


class PipelineError(RuntimeError):
    """A step failed; ``result`` holds the report written up to and including the failed step."""

    def __init__(self, message: str, result: PipelineResult) -> None:
        super().__init__(message)
        self.result = result


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def timestamp() -> str:
    return _now().strftime("%Y%m%d-%H%M%S-%f")[:-3]  # sorts by time; two runs never share one


def run_pipeline(
    paths: ProjectPaths, options: PipelineOptions, *, steps: Sequence[Step] | None = None,
    on_stage: StageHook | None = None, on_report: Callable[[dict[str, Any]], None] | None = None,
) -> PipelineResult:
    """Run the steps in order; the report is written after every step. Raises PipelineError on a failure."""
    from bot.training.steps import default_steps

    started = _now()
    ctx = RunContext(paths=paths, options=options, stamp=timestamp(), work_dir=Path())
    ctx.work_dir = paths.logs_dir / f"work-{ctx.stamp}"
    result = PipelineResult(report_dir=ctx.report_dir, context=ctx)
    sections: list[Section] = []

    def publish(outcome: str, reason: str) -> None:
        run = {"stamp": ctx.stamp, "started_at": started.isoformat(timespec="seconds"),
               "finished_at": _now().isoformat(timespec="seconds") if outcome else "",
               "seconds": round((_now() - started).total_seconds(), 1), "outcome": outcome, "reason": reason,
               "options": options.describe()}
        result.report = write_report(ctx.report_dir, run, sections)
        if on_report:
            on_report(result.report)

    try:
        for step in steps if steps is not None else default_steps():
            section = Section(name=step.name, title=step.title)
            sections.append(section)
            why_not = step.applies(ctx)
            if why_not:
                section.skip(why_not)
                continue
            if on_stage:
                on_stage(step.title)
            began = time.monotonic()
            logger.info("==> %s ...", step.title)
            try:
                step.run(ctx, section)
            except Exception as exc:
                section.seconds = time.monotonic() - began
                section.status = SECTION_FAILED
                section.summary = f"{exc.__class__.__name__}: {exc}"[:2000]
                logger.error("<== %s failed after %.1fs", step.title, section.seconds)
                result.outcome, result.reason = OUTCOME_FAILED, f"Lỗi ở bước «{step.title}»: {section.summary}"
                publish(result.outcome, result.reason)
                raise PipelineError(result.reason, result) from exc
            section.seconds = time.monotonic() - began
            logger.info("<== %s done in %.1fs", step.title, section.seconds)
            publish("", "")
        decision = ctx.decision
        if decision is None:
            result.outcome, result.reason = OUTCOME_FAILED, "Không có bước quyết định thay mô hình."
            publish(result.outcome, result.reason)
            raise PipelineError(result.reason, result)
        result.outcome = OUTCOME_PROMOTED if decision.promote and ctx.promoted else OUTCOME_REFUSED
        result.reason = decision.reason
        publish(result.outcome, result.reason)
        return result
    finally:
        shutil.rmtree(ctx.work_dir, ignore_errors=True)
