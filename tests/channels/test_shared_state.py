"""The shared-state contract, in memory and on this machine's Redis (what several replicas use)."""

from __future__ import annotations

import asyncio

import pytest

from bot.analytics.ratings import DOWN_TITLE, UP_TITLE
from bot.channels.guards import PayloadStore, RateLimiter, SeenSet
from bot.channels.rasa_client import Button
from bot.channels.rating_replies import RatingReplyMemory
from bot.channels.state import MemoryState, RedisState, StateUnavailable, state_from_env
from bot.channels.zalo_tokens import SharedTokenStore, ZaloTokens
from tests.channels.conftest import REDIS_URL


async def test_add_if_absent_is_true_once(state):
    seen = SeenSet(state, "t")
    assert [await seen.check_and_add(5) for _ in range(3)] == [True, False, False]
    assert await seen.check_and_add(6)


async def test_values_expire(state):
    await state.put("k", "v", 0.2)
    assert await state.get("k") == "v"
    await asyncio.sleep(0.35)
    assert await state.get("k") is None


async def test_sliding_window_counts_only_accepted_hits(state):
    limiter = RateLimiter(state, "t", 2, 0.5)
    assert [await limiter.allow("chat") for _ in range(4)] == [True, True, False, False]
    assert await limiter.allow("other")
    assert [await limiter.should_warn("chat") for _ in range(2)] == [True, False]
    await asyncio.sleep(0.6)
    assert await limiter.allow("chat")


async def test_payloads_round_trip_under_unguessable_ids(state):
    store = PayloadStore(state, "t")
    item_id = await store.put({"title": "Đăng ký kết hôn", "payload": "/ket_hon"})
    assert len(item_id) >= 8
    assert await store.get(item_id) == {"title": "Đăng ký kết hôn", "payload": "/ket_hon"}
    assert await store.get("nope") is None


async def test_lock_excludes_concurrent_holders(state):
    inside, overlaps = 0, 0

    async def critical() -> None:
        nonlocal inside, overlaps
        async with state.lock("refresh", 5):
            inside += 1
            overlaps += inside > 1
            await asyncio.sleep(0.05)
            inside -= 1

    await asyncio.gather(*(critical() for _ in range(5)))
    assert overlaps == 0


async def test_tokens_are_shared(state):
    await SharedTokenStore(state).save(ZaloTokens("a2", "r2", 123.0))
    assert await SharedTokenStore(state).load() == ZaloTokens("a2", "r2", 123.0)


async def test_unreachable_redis_fails_open_for_guards():
    broken = RedisState("redis://127.0.0.1:1/0", timeout=0.5)
    try:
        with pytest.raises(StateUnavailable):
            await broken.get("x")
        assert await SeenSet(broken, "t").check_and_add(1)  # answered rather than dropped
        assert await RateLimiter(broken, "t", 1, 60).allow("x")
    finally:
        await broken.close()


def test_redis_is_used_when_redis_url_is_set(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert isinstance(state_from_env(), MemoryState)
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    assert isinstance(state_from_env(), RedisState)


async def test_typed_rating_reaches_the_replica_that_did_not_send_the_answer(state):
    """Zalo answers from one replica; the citizen's "sai" may arrive at another."""
    sender_replica, other_replica = RatingReplyMemory(state), RatingReplyMemory(state)
    buttons = [Button(UP_TITLE, "/rate_up{\"a\":1}"), Button(DOWN_TITLE, "/rate_down{\"a\":1}"), Button("Khác", "/x")]
    await sender_replica.remember("u1", buttons)
    assert await other_replica.resolve("u1", "sai") == "/rate_down{\"a\":1}"
    assert await sender_replica.resolve("u1", "sai") == "sai"  # only the very next message rates


async def test_a_message_that_is_not_a_rating_ends_the_chance_to_rate(state):
    memory = RatingReplyMemory(state)
    await memory.remember("u2", [Button(UP_TITLE, "/rate_up"), Button(DOWN_TITLE, "/rate_down")])
    assert await memory.resolve("u2", "thế còn lệ phí?") == "thế còn lệ phí?"
    assert await memory.resolve("u2", "đúng") == "đúng"
