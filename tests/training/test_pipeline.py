"""The pipeline's steps with Rasa's training and parsing replaced by fakes.

Promotion writes models/current.tar.gz; the gate scores the served and the new model on the same
frozen held-out set in the same run; held-out sentences are never trained on; the report has one
section per step, as JSON and Markdown; an added step plugs in with its own gate metric and artifact.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from bot import db
from bot.training import __main__ as cli
from bot.training import gate, rasa_ops, replicas
from bot.training.data import HeldOutError, nlu_files
from bot.training.models import TrainingRun
from bot.training.paths import ProjectPaths
from bot.training.pipeline import PipelineError, PipelineOptions, RunContext, Step, run_pipeline
from bot.training.promotion import model_id
from bot.training.report import Section
from bot.training.steps import GATE_METRIC, TrainStep, default_steps
from tests.training.fakes import write_fake_model
from tests.training.tiny_project import EXAMPLES, HELDOUT

GOLD = {t: intent for table in (EXAMPLES, HELDOUT) for intent, ts in table.items() for t in ts}


class FakeRasa:
    """Stands in for rasa_ops; each model's answers are 'good' (gold) or 'bad' (always greet)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *, candidate: str = "good", current: str = "good") -> None:
        self.quality = {"candidate": candidate, "current": current}
        self.trained_on: list[str] = []
        self.validated: list[list[Path]] = []
        self.predicted: dict[str, list[str]] = {}
        self.reloads: list[dict] = []
        monkeypatch.setattr(rasa_ops, "validate", self.validate)
        monkeypatch.setattr(rasa_ops, "train", self.train)
        monkeypatch.setattr(rasa_ops, "predict", self.predict)
        monkeypatch.setattr(replicas, "reload_all", self.reload_all)

    def validate(self, *, data: list[Path], **_kw: object) -> None:
        self.validated.append(list(data))

    def train(self, *, out: Path, name: str, data: list[Path], config: Path, **_kw: object) -> Path:
        self.config = config
        train_file = next(p for p in data if p.name == "nlu-train.yml")
        self.trained_on.append(train_file.read_text(encoding="utf-8"))
        return write_fake_model(out / f"{name}.tar.gz", model_id=f"id-{name}")

    def predict(self, model: Path, texts: list[str]) -> list[tuple[str, float]]:
        which = "current" if model.name == "current.tar.gz" else "candidate"
        self.predicted[which] = list(texts)
        if self.quality[which] == "good":
            return [(GOLD.get(t, "greet"), 0.9) for t in texts]
        return [("greet", 0.4) for _ in texts]

    def reload_all(self, entries: list[str], **kw: object) -> list[replicas.ReplicaResult]:
        self.reloads.append({"entries": list(entries), **kw})
        return [replicas.ReplicaResult(url=e, ok=True, seconds=0.1, model_id=str(kw["expected_id"])) for e in entries]


def _paths(root: Path) -> ProjectPaths:
    return ProjectPaths(root=root, eval_questions=())


def _options(**kw: object) -> PipelineOptions:
    return PipelineOptions(export_db=False, rasa_url="http://rasa.invalid", **kw)  # type: ignore[arg-type]


def _serve_old_model(project: Path, *, recorded_f1: float = 0.5) -> Path:
    served = write_fake_model(project / "models" / "current.tar.gz", model_id="old-model")
    gate.write_current(project / "models" / "current.json", {"model": str(served), "metrics": {GATE_METRIC: recorded_f1}})
    return served


def _section(result, name: str) -> dict:  # noqa: ANN001
    return next(s for s in result.report["sections"] if s["name"] == name)


def test_first_model_becomes_the_served_file_and_is_reloaded(tiny_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeRasa(monkeypatch)
    result = run_pipeline(_paths(tiny_project), _options())
    assert result.promoted and result.reloaded
    served = tiny_project / "models" / "current.tar.gz"  # what deploy/ starts Rasa with
    assert model_id(served).startswith("id-model-")
    assert fake.reloads[0]["entries"] == ["http://rasa.invalid"]
    assert fake.reloads[0]["model_path"] == str(served.resolve())
    assert fake.reloads[0]["expected_id"] == model_id(served)
    current = gate.read_current(tiny_project / "models" / "current.json")
    assert current is not None and current["model"] == str(served) and current["metrics"][GATE_METRIC] == 1.0
    assert (Path(current["archive"])).exists()  # kept for rollback
    assert list((tiny_project / "models").glob("*.tar.gz")) == [served]  # nothing else where Rasa looks
    assert "Chưa có mô hình hiện hành" in result.reason


def test_report_has_one_section_per_step_in_json_and_markdown(tiny_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    FakeRasa(monkeypatch)
    result = run_pipeline(_paths(tiny_project), _options(validate=False))
    assert result.report_dir is not None
    document = json.loads((result.report_dir / "report.json").read_text(encoding="utf-8"))
    assert document["schema"] == 1 and document["run"]["outcome"] == "promoted"
    assert [s["name"] for s in document["sections"]] == [s.name for s in default_steps()]
    assert {s["name"]: s["status"] for s in document["sections"]} == {
        "export": "skipped", "validate": "skipped", "data": "ok", "train": "ok", "evaluate": "ok",
        # no procedures in this database: the ranker keeps the one in use
        "ranker": "skipped", "gate": "ok", "promote": "ok", "ranker_activate": "skipped", "reload": "ok"}
    evaluate = next(s for s in document["sections"] if s["name"] == "evaluate")
    heldout = evaluate["data"]["models"]["candidate"]["results"]["heldout"]
    assert set(heldout["per_intent"]) == {"greet", "ask_fee", "ask_time"} and heldout["count"] == 6
    assert evaluate["data"]["heldout"]["count"] == 6 and len(evaluate["data"]["heldout"]["sha256"]) == 64
    md = (result.report_dir / "report.md").read_text(encoding="utf-8")
    for step in default_steps():
        assert f"## {step.title}" in md
    assert (result.report_dir / "confusion-heldout.png").read_bytes()[:4] == b"\x89PNG"


def test_both_models_are_scored_on_the_same_heldout_set_in_the_same_run(
    tiny_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # current.json claims a poor score for the served model; the gate must not believe it but score it now.
    served = _serve_old_model(tiny_project, recorded_f1=0.1)
    fake = FakeRasa(monkeypatch, candidate="bad", current="good")
    result = run_pipeline(_paths(tiny_project), _options())
    heldout_texts = [t for ts in HELDOUT.values() for t in ts]
    assert fake.predicted["current"] == fake.predicted["candidate"] and fake.predicted["current"] == heldout_texts
    assert not result.promoted and "Từ chối" in result.reason
    comparison = _section(result, "gate")["data"]["comparisons"][0]
    assert comparison["old"] == 1.0 and comparison["new"] < 1.0
    assert model_id(served) == "old-model" and fake.reloads == []  # the served model is untouched
    assert _section(result, "promote")["status"] == "skipped"
    assert list((tiny_project / "models" / "candidates").glob("model-*.tar.gz"))  # kept for inspection only


def test_a_better_or_equal_model_replaces_the_served_one(tiny_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    served = _serve_old_model(tiny_project, recorded_f1=0.99)
    FakeRasa(monkeypatch, candidate="good", current="bad")
    assert run_pipeline(_paths(tiny_project), _options()).promoted
    assert model_id(served).startswith("id-model-")
    FakeRasa(monkeypatch, candidate="good", current="good")  # equal: not worse, so promoted
    result = run_pipeline(_paths(tiny_project), _options())
    assert result.promoted and "Không kém hơn" in result.reason


def test_force_promotes_a_worse_model(tiny_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _serve_old_model(tiny_project)
    FakeRasa(monkeypatch, candidate="bad", current="good")
    result = run_pipeline(_paths(tiny_project), _options(force=True))
    assert result.promoted and "--force" in result.reason
    assert _section(result, "gate")["data"]["worse"] == [GATE_METRIC]


def test_heldout_sentences_are_never_trained_on(
    tiny_project: Path, database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.training.examples import add_example

    leaked = HELDOUT["ask_fee"][0]
    basics = tiny_project / "data" / "nlu" / "basics.yml"
    basics.write_text(basics.read_text(encoding="utf-8").replace("      - phí bao nhiêu vậy\n",
                      "      - phí bao nhiêu vậy\n      - LỆ PHÍ HẾT BAO NHIÊU TIỀN VẬY\n"), encoding="utf-8")
    with db.session_scope() as s:  # staff add a held-out sentence (without accents) in the admin
        add_example(session=s, intent="ask_time", text="bao nhieu lau thi co ket qua", username="hlv",
                    intents=["ask_time"])
        add_example(session=s, intent="ask_fee", text="làm sổ hồng hết mấy đồng", username="hlv", intents=["ask_fee"])
    fake = FakeRasa(monkeypatch)
    result = run_pipeline(_paths(tiny_project), PipelineOptions(export_db=True, reload=False))
    trained = fake.trained_on[0].lower()
    assert "làm sổ hồng hết mấy đồng" in trained  # admin examples do reach training
    assert leaked not in trained and "bao nhieu lau thi co ket qua" not in trained
    data = _section(result, "data")
    assert sorted(data["data"]["excluded_heldout_duplicates"]) == ["LỆ PHÍ HẾT BAO NHIÊU TIỀN VẬY",
                                                                   "bao nhieu lau thi co ket qua"]
    assert data["status"] == "warning"


def test_readme_beside_generated_files_is_not_training_data(tiny_project: Path) -> None:
    files = nlu_files(tiny_project / "data" / "nlu")
    assert (tiny_project / "data/nlu/generated/README.md").exists()
    assert [f.name for f in files] == ["basics.yml"]


def test_validate_gets_training_files_not_the_folder(tiny_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeRasa(monkeypatch)
    run_pipeline(_paths(tiny_project), _options())
    assert all(p.suffix == ".yml" or p.is_dir() for p in fake.validated[0])
    assert not any(p.name == "README.md" for p in fake.validated[0])


def test_config_option_trains_with_another_config(tiny_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeRasa(monkeypatch)
    (tiny_project / "config-fast.yml").write_text((tiny_project / "config.yml").read_text())
    run_pipeline(_paths(tiny_project), _options(config=Path("config-fast.yml")))
    assert fake.config == tiny_project / "config-fast.yml"


def test_missing_heldout_set_fails_the_run_with_a_report(tiny_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    FakeRasa(monkeypatch)
    (tiny_project / "eval" / "nlu-heldout.yml").unlink()
    with pytest.raises(PipelineError) as info:
        run_pipeline(_paths(tiny_project), _options())
    assert isinstance(info.value.__cause__, HeldOutError)
    report = json.loads((info.value.result.report_dir / "report.json").read_text(encoding="utf-8"))
    assert report["run"]["outcome"] == "failed"
    assert [s["status"] for s in report["sections"]][-1] == "failed"


class RankerStep(Step):
    """What an added step looks like: its own metric for the gate, its own artifact, its own section."""

    name, title = "ranker", "xếp hạng thủ tục"

    def __init__(self, new: float, old: float) -> None:
        self.new, self.old = new, old

    def run(self, ctx: RunContext, section: Section) -> None:
        artifact = ctx.work_dir / "ranker.joblib"
        artifact.parent.mkdir(parents=True, exist_ok=True)
        artifact.write_bytes(b"ranker")
        ctx.artifacts["ranker"] = artifact
        from bot.training.gate import Comparison

        ctx.comparisons.append(Comparison(name="ranker_top1", label="top-1 xếp hạng", new=self.new, old=self.old))
        section.summary, section.data = "đã huấn luyện", {"top1": self.new}


def _with_ranker(new: float, old: float) -> list[Step]:
    steps = default_steps()
    at = next(i for i, s in enumerate(steps) if isinstance(s, TrainStep)) + 1
    return [*steps[:at], RankerStep(new, old), *steps[at:]]


def test_an_added_step_has_its_section_its_gate_metric_and_its_artifact(
    tiny_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _serve_old_model(tiny_project)
    FakeRasa(monkeypatch)
    refused = run_pipeline(_paths(tiny_project), _options(), steps=_with_ranker(new=0.7, old=0.8))
    assert not refused.promoted and _section(refused, "gate")["data"]["worse"] == ["ranker_top1"]
    assert _section(refused, "ranker")["data"] == {"top1": 0.7}
    promoted = run_pipeline(_paths(tiny_project), _options(), steps=_with_ranker(new=0.8, old=0.8))
    assert promoted.promoted
    assert (tiny_project / "models" / "current-ranker.joblib").read_bytes() == b"ranker"


def test_command_records_the_run(tiny_project: Path, database: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _serve_old_model(tiny_project)
    FakeRasa(monkeypatch, candidate="bad")
    with db.session_scope() as s:
        run = TrainingRun(status="running", started_by="hlv")
        s.add(run)
        s.flush()
        run_id = run.id
    code = cli.main(["--project-root", str(tiny_project), "--no-export", "--no-reload", "--run-id", str(run_id)])
    assert code == cli.EXIT_REFUSED
    with db.session_scope() as s:
        run = s.execute(select(TrainingRun)).scalar_one()
        assert run.status == "refused" and run.finished_at is not None and "Từ chối" in run.message
        assert float(run.macro_f1) < 1.0 and run.report_dir and "==> huấn luyện" in run.log_tail
        report = json.loads(run.report_json)
        assert report["run"]["outcome"] == "refused" and report["sections"][-1]["name"] == "reload"


def test_command_line_run_is_recorded_for_the_admin(
    tiny_project: Path, database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    FakeRasa(monkeypatch)
    assert cli.main(["--project-root", str(tiny_project), "--no-export", "--no-reload"]) == cli.EXIT_PROMOTED
    with db.session_scope() as s:
        run = s.execute(select(TrainingRun)).scalar_one()
        assert run.status == "promoted" and run.started_by.startswith("cli:") and run.report_json


def test_failed_step_marks_the_run_failed(tiny_project: Path, database: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    FakeRasa(monkeypatch)

    def broken(**_kw: object) -> None:
        raise rasa_ops.RasaError("validate: exit code 1")

    monkeypatch.setattr(rasa_ops, "validate", broken)
    with db.session_scope() as s:
        s.add(TrainingRun(status="running", started_by="hlv"))
    assert cli.main(["--project-root", str(tiny_project), "--no-export", "--run-id", "1"]) == cli.EXIT_FAILED
    with db.session_scope() as s:
        run = s.execute(select(TrainingRun)).scalar_one()
        assert run.status == "failed" and "validate" in run.message
        assert json.loads(run.report_json)["sections"][1]["status"] == "failed"


def test_unreadable_database_does_not_block_training(
    tiny_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    FakeRasa(monkeypatch)
    stale = tiny_project / "data/nlu/generated/examples.yml"
    stale.write_text('version: "3.1"\nnlu:\n  - intent: old\n    examples: |\n      - cũ\n', encoding="utf-8")
    db.reset_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        result = run_pipeline(_paths(tiny_project), PipelineOptions(export_db=True, reload=False))
    finally:
        db.get_engine().dispose()
    assert result.promoted and _section(result, "export")["status"] == "warning"
    assert "intent: old" not in stale.read_text(encoding="utf-8")
