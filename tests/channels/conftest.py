"""Fixtures for the channel tests: fakes served on loopback."""

from __future__ import annotations

import uuid

import pytest
from aiohttp import web

from bot.channels.state import MemoryState, RedisState
from tests.channels.channel_fakes import FakeBotApi, FakeRasa, serve
from tests.production.cluster import REDIS_HOST, REDIS_PORT, reachable


@pytest.fixture
async def bot_api():
    fake = FakeBotApi()
    app = web.Application()
    app.router.add_post("/bot{token}/{method}", fake.handle)
    fake.server = await serve(app)
    yield fake
    await fake.server.close()


@pytest.fixture
async def rasa():
    fake = FakeRasa()
    app = web.Application()
    app.router.add_post("/webhooks/telegram/webhook", fake.handle)
    fake.server = await serve(app)
    yield fake
    await fake.server.close()


REDIS_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}/0"


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.services)])
async def state(request):
    """The shared state as one process has it (memory) and as replicas share it (this machine's Redis)."""
    if request.param == "memory":
        yield MemoryState()
        return
    if not reachable(REDIS_HOST, REDIS_PORT):
        pytest.skip(f"Redis unreachable at {REDIS_HOST}:{REDIS_PORT}")
    prefix = f"test{uuid.uuid4().hex[:8]}"
    redis_state = RedisState(REDIS_URL, prefix=prefix)
    yield redis_state
    client = redis_state._redis
    async for key in client.scan_iter(f"{prefix}:*"):
        await client.delete(key)
    await redis_state.close()
