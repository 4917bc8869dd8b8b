"""The Zalo connector mounted on a real Sanic server (as `rasa run` does) against a fake Zalo OpenAPI."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from pathlib import Path

import httpx
import pytest
from rasa.core.channels.channel import UserMessage, register
from sanic import Sanic

from bot.channels.config import ZaloConfig
from bot.channels.render import BUSY_TEXT
from bot.channels.state import MemoryState
from bot.channels.zalo import ZaloInput
from bot.channels.zalo_api import ZaloApi
from bot.channels.zalo_tokens import JsonFileTokenStore, SharedTokenStore, ZaloTokens
from tests.channels.channel_fakes import serve
from tests.channels.zalo_fakes import (
    ANONYMOUS_ROUTE,
    APP_ID,
    APP_SECRET,
    FOLLOWER_ROUTE,
    OA_SECRET,
    FakeZaloOpenApi,
    signed,
    text_event,
)

Sanic.test_mode = True
_app_names = itertools.count()
REPO = Path(__file__).resolve().parents[2]


class StubAgent:
    """Stands in for rasa's Agent: answers through the real OutputChannel.send_response path."""

    def __init__(self) -> None:
        self.messages: list[UserMessage] = []
        self.fail = False

    async def handle_message(self, message: UserMessage) -> None:
        self.messages.append(message)
        if self.fail:
            raise RuntimeError("action server down")
        if message.text == "hộ tịch":
            reply = {
                "text": "Anh/chị muốn làm thủ tục nào?",
                "buttons": [
                    {"title": "Đăng ký khai sinh", "payload": '/hoi_thu_tuc{"ma":"khai_sinh"}'},
                    {"title": "Đăng ký kết hôn", "payload": '/hoi_thu_tuc{"ma":"ket_hon"}'},
                ],
            }
        else:
            reply = {"text": f"Trả lời: {message.text}"}
        await message.output_channel.send_response(message.sender_id, reply)


@pytest.fixture
async def zalo_api():
    fake = FakeZaloOpenApi()
    server = await serve(fake.app())
    fake.base = str(server.make_url("")).rstrip("/")
    yield fake
    await server.close()


def zalo_config(zalo_api, tmp_path) -> ZaloConfig:
    return ZaloConfig.from_credentials(
        {
            "app_id": APP_ID,
            "app_secret": APP_SECRET,
            "oa_secret_key": OA_SECRET,
            "access_token": "access-1",
            "refresh_token": "refresh-1",
            "token_store": str(tmp_path / "zalo_tokens.json"),
            "api_base": zalo_api.base,
            "oauth_base": zalo_api.base,
            "replay_window": "300",
            "max_body_bytes": "4096",
        }
    )


@contextlib.asynccontextmanager
async def running_bot(config: ZaloConfig, port: int, state=None):
    """A Sanic app with the connector registered under /webhooks/ (as `rasa run` does), on loopback."""
    channel = ZaloInput(config, state=state)
    app = Sanic(f"zalo_test_{next(_app_names)}")
    agent = StubAgent()
    app.ctx.agent = agent
    register([channel], app, route="/webhooks/")
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
    await server.startup()
    await server.start_serving()

    class Bot:
        url = f"http://127.0.0.1:{port}/webhooks/zalo/webhook"

    Bot.channel, Bot.agent, Bot.config = channel, agent, config
    try:
        async with httpx.AsyncClient(timeout=10) as http:
            Bot.http = http
            yield Bot
    finally:
        await channel.drain()
        await channel.api.close()
        await server.close()


@pytest.fixture
async def bot(zalo_api, tmp_path, unused_tcp_port):
    async with running_bot(zalo_config(zalo_api, tmp_path), unused_tcp_port) as running:
        yield running


async def post_event(bot, event, **sign_kwargs) -> httpx.Response:
    raw, headers = signed(event, **sign_kwargs)
    response = await bot.http.post(bot.url, content=raw, headers=headers)
    await bot.channel.drain()
    return response


async def test_valid_event_gets_a_reply_through_the_cs_api(bot, zalo_api):
    response = await post_event(bot, text_event("làm căn cước"))
    assert response.status_code == 200
    assert zalo_api.messages == [
        {"recipient": {"user_id": "8000000000000001"}, "message": {"text": "Trả lời: làm căn cước"}}
    ]
    assert bot.agent.messages[0].sender_id == "zalo:8000000000000001"
    assert bot.agent.messages[0].input_channel == "zalo"
    assert zalo_api.routes == [FOLLOWER_ROUTE]


async def test_forged_or_missing_signature_is_refused(bot, zalo_api):
    forged = await post_event(bot, text_event("xin chào"), secret="not-the-secret")
    raw, headers = signed(text_event("xin chào", msg_id="m2"))
    missing = await bot.http.post(bot.url, content=raw, headers={"Content-Type": "application/json"})
    # A body changed after signing no longer matches.
    tampered = await bot.http.post(
        bot.url, content=raw.replace("xin chào".encode(), b"hello"), headers=headers
    )
    assert (forged.status_code, missing.status_code, tampered.status_code) == (403, 401, 403)
    await bot.channel.drain()
    assert zalo_api.messages == [] and bot.agent.messages == []


async def test_stale_event_is_acknowledged_and_dropped(bot, zalo_api):
    """Zalo retries an undelivered event with its first timestamp: 200, so Zalo stops, and no reply."""
    old = int((time.time() - 600) * 1000)
    response = await post_event(bot, text_event("xin chào", timestamp_ms=old, msg_id="old-1"))
    assert (response.status_code, response.json()) == (200, {"status": "stale"})
    future = int((time.time() + 600) * 1000)
    assert (await post_event(bot, text_event("xin chào", timestamp_ms=future, msg_id="f-1"))).status_code == 200
    assert zalo_api.messages == [] and bot.agent.messages == []


async def test_stale_event_with_a_bad_signature_is_still_refused(bot, zalo_api):
    old = int((time.time() - 600) * 1000)
    response = await post_event(bot, text_event("xin chào", timestamp_ms=old), secret="not-the-secret")
    assert response.status_code == 403


async def test_duplicate_msg_id_is_answered_once(bot, zalo_api):
    event = text_event("lệ phí khai sinh", msg_id="dup-1")
    first = await post_event(bot, event)
    second = await post_event(bot, event)
    assert (first.status_code, second.status_code) == (200, 200)
    assert len(zalo_api.messages) == 1
    assert len(bot.agent.messages) == 1


async def test_expired_token_is_refreshed_retried_and_persisted(bot, zalo_api):
    zalo_api.access_token = "access-rotated-by-zalo"  # the token we hold is now invalid (-216)
    zalo_api.refresh_token = "refresh-1"
    response = await post_event(bot, text_event("thủ tục kết hôn"))
    assert response.status_code == 200
    assert zalo_api.refreshes == [
        {
            "refresh_token": "refresh-1",
            "app_id": APP_ID,
            "grant_type": "refresh_token",
            "secret_key": APP_SECRET,
        }
    ]
    assert zalo_api.messages[-1]["message"] == {"text": "Trả lời: thủ tục kết hôn"}
    stored = json.loads(Path(bot.config.token_store_path).read_text())
    assert (stored["access_token"], stored["refresh_token"]) == (
        zalo_api.access_token,
        zalo_api.refresh_token,
    )
    # The next message uses the new token straight away.
    calls_before = zalo_api.cs_calls
    await post_event(bot, text_event("cảm ơn", msg_id="m-next"))
    assert zalo_api.cs_calls == calls_before + 1 and len(zalo_api.refreshes) == 1


async def test_persisted_tokens_win_over_environment_on_restart(zalo_api, tmp_path):
    store = JsonFileTokenStore(tmp_path / "tokens.json")
    await store.save(ZaloTokens("access-1", "refresh-1"))
    config = ZaloConfig(
        app_id=APP_ID,
        app_secret=APP_SECRET,
        oa_secret_key=OA_SECRET,
        access_token="stale-env-token",
        refresh_token="stale-env-refresh",
        api_base=zalo_api.base,
        oauth_base=zalo_api.base,
    )
    api = ZaloApi(config, store)
    try:
        await api.send_message({"user_id": "1"}, {"text": "xin chào"})
    finally:
        await api.close()
    assert zalo_api.refreshes == [] and len(zalo_api.messages) == 1


async def test_malformed_and_oversized_bodies(bot, zalo_api):
    bad = await bot.http.post(bot.url, content=b"{not json", headers={"Content-Type": "application/json"})
    assert bad.status_code == 400
    not_object = await bot.http.post(bot.url, content=b"[1,2]", headers={"Content-Type": "application/json"})
    assert not_object.status_code == 400
    big = text_event("x" * 5000)
    raw, headers = signed(big)
    too_big = await bot.http.post(bot.url, content=raw, headers=headers)
    assert too_big.status_code == 413


async def test_other_event_types_are_acknowledged_without_reply(bot, zalo_api):
    event = text_event("", event_name="follow")
    response = await post_event(bot, event)
    assert response.status_code == 200
    assert zalo_api.messages == [] and bot.agent.messages == []


async def test_buttons_become_zalo_query_buttons_for_followers(bot, zalo_api):
    await post_event(bot, text_event("hộ tịch"))
    message = zalo_api.messages[-1]["message"]
    assert message["text"] == "Anh/chị muốn làm thủ tục nào?"
    buttons = message["attachment"]["payload"]["buttons"]
    assert [b["title"] for b in buttons] == ["Đăng ký khai sinh", "Đăng ký kết hôn"]
    assert {b["type"] for b in buttons} == {"oa.query.hide"}
    assert buttons[0]["payload"] == '/hoi_thu_tuc{"ma":"khai_sinh"}'


async def test_template_refusal_falls_back_to_numbered_text(bot, zalo_api):
    zalo_api.reject_templates = True
    await post_event(bot, text_event("hộ tịch"))
    assert "1. Đăng ký khai sinh\n2. Đăng ký kết hôn" in zalo_api.messages[-1]["message"]["text"]


async def test_website_visitor_gets_numbered_options_and_can_answer_with_a_number(bot, zalo_api):
    await post_event(bot, text_event("hộ tịch", anonymous=True, sender="anon-9", msg_id="a1"))
    first = zalo_api.messages[-1]
    assert first["recipient"] == {"anonymous_id": "anon-9", "conversation_id": "conv-77"}
    assert zalo_api.routes == [ANONYMOUS_ROUTE]
    assert "attachment" not in first["message"]
    assert "1. Đăng ký khai sinh" in first["message"]["text"]
    assert bot.agent.messages[-1].sender_id == "zalo-anon:anon-9"

    await post_event(bot, text_event("2", anonymous=True, sender="anon-9", msg_id="a2"))
    assert bot.agent.messages[-1].text == '/hoi_thu_tuc{"ma":"ket_hon"}'


async def test_outside_interaction_window_is_logged_not_crashed(bot, zalo_api, caplog):
    zalo_api.force_error = -213
    with caplog.at_level("WARNING", logger="bot.channels.zalo_api"):
        response = await post_event(bot, text_event("xin chào"))
    assert response.status_code == 200
    assert any("interaction window" in r.getMessage() for r in caplog.records)
    # The connector keeps working afterwards.
    zalo_api.force_error = None
    await post_event(bot, text_event("lần nữa", msg_id="m-after"))
    assert zalo_api.messages[-1]["message"]["text"] == "Trả lời: lần nữa"


async def test_rasa_failure_gets_a_polite_reply(bot, zalo_api):
    bot.agent.fail = True
    await post_event(bot, text_event("xin chào"))
    assert zalo_api.messages[-1]["message"]["text"] == BUSY_TEXT


async def test_health_route(bot):
    response = await bot.http.get(bot.url.removesuffix("webhook"))
    assert response.status_code == 200


def test_credentials_yml_registers_the_connector(monkeypatch):
    from rasa.core.run import create_http_input_channels

    from bot.channels.bridge import TelegramBridgeInput
    from bot.channels.rest import SafeRestInput

    for name in ("ZALO_APP_ID", "ZALO_APP_SECRET", "ZALO_OA_SECRET_KEY", "ZALO_ACCESS_TOKEN", "ZALO_REFRESH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    # Loads without any Zalo variable (Zalo is optional), and then refuses every event.
    channels = create_http_input_channels(None, str(REPO / "credentials.yml"))
    assert {type(c) for c in channels} == {SafeRestInput, TelegramBridgeInput, ZaloInput}
    assert not next(c for c in channels if isinstance(c, ZaloInput)).config.can_verify

    for name, value in {
        "ZALO_APP_ID": APP_ID,
        "ZALO_APP_SECRET": APP_SECRET,
        "ZALO_OA_SECRET_KEY": OA_SECRET,
        "ZALO_ACCESS_TOKEN": "a",
        "ZALO_REFRESH_TOKEN": "r",
    }.items():
        monkeypatch.setenv(name, value)
    channels = create_http_input_channels(None, str(REPO / "credentials.yml"))
    zalo = next(c for c in channels if isinstance(c, ZaloInput))
    assert zalo.config.app_id == APP_ID and zalo.config.oa_secret_key == OA_SECRET and zalo.config.can_verify


async def test_unconfigured_connector_refuses_everything(zalo_api, tmp_path):
    channel = ZaloInput(
        ZaloConfig(
            app_id="changeme",
            app_secret="",
            oa_secret_key="changeme",
            token_store_path=str(tmp_path / "t.json"),
        )
    )
    assert channel._check_authenticity(text_event("x"), b"{}", "mac=00") == "connector not configured"


async def test_rate_limit_sends_one_polite_notice(bot, zalo_api):
    from bot.channels.guards import RateLimiter
    from bot.channels.render import RATE_LIMIT_TEXT

    bot.channel.limiter = RateLimiter(bot.channel.state, "zalo", 2, 60.0)
    for i in range(5):
        await post_event(bot, text_event(f"câu {i}", msg_id=f"rl-{i}"))
    assert len(bot.agent.messages) == 2
    texts = [m["message"]["text"] for m in zalo_api.messages]
    assert texts.count(RATE_LIMIT_TEXT) == 1


# --- issue 11: endpoints per recipient kind, Zalo's error bodies, several replicas ---------------------


async def test_followers_and_website_visitors_are_answered_through_their_own_endpoints(bot, zalo_api):
    await post_event(bot, text_event("làm căn cước", msg_id="f1"))
    await post_event(bot, text_event("làm căn cước", anonymous=True, sender="anon-1", msg_id="a1"))
    assert zalo_api.routes == [FOLLOWER_ROUTE, ANONYMOUS_ROUTE]
    assert [m["recipient"] for m in zalo_api.messages] == [
        {"user_id": "8000000000000001"},
        {"anonymous_id": "anon-1", "conversation_id": "conv-77"},
    ]


def test_each_endpoint_is_configurable(monkeypatch):
    monkeypatch.setenv("ZALO_ANONYMOUS_MESSAGE_URL", "https://zalo.example/v9/visitor")
    monkeypatch.setenv("ZALO_FOLLOWER_MESSAGE_URL", "/v4.0/oa/message/cs")
    monkeypatch.setenv("ZALO_API_BASE", "https://api.example")
    config = ZaloConfig.from_credentials({})
    assert config.anonymous_message_url == "https://zalo.example/v9/visitor"
    assert config.follower_message_url == "https://api.example/v4.0/oa/message/cs"


async def test_a_refused_reply_is_logged_with_zalos_error_code(bot, zalo_api, caplog):
    zalo_api.force_error = -32
    with caplog.at_level("ERROR", logger="bot.channels.zalo"):
        response = await post_event(bot, text_event("xin chào", anonymous=True, sender="anon-2"))
    assert response.status_code == 200
    record = next(r for r in caplog.records if "did not deliver" in r.getMessage())
    assert "error -32" in record.getMessage() and "website visitor" in record.getMessage()
    assert ANONYMOUS_ROUTE in record.getMessage()


async def test_token_error_sent_with_an_http_error_status_still_triggers_the_refresh(bot, zalo_api):
    zalo_api.error_status = 401
    zalo_api.access_token = "access-rotated-by-zalo"
    await post_event(bot, text_event("thủ tục kết hôn"))
    assert len(zalo_api.refreshes) == 1
    assert zalo_api.messages[-1]["message"] == {"text": "Trả lời: thủ tục kết hôn"}


async def test_refresh_refused_with_http_400_is_logged_with_its_code(bot, zalo_api, caplog):
    zalo_api.error_status = 400
    zalo_api.access_token = "access-rotated-by-zalo"
    zalo_api.refresh_token = "a-refresh-token-we-do-not-have"
    with caplog.at_level("ERROR"):
        await post_event(bot, text_event("xin chào"))
    messages = [r.getMessage() for r in caplog.records]
    assert any("refresh failed with error -14014" in m for m in messages), messages
    assert any("error -14014" in m and "did not deliver" in m for m in messages), messages


async def test_two_replicas_refresh_once_and_share_the_rotated_pair(zalo_api, tmp_path, state):
    """Refresh tokens are single-use: under the shared lock only one replica spends it."""
    config = zalo_config(zalo_api, tmp_path)
    replicas = [ZaloApi(config, SharedTokenStore(state), state=state) for _ in range(2)]
    zalo_api.access_token = "access-rotated-by-zalo"
    try:
        results = await asyncio.gather(
            *(api.send_message({"user_id": str(i)}, {"text": "xin chào"}) for i, api in enumerate(replicas))
        )
    finally:
        for api in replicas:
            await api.close()
    assert sorted(r["message_id"] for r in results if r) == ["m1", "m2"]
    assert len(zalo_api.refreshes) == 1
    stored = await SharedTokenStore(state).load()
    assert stored is not None and stored.access_token == zalo_api.access_token


async def test_an_event_delivered_to_two_replicas_is_answered_once(zalo_api, tmp_path, unused_tcp_port_factory):
    state = MemoryState()
    config = zalo_config(zalo_api, tmp_path)
    event = text_event("lệ phí khai sinh", msg_id="both-1")
    async with running_bot(config, unused_tcp_port_factory(), state) as one, running_bot(
        config, unused_tcp_port_factory(), state
    ) as two:
        responses = [await post_event(one, event), await post_event(two, event)]
        answered = len(one.agent.messages) + len(two.agent.messages)
    assert [r.status_code for r in responses] == [200, 200]
    assert answered == 1 and len(zalo_api.messages) == 1


async def test_a_visitor_answering_a_number_on_another_replica_gets_that_option(
    zalo_api, tmp_path, unused_tcp_port_factory
):
    state = MemoryState()
    config = zalo_config(zalo_api, tmp_path)
    async with running_bot(config, unused_tcp_port_factory(), state) as one, running_bot(
        config, unused_tcp_port_factory(), state
    ) as two:
        await post_event(one, text_event("hộ tịch", anonymous=True, sender="anon-5", msg_id="o1"))
        await post_event(two, text_event("2", anonymous=True, sender="anon-5", msg_id="o2"))
        output = await two.channel.output_for("zalo-anon:anon-5")
        assert two.agent.messages[-1].text == '/hoi_thu_tuc{"ma":"ket_hon"}'
    assert output is not None and output.recipient == {"anonymous_id": "anon-5", "conversation_id": "conv-77"}
