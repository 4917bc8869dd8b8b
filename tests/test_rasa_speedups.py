"""The prebuilt action-response validator accepts and refuses exactly what Rasa's own did."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain

from bot import rasa_speedups


def _action() -> RemoteAction:
    return RemoteAction("action_answer_question", None)


def test_valid_response_passes_and_invalid_one_raises_with_rasas_message():
    rasa_speedups.install()
    action = _action()
    assert action._validate_action_result({"events": [], "responses": [{"text": "x"}]})
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": "not a list"})


def test_install_is_idempotent():
    rasa_speedups.install()
    patched = RemoteAction._validate_action_result
    rasa_speedups.install()
    assert RemoteAction._validate_action_result is patched
    assert Domain.empty() is not None
