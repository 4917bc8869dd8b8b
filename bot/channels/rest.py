"""Rasa's REST channel, hardened for the public: bad bodies get 400/413, never a 500; ids reserved for
Telegram and Zalo are refused (403); each client address is rate-limited (429); browsers on the widget's
origins may call this webhook and nothing else of Rasa's API (CORS on this route only).
"""

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
from bot.channels.config import RestConfig
from bot.channels.guards import RateLimiter
from bot.channels.render import RATE_LIMIT_TEXT
from bot.channels.senders import is_reserved
from bot.channels.state import SharedState, state_from_env

logger = logging.getLogger(__name__)
# Rasa imports this module (credentials.yml) in every server process: apply our Rasa fixes here.
rasa_speedups.install()

MAX_BODY_BYTES = int(os.environ.get("REST_MAX_BODY_BYTES", "65536"))
# Every turn of ours says something; an empty reply means the action server or database failed.
TRY_AGAIN = (
    "Xin lỗi, hệ thống đang bận hoặc gặp sự cố nên chưa trả lời được. "
    "Bạn vui lòng thử lại sau ít phút, hoặc tra cứu tại https://dichvucong.gov.vn."
)
CORS_MAX_AGE = "600"


def invalid_reason(body: bytes, max_bytes: int = MAX_BODY_BYTES) -> tuple[int, str] | None:
    """Why a webhook body is refused (status, message), or None when it is a valid message."""
    if len(body) > max_bytes:
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


def client_address(request: Request, trusted_proxies: int) -> str:
    """The caller's address: the peer, or the entry our own proxies appended to X-Forwarded-For."""
    if trusted_proxies > 0:
        forwarded = [a.strip() for a in request.headers.get("x-forwarded-for", "").split(",") if a.strip()]
        if forwarded:
            return forwarded[-min(trusted_proxies, len(forwarded))]
    return str(request.ip or "unknown")


class SafeRestInput(RestInput):
    """Same URL and behaviour as Rasa's ``rest`` channel, with the request checked first."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> SafeRestInput:
        return cls()

    def __init__(self, config: RestConfig | None = None, *, state: SharedState | None = None):
        self.config = config or RestConfig.from_env()
        self._state = state
        self._limiter: RateLimiter | None = None

    @property
    def limiter(self) -> RateLimiter:
        # Built on first use, inside the server's event loop (the Redis client binds to it).
        if self._limiter is None:
            self._state = self._state or state_from_env()
            self._limiter = RateLimiter(self._state, self.name(), self.config.rate_limit, self.config.rate_window)
        return self._limiter

    def _extract_input_channel(self, req: Request) -> str:
        # Rasa lets the caller name the channel; ours is decided by where the message came in.
        return self.name()

    async def admit(self, request: Request, data: dict[str, Any]) -> response.HTTPResponse | None:
        """The public endpoint's policy: no reserved conversation ids, a rate limit per client."""
        if is_reserved(data["sender"]):
            logger.warning("Public REST message refused: sender id reserved for another channel")
            return response.json({"error": "this sender id belongs to another channel"}, status=403)
        client = client_address(request, self.config.trusted_proxies)
        if client not in self.config.rate_exempt and not await self.limiter.allow(client):
            retry = str(int(self.config.rate_window))
            return response.json(
                [{"recipient_id": data["sender"], "text": RATE_LIMIT_TEXT}],
                status=429,
                headers={"Retry-After": retry},
            )
        return None

    def cors_headers(self, request: Request) -> dict[str, str]:
        """CORS for the widget's origins, on this webhook only (Rasa itself runs without --cors)."""
        origin = request.headers.get("origin", "")
        allowed = self.config.widget_origins
        if not origin or not ("*" in allowed or origin in allowed):
            return {}
        return {
            "Access-Control-Allow-Origin": "*" if "*" in allowed else origin,
            "Access-Control-Allow-Methods": "POST, OPTIONS",
            "Access-Control-Allow-Headers": "Content-Type",
            "Access-Control-Max-Age": CORS_MAX_AGE,
            "Vary": "Origin",
        }

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = super().blueprint(on_new_message)

        @bp.route("/webhook", methods=["OPTIONS"])
        async def preflight(request: Request) -> response.HTTPResponse:
            return response.empty()

        @bp.middleware("request")
        async def check(request: Request) -> response.HTTPResponse | None:
            if request.method != "POST":
                return None
            reason = invalid_reason(request.body, self.config.max_body_bytes)
            if reason is not None:
                status, message = reason
                return response.json({"error": message}, status=status)
            return await self.admit(request, json.loads(request.body))

        @bp.middleware("response")
        async def finish(request: Request, resp: response.HTTPResponse) -> response.HTTPResponse | None:
            if request.method == "POST" and resp.status == 200 and (resp.body or b"").strip() == b"[]":
                sender = json.loads(request.body).get("sender", "")
                logger.error("empty reply for a REST message: the action server or knowledge base is failing")
                resp = response.json([{"recipient_id": sender, "text": TRY_AGAIN}])
            for header in ("Access-Control-Allow-Origin", "Access-Control-Allow-Credentials"):
                resp.headers.pop(header, None)
            resp.headers.update(self.cors_headers(request))
            return resp

        return bp
