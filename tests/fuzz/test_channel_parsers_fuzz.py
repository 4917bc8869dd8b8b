"""Property-based tests: every channel's request parsing answers bad input with 2xx/4xx, never an exception.

REST (bot.channels.rest.invalid_reason), Zalo (ZaloInput.handle: size, JSON, signature, event
fields) and the Telegram webhook (secret token, JSON, Update parsing). A raised exception would be
a 500 in production.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels.config import TelegramConfig, ZaloConfig
from bot.channels.rasa_client import RasaUnavailable, parse_messages
from bot.channels.rest import MAX_BODY_BYTES, invalid_reason
from bot.channels.telegram import build_application, webhook_app
from bot.channels.zalo import ZaloInput
from tests.channels.zalo_fakes import APP_ID, OA_SECRET, signed, text_event

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)
# Pathological bodies an attacker sends: deep nesting, huge numbers, bad UTF-8, not JSON.
NASTY = {
    "deeply-nested-array": b"[" * 50_000,
    "deeply-nested-object": b'{"a":' * 20_000,
    "long-number": b"1" * 5000,
    "bad-utf8": b"\xff\xfe\x00",
    "empty": b"",
    "null": b"null",
    "wrong-types": b'{"sender": 1, "message": []}',
    "oversized-string": b'"' + b"x" * 70_000 + b'"',
    "nan": b"NaN",
    "huge-exponent": b"[1e999999]",
}
bodies = st.one_of(st.binary(max_size=2000), json_values.map(lambda v: json.dumps(v).encode()))
nasty = pytest.mark.parametrize("body", list(NASTY.values()), ids=list(NASTY))

@given(bodies)
def test_rest_validation_refuses_with_4xx_and_never_raises(body):
    reason = invalid_reason(body)
    if reason is None:
        data = json.loads(body)
        assert isinstance(data["sender"], str) and isinstance(data["message"], str)
        assert len(body) <= MAX_BODY_BYTES
    else:
        assert 400 <= reason[0] < 500


@nasty
def test_rest_validation_refuses_pathological_bodies_with_4xx(body):
    reason = invalid_reason(body)
    assert reason is not None and 400 <= reason[0] < 500


@given(json_values)
def test_rasa_reply_parser_returns_messages_or_says_rasa_is_unavailable(data):
    try:
        messages = parse_messages(data)
    except RasaUnavailable:
        assert not isinstance(data, list)
    else:
        assert all(m.text or m.buttons or m.image for m in messages)


class _SanicLikeRequest:
    def __init__(self, body: bytes, headers: dict[str, str]):
        self.body = body
        self.headers = {k.lower(): v for k, v in headers.items()}


def _zalo() -> ZaloInput:
    config = ZaloConfig(app_id=APP_ID, app_secret="s", oa_secret_key=OA_SECRET, api_base="http://127.0.0.1:9",
                        oauth_base="http://127.0.0.1:9", token_store_path="/nonexistent/zalo.json")
    channel = ZaloInput(config)
    channel.processed = []  # type: ignore[attr-defined]

    async def process(_on_new_message: Any, sender: str, _recipient: Any, text: str, _msg_id: str) -> None:
        channel.processed.append((sender, text))  # type: ignore[attr-defined]

    channel._process = process  # type: ignore[method-assign]
    return channel


async def _nothing(_message: Any) -> None:
    return None


def _zalo_status(channel: ZaloInput, body: bytes, headers: dict[str, str]) -> int:
    async def run() -> int:
        result = await channel.handle(_SanicLikeRequest(body, headers), _nothing)  # type: ignore[arg-type]
        await channel.drain()
        return result.status

    return asyncio.run(run())


@settings(max_examples=200, deadline=None)
@given(body=bodies, signature=st.text(max_size=80))
def test_zalo_unsigned_or_forged_events_get_4xx(body, signature):
    channel = _zalo()
    status = _zalo_status(channel, body, {"X-ZEvent-Signature": signature})
    assert status in (400, 401, 403, 413)
    assert channel.processed == []


@nasty
def test_zalo_pathological_bodies_get_4xx(body):
    channel = _zalo()
    assert _zalo_status(channel, body, {"X-ZEvent-Signature": "mac=00"}) in (400, 401, 403, 413)


@nasty
def test_zalo_pathological_bodies_with_a_valid_signature_get_4xx(body):
    timestamp = str(int(time.time() * 1000))
    mac = hashlib.sha256(APP_ID.encode() + body + timestamp.encode() + OA_SECRET.encode()).hexdigest()
    channel = _zalo()
    assert _zalo_status(channel, body, {"X-ZEvent-Signature": f"mac={mac}"}) in (400, 401, 403, 413)
    assert channel.processed == []


@settings(max_examples=200, deadline=None)
@given(
    fields=st.dictionaries(
        st.sampled_from(["sender", "message", "event_name", "app_id", "recipient"]), json_values, max_size=4
    )
)
def test_zalo_signed_events_with_odd_fields_get_2xx_or_4xx(fields):
    event = {**text_event("xin chào"), **fields, "timestamp": str(int(time.time() * 1000))}
    raw, headers = signed(event)
    channel = _zalo()
    status = _zalo_status(channel, raw, headers)
    assert status in (200, 400, 403)
    for sender, text in channel.processed:
        assert isinstance(text, str) and sender.startswith(("zalo:", "zalo-anon:"))


SECRET = "s" * 32


class _AiohttpLikeRequest:
    def __init__(self, body: bytes, headers: dict[str, str]):
        self._body = body
        self.headers = headers

    async def read(self) -> bytes:
        return self._body


def _telegram_status(body: bytes, headers: dict[str, str]) -> int:
    config = TelegramConfig(token="123:fuzz", mode="webhook", webhook_url="https://x.test/telegram/webhook",
                            webhook_secret=SECRET, api_base_url="http://127.0.0.1:9/bot")
    application = build_application(config, with_updater=False)
    app = webhook_app(application, config)
    route = next(r for r in app.router.routes() if r.method == "POST")
    return asyncio.run(route.handler(_AiohttpLikeRequest(body, headers))).status  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(body=bodies, secret=st.sampled_from(["", "wrong", SECRET]))
def test_telegram_webhook_answers_bad_updates_with_4xx(body, secret):
    status = _telegram_status(body, {"X-Telegram-Bot-Api-Secret-Token": secret})
    assert status in (200, 400, 403)
    if secret != SECRET:
        assert status == 403


@nasty
def test_telegram_webhook_answers_pathological_bodies_with_4xx(body):
    assert _telegram_status(body, {"X-Telegram-Bot-Api-Secret-Token": SECRET}) == 400


@settings(max_examples=150, deadline=None)
@given(update=st.dictionaries(st.sampled_from(["update_id", "message", "callback_query", "edited_message"]),
                              json_values, max_size=3))
def test_telegram_webhook_with_odd_update_fields_never_fails(update):
    status = _telegram_status(json.dumps(update).encode(), {"X-Telegram-Bot-Api-Secret-Token": SECRET})
    assert status in (200, 400)
