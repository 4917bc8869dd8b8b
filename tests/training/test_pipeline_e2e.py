"""One real run of ``python -m bot.training`` on a tiny project (trains a model: ~1-2 minutes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT

pytestmark = pytest.mark.e2e


def test_tiny_model_is_trained_evaluated_and_promoted(tiny_project: Path, tmp_path: Path) -> None:
    questions = tmp_path / "questions.jsonl"
    questions.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in [
        {"id": "q1", "question": "làm cái này tốn bao nhiêu tiền", "gold_intent": "phi_le_phi"},
        {"id": "q2", "question": "bao lâu thì có kết quả", "gold_intent": "thoi_han"},
        {"id": "q3", "question": "thời tiết hôm nay", "gold_intent": None},
    ]), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "bot.training", "--project-root", str(tiny_project), "--no-export", "--no-reload",
         "--eval-questions", str(questions), "--train-frac", "0.75"],
        cwd=str(PROJECT_ROOT), env=env, capture_output=True, text=True, timeout=1200,
    )
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-4000:]
    assert "==> huấn luyện (rasa train)" in log and "done in" in log  # progress with elapsed time

    current = json.loads((tiny_project / "models" / "current.json").read_text())
    model = Path(current["model"])
    assert model.exists() and model.parent == tiny_project / "models" and model.name.startswith("model-")
    assert 0.0 < current["metrics"]["macro_f1"] <= 1.0
    assert current["metrics"]["questions_count"] == 2  # the unmapped question is left out

    report = Path(current["report"])
    assert (report / "confusion-heldout.png").exists() and (report / "confusion-questions.png").exists()
    metrics = json.loads((report / "metrics.json").read_text())
    assert set(metrics["results"]["heldout"]["per_intent"]) == {"greet", "ask_fee", "ask_time"}
