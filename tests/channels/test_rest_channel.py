"""The public REST channel and the Telegram bridge channel on a real Sanic server, set up as `rasa run`
sets it up (Rasa's CORS extension without --cors, channels registered under /webhooks/)."""

from __future__ import annotations

import itertools

import httpx
import pytest
from rasa.core.channels.channel import UserMessage, register
from rasa.server import configure_cors
from sanic import Sanic

from bot.channels.bridge import TelegramBridgeInput
from bot.channels.config import RestConfig
from bot.channels.render import RATE_LIMIT_TEXT
from bot.channels.rest import SafeRestInput
from bot.channels.state import MemoryState

Sanic.test_mode = True
_names = itertools.count()
BRIDGE_SECRET = "bridge-secret-for-tests-0123456789"
WIDGET = "https://chatbot.quangtri.example"


class EchoAgent:
    """Stands in for rasa's Agent: records each message and answers through its output channel."""

    def __init__(self) -> None:
        self.messages: list[UserMessage] = []

    async def handle_message(self, message: UserMessage) -> None:
        self.messages.append(message)
        await message.output_channel.send_response(message.sender_id, {"text": f"Trả lời: {message.text}"})


@pytest.fixture
async def server(unused_tcp_port):
    """Both channels as Rasa serves them; the client carries the stub agent as ``.agent``."""
    config = RestConfig(rate_limit=3, rate_window=60.0, rate_exempt=(), widget_origins=(WIDGET,),
                        bridge_secret=BRIDGE_SECRET)
    app = Sanic(f"rest_test_{next(_names)}")
    configure_cors(app, None)  # what `rasa run` does without --cors
    agent = EchoAgent()
    app.ctx.agent = agent
    register([SafeRestInput(config, state=MemoryState()), TelegramBridgeInput(config)], app, route="/webhooks/")
    running = await app.create_server(host="127.0.0.1", port=unused_tcp_port, return_asyncio_server=True,
                                      access_log=False)
    await running.startup()
    await running.start_serving()
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{unused_tcp_port}", timeout=10) as http:
        http.agent = agent  # type: ignore[attr-defined]
        yield http
    await running.close()


async def say(http: httpx.AsyncClient, sender: str, text: str = "xin chào", **extra) -> httpx.Response:
    return await http.post("/webhooks/rest/webhook", json={"sender": sender, "message": text, **extra})


@pytest.mark.parametrize("sender", ["tg:4242", "zalo:8000000000000001", "zalo-anon:abc", " TG:4242", "Zalo:1"])
async def test_public_endpoint_refuses_conversation_ids_of_other_channels(server, sender):
    response = await say(server, sender)
    assert response.status_code == 403
    assert server.agent.messages == []


async def test_web_widget_ids_are_answered(server):
    response = await say(server, "web:0123456789abcdef01234567")
    assert response.status_code == 200
    assert response.json() == [{"recipient_id": "web:0123456789abcdef01234567", "text": "Trả lời: xin chào"}]


async def test_the_caller_cannot_choose_the_input_channel(server):
    await say(server, "web:00112233445566778899aabb", input_channel="telegram")
    assert server.agent.messages[-1].input_channel == "rest"


async def test_each_client_is_rate_limited(server):
    statuses = [(await say(server, f"web:{i:024x}")).status_code for i in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = await say(server, "web:ffffffffffffffffffffffff")
    assert limited.headers["Retry-After"] == "60"
    assert limited.json() == [{"recipient_id": "web:ffffffffffffffffffffffff", "text": RATE_LIMIT_TEXT}]
    assert len(server.agent.messages) == 3


async def test_widget_origin_may_call_the_webhook_from_a_browser(server):
    preflight = await server.options(
        "/webhooks/rest/webhook",
        headers={"Origin": WIDGET, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type"},
    )
    assert preflight.status_code in (200, 204)
    assert preflight.headers["Access-Control-Allow-Origin"] == WIDGET
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    post = await server.post(
        "/webhooks/rest/webhook", json={"sender": "web:0123456789abcdef01234567", "message": "hi"},
        headers={"Origin": WIDGET},
    )
    assert post.headers["Access-Control-Allow-Origin"] == WIDGET


async def test_other_pages_get_no_cors_permission(server):
    preflight = await server.options(
        "/webhooks/rest/webhook", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers
    bridge = await server.options(
        "/webhooks/telegram/webhook", headers={"Origin": WIDGET, "Access-Control-Request-Method": "POST"}
    )
    assert "Access-Control-Allow-Origin" not in bridge.headers


async def bridge_say(http: httpx.AsyncClient, sender: str, token: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return await http.post("/webhooks/telegram/webhook", json={"sender": sender, "message": "xin chào"},
                           headers=headers)


async def test_bridge_channel_needs_the_shared_secret(server):
    assert (await bridge_say(server, "tg:4242", None)).status_code == 401
    assert (await bridge_say(server, "tg:4242", "wrong-secret-0123456789")).status_code == 401
    assert server.agent.messages == []
    ok = await bridge_say(server, "tg:4242", BRIDGE_SECRET)
    assert ok.status_code == 200 and ok.json()[0]["text"] == "Trả lời: xin chào"
    assert (server.agent.messages[-1].sender_id, server.agent.messages[-1].input_channel) == ("tg:4242", "telegram")


async def test_bridge_channel_speaks_only_for_telegram_chats(server):
    assert (await bridge_say(server, "zalo:1", BRIDGE_SECRET)).status_code == 403
    assert (await bridge_say(server, "web:0123456789abcdef01234567", BRIDGE_SECRET)).status_code == 403


async def test_unconfigured_bridge_channel_refuses_everything(unused_tcp_port):
    channel = TelegramBridgeInput(RestConfig(bridge_secret="changeme"))
    app = Sanic(f"rest_test_{next(_names)}")
    app.ctx.agent = EchoAgent()
    register([channel], app, route="/webhooks/")
    running = await app.create_server(host="127.0.0.1", port=unused_tcp_port, return_asyncio_server=True,
                                      access_log=False)
    await running.startup()
    await running.start_serving()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{unused_tcp_port}", timeout=10) as http:
            assert (await bridge_say(http, "tg:1", "changeme")).status_code == 403
    finally:
        await running.close()


def test_widget_conversation_ids_are_random_and_unguessable():
    """The public endpoint trusts web: ids because they carry 96 random bits from the browser's CSPRNG."""
    from bot.web.app import STATIC_DIR

    script = (STATIC_DIR / "widget.js").read_text(encoding="utf-8")
    assert "new Uint8Array(12)" in script and "getRandomValues(bytes)" in script
    assert '"web:" + randomId()' in script and "Math.random" not in script
