"""Pipeline steps for the procedure ranker: train it with the intent model, gate it, activate it.

The ranker is trained from the database (procedures, aliases, vocabulary, questions labelled in the
admin) and the labelled files, then scored together with the ranker in use on the same frozen
question file (eval/procedure-questions-heldout.jsonl). The gate refuses a run whose ranker answers
fewer questions right or states another procedure's facts more often; a promoted run's ranker
becomes the active one in the database, which every action server picks up at its next message.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from bot.db import session_scope
from bot.settings import PROJECT_ROOT
from bot.training import gate
from bot.training.pipeline import RunContext, Step
from bot.training.report import Section
from bot.understanding import store
from bot.understanding.generate import Labelled, from_eval_items, load_jsonl
from bot.understanding.ranker import Ranker
from bot.understanding.resources import build
from bot.understanding.train import GateScore, fit, gate_score, training_examples

logger = logging.getLogger(__name__)

GATE_FILE = PROJECT_ROOT / "eval" / "procedure-questions-heldout.jsonl"
ARTIFACT = "ranker"
ACCURACY, WRONG = "ranker_accuracy_heldout", "ranker_wrong_procedure_heldout"


def _per_procedure() -> int:
    """Generated questions per procedure (RANKER_GENERATED_PER_PROCEDURE; CI uses fewer)."""
    try:
        return max(0, int(os.environ.get("RANKER_GENERATED_PER_PROCEDURE", "1")))
    except ValueError:
        return 1


def _gate_items(path: Path) -> list[Labelled]:
    return from_eval_items(load_jsonl(path), path.stem) if path.exists() else []


def _summary(score: GateScore) -> dict[str, float | int]:
    return {"questions": score.questions, "right": score.right, "accuracy": round(score.accuracy, 4),
            "wrong_procedure": score.wrong_procedure, "wrong_rate": round(score.wrong_rate, 4),
            "clarified": score.clarified}


class RankerStep(Step):
    """Train the procedure ranker and score it beside the one in use on the frozen question file."""

    name, title = "ranker", "huấn luyện bộ xếp hạng thủ tục"

    def applies(self, ctx: RunContext) -> str:
        try:
            with session_scope() as session:
                count = store.active_procedure_count(session=session)
        except SQLAlchemyError as exc:
            logger.warning("Knowledge base unreadable; the ranker is not retrained: %s", exc)
            return "không đọc được cơ sở dữ liệu thủ tục; giữ bộ xếp hạng đang dùng"
        return "" if count else "cơ sở dữ liệu chưa có thủ tục nào"

    def run(self, ctx: RunContext, section: Section) -> None:
        with session_scope() as session:
            res = build(session=session, use_ranker=True)
            staff = [
                Labelled(q.text, (q.procedure_code,) if q.procedure_code else (), q.fact or None, source="admin")
                for q in store.labelled_questions(session=session) if q.origin == "staff"
            ]
        examples = training_examples(res.procedures, per_procedure=_per_procedure(), seed=0, extra=staff)
        candidate = fit(res.procedures, examples)
        held_out = _gate_items(GATE_FILE)
        new = gate_score(res.procedures, candidate, held_out)
        old = gate_score(res.procedures, res.ranker, held_out) if res.ranker is not None else None
        label = f"bộ xếp hạng thủ tục ({GATE_FILE.name})"
        ctx.comparisons.append(gate.Comparison(ACCURACY, f"tỉ lệ đúng, {label}", new.accuracy,
                                               old.accuracy if old else None))
        ctx.comparisons.append(gate.Comparison(WRONG, f"tỉ lệ nêu sai thủ tục, {label}", new.wrong_rate,
                                               old.wrong_rate if old else None, higher_is_better=False))
        path = ctx.work_dir / "ranker.pickle"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(candidate.dumps())
        ctx.artifacts[ARTIFACT] = path
        ctx.extras[ARTIFACT] = candidate
        section.data = {"training": candidate.report, "examples": len(examples), "admin_labelled": len(staff),
                        "heldout_file": str(GATE_FILE.relative_to(PROJECT_ROOT)), "candidate": _summary(new),
                        "current": _summary(old) if old else None}
        section.summary = (
            f"Bộ xếp hạng mới: đúng {new.accuracy:.1%}, nêu sai thủ tục {new.wrong_rate:.1%} trên "
            f"{new.questions} câu" + (f"; đang dùng: đúng {old.accuracy:.1%}, sai {old.wrong_rate:.1%}." if old else ".")
        )


class ActivateRankerStep(Step):
    """A promoted run's ranker becomes the active one; a refused run's ranker is kept as history."""

    name, title = "ranker_activate", "dùng bộ xếp hạng mới"

    def applies(self, ctx: RunContext) -> str:
        return "" if ARTIFACT in ctx.extras else "không có bộ xếp hạng mới"

    def run(self, ctx: RunContext, section: Section) -> None:
        ranker: Ranker = ctx.extras[ARTIFACT]
        activate = ctx.promoted is not None
        with session_scope() as session:
            rid = store.store_ranker(session=session, blob=ranker.dumps(), report=ranker.report,
                                     created_by=f"training {ctx.stamp}", activate=activate)
        section.data = {"ranker_id": rid, "active": activate}
        section.summary = (f"Bộ xếp hạng #{rid} đang được dùng." if activate
                           else f"Bộ xếp hạng #{rid} được lưu, không dùng (mô hình mới không được chấp nhận).")
        logger.info("ranker %s stored (active=%s): %s", rid, activate, json.dumps(ranker.report, default=str)[:500])
