"""A fix for Rasa 3.6's action-call overhead, applied when our Rasa components load.

Rasa validates every custom action's response with ``jsonschema.validate(result, spec)``, which
re-checks the schema itself on each call: 20-34 % of the Rasa server's CPU under load here
(docs/benchmarks.md). Building the validator once keeps the same check at a fraction of the cost.
"""

from __future__ import annotations

from typing import Any

from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

_installed = False


def install() -> None:
    """Replace RemoteAction's per-call schema validation with one prebuilt validator (idempotent)."""
    global _installed
    if _installed:
        return
    spec = RemoteAction.action_response_format_spec()
    validator = validator_for(spec)(spec)

    def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        try:
            validator.validate(result)
        except ValidationError as e:  # same message and exception as Rasa's own method
            e.message += (
                ". Failed to validate Action server response from API, make sure your response from "
                f"the Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
            )
            raise
        return True

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    _installed = True
