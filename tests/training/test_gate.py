"""The quality gate refuses a worse model unless forced."""

from __future__ import annotations

from pathlib import Path

from bot.training.gate import decide, read_current, write_current


def _current(f1: float) -> dict:
    return {"model": "models/a.tar.gz", "metrics": {"macro_f1": f1}}


def test_first_model_is_promoted() -> None:
    assert decide({"macro_f1": 0.1}, None).promote


def test_better_or_equal_within_tolerance_is_promoted() -> None:
    assert decide({"macro_f1": 0.90}, _current(0.85)).promote
    assert decide({"macro_f1": 0.84}, _current(0.85), tolerance=0.02).promote


def test_worse_model_is_refused() -> None:
    decision = decide({"macro_f1": 0.70}, _current(0.85), tolerance=0.02)
    assert not decision.promote and "Từ chối" in decision.reason


def test_force_promotes_a_worse_model() -> None:
    decision = decide({"macro_f1": 0.70}, _current(0.85), force=True)
    assert decision.promote and "--force" in decision.reason


def test_current_json_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "models" / "current.json"
    assert read_current(path) is None
    write_current(path, _current(0.5))
    assert read_current(path) == _current(0.5)
    path.write_text("{broken")
    assert read_current(path) is None
