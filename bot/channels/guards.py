"""Small in-memory guards shared by the channels: duplicate detection, rate limits, payload stores."""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class SeenSet:
    """Bounded LRU of ids already handled, so platform redeliveries are answered once."""

    def __init__(self, capacity: int = 10_000):
        self._capacity = capacity
        self._seen: OrderedDict[Hashable, None] = OrderedDict()

    def check_and_add(self, key: Hashable) -> bool:
        """True the first time a key is seen, False on every repeat."""
        if key in self._seen:
            self._seen.move_to_end(key)
            return False
        self._seen[key] = None
        if len(self._seen) > self._capacity:
            self._seen.popitem(last=False)
        return True

    def __len__(self) -> int:
        return len(self._seen)


class RateLimiter:
    """Sliding-window limit per conversation; the clock is injectable so tests need no sleeping."""

    def __init__(
        self,
        limit: int,
        window: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 50_000,
    ):
        self._limit = limit
        self._window = window
        self._clock = clock
        self._max_keys = max_keys
        self._hits: OrderedDict[Hashable, deque[float]] = OrderedDict()
        self._warned: dict[Hashable, float] = {}

    def allow(self, key: Hashable) -> bool:
        """Record one message; False when the key has used up its window."""
        if self._limit <= 0:
            return True
        now = self._clock()
        hits = self._hits.setdefault(key, deque())
        self._hits.move_to_end(key)
        while hits and now - hits[0] >= self._window:
            hits.popleft()
        if len(self._hits) > self._max_keys:
            old, _ = self._hits.popitem(last=False)
            self._warned.pop(old, None)
        if len(hits) >= self._limit:
            return False
        hits.append(now)
        return True

    def should_warn(self, key: Hashable) -> bool:
        """Tell a citizen about the limit once per window, not on every dropped message."""
        now = self._clock()
        last = self._warned.get(key)
        if last is not None and now - last < self._window:
            return False
        self._warned[key] = now
        return True


class PayloadStore(Generic[V]):
    """Bounded map from short random ids to values kept server-side (e.g. button payloads)."""

    def __init__(self, capacity: int = 20_000, id_bytes: int = 6):
        self._capacity = capacity
        self._id_bytes = id_bytes
        self._items: OrderedDict[str, V] = OrderedDict()

    def put(self, value: V) -> str:
        key = secrets.token_urlsafe(self._id_bytes)
        while key in self._items:
            key = secrets.token_urlsafe(self._id_bytes)
        self._items[key] = value
        if len(self._items) > self._capacity:
            self._items.popitem(last=False)
        return key

    def get(self, key: str) -> V | None:
        return self._items.get(key)
