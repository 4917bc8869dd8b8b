"""The default steps of the trainer pipeline, in order (docs/training.md describes each one)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy.exc import OperationalError

from bot.training import gate, promotion, rasa_ops, replicas
from bot.training.data import load_heldout, nlu_files, write_training_file
from bot.training.examples import known_intents
from bot.training.metrics import EvalResult, LabelledText, evaluate_predictions, load_question_file
from bot.training.pipeline import RunContext, Step
from bot.training.report import (
    SECTION_WARNING,
    Section,
    metrics_table,
    misclassified_table,
    try_confusion_png,
)

logger = logging.getLogger(__name__)

HELDOUT = "heldout"
CANDIDATE, CURRENT = "candidate", "current"
GATE_METRIC = "intent_macro_f1_heldout"
KEEP_CANDIDATES = 3


class ExportStep(Step):
    """Database -> data/nlu/generated (procedure lookup and synonyms, examples staff added)."""

    name, title = "export", "xuất dữ liệu từ CSDL"

    def applies(self, ctx: RunContext) -> str:
        return "" if ctx.options.export_db else "bỏ qua theo yêu cầu (--no-export)"

    def run(self, ctx: RunContext, section: Section) -> None:
        from bot.db import session_scope
        from bot.training.export import export_generated, write_empty_generated

        try:
            with session_scope() as session:
                summary = export_generated(session=session, out_dir=ctx.paths.generated_dir)
        except OperationalError as exc:
            # An empty or unmigrated database (no `make seed` yet) must not block training.
            logger.warning("Database not readable (%s); training without database-derived data (run make seed)",
                           str(exc.orig) if exc.orig else exc.__class__.__name__)
            write_empty_generated(ctx.paths.generated_dir)
            section.status = SECTION_WARNING
            section.summary = "CSDL chưa đọc được (chưa chạy make seed?): huấn luyện không có dữ liệu từ CSDL."
            return
        section.data = {"lookup_entries": summary.lookup_entries, "synonyms": summary.synonyms,
                        "examples": summary.examples, "intents": summary.intents}
        section.summary = (f"{summary.lookup_entries} tên gọi thủ tục, {summary.examples} câu ví dụ do cán bộ "
                           f"thêm ({summary.intents} ý định).")


class ValidateStep(Step):
    """``rasa data validate`` on the domain, the config and every training file."""

    name, title = "validate", "kiểm tra dữ liệu (rasa data validate)"

    def applies(self, ctx: RunContext) -> str:
        return "" if ctx.options.validate else "bỏ qua theo yêu cầu (--skip-validate)"

    def run(self, ctx: RunContext, section: Section) -> None:
        files = nlu_files(ctx.paths.nlu_dir)
        rasa_ops.validate(domain=ctx.paths.domain, config=ctx.rasa_config, data=[*files, *ctx.paths.core_data],
                          cwd=ctx.paths.root)
        section.summary = f"{len(files)} tệp NLU, luật và hội thoại hợp lệ."
        section.data = {"nlu_files": [str(f.relative_to(ctx.paths.root)) for f in files]}


class DataStep(Step):
    """Merge the NLU files into the training file, leaving out every example of the frozen held-out set."""

    name, title = "data", "dữ liệu huấn luyện và tập kiểm tra cố định"

    def run(self, ctx: RunContext, section: Section) -> None:
        ctx.heldout = load_heldout(ctx.paths.heldout, intents=known_intents(ctx.paths.domain))
        ctx.training_files = nlu_files(ctx.paths.nlu_dir)
        ctx.training_file = write_training_file(ctx.training_files, ctx.heldout, ctx.work_dir / "nlu-train.yml")
        tf = ctx.training_file
        section.data = {
            "training_files": [str(f.relative_to(ctx.paths.root)) for f in ctx.training_files],
            "training_examples": tf.examples, "training_per_intent": tf.per_intent,
            "excluded_heldout_duplicates": list(tf.excluded), "heldout": ctx.heldout.describe(),
        }
        section.summary = (f"Huấn luyện trên {tf.examples} câu ({len(tf.per_intent)} ý định); tập kiểm tra cố định "
                           f"{len(ctx.heldout.items)} câu, không bao giờ dùng để huấn luyện.")
        if tf.excluded:
            section.status = SECTION_WARNING
            section.summary += f" Đã loại {len(tf.excluded)} câu huấn luyện trùng với tập kiểm tra."
            section.markdown = "Câu bị loại khỏi dữ liệu huấn luyện:\n\n" + "\n".join(f"- {t}" for t in tf.excluded)


class TrainStep(Step):
    """``rasa train`` into models/candidates/ (never where Rasa looks for a model)."""

    name, title = "train", "huấn luyện (rasa train)"

    def run(self, ctx: RunContext, section: Section) -> None:
        assert ctx.training_file is not None
        ctx.candidate = rasa_ops.train(
            domain=ctx.paths.domain, config=ctx.rasa_config, data=[ctx.training_file.path, *ctx.paths.core_data],
            out=ctx.paths.candidates_dir, name=f"model-{ctx.stamp}", cwd=ctx.paths.root,
            timeout=ctx.options.train_timeout,
        )
        section.data = {"candidate": str(ctx.candidate), "config": str(ctx.rasa_config),
                        "bytes": ctx.candidate.stat().st_size}
        section.summary = f"Mô hình ứng viên {ctx.candidate.name} (cấu hình {ctx.rasa_config.name})."
        kept = [p for p in sorted(ctx.paths.candidates_dir.glob("model-*.tar.gz")) if p != ctx.candidate]
        promotion.prune_files(kept, keep=KEEP_CANDIDATES - 1)


def _score(model: Path, sets: list[tuple[str, list[LabelledText]]]) -> dict[str, EvalResult]:
    texts = [item.text for _, items in sets for item in items]
    predictions = rasa_ops.predict(model, texts)
    results, offset = {}, 0
    for name, items in sets:
        results[name] = evaluate_predictions(name, items, predictions[offset: offset + len(items)])
        offset += len(items)
    return results


class EvaluateStep(Step):
    """Score the candidate and the served model in this run, on the same frozen held-out set."""

    name, title = "evaluate", "đánh giá mô hình mới và mô hình hiện hành trên cùng tập kiểm tra"

    def run(self, ctx: RunContext, section: Section) -> None:
        assert ctx.candidate is not None and ctx.heldout is not None
        sets: list[tuple[str, list[LabelledText]]] = [(HELDOUT, list(ctx.heldout.items))]
        for qfile in ctx.paths.eval_questions:
            if qfile.exists():
                sets.append((qfile.stem.replace("citizen-questions-", "questions-"), load_question_file(qfile)))
            else:
                logger.warning("Question file %s not found; skipped", qfile)
        ctx.evaluations[CANDIDATE] = _score(ctx.candidate, sets)
        served = ctx.paths.served_model
        current_error = ""
        if served.exists():
            try:
                ctx.evaluations[CURRENT] = _score(served, sets)
            except Exception as exc:  # noqa: BLE001 - a model this Rasa cannot load is reported, not fatal
                logger.exception("The served model %s could not be scored", served)
                current_error = f"{exc.__class__.__name__}: {exc}"[:500]
        new = ctx.evaluations[CANDIDATE][HELDOUT]
        old = ctx.evaluations.get(CURRENT, {}).get(HELDOUT)
        ctx.comparisons.append(gate.Comparison(
            name=GATE_METRIC, label="macro F1 ý định (tập kiểm tra cố định)", new=new.macro_f1,
            old=old.macro_f1 if old else None,
        ))
        self._report(ctx, section, current_error)

    def _report(self, ctx: RunContext, section: Section, current_error: str) -> None:
        assert ctx.heldout is not None and ctx.candidate is not None
        files = {CANDIDATE: ctx.candidate, CURRENT: ctx.paths.served_model}
        models: dict[str, dict[str, Any] | None] = {}
        for key, results in ctx.evaluations.items():
            models[key] = {"file": str(files[key]), "model_id": promotion.model_id(files[key]),
                           "results": {name: r.to_dict() for name, r in results.items()}}
        models.setdefault(CURRENT, None)
        pictures = [f"confusion-{HELDOUT}.png"] if try_confusion_png(
            ctx.evaluations[CANDIDATE][HELDOUT], ctx.report_dir / f"confusion-{HELDOUT}.png") else []
        section.data = {"heldout": ctx.heldout.describe(), "models": models, "current_error": current_error,
                        "pictures": pictures}
        new = ctx.evaluations[CANDIDATE][HELDOUT]
        old = ctx.evaluations.get(CURRENT, {}).get(HELDOUT)
        section.summary = f"Tập kiểm tra cố định ({new.count} câu): macro F1 mới {new.macro_f1:.3f}" + (
            f", hiện hành {old.macro_f1:.3f}." if old else
            (f"; mô hình hiện hành không chấm được ({current_error})." if current_error else
             "; chưa có mô hình hiện hành."))
        if current_error:
            section.status = SECTION_WARNING
        parts = []
        for set_name in ctx.evaluations[CANDIDATE]:
            by_model = {m: ctx.evaluations[m][set_name] for m in ctx.evaluations}
            parts += [f"### {set_name}", "", metrics_table(by_model), ""]
        parts += [f"![ma trận nhầm lẫn](confusion-{HELDOUT}.png)", ""] if pictures else []
        wrong = misclassified_table(new)
        if wrong:
            parts += ["### Câu mô hình mới phân loại sai (tập kiểm tra cố định)", "", wrong]
        section.markdown = "\n".join(parts)


class GateStep(Step):
    """Promote only if no comparison got worse (beyond the tolerance), unless forced."""

    name, title = "gate", "so sánh với mô hình hiện hành"

    def run(self, ctx: RunContext, section: Section) -> None:
        ctx.decision = gate.decide(ctx.comparisons, tolerance=ctx.options.tolerance, force=ctx.options.force)
        section.summary = ctx.decision.reason
        section.data = {"promote": ctx.decision.promote, "reason": ctx.decision.reason,
                        "worse": list(ctx.decision.failed), "tolerance": ctx.options.tolerance,
                        "force": ctx.options.force, "comparisons": [c.to_dict() for c in ctx.comparisons]}
        rows = ["| chỉ số | mới | hiện hành | kém hơn |", "|---|---:|---:|:---:|"]
        for c in ctx.comparisons:
            old = f"{c.old:.3f}" if c.old is not None else "–"
            rows.append(f"| {c.label} | {c.new:.3f} | {old} | {'có' if c.name in ctx.decision.failed else ''} |")
        section.markdown = "\n".join(rows)
        logger.info("Gate: %s", ctx.decision.reason)


class PromoteStep(Step):
    """The candidate becomes models/current.tar.gz (what production loads); earlier ones are archived."""

    name, title = "promote", "thay mô hình (models/current.tar.gz)"

    def applies(self, ctx: RunContext) -> str:
        return "" if ctx.decision and ctx.decision.promote else "mô hình mới không được chấp nhận"

    def run(self, ctx: RunContext, section: Section) -> None:
        assert ctx.candidate is not None and ctx.decision is not None
        scores = {c.name: c.new for c in ctx.comparisons}
        ctx.promoted = promotion.promote(
            ctx.candidate, ctx.paths, stamp=ctx.stamp, extras=ctx.artifacts,
            record={"metrics": scores, "report": str(ctx.report_dir), "reason": ctx.decision.reason,
                    "heldout_sha256": ctx.heldout.sha256 if ctx.heldout else ""},
        )
        ctx.candidate = ctx.promoted.archive_dir / promotion.ARCHIVE_MODEL_NAME
        section.data = {"served": str(ctx.promoted.served), "archive": str(ctx.promoted.archive_dir),
                        "model_id": ctx.promoted.model_id, "sha256": ctx.promoted.sha256,
                        "extras": {k: str(v) for k, v in ctx.promoted.extras.items()}}
        section.summary = f"Đang phục vụ: {ctx.promoted.served} (mã mô hình {ctx.promoted.model_id or '?'})."


class ReloadStep(Step):
    """PUT /model on every Rasa replica, one at a time, and check that each serves the new model."""

    name, title = "reload", "nạp mô hình vào mọi máy chủ Rasa"

    def applies(self, ctx: RunContext) -> str:
        if ctx.promoted is None:
            return "không có mô hình mới để nạp"
        if not ctx.options.reload:
            return "bỏ qua theo yêu cầu (--no-reload); máy chủ Rasa dùng mô hình mới khi khởi động lại"
        if not (ctx.options.replica_urls or ctx.options.rasa_url):
            return "chưa cấu hình RASA_REPLICA_URLS"
        return ""

    def run(self, ctx: RunContext, section: Section) -> None:
        assert ctx.promoted is not None
        entries = ctx.options.replica_urls or (ctx.options.rasa_url,)
        model_path = ctx.options.replica_model_path or str(ctx.promoted.served.resolve())
        ctx.replicas = replicas.reload_all(entries, model_path=model_path, expected_id=ctx.promoted.model_id,
                                           token=ctx.options.rasa_token, wait=ctx.options.reload_wait)
        ok = sum(r.ok for r in ctx.replicas)
        section.data = {"model_path": model_path, "replicas": [r.to_dict() for r in ctx.replicas]}
        section.summary = f"{ok}/{len(ctx.replicas)} máy chủ Rasa đã nạp mô hình mới."
        if ok < len(ctx.replicas) or not ctx.replicas:
            section.status = SECTION_WARNING
            section.summary += (" Máy chủ chưa nạp được sẽ dùng models/current.tar.gz khi khởi động lại "
                                "(hoặc chạy lại bước nạp: python -m bot.training reload).")
        rows = ["| máy chủ | kết quả | mã mô hình | giây |", "|---|---|---|---:|"]
        rows += [f"| {r.url} | {'đã nạp' if r.ok else r.error} | {r.model_id} | {r.seconds:.1f} |" for r in ctx.replicas]
        section.markdown = "\n".join(rows)


def default_steps() -> list[Step]:
    """The pipeline in order; the procedure ranker trains after the intent model and joins its gate."""
    from bot.training.ranker_step import ActivateRankerStep, RankerStep

    return [ExportStep(), ValidateStep(), DataStep(), TrainStep(), EvaluateStep(), RankerStep(), GateStep(),
            PromoteStep(), ActivateRankerStep(), ReloadStep()]
