"""State the channel processes share: in Redis when REDIS_URL is set (several replicas), else in memory.

Button ids, ids of updates already answered, rate-limit windows, Zalo conversation ids and tokens
must be the same on every replica: a button sent by one replica is pressed on another, and a platform
may redeliver an update to a different replica. Every key has a time to live.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Callable
from typing import Any, Protocol

from bot.channels.config import env

logger = logging.getLogger(__name__)


class StateUnavailable(Exception):
    """The shared store could not be reached; callers decide whether to fail open or closed."""


class SharedState(Protocol):
    """The few operations the channels need, with the same meaning in memory and in Redis."""

    async def add_if_absent(self, key: str, ttl: float) -> bool:
        """Mark a key for ``ttl`` seconds; True only for the caller that marked it first."""
        ...

    async def put(self, key: str, value: str, ttl: float) -> None: ...

    async def get(self, key: str) -> str | None: ...

    async def delete(self, key: str) -> None: ...

    async def hit(self, key: str, limit: int, window: float) -> bool:
        """Count one event in a sliding window; False (and not counted) once ``limit`` are in it."""
        ...

    def lock(self, key: str, timeout: float) -> contextlib.AbstractAsyncContextManager[None]:
        """Mutual exclusion across every process sharing the state (held at most ``timeout`` s)."""
        ...

    async def close(self) -> None: ...


class MemoryState:
    """One process's state: the embedded default, bounded so a flood of ids cannot exhaust memory."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic, capacity: int = 50_000):
        self._clock = clock
        self._capacity = capacity
        self._items: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._windows: OrderedDict[str, deque[float]] = OrderedDict()
        self._locks: dict[str, asyncio.Lock] = {}

    def _live(self, key: str) -> str | None:
        item = self._items.get(key)
        if item is None:
            return None
        if item[0] <= self._clock():
            del self._items[key]
            return None
        return item[1]

    async def add_if_absent(self, key: str, ttl: float) -> bool:
        if self._live(key) is not None:
            return False
        await self.put(key, "1", ttl)
        return True

    async def put(self, key: str, value: str, ttl: float) -> None:
        self._items[key] = (self._clock() + ttl, value)
        self._items.move_to_end(key)
        while len(self._items) > self._capacity:
            self._items.popitem(last=False)

    async def get(self, key: str) -> str | None:
        return self._live(key)

    async def delete(self, key: str) -> None:
        self._items.pop(key, None)

    async def hit(self, key: str, limit: int, window: float) -> bool:
        now = self._clock()
        hits = self._windows.setdefault(key, deque())
        self._windows.move_to_end(key)
        while hits and now - hits[0] >= window:
            hits.popleft()
        while len(self._windows) > self._capacity:
            self._windows.popitem(last=False)
        if len(hits) >= limit:
            return False
        hits.append(now)
        return True

    @contextlib.asynccontextmanager
    async def lock(self, key: str, timeout: float) -> AsyncIterator[None]:
        async with self._locks.setdefault(key, asyncio.Lock()):
            yield

    async def close(self) -> None:
        return None


class RedisState:
    """The same operations on Redis (``redis.asyncio``), every key under one prefix."""

    def __init__(self, url: str, *, prefix: str = "tthc", client: Any = None, timeout: float = 2.0):
        import redis.asyncio as aioredis

        self._prefix = prefix
        self._redis = client or aioredis.Redis.from_url(
            url, decode_responses=True, socket_timeout=timeout, socket_connect_timeout=timeout
        )

    def _key(self, key: str) -> str:
        return f"{self._prefix}:{key}"

    @contextlib.asynccontextmanager
    async def _errors(self) -> AsyncIterator[None]:
        import redis

        try:
            yield
        except (redis.RedisError, OSError) as exc:
            raise StateUnavailable(f"Redis: {exc.__class__.__name__}") from exc

    async def add_if_absent(self, key: str, ttl: float) -> bool:
        async with self._errors():
            return bool(await self._redis.set(self._key(key), "1", nx=True, px=_ms(ttl)))

    async def put(self, key: str, value: str, ttl: float) -> None:
        async with self._errors():
            await self._redis.set(self._key(key), value, px=_ms(ttl))

    async def get(self, key: str) -> str | None:
        async with self._errors():
            value = await self._redis.get(self._key(key))
        return None if value is None else str(value)

    async def delete(self, key: str) -> None:
        async with self._errors():
            await self._redis.delete(self._key(key))

    async def hit(self, key: str, limit: int, window: float) -> bool:
        # A sorted set of hit times per key, trimmed and counted in one MULTI/EXEC.
        name, now = self._key(key), time.time()
        member = f"{now:.6f}:{secrets.token_hex(4)}"
        async with self._errors():
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.zremrangebyscore(name, 0, now - window)
                pipe.zadd(name, {member: now})
                pipe.zcard(name)
                pipe.pexpire(name, _ms(window))
                _, _, count, _ = await pipe.execute()
            if int(count) > limit:
                await self._redis.zrem(name, member)
                return False
        return True

    @contextlib.asynccontextmanager
    async def lock(self, key: str, timeout: float) -> AsyncIterator[None]:
        import redis

        lock = self._redis.lock(self._key(f"lock:{key}"), timeout=timeout, blocking_timeout=timeout)
        async with self._errors():
            acquired = await lock.acquire()
        if not acquired:
            raise StateUnavailable(f"lock {key} not acquired in {timeout} s")
        try:
            yield
        finally:
            with contextlib.suppress(redis.RedisError, OSError):
                await lock.release()  # expired meanwhile: another process may hold it now

    async def close(self) -> None:
        closer = getattr(self._redis, "aclose", None) or self._redis.close  # redis-py 5 renamed it
        await closer()


def _ms(seconds: float) -> int:
    return max(1, int(seconds * 1000))


def state_from_env(*, clock: Callable[[], float] = time.monotonic) -> SharedState:
    """Redis when REDIS_URL is set (keys under STATE_KEY_PREFIX), otherwise this process's memory."""
    url = env("REDIS_URL")
    if url:
        return RedisState(url, prefix=env("STATE_KEY_PREFIX", "tthc"))
    return MemoryState(clock=clock)
