"""Metrics, the dev-set intent mapping, the report files and the DB -> NLU export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.training_data.loading import load_data
from sqlalchemy.orm import Session

from bot import db
from bot.knowledge.models import Alias, Procedure
from bot.training.examples import ExampleError, add_example
from bot.training.export import export_generated
from bot.training.metrics import LabelledText, evaluate_predictions, load_question_file
from bot.training.report import Section, metrics_table, misclassified_table, try_confusion_png, write_report
from tests.shared_data import DEV_SET


def test_per_intent_metrics_and_misclassified() -> None:
    items = [LabelledText("a", "ask_fee"), LabelledText("b", "ask_fee"), LabelledText("c", "ask_time"),
             LabelledText("d", "ask_time")]
    preds = [("ask_fee", 0.9), ("ask_time", 0.6), ("ask_time", 0.8), ("ask_time", 0.7)]
    r = evaluate_predictions("heldout", items, preds)
    assert r.accuracy == 0.75
    assert r.per_intent["ask_fee"] == {"precision": 1.0, "recall": 0.5, "f1": pytest.approx(2 / 3), "support": 2}
    assert r.macro_f1 == pytest.approx((2 / 3 + 0.8) / 2)
    assert r.misclassified == [{"text": "b", "gold": "ask_fee", "predicted": "ask_time", "confidence": 0.6,
                                "source": ""}]
    assert r.labels == ["ask_fee", "ask_time"] and r.confusion == [[1, 1], [0, 2]]


def test_question_file_maps_gold_intents(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"id": "1", "question": "phí bao nhiêu", "gold_intent": "phi_le_phi"},
        {"id": "2", "question": "nộp ở đâu", "gold_intent": "noi_nop"},
        {"id": "3", "question": "thời tiết", "gold_intent": None},
    ]) + "\nnot json\n", encoding="utf-8")
    items = load_question_file(path)
    assert [(i.text, i.intent) for i in items] == [("phí bao nhiêu", "ask_fee"), ("nộp ở đâu", "ask_place")]


@pytest.mark.shared(DEV_SET)
def test_shared_dev_set_loads() -> None:
    items = load_question_file(DEV_SET)
    assert len(items) >= 15
    assert {i.intent for i in items} <= {"ask_documents", "ask_time", "ask_fee", "ask_place", "ask_steps",
                                         "ask_overview"}


def test_report_files(tmp_path: Path) -> None:
    items = [LabelledText("a", "x"), LabelledText("b", "y")]
    r = evaluate_predictions("heldout", items, [("x", 0.9), ("x", 0.5)])
    assert try_confusion_png(r, tmp_path / "c.png") and (tmp_path / "c.png").read_bytes()[:4] == b"\x89PNG"
    section = Section(name="evaluate", title="đánh giá", summary="một dòng", data={"heldout": r.to_dict()},
                      markdown=metrics_table({"mới": r}) + "\n\n" + misclassified_table(r))
    document = write_report(tmp_path / "r", {"outcome": "refused", "reason": "kém hơn", "seconds": 3.0}, [section])
    data = json.loads((tmp_path / "r" / "report.json").read_text())
    assert data == document and data["sections"][0]["data"]["heldout"]["per_intent"]["y"]["recall"] == 0.0
    assert "markdown" not in data["sections"][0]
    md = (tmp_path / "r" / "report.md").read_text()
    assert "## đánh giá" in md and "| y | 1 | 0.000 |" in md and "| b | y | x | 0.5 |" in md


def _seed(s: Session) -> None:
    p = Procedure(code="1.004222", name="Đăng ký thường trú")
    p.aliases += [Alias(text="nhập hộ khẩu", folded="nhap ho khau")]
    s.add(p)
    s.add(Procedure(code="9.9", name="Cũ", active=False, aliases=[Alias(text="bỏ rồi", folded="bo roi")]))


def test_export_generated_files_are_valid_rasa_data(database: Path, tmp_path: Path) -> None:
    with db.session_scope() as s:
        _seed(s)
        add_example(session=s, intent="ask_fee", text="làm sổ đỏ: tốn bao nhiêu?", username="t", intents=["ask_fee"])
        add_example(session=s, intent="ask_fee", text="- phí # bao nhiêu", username="t", intents=["ask_fee"])
        with pytest.raises(ExampleError):
            add_example(session=s, intent="ask_fee", text="lam so do: ton bao nhieu", username="t",
                        intents=["ask_fee"])
        summary = export_generated(session=s, out_dir=tmp_path / "gen")
    assert (summary.lookup_entries, summary.examples) == (2, 2)
    data = load_data(str(tmp_path / "gen"))
    assert sorted(m.get("text") for m in data.intent_examples) == ["- phí # bao nhiêu", "làm sổ đỏ: tốn bao nhiêu?"]
    lookup = next(t for t in data.lookup_tables if t["name"] == "procedure")
    assert set(lookup["elements"]) == {"nhập hộ khẩu", "nhap ho khau"}  # inactive procedures are left out
    assert data.entity_synonyms["nhap ho khau"] == "1.004222"
    assert yaml.safe_load((tmp_path / "gen" / "examples.yml").read_text())["version"] == "3.1"


def test_export_with_empty_database_writes_empty_files(database: Path, tmp_path: Path) -> None:
    with db.session_scope() as s:
        export_generated(session=s, out_dir=tmp_path / "gen")
    assert load_data(str(tmp_path / "gen")).intent_examples == []
