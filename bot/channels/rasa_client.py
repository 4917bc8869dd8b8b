"""Client for Rasa's REST channel, used by channels that run outside the Rasa process."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import httpx

logger = logging.getLogger(__name__)

REST_PATH = "/webhooks/rest/webhook"
BRIDGE_PATH = "/webhooks/telegram/webhook"


class RasaUnavailable(Exception):
    """Rasa did not answer in time or answered with an error."""


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class BotMessage:
    """One bot utterance as the REST channel returns it."""

    text: str = ""
    buttons: list[Button] = field(default_factory=list)
    image: str = ""


def parse_messages(data: Any) -> list[BotMessage]:
    """Turn the REST channel's JSON list into messages, skipping what we cannot show."""
    if not isinstance(data, list):
        raise RasaUnavailable("unexpected response shape from Rasa")
    messages = []
    for item in data:
        if not isinstance(item, dict):
            continue
        buttons = [
            Button(title=str(b.get("title", "")).strip(), payload=str(b.get("payload", "")).strip())
            for b in item.get("buttons") or []
            if isinstance(b, dict) and b.get("title") and b.get("payload")
        ]
        text = str(item.get("text") or "")
        image = str(item.get("image") or "")
        if text or buttons or image:
            messages.append(BotMessage(text=text, buttons=buttons, image=image))
    return messages


class RasaClient:
    """Posts a citizen's message to one of Rasa's REST-shaped channels and returns the bot's replies."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 30.0,
        client: httpx.AsyncClient | None = None,
        path: str = REST_PATH,
        secret: str = "",
    ):
        self._url = base_url.rstrip("/") + path
        self._headers = {"Authorization": f"Bearer {secret}"} if secret else {}
        self._timeout = httpx.Timeout(timeout, connect=min(timeout, 5.0))
        self._client = client
        self._owns_client = client is None

    async def start(self) -> None:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self._timeout)

    async def close(self) -> None:
        if self._client is not None and self._owns_client:
            await self._client.aclose()
            self._client = None

    async def send(self, sender: str, message: str, *, metadata: dict | None = None) -> list[BotMessage]:
        """One turn of the conversation; raises :class:`RasaUnavailable` when Rasa is down."""
        if self._client is None:
            await self.start()
        assert self._client is not None
        body: dict[str, Any] = {"sender": sender, "message": message}
        if metadata:
            body["metadata"] = metadata
        try:
            response = await self._client.post(
                self._url, json=body, headers=self._headers, timeout=self._timeout
            )
            response.raise_for_status()
            return parse_messages(response.json())
        except (httpx.HTTPError, ValueError) as exc:
            logger.warning("Rasa REST call failed: %s", exc.__class__.__name__)
            raise RasaUnavailable(str(exc)) from exc
