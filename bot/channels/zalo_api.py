"""Zalo OA OpenAPI client: customer-service messages and access-token refresh."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import httpx

from bot.channels.config import ZaloConfig
from bot.channels.zalo_tokens import TokenStore, ZaloTokens

logger = logging.getLogger(__name__)

CS_MESSAGE_PATH = "/v3.0/oa/message/cs"
REFRESH_PATH = "/v4/oa/access_token"
TOKEN_INVALID = -216
# The OA may only answer within a window after the citizen's last message (48 hours; -230 is
# the 7-day variant some accounts get). Sending outside it is refused: log, do not crash.
WINDOW_ERRORS = {-213, -230}


class ZaloApiError(Exception):
    """The OpenAPI answered with a non-zero error code, or could not be reached."""

    def __init__(self, code: int, message: str):
        super().__init__(f"Zalo API error {code}: {message}")
        self.code = code


class ZaloApi:
    """Sends CS messages with the current access token, refreshing it once on error -216."""

    def __init__(self, config: ZaloConfig, store: TokenStore, *, client: httpx.AsyncClient | None = None):
        self._config = config
        self._store = store
        self._client = client
        self._owns_client = client is None
        self._tokens: ZaloTokens | None = None
        self._refresh_lock = asyncio.Lock()

    async def close(self) -> None:
        if self._client is not None and self._owns_client:
            await self._client.aclose()
            self._client = None

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=httpx.Timeout(self._config.http_timeout, connect=5.0))
        return self._client

    async def current_tokens(self) -> ZaloTokens:
        """Persisted tokens win over the environment: refresh tokens are single-use."""
        if self._tokens is None:
            stored = await asyncio.to_thread(self._store.load)
            self._tokens = stored or ZaloTokens(self._config.access_token, self._config.refresh_token)
        return self._tokens

    async def send_message(self, recipient: dict[str, str], message: dict[str, Any]) -> dict | None:
        """POST one CS message; returns Zalo's ``data`` or None when the message was refused by policy."""
        tokens = await self.current_tokens()
        body = {"recipient": recipient, "message": message}
        result = await self._post_cs(tokens.access_token, body)
        if result.get("error") == TOKEN_INVALID:
            logger.info("Zalo access token rejected (-216); refreshing")
            tokens = await self.refresh(stale=tokens)
            result = await self._post_cs(tokens.access_token, body)
        code = int(result.get("error", 0) or 0)
        if code in WINDOW_ERRORS:
            logger.warning("Zalo refused a reply outside the interaction window (error %s)", code)
            return None
        if code != 0:
            raise ZaloApiError(code, str(result.get("message", "")))
        return result.get("data") or {}

    async def _post_cs(self, access_token: str, body: dict[str, Any]) -> dict[str, Any]:
        url = self._config.api_base + CS_MESSAGE_PATH
        try:
            response = await self._http().post(url, json=body, headers={"access_token": access_token})
            response.raise_for_status()
            data = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ZaloApiError(-1, f"message API unreachable: {exc.__class__.__name__}") from exc
        if not isinstance(data, dict):
            raise ZaloApiError(-1, "unexpected response shape")
        return data

    async def refresh(self, *, stale: ZaloTokens | None = None) -> ZaloTokens:
        """Exchange the refresh token for a new pair and persist both before using them."""
        async with self._refresh_lock:
            current = await self.current_tokens()
            if stale is not None and current.access_token != stale.access_token:
                return current  # another message already refreshed while we waited
            url = self._config.oauth_base + REFRESH_PATH
            form = {
                "refresh_token": current.refresh_token,
                "app_id": self._config.app_id,
                "grant_type": "refresh_token",
            }
            try:
                response = await self._http().post(
                    url, data=form, headers={"secret_key": self._config.app_secret}
                )
                response.raise_for_status()
                data = response.json()
            except (httpx.HTTPError, ValueError) as exc:
                raise ZaloApiError(-1, f"token endpoint unreachable: {exc.__class__.__name__}") from exc
            if not isinstance(data, dict) or not data.get("access_token") or not data.get("refresh_token"):
                code = int(data.get("error", -1)) if isinstance(data, dict) else -1
                logger.error(
                    "Zalo token refresh failed with error %s; a new OA authorisation is needed", code
                )
                raise ZaloApiError(code, "token refresh failed")
            expires_in = float(data.get("expires_in") or 0)
            tokens = ZaloTokens(
                access_token=str(data["access_token"]),
                refresh_token=str(data["refresh_token"]),
                expires_at=time.time() + expires_in if expires_in else None,
            )
            await asyncio.to_thread(self._store.save, tokens)
            self._tokens = tokens
            logger.info("Zalo tokens refreshed and saved")
            return tokens
