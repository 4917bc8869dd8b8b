"""A fake Zalo OpenAPI (CS message + OAuth token endpoints) and helpers to sign events like Zalo does."""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

from aiohttp import web

APP_ID = "1234567890123456789"
APP_SECRET = "app-secret-for-tests"
OA_SECRET = "oa-secret-key-for-tests"


FOLLOWER_ROUTE = "/v3.0/oa/message/cs"
ANONYMOUS_ROUTE = "/v2.0/oa/message"


class FakeZaloOpenApi:
    """Accepts only the current access token; the refresh endpoint rotates both tokens.

    Replies to followers (``user_id``) are accepted only on the v3 CS route and replies to website
    visitors (``anonymous_id``) only on the v2 route, each refusing the other kind with an error.
    ``error_status`` is the HTTP status Zalo sends its error bodies with (it varies: 200 or 4xx).
    """

    def __init__(self, access_token: str = "access-1", refresh_token: str = "refresh-1"):
        self.access_token = access_token
        self.refresh_token = refresh_token
        self.messages: list[dict[str, Any]] = []
        self.routes: list[str] = []
        self.error_status = 200
        self.refreshes: list[dict[str, str]] = []
        self.cs_calls = 0
        self.force_error: int | None = None
        self.reject_templates = False
        self._generation = 1

    def _error(self, code: int, message: str) -> web.Response:
        return web.json_response({"error": code, "message": message}, status=self.error_status)

    async def cs(self, request: web.Request) -> web.Response:
        return await self._message(request, anonymous=False)

    async def anonymous(self, request: web.Request) -> web.Response:
        return await self._message(request, anonymous=True)

    async def _message(self, request: web.Request, *, anonymous: bool) -> web.Response:
        self.cs_calls += 1
        body = await request.json()
        if request.headers.get("access_token") != self.access_token:
            return self._error(-216, "Access token is invalid")
        if ("anonymous_id" in body.get("recipient", {})) != anonymous:
            return self._error(-201, "recipient not supported by this endpoint")
        if self.force_error is not None:
            return self._error(self.force_error, "refused")
        if self.reject_templates and "attachment" in body.get("message", {}):
            return self._error(-201, "template not allowed")
        self.messages.append(body)
        self.routes.append(request.path)
        return web.json_response(
            {"error": 0, "message": "Success", "data": {"message_id": f"m{len(self.messages)}"}}
        )

    async def token(self, request: web.Request) -> web.Response:
        form = await request.post()
        self.refreshes.append(
            {k: str(v) for k, v in form.items()} | {"secret_key": request.headers.get("secret_key", "")}
        )
        if (
            form.get("grant_type") != "refresh_token"
            or form.get("app_id") != APP_ID
            or form.get("refresh_token") != self.refresh_token
            or request.headers.get("secret_key") != APP_SECRET
        ):
            return web.json_response(
                {"error": -14014, "error_description": "invalid refresh token"}, status=self.error_status
            )
        self._generation += 1
        self.access_token = f"access-{self._generation}"
        self.refresh_token = f"refresh-{self._generation}"
        return web.json_response(
            {"access_token": self.access_token, "refresh_token": self.refresh_token, "expires_in": "90000"}
        )

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post(FOLLOWER_ROUTE, self.cs)
        app.router.add_post(ANONYMOUS_ROUTE, self.anonymous)
        app.router.add_post("/v4/oa/access_token", self.token)
        return app


def text_event(
    text: str,
    *,
    msg_id: str = "msg-1",
    sender: str = "8000000000000001",
    anonymous: bool = False,
    timestamp_ms: int | None = None,
    event_name: str | None = None,
) -> dict[str, Any]:
    message: dict[str, Any] = {"text": text, "msg_id": msg_id}
    if anonymous:
        message["conversation_id"] = "conv-77"
    return {
        "app_id": APP_ID,
        "sender": {"id": sender},
        "user_id_by_app": "552177279717587730",
        "recipient": {"id": "388613280878808645"},
        "event_name": event_name or ("anonymous_send_text" if anonymous else "user_send_text"),
        "message": message,
        "timestamp": str(timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)),
    }


def signed(event: dict[str, Any], *, secret: str = OA_SECRET) -> tuple[bytes, dict[str, str]]:
    """Serialise the event and sign it as Zalo does: sha256(app_id + body + timestamp + OA secret)."""
    raw = json.dumps(event, ensure_ascii=False).encode("utf-8")
    mac = hashlib.sha256(APP_ID.encode() + raw + event["timestamp"].encode() + secret.encode()).hexdigest()
    return raw, {"X-ZEvent-Signature": f"mac={mac}", "Content-Type": "application/json"}
