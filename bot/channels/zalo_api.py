"""Zalo OA OpenAPI client: reply messages (followers and website-widget visitors) and token refresh."""

from __future__ import annotations

import logging
import time
from typing import Any

import httpx

from bot.channels.config import ZaloConfig
from bot.channels.state import MemoryState, SharedState, StateUnavailable
from bot.channels.zalo_tokens import TokenStore, ZaloTokens

logger = logging.getLogger(__name__)

TOKEN_INVALID = -216
# The OA may only answer within a window after the citizen's last message (48 hours; -230 is
# the 7-day variant some accounts get). Sending outside it is refused: log, do not crash.
WINDOW_ERRORS = {-213, -230}
# Long enough for one refresh round trip; a crashed holder's lock expires after it.
REFRESH_LOCK_SECONDS = 30.0
UNREACHABLE = -1


class ZaloApiError(Exception):
    """The OpenAPI answered with a non-zero error code, or could not be reached (code -1)."""

    def __init__(self, code: int, message: str):
        super().__init__(f"Zalo API error {code}: {message}")
        self.code = code
        self.detail = message


def is_anonymous(recipient: dict[str, str]) -> bool:
    """Website chat-widget visitors are addressed by anonymous_id + conversation_id, followers by user_id."""
    return "anonymous_id" in recipient


class ZaloApi:
    """Sends replies with the current access token, refreshing it once on error -216.

    Refresh tokens are single-use: the refresh runs under a lock in the shared state and the rotated
    pair is saved to the token store, so several replicas never spend the same refresh token twice.
    """

    def __init__(
        self,
        config: ZaloConfig,
        store: TokenStore,
        *,
        state: SharedState | None = None,
        client: httpx.AsyncClient | None = None,
    ):
        self._config = config
        self._store = store
        self._state = state or MemoryState()
        self._client = client
        self._owns_client = client is None
        self._tokens: ZaloTokens | None = None

    async def close(self) -> None:
        if self._client is not None and self._owns_client:
            await self._client.aclose()
            self._client = None

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=httpx.Timeout(self._config.http_timeout, connect=5.0))
        return self._client

    async def _stored_tokens(self) -> ZaloTokens:
        """The store wins over the environment: after the first refresh the environment's pair is spent."""
        stored = await self._store.load()
        return stored or ZaloTokens(self._config.access_token, self._config.refresh_token)

    async def current_tokens(self) -> ZaloTokens:
        if self._tokens is None:
            self._tokens = await self._stored_tokens()
        return self._tokens

    def message_url(self, recipient: dict[str, str]) -> str:
        """Followers and anonymous website visitors are answered through different endpoints."""
        if is_anonymous(recipient):
            return self._config.anonymous_message_url
        return self._config.follower_message_url

    async def send_message(self, recipient: dict[str, str], message: dict[str, Any]) -> dict | None:
        """POST one reply; returns Zalo's ``data``, or None when Zalo refused it for the reply window."""
        url = self.message_url(recipient)
        body = {"recipient": recipient, "message": message}
        tokens = await self.current_tokens()
        result = await self._post_json(url, json=body, headers={"access_token": tokens.access_token})
        if _error_code(result) == TOKEN_INVALID:
            logger.info("Zalo access token rejected (-216); refreshing")
            tokens = await self.refresh(stale=tokens)
            result = await self._post_json(url, json=body, headers={"access_token": tokens.access_token})
        code = _error_code(result)
        if code in WINDOW_ERRORS:
            logger.warning("Zalo refused a reply outside the interaction window (error %s)", code)
            return None
        if code != 0:
            raise ZaloApiError(code, str(result.get("message", "")))
        return result.get("data") or {}

    async def _post_json(self, url: str, **kwargs: Any) -> dict[str, Any]:
        """Zalo reports errors in the JSON body, sometimes with an HTTP 4xx: read the body whatever the status."""
        try:
            response = await self._http().post(url, **kwargs)
        except httpx.HTTPError as exc:
            raise ZaloApiError(UNREACHABLE, f"{url} unreachable: {exc.__class__.__name__}") from exc
        try:
            data = response.json()
        except ValueError as exc:
            raise ZaloApiError(UNREACHABLE, f"HTTP {response.status_code} without a JSON body") from exc
        if not isinstance(data, dict):
            raise ZaloApiError(UNREACHABLE, f"HTTP {response.status_code} with an unexpected body")
        return data

    async def refresh(self, *, stale: ZaloTokens | None = None) -> ZaloTokens:
        """Exchange the refresh token for a new pair, unless another message or replica already did."""
        try:
            async with self._state.lock("zalo:token-refresh", REFRESH_LOCK_SECONDS):
                current = await self._stored_tokens()
                if stale is not None and current.access_token != stale.access_token:
                    self._tokens = current  # refreshed elsewhere while we waited
                    return current
                tokens = await self._exchange(current)
                await self._store.save(tokens)
                self._tokens = tokens
                logger.info("Zalo tokens refreshed and saved")
                return tokens
        except StateUnavailable as exc:
            raise ZaloApiError(UNREACHABLE, f"token refresh not attempted: {exc}") from exc

    async def _exchange(self, current: ZaloTokens) -> ZaloTokens:
        form = {
            "refresh_token": current.refresh_token,
            "app_id": self._config.app_id,
            "grant_type": "refresh_token",
        }
        data = await self._post_json(
            self._config.oauth_base + self._config.refresh_path,
            data=form,
            headers={"secret_key": self._config.app_secret},
        )
        if not data.get("access_token") or not data.get("refresh_token"):
            code = _error_code(data) or UNREACHABLE
            logger.error("Zalo token refresh failed with error %s; a new OA authorisation is needed", code)
            raise ZaloApiError(code, "token refresh failed")
        expires_in = float(data.get("expires_in") or 0)
        return ZaloTokens(
            access_token=str(data["access_token"]),
            refresh_token=str(data["refresh_token"]),
            expires_at=time.time() + expires_in if expires_in else None,
        )


def _error_code(data: dict[str, Any]) -> int:
    try:
        return int(data.get("error", 0) or 0)
    except (TypeError, ValueError):
        return UNREACHABLE
