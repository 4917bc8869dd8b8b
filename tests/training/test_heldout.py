"""The committed frozen held-out set: never in the training data, covering every intent the NLU is trained on."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from rasa.shared.nlu.training_data.loading import load_data

from bot.text.normalize import fold
from bot.training.data import load_heldout, nlu_files, write_training_file
from bot.training.examples import known_intents
from bot.training.paths import default_paths


def test_heldout_set_is_disjoint_from_data_nlu_and_covers_every_trained_intent(tmp_path: Path) -> None:
    paths = default_paths()
    heldout = load_heldout(paths.heldout, intents=known_intents(paths.domain))
    training = write_training_file(nlu_files(paths.nlu_dir), None, tmp_path / "all.yml")
    trained = {fold(m.get("text")) for m in load_data(str(training.path)).intent_examples}
    assert [i.text for i in heldout.items if fold(i.text) in trained] == []
    per_intent = Counter(i.intent for i in heldout.items)
    assert set(training.per_intent) - {"choose_procedure"} <= set(per_intent)  # every trained intent is tested
    assert min(per_intent.values()) >= 5
    assert len({fold(i.text) for i in heldout.items}) == len(heldout.items)  # no sentence twice
