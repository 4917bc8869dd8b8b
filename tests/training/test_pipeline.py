"""The pipeline's stages with Rasa replaced by fakes: promotion, refusal, forcing, run records, reload."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from bot.knowledge import db
from bot.training import __main__ as cli
from bot.training import gate, pipeline, rasa_ops
from bot.training.models import TrainingRun
from bot.training.paths import ProjectPaths
from bot.training.pipeline import PipelineOptions, run_pipeline


class FakeRasa:
    """Stands in for rasa_ops; ``quality`` decides whether predictions are right."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, quality: str = "good") -> None:
        self.quality = quality
        self.reloaded: list[Path] = []
        self.validated = 0
        monkeypatch.setattr(rasa_ops, "validate", self.validate)
        monkeypatch.setattr(rasa_ops, "train", self.train)
        monkeypatch.setattr(rasa_ops, "predict", self.predict)
        monkeypatch.setattr(rasa_ops, "load_into_server", self.load)

    def validate(self, **_kw: object) -> None:
        self.validated += 1

    def train(self, *, out: Path, name: str, data: list[Path], **_kw: object) -> Path:
        assert any(p.name == "nlu-train.yml" for p in data)
        out.mkdir(parents=True, exist_ok=True)
        model = out / f"{name}.tar.gz"
        model.write_bytes(b"fake model")
        return model

    def predict(self, _model: Path, texts: list[str]) -> list[tuple[str, float]]:
        from tests.training.tiny_project import EXAMPLES

        gold = {t: intent for intent, ts in EXAMPLES.items() for t in ts}
        if self.quality == "good":
            return [(gold.get(t, "ask_fee"), 0.9) for t in texts]
        return [("greet", 0.4) for _ in texts]

    def load(self, model: Path, **_kw: object) -> None:
        self.reloaded.append(model)


def _paths(root: Path) -> ProjectPaths:
    return ProjectPaths(root=root, eval_questions=())


def _options(**kw: object) -> PipelineOptions:
    return PipelineOptions(export_db=False, rasa_url="http://rasa.invalid", **kw)  # type: ignore[arg-type]


def test_first_model_is_promoted_reported_and_reloaded(tiny_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeRasa(monkeypatch)
    result = run_pipeline(_paths(tiny_project), _options())
    assert result.promoted and result.reloaded and fake.validated == 1
    assert result.model_path is not None and result.model_path.parent == tiny_project / "models"
    assert fake.reloaded == [result.model_path]
    current = gate.read_current(tiny_project / "models" / "current.json")
    assert current is not None and current["model"] == str(result.model_path)
    assert current["metrics"]["macro_f1"] == 1.0
    assert result.report_dir is not None
    assert {"report.md", "metrics.json", "misclassified.json", "confusion-heldout.png"} <= {
        p.name for p in result.report_dir.iterdir()}
    held = json.loads((result.report_dir / "metrics.json").read_text())["results"]["heldout"]
    assert set(held["per_intent"]) == {"greet", "ask_fee", "ask_time"}
    assert all(m["support"] >= 1 for m in held["per_intent"].values())  # stratified: every intent is tested


def test_worse_model_is_refused_and_not_served(tiny_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeRasa(monkeypatch, quality="bad")
    current = {"model": "models/old.tar.gz", "metrics": {"macro_f1": 0.95}}
    gate.write_current(tiny_project / "models" / "current.json", current)
    result = run_pipeline(_paths(tiny_project), _options())
    assert not result.promoted and "Từ chối" in result.reason
    assert gate.read_current(tiny_project / "models" / "current.json") == current
    assert result.model_path is not None and result.model_path.parent.name == "candidates"
    assert list((tiny_project / "models").glob("*.tar.gz")) == []  # `rasa run --model models` never sees it
    assert fake.reloaded == []
    misclassified = json.loads((result.report_dir / "misclassified.json").read_text())["heldout"]
    assert misclassified and all(m["predicted"] == "greet" for m in misclassified)


def test_force_promotes_a_worse_model(tiny_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    FakeRasa(monkeypatch, quality="bad")
    gate.write_current(tiny_project / "models" / "current.json", {"model": "x", "metrics": {"macro_f1": 0.95}})
    result = run_pipeline(_paths(tiny_project), _options(force=True))
    assert result.promoted
    assert gate.read_current(tiny_project / "models" / "current.json")["metrics"]["macro_f1"] < 0.95


def test_split_is_reproducible(tiny_project: Path, tmp_path: Path) -> None:
    _, a = pipeline.split_nlu(_paths(tiny_project), train_frac=0.75, seed=7, work_dir=tmp_path / "a")
    _, b = pipeline.split_nlu(_paths(tiny_project), train_frac=0.75, seed=7, work_dir=tmp_path / "b")
    assert [x.text for x in a] == [x.text for x in b] and len(a) == 6


def test_command_records_the_run(
    tiny_project: Path, database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    FakeRasa(monkeypatch, quality="bad")
    gate.write_current(tiny_project / "models" / "current.json", {"model": "x", "metrics": {"macro_f1": 0.95}})
    with db.session_scope() as s:
        run = TrainingRun(status="queued", started_by="hlv")
        s.add(run)
        s.flush()
        run_id = run.id
    code = cli.main(["--project-root", str(tiny_project), "--no-export", "--no-reload", "--run-id", str(run_id)])
    assert code == 2  # refused
    with db.session_scope() as s:
        run = s.execute(select(TrainingRun)).scalar_one()
        assert run.status == "refused" and run.finished_at is not None and "Từ chối" in run.message
        assert float(run.macro_f1) < 0.95 and run.report_dir


def test_failed_stage_marks_the_run_failed(tiny_project: Path, database: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    FakeRasa(monkeypatch)

    def broken(**_kw: object) -> None:
        raise rasa_ops.RasaError("validate: exit code 1")

    monkeypatch.setattr(rasa_ops, "validate", broken)
    with db.session_scope() as s:
        s.add(TrainingRun(status="queued", started_by="hlv"))
    assert cli.main(["--project-root", str(tiny_project), "--no-export", "--run-id", "1"]) == 1
    with db.session_scope() as s:
        run = s.execute(select(TrainingRun)).scalar_one()
        assert run.status == "failed" and "validate" in run.message


async def test_reload_puts_the_model_to_the_rasa_api(tmp_path: Path) -> None:
    seen: list[dict] = []

    async def put_model(request: web.Request) -> web.Response:
        seen.append({"body": await request.json(), "token": request.query.get("token")})
        return web.Response(status=204)

    app = web.Application()
    app.router.add_put("/model", put_model)
    async with TestServer(app) as server:
        url = str(server.make_url("")).rstrip("/")
        model = tmp_path / "m.tar.gz"
        await asyncio.to_thread(rasa_ops.load_into_server, model, rasa_url=url, token="t0k", timeout=5)
        with pytest.raises(rasa_ops.RasaError):
            await asyncio.to_thread(rasa_ops.load_into_server, model, rasa_url=url + "/nope", timeout=5)
    assert seen == [{"body": {"model_file": str(model.resolve())}, "token": "t0k"}]


def test_admin_examples_reach_the_training_data(
    tiny_project: Path, database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.training.examples import add_example

    FakeRasa(monkeypatch)
    with db.session_scope() as s:
        add_example(session=s, intent="ask_fee", text="làm sổ hồng hết mấy đồng", username="hlv", intents=["ask_fee"])
    split_texts: list[str] = []
    real_split = pipeline.split_nlu

    def spy(*args: object, **kw: object):  # noqa: ANN202
        train_file, held_out = real_split(*args, **kw)  # type: ignore[arg-type]
        split_texts.extend([train_file.read_text(encoding="utf-8")] + [h.text for h in held_out])
        return train_file, held_out

    monkeypatch.setattr(pipeline, "split_nlu", spy)
    run_pipeline(_paths(tiny_project), PipelineOptions(export_db=True, reload=False))
    assert "làm sổ hồng hết mấy đồng" in (tiny_project / "data/nlu/generated/examples.yml").read_text(encoding="utf-8")
    assert any("làm sổ hồng hết mấy đồng" in t for t in split_texts)


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
    assert result.promoted
    assert "intent: old" not in stale.read_text(encoding="utf-8")
