"""Fixtures for the channel tests: fakes served on loopback."""

from __future__ import annotations

import pytest
from aiohttp import web

from tests.channels.channel_fakes import FakeBotApi, FakeRasa, serve


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
