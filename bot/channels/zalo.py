"""Zalo Official Account connector for Rasa (registered in credentials.yml as bot.channels.zalo.ZaloInput).

Zalo posts events to /webhooks/zalo/webhook; we verify the signature, answer 200 at once
(Zalo wants a response within 2 seconds) and reply through the OA message APIs (followers and
website-widget visitors each through their own endpoint, see ZaloConfig). Only a bad or missing
signature is refused (403/401): Zalo retries an undelivered event with its original timestamp and
disables webhooks that keep failing, so stale and duplicate events get 200 and are dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.config import ZaloConfig
from bot.channels.guards import DAY, RateLimiter, SeenSet
from bot.channels.rasa_client import Button
from bot.channels.rating_replies import TYPED_HINT, RatingReplyMemory, split_rating_buttons
from bot.channels.render import (
    BUSY_TEXT,
    RATE_LIMIT_TEXT,
    ZALO_TEXT_LIMIT,
    numbered_options,
    pick_numbered,
    split_text,
)
from bot.channels.senders import ZALO, ZALO_ANONYMOUS_PREFIX, ZALO_PREFIX, zalo_sender
from bot.channels.state import RedisState, SharedState, StateUnavailable, state_from_env
from bot.channels.zalo_api import ZaloApi, ZaloApiError, is_anonymous
from bot.channels.zalo_tokens import JsonFileTokenStore, SharedTokenStore, TokenStore
from bot.feedback.delivery import hand_over

logger = logging.getLogger(__name__)

TEXT_EVENTS = {"user_send_text", "anonymous_send_text"}
MISSING_SIGNATURE = "missing signature or timestamp"
MAX_TEMPLATE_BUTTONS = 5
MAX_BUTTON_TITLE = 100
MAX_BUTTON_PAYLOAD = 1000
# Zalo lets the OA answer for 48 hours after the citizen's last message: options and conversation
# ids are worth keeping that long, not longer.
REPLY_WINDOW_SECONDS = 2 * DAY


def expected_signature(app_id: str, raw_body: bytes, timestamp: str, oa_secret_key: str) -> str:
    """Zalo's webhook MAC: a plain SHA-256 (not HMAC) of app_id + body + timestamp + OA secret key."""
    digest = hashlib.sha256(app_id.encode() + raw_body + timestamp.encode() + oa_secret_key.encode())
    return "mac=" + digest.hexdigest()


def signature_matches(header: str, expected: str) -> bool:
    """Constant-time comparison tolerant of spacing around ``mac=`` and hex case."""
    normalised = header.replace(" ", "").lower()
    if not normalised.startswith("mac="):
        normalised = "mac=" + normalised
    return hmac.compare_digest(normalised.encode(), expected.lower().encode())


def event_time(value: Any) -> float | None:
    """Event timestamps are Unix milliseconds (sometimes as strings); return seconds."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number / 1000.0 if number > 1e11 else number


class OptionMemory:
    """Last numbered options shown to each recipient, so "2" can stand for the second button
    (in the shared state: the citizen's answer may reach another replica)."""

    def __init__(self, state: SharedState):
        self.state = state

    @staticmethod
    def _key(sender: str) -> str:
        return f"{ZALO}:options:{sender}"

    async def remember(self, sender: str, buttons: list[Button]) -> None:
        value = json.dumps([[b.title, b.payload] for b in buttons], ensure_ascii=False)
        try:
            await self.state.put(self._key(sender), value, REPLY_WINDOW_SECONDS)
        except StateUnavailable as exc:
            logger.warning("Numbered options not remembered (%s)", exc)

    async def resolve(self, sender: str, text: str) -> str:
        """The payload of the chosen option, or the text unchanged."""
        try:
            raw = await self.state.get(self._key(sender))
        except StateUnavailable:
            return text
        options = [Button(title, payload) for title, payload in json.loads(raw)] if raw else []
        chosen = pick_numbered(text, options)
        if chosen is None:
            return text
        with contextlib.suppress(StateUnavailable):  # expires on its own otherwise
            await self.state.delete(self._key(sender))
        return chosen.payload


class ZaloOutput(OutputChannel):
    """Replies to one Zalo recipient (a follower's user_id or a website visitor's anonymous id)."""

    @classmethod
    def name(cls) -> str:
        return "zalo"

    def __init__(
        self, api: ZaloApi, recipient: dict[str, str], options: OptionMemory, sender: str,
        ratings: RatingReplyMemory | None = None,
    ):
        self.api = api
        self.recipient = recipient
        self.options = options
        self.sender = sender
        self.ratings = ratings or RatingReplyMemory(options.state)
        self.sent = 0

    @property
    def anonymous(self) -> bool:
        return is_anonymous(self.recipient)

    async def _send(self, message: dict[str, Any]) -> None:
        await self.api.send_message(self.recipient, message)
        self.sent += 1

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for chunk in split_text(text, ZALO_TEXT_LIMIT):
            await self._send({"text": chunk})

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self.send_text_message(recipient_id, image)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        parsed = [
            Button(str(b.get("title", "")).strip(), str(b.get("payload", "")).strip())
            for b in buttons
            if b.get("title") and b.get("payload")
        ]
        if not parsed:
            await self.send_text_message(recipient_id, text)
            return
        chunks = split_text(text, ZALO_TEXT_LIMIT) or ["Mời anh/chị chọn:"]
        for chunk in chunks[:-1]:
            await self._send({"text": chunk})
        if self._template_fits(parsed):
            try:
                await self._send({"text": chunks[-1], "attachment": self._button_template(parsed)})
                return
            except ZaloApiError as exc:
                logger.warning("Zalo refused a button message (%s); sending numbered options", exc.code)
        # Without buttons, 👍/👎 become a typed "đúng"/"sai" reply instead of numbered options.
        parsed, rating = split_rating_buttons(parsed)
        await self.ratings.remember(self.sender, rating)
        text = numbered_options(chunks[-1], parsed) if parsed else chunks[-1]
        if parsed:
            await self.options.remember(self.sender, parsed)
        await self.send_text_message(recipient_id, f"{text}\n{TYPED_HINT}" if rating else text)

    def _template_fits(self, buttons: list[Button]) -> bool:
        """Website visitors (anonymous) get text; followers get up to five query buttons."""
        return (
            not self.anonymous
            and len(buttons) <= MAX_TEMPLATE_BUTTONS
            and all(len(b.payload) <= MAX_BUTTON_PAYLOAD for b in buttons)
        )

    @staticmethod
    def _button_template(buttons: list[Button]) -> dict[str, Any]:
        # oa.query.hide sends the payload back as the user's message without showing it in the chat.
        return {
            "type": "template",
            "payload": {
                "buttons": [
                    {"title": b.title[:MAX_BUTTON_TITLE], "payload": b.payload, "type": "oa.query.hide"}
                    for b in buttons
                ]
            },
        }


class ZaloInput(InputChannel):
    """Rasa input channel for Zalo OA webhooks (followers and the website chat widget)."""

    @classmethod
    def name(cls) -> str:
        return "zalo"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> ZaloInput:
        return cls(ZaloConfig.from_credentials(credentials))

    def __init__(
        self,
        config: ZaloConfig,
        *,
        api: ZaloApi | None = None,
        store: TokenStore | None = None,
        state: SharedState | None = None,
        clock: Callable[[], float] = time.time,
    ):
        self.config = config
        # Several Rasa replicas share ids, windows, options and tokens through Redis (REDIS_URL).
        self.state = state or state_from_env()
        if store is None:
            shared = isinstance(self.state, RedisState)
            store = SharedTokenStore(self.state) if shared else JsonFileTokenStore(config.token_store_path)
        self.api = api or ZaloApi(config, store, state=self.state)
        self.clock = clock
        self.seen = SeenSet(self.state, ZALO)
        self.options = OptionMemory(self.state)
        self.ratings = RatingReplyMemory(self.state)
        self.limiter = RateLimiter(self.state, ZALO, config.rate_limit, config.rate_window)
        self._tasks: set[asyncio.Task] = set()
        if not config.can_verify:
            logger.warning("Zalo app id / OA secret key not configured: every Zalo event will be refused")

    async def drain(self) -> None:
        """Wait for replies still being processed (tests and graceful shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        zalo_webhook = Blueprint(f"zalo_webhook_{id(self)}")

        @zalo_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @zalo_webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self.handle(request, on_new_message)

        return zalo_webhook

    async def handle(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        """Validate, acknowledge, and process text events in the background."""
        declared = request.headers.get("content-length", "0")
        raw: bytes = request.body or b""
        if (declared.isdigit() and int(declared) > self.config.max_body_bytes) or len(
            raw
        ) > self.config.max_body_bytes:
            return response.json({"error": "payload too large"}, status=413)
        try:
            event = json.loads(raw)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return response.json({"error": "malformed JSON"}, status=400)
        if not isinstance(event, dict):
            return response.json({"error": "malformed event"}, status=400)
        denial = self._check_authenticity(event, raw, request.headers.get("x-zevent-signature", ""))
        if denial:
            logger.warning("Refused Zalo event: %s", denial)
            return response.json({"error": denial}, status=401 if denial == MISSING_SIGNATURE else 403)
        if self._is_stale(event):
            # A retry of an event we could not take in time, or a replayed one: acknowledge, do not answer.
            logger.info("Dropped a Zalo event outside the %.0f s window", self.config.replay_window)
            return response.json({"status": "stale"})
        name = event.get("event_name")
        if not isinstance(name, str) or name not in TEXT_EVENTS:
            return response.json({"status": "ignored"})
        parsed = self._parse_text_event(event)
        if parsed is None:
            return response.json({"error": "malformed event"}, status=400)
        msg_id, sender, recipient, text = parsed
        if msg_id and not await self.seen.check_and_add(msg_id):
            logger.info("Ignoring duplicate Zalo msg_id")
            return response.json({"status": "duplicate"})
        task = asyncio.create_task(self._process(on_new_message, sender, recipient, text, msg_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return response.json({"status": "ok"})

    def _check_authenticity(self, event: dict[str, Any], raw: bytes, header: str) -> str | None:
        if not self.config.can_verify:
            return "connector not configured"
        timestamp = event.get("timestamp")
        if not header or timestamp is None:
            return MISSING_SIGNATURE
        expected = expected_signature(self.config.app_id, raw, str(timestamp), self.config.oa_secret_key)
        if not signature_matches(header, expected):
            return "bad signature"
        if str(event.get("app_id", self.config.app_id)) != self.config.app_id:
            return "wrong app"
        return None

    def _is_stale(self, event: dict[str, Any]) -> bool:
        sent_at = event_time(event.get("timestamp"))
        return sent_at is None or abs(self.clock() - sent_at) > self.config.replay_window

    def _parse_text_event(self, event: dict[str, Any]) -> tuple[str, str, dict[str, str], str] | None:
        sender = event.get("sender")
        message = event.get("message")
        if not isinstance(sender, dict) or not isinstance(message, dict):
            return None
        sender_id = str(sender.get("id") or "")
        text = message.get("text")
        if not sender_id or not isinstance(text, str):
            return None
        msg_id = str(message.get("msg_id") or "")
        if event["event_name"] == "anonymous_send_text":
            conversation = str(message.get("conversation_id") or "")
            if not conversation:
                return None
            return (
                msg_id,
                zalo_sender(sender_id, anonymous=True),
                {"anonymous_id": sender_id, "conversation_id": conversation},
                text,
            )
        return msg_id, zalo_sender(sender_id), {"user_id": sender_id}, text

    @staticmethod
    def _conversation_key(anonymous_id: str) -> str:
        return f"{ZALO}:conversation:{anonymous_id}"

    async def _remember_conversation(self, recipient: dict[str, str]) -> None:
        """A visitor's conversation id, so any replica can write to them later (reminders)."""
        if not is_anonymous(recipient):
            return
        try:
            key = self._conversation_key(recipient["anonymous_id"])
            await self.state.put(key, recipient["conversation_id"], REPLY_WINDOW_SECONDS)
        except StateUnavailable as exc:
            logger.warning("Zalo conversation id not remembered (%s)", exc)

    async def _process(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        sender: str,
        recipient: dict[str, str],
        text: str,
        msg_id: str,
    ) -> None:
        out = ZaloOutput(self.api, recipient, self.options, sender, self.ratings)
        try:
            await self._remember_conversation(recipient)
            if not await self.limiter.allow(sender):
                if await self.limiter.should_warn(sender):
                    await out.send_text_message(sender, RATE_LIMIT_TEXT)
                return
            await hand_over(sender, lambda notice: out.send_text_message(sender, notice))  # petition results
            message = UserMessage(
                await self.options.resolve(sender, await self.ratings.resolve(sender, text)),
                out,
                sender,
                input_channel=self.name(),
                metadata={"zalo_msg_id": msg_id, "anonymous": is_anonymous(recipient)},
            )
            try:
                await on_new_message(message)
            except Exception:  # Rasa's own failure must not leave the citizen without an answer.
                logger.exception("Rasa failed to handle a Zalo message")
            if out.sent == 0:
                await out.send_text_message(sender, BUSY_TEXT)
        except ZaloApiError as exc:
            kind = "website visitor" if is_anonymous(recipient) else "follower"
            logger.error(
                "Zalo did not deliver a reply to a %s via %s: error %s (%s)",
                kind,
                self.api.message_url(recipient),
                exc.code,
                exc.detail,
            )

    def get_output_channel(self) -> OutputChannel | None:
        """Needs a recipient; proactive messages go through :meth:`output_for`."""
        return None

    async def output_for(self, sender: str) -> ZaloOutput | None:
        """An output channel for a Rasa sender id, e.g. for reminders, on whichever replica asks."""
        if sender.startswith(ZALO_PREFIX):
            return ZaloOutput(self.api, {"user_id": sender.removeprefix(ZALO_PREFIX)}, self.options, sender)
        if not sender.startswith(ZALO_ANONYMOUS_PREFIX):
            return None
        anonymous_id = sender.removeprefix(ZALO_ANONYMOUS_PREFIX)
        conversation = await self.state.get(self._conversation_key(anonymous_id))
        if not conversation:
            return None
        recipient = {"anonymous_id": anonymous_id, "conversation_id": conversation}
        return ZaloOutput(self.api, recipient, self.options, sender)
