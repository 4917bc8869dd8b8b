"""Guards shared by the channels: duplicate detection, rate limits, server-side payloads.

Each is a thin layer over :mod:`bot.channels.state`, so several replicas agree (Redis) and a single
process needs nothing (memory). When Redis is unreachable they fail open: a citizen may be answered
twice or not be rate-limited for a moment, but is never left without an answer.
"""

from __future__ import annotations

import json
import logging
import secrets
from typing import Any

from bot.channels.state import SharedState, StateUnavailable

logger = logging.getLogger(__name__)

DAY = 24 * 3600.0


class SeenSet:
    """Ids already handled (platform redeliveries), remembered for ``ttl`` seconds."""

    def __init__(self, state: SharedState, namespace: str, *, ttl: float = DAY):
        self._state = state
        self._namespace = namespace
        self._ttl = ttl

    async def check_and_add(self, key: object) -> bool:
        """True the first time a key is seen by any replica, False on every repeat."""
        try:
            return await self._state.add_if_absent(f"{self._namespace}:seen:{key}", self._ttl)
        except StateUnavailable as exc:
            logger.warning("Duplicate check skipped (%s)", exc)
            return True


class RateLimiter:
    """Sliding-window limit per key (a chat, a sender, a client address)."""

    def __init__(self, state: SharedState, namespace: str, limit: int, window: float):
        self._state = state
        self._namespace = namespace
        self.limit = limit
        self.window = window

    async def allow(self, key: object) -> bool:
        """Record one message; False when the key has used up its window."""
        if self.limit <= 0:
            return True
        try:
            return await self._state.hit(f"{self._namespace}:rate:{key}", self.limit, self.window)
        except StateUnavailable as exc:
            logger.warning("Rate limit skipped (%s)", exc)
            return True

    async def should_warn(self, key: object) -> bool:
        """Tell a citizen about the limit once per window, not on every dropped message."""
        try:
            return await self._state.add_if_absent(f"{self._namespace}:warned:{key}", self.window)
        except StateUnavailable:
            return False


class PayloadStore:
    """Short random ids standing for JSON values kept server-side (e.g. button payloads)."""

    def __init__(self, state: SharedState, namespace: str, *, ttl: float = 7 * DAY, id_bytes: int = 6):
        self._state = state
        self._namespace = namespace
        self._ttl = ttl
        self._id_bytes = id_bytes

    def _key(self, item_id: str) -> str:
        return f"{self._namespace}:payload:{item_id}"

    async def put(self, value: Any) -> str:
        """Store a value under a fresh unguessable id (48 random bits by default)."""
        item_id = secrets.token_urlsafe(self._id_bytes)
        await self._state.put(self._key(item_id), json.dumps(value, ensure_ascii=False), self._ttl)
        return item_id

    async def get(self, item_id: str) -> Any | None:
        try:
            raw = await self._state.get(self._key(item_id))
        except StateUnavailable as exc:
            logger.warning("Stored payload unreadable (%s)", exc)
            return None
        return None if raw is None else json.loads(raw)
