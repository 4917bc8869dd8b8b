"""Rasa's REST channel with request validation: bad bodies get 400/413, never a 500."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

from bot import rasa_speedups

logger = logging.getLogger(__name__)
# Rasa imports this module (credentials.yml) in every server process: apply our Rasa fixes here.
rasa_speedups.install()

MAX_BODY_BYTES = int(os.environ.get("REST_MAX_BODY_BYTES", "65536"))
# Every turn of ours says something; an empty reply means the action server or database failed.
TRY_AGAIN = (
    "Xin lỗi, hệ thống đang bận hoặc gặp sự cố nên chưa trả lời được. "
    "Bạn vui lòng thử lại sau ít phút, hoặc tra cứu tại https://dichvucong.gov.vn."
)


def invalid_reason(body: bytes) -> tuple[int, str] | None:
    """Why a webhook body is refused (status, message), or None when it is a valid message."""
    if len(body) > MAX_BODY_BYTES:
        return 413, "body too large"
    try:
        data: Any = json.loads(body or b"")
    except (ValueError, UnicodeDecodeError, RecursionError):
        return 400, "body is not valid JSON"
    if not isinstance(data, dict):
        return 400, "body must be a JSON object"
    if not isinstance(data.get("sender"), str) or not data["sender"].strip() or len(data["sender"]) > 128:
        return 400, "'sender' must be a non-empty string of at most 128 characters"
    if not isinstance(data.get("message"), str):
        return 400, "'message' must be a string"
    if data.get("metadata") is not None and not isinstance(data["metadata"], dict):
        return 400, "'metadata' must be an object"
    return None


class SafeRestInput(RestInput):
    """Same URL and behaviour as Rasa's ``rest`` channel, with the body checked first."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = super().blueprint(on_new_message)

        @bp.middleware("request")
        async def validate(request: Request) -> response.HTTPResponse | None:
            if request.method != "POST":
                return None
            reason = invalid_reason(request.body)
            if reason is None:
                return None
            status, message = reason
            return response.json({"error": message}, status=status)

        @bp.middleware("response")
        async def never_silent(request: Request, resp: response.HTTPResponse) -> response.HTTPResponse | None:
            if request.method != "POST" or resp.status != 200 or (resp.body or b"").strip() != b"[]":
                return None
            sender = json.loads(request.body).get("sender", "")
            logger.error("empty reply for a REST message: the action server or knowledge base is failing")
            return response.json([{"recipient_id": sender, "text": TRY_AGAIN}])

        return bp
