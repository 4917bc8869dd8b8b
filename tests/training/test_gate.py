"""The quality gate: promote only if no metric measured in this run got worse, unless forced."""

from __future__ import annotations

from pathlib import Path

from bot.training.gate import Comparison, decide, read_current, write_current


def _f1(new: float, old: float | None) -> Comparison:
    return Comparison(name="intent_macro_f1_heldout", label="macro F1", new=new, old=old)


def test_first_model_is_promoted() -> None:
    assert decide([_f1(0.1, None)]).promote


def test_not_worse_is_promoted_worse_is_refused_by_default() -> None:
    assert decide([_f1(0.90, 0.85)]).promote
    assert decide([_f1(0.85, 0.85)]).promote
    decision = decide([_f1(0.849, 0.85)])
    assert not decision.promote and "Từ chối" in decision.reason and decision.failed == ("intent_macro_f1_heldout",)


def test_tolerance_allows_a_small_drop() -> None:
    assert decide([_f1(0.84, 0.85)], tolerance=0.02).promote
    assert not decide([_f1(0.80, 0.85)], tolerance=0.02).promote


def test_every_comparison_must_hold_and_lower_is_better_is_understood() -> None:
    latency = Comparison(name="p95_ms", label="p95", new=120.0, old=100.0, higher_is_better=False)
    decision = decide([_f1(0.95, 0.85), latency])
    assert not decision.promote and decision.failed == ("p95_ms",)
    assert decide([_f1(0.95, 0.85), Comparison("p95_ms", "p95", 90.0, 100.0, higher_is_better=False)]).promote


def test_force_promotes_a_worse_model() -> None:
    decision = decide([_f1(0.70, 0.85)], force=True)
    assert decision.promote and "--force" in decision.reason


def test_nothing_to_compare_is_refused() -> None:
    assert not decide([]).promote


def test_current_json_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "models" / "current.json"
    assert read_current(path) is None
    write_current(path, {"model": "m"})
    assert read_current(path) == {"model": "m"}
    path.write_text("{broken")
    assert read_current(path) is None
