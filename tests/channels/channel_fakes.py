"""Loopback fakes for the channel tests: a Telegram Bot API server and a Rasa REST server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer


async def wait_for(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll until the predicate holds; fails the test if it never does."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.02)


def _decode(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


class FakeBotApi:
    """Speaks enough of the Bot API for python-telegram-bot: every call is recorded."""

    TOKEN = "123456:TEST-token"

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.updates: list[dict] = []
        # method -> how many of its next calls get "429 Too Many Requests" (retry after 1 s).
        self.throttle: dict[str, int] = {}
        self.throttled: list[str] = []
        self._message_id = 100
        self.server: TestServer | None = None

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == method]

    @property
    def base_url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("/bot"))

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.content_type == "application/json":
            raw = await request.json()
            params = dict(raw or {})
        else:
            form = await request.post()
            params = {k: _decode(v) if isinstance(v, str) else v for k, v in form.items()}
        if self.throttle.get(method, 0) > 0:
            self.throttle[method] -= 1
            self.throttled.append(method)
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 1",
                    "parameters": {"retry_after": 1},
                },
                status=429,
            )
        self.calls.append((method, params))
        return web.json_response({"ok": True, "result": self._result(method, params)})

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return {
                "id": 123456,
                "is_bot": True,
                "first_name": "Trợ lý",
                "username": "qt_test_bot",
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        if method == "getUpdates":
            updates, self.updates = self.updates, []
            return updates
        if method in {"sendMessage", "editMessageReplyMarkup"}:
            self._message_id += 1
            chat_id = params.get("chat_id", 0)
            return {
                "message_id": self._message_id,
                "date": 1_700_000_000,
                "chat": {"id": int(chat_id), "type": "private"},
                "text": params.get("text", ""),
            }
        return True


class FakeRasa:
    """Rasa's bridge channel: replies come from ``reply`` (sender, text) -> list of messages.

    Like the real channel it refuses (401) a request without ``Authorization: Bearer <secret>``.
    """

    SECRET = "bridge-secret-for-tests-0123456789"

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.refused = 0
        self.status = 200
        self.reply: Callable[[str, str], list[dict]] = lambda sender, text: [
            {"recipient_id": sender, "text": f"Bạn hỏi: {text}"}
        ]
        self.server: TestServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("")).rstrip("/")

    async def handle(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {self.SECRET}":
            self.refused += 1
            return web.json_response({"error": "unauthorised"}, status=401)
        body = await request.json()
        self.requests.append(body)
        if self.status != 200:
            return web.json_response({"error": "boom"}, status=self.status)
        return web.json_response(self.reply(body["sender"], body["message"]))


CHAT_ID = 4242


def text_update(update_id: int, text: str, chat_id: int = CHAT_ID) -> dict:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_700_000_000,
            "chat": {"id": chat_id, "type": "private", "first_name": "Dân"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Dân"},
            "text": text,
            **(
                {"entities": [{"type": "bot_command", "offset": 0, "length": len(text)}]}
                if text.startswith("/")
                else {}
            ),
        },
    }


def callback_update(update_id: int, data: str, chat_id: int = CHAT_ID) -> dict:
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"cq{update_id}",
            "chat_instance": "ci",
            "from": {"id": chat_id, "is_bot": False, "first_name": "Dân"},
            "data": data,
            "message": {
                "message_id": 7,
                "date": 1_700_000_000,
                "chat": {"id": chat_id, "type": "private"},
                "from": {"id": 123456, "is_bot": True, "first_name": "Trợ lý"},
                "text": "Chọn thủ tục",
            },
        },
    }


async def serve(app: web.Application) -> TestServer:
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    return server
