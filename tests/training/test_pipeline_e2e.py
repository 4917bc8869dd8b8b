"""One real run of ``python -m bot.training`` on a tiny project (trains a model: about a minute)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT
from bot.training.promotion import model_id

pytestmark = pytest.mark.e2e


def test_tiny_model_is_trained_evaluated_and_served(tiny_project: Path, tmp_path: Path) -> None:
    questions = tmp_path / "questions.jsonl"
    questions.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in [
        {"id": "q1", "question": "làm cái này tốn bao nhiêu tiền", "gold_intent": "phi_le_phi"},
        {"id": "q2", "question": "bao lâu thì có kết quả", "gold_intent": "thoi_han"},
        {"id": "q3", "question": "thời tiết hôm nay", "gold_intent": None},
    ]), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    env.pop("TRAIN_CONFIG", None)
    proc = subprocess.run(
        [sys.executable, "-m", "bot.training", "--project-root", str(tiny_project), "--no-export", "--no-reload",
         "--eval-questions", str(questions)],
        cwd=str(PROJECT_ROOT), env=env, capture_output=True, text=True, timeout=1200,
    )
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-4000:]
    assert "==> huấn luyện (rasa train)" in log and "done in" in log  # progress with elapsed time
    assert "parse_data_text" not in log  # Rasa's per-message debug lines stay out of the trainer's log

    current = json.loads((tiny_project / "models" / "current.json").read_text())
    served = tiny_project / "models" / "current.tar.gz"
    assert current["model"] == str(served) and model_id(served) == current["model_id"] != ""
    assert 0.0 < current["metrics"]["intent_macro_f1_heldout"] <= 1.0
    report = json.loads((Path(current["report"]) / "report.json").read_text())
    evaluated = next(s for s in report["sections"] if s["name"] == "evaluate")["data"]["models"]["candidate"]
    assert set(evaluated["results"]["heldout"]["per_intent"]) == {"greet", "ask_fee", "ask_time"}
    assert evaluated["results"]["questions"]["count"] == 2  # the unmapped question is left out
