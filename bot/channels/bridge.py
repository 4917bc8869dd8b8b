"""Rasa's side of the Telegram bridge: an input channel only the bridge can use.

The bridge (bot.channels.telegram, its own process) posts each message to
``/webhooks/telegram/webhook`` with ``Authorization: Bearer <TELEGRAM_BRIDGE_SECRET>``. Only this
channel accepts ``tg:`` conversation ids; the public REST channel refuses them, so nobody else can
read or continue a Telegram citizen's conversation.
"""

from __future__ import annotations

import hmac
import logging
from typing import Any

from sanic import response
from sanic.request import Request

from bot.channels.config import RestConfig, strong_secret
from bot.channels.rest import SafeRestInput
from bot.channels.senders import TELEGRAM, TELEGRAM_PREFIX

logger = logging.getLogger(__name__)


def bearer_token(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


class TelegramBridgeInput(SafeRestInput):
    """REST-shaped channel for the Telegram bridge, authenticated with a shared secret."""

    @classmethod
    def name(cls) -> str:
        return TELEGRAM

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TelegramBridgeInput:
        return cls()

    def __init__(self, config: RestConfig | None = None):
        super().__init__(config)
        if not strong_secret(self.config.bridge_secret):
            logger.warning("TELEGRAM_BRIDGE_SECRET not set: the Telegram bridge channel refuses every message")

    async def admit(self, request: Request, data: dict[str, Any]) -> response.HTTPResponse | None:
        secret = self.config.bridge_secret
        if not strong_secret(secret):
            return response.json({"error": "bridge channel not configured"}, status=403)
        if not hmac.compare_digest(bearer_token(request).encode(), secret.encode()):
            logger.warning("Telegram bridge channel: wrong or missing secret")
            return response.json({"error": "unauthorised"}, status=401)
        if not data["sender"].startswith(TELEGRAM_PREFIX):
            return response.json({"error": "this channel carries Telegram conversations only"}, status=403)
        return None

    def cors_headers(self, request: Request) -> dict[str, str]:
        return {}  # server to server: no browser may call it
