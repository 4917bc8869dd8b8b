"""Two Rasa servers and two action servers on one PostgreSQL tracker store and one Redis lock store.

A citizen's conversation may land on any instance (round-robin): the context must follow it, and
messages sent in quick succession must be answered one after the other, in the order sent. Two
Telegram bridge replicas share their channel state (button ids, duplicate update ids) through Redis.
"""

from __future__ import annotations

import threading
import time
import uuid

import httpx
import pytest
from sqlalchemy import create_engine, text

from bot.channels.telegram import EXPIRED_TEXT
from bot.evaluation import procedure_codes, value_matches
from tests.channels.channel_fakes import callback_update, text_update
from tests.production.bridges import Bridges

pytestmark = [pytest.mark.services, pytest.mark.e2e]

RESIDENCE = "Đăng ký thường trú cần giấy tờ gì?"


def _text(messages: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages if m.get("text"))


def test_follow_up_on_the_other_instance_keeps_the_topic(cluster):
    sender = f"alt-{uuid.uuid4().hex[:8]}"
    first = _text(cluster.chat(RESIDENCE, sender, url=cluster.rasa_urls[0]))
    assert "1.004222" in first, first
    follow_up = _text(cluster.chat("thế còn lệ phí?", sender, url=cluster.rasa_urls[1]))
    assert "1.004222" in follow_up and value_matches("20.000", follow_up), follow_up


def test_round_robin_proxy_alternates_and_keeps_context(cluster):
    sender = f"rr-{uuid.uuid4().hex[:8]}"
    backends = []
    for question in ["làm hộ chiếu cần giấy tờ gì", "mất bao lâu?", "thế còn lệ phí?"]:
        response = httpx.post(f"{cluster.proxy_url}/webhooks/rest/webhook",
                              json={"sender": sender, "message": question}, timeout=60)
        response.raise_for_status()
        backends.append(response.headers["X-Backend"])
        assert "1.001456" in _text(response.json()) or "hộ chiếu" in _text(response.json()).lower(), question
    assert set(backends) == {"0", "1"}


def test_quick_messages_of_one_citizen_are_answered_in_order(cluster):
    """Sent 0.15 s apart to alternating instances: each follow-up needs the first answer's topic."""
    sender = f"burst-{uuid.uuid4().hex[:8]}"
    questions = [RESIDENCE, "thế còn lệ phí?", "mất bao lâu?", "nộp ở đâu?"]
    replies: list[str] = [""] * len(questions)
    errors: list[BaseException] = []

    def send(i: int) -> None:
        try:
            replies[i] = _text(cluster.chat(questions[i], sender, url=cluster.rasa_urls[i % 2]))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(questions))]
    for t in threads:
        t.start()
        time.sleep(0.15)
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    for question, reply in zip(questions, replies, strict=True):
        assert "1.004222" in reply, f"{question!r} -> {reply!r}"
    assert value_matches("20.000", replies[1]), replies[1]

    events = cluster.tracker(sender)["events"]
    users = [e["text"] for e in events if e["event"] == "user"]
    assert users == questions
    # No interleaving: every message is answered before the next one is read.
    kinds = [e["event"] for e in events if e["event"] in ("user", "bot")]
    for k, kind in enumerate(kinds):
        if kind == "user" and k + 1 < len(kinds):
            assert kinds[k + 1] == "bot", kinds


def test_conversations_are_stored_in_postgresql(cluster):
    sender = f"pg-{uuid.uuid4().hex[:8]}"
    cluster.chat(RESIDENCE, sender)
    engine = create_engine(cluster.kb_url.replace("_kb", "_tracker"), future=True)
    try:
        with engine.connect() as conn:
            stored = conn.execute(text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}).scalar()
    finally:
        engine.dispose()
    assert stored and stored >= 3


def test_conversation_events_reach_the_event_broker(cluster):
    before = cluster.queued_events()
    cluster.chat("làm hộ chiếu mất bao lâu", f"broker-{uuid.uuid4().hex[:8]}")
    deadline = time.monotonic() + 30  # Rasa publishes in the background
    while cluster.queued_events() <= before and time.monotonic() < deadline:
        time.sleep(0.5)
    assert cluster.queued_events() > before


# --- issue 11 item 8: channel state shared through Redis by the replicas --------------------------------


@pytest.fixture(scope="module")
def bridges(cluster, tmp_path_factory):
    running = Bridges(cluster=cluster, workdir=tmp_path_factory.mktemp("bridges"))
    try:
        running.start()
    except Exception:
        running.stop()
        raise
    yield running
    running.stop()


def _sent_to(bridges, chat: int) -> list[dict]:
    return [c for c in bridges.api.fake.calls_to("sendMessage") if int(c.get("chat_id", 0)) == chat]


def _wait_until(predicate, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.2)


def test_a_button_pressed_on_one_bridge_replica_is_understood_by_the_other(bridges):
    chat = 700_000 + uuid.uuid4().int % 100_000
    assert bridges.post(0, text_update(chat * 10 + 1, "căn cước mất mấy ngày?", chat_id=chat)) == 200
    _wait_until(lambda: any("reply_markup" in m for m in _sent_to(bridges, chat)))
    keyboard = next(m for m in _sent_to(bridges, chat) if "reply_markup" in m)["reply_markup"]
    choice = next(row[0] for row in keyboard["inline_keyboard"] if "đổi" in row[0]["text"].lower())
    before = len(_sent_to(bridges, chat))
    assert bridges.post(1, callback_update(chat * 10 + 2, choice["callback_data"], chat_id=chat)) == 200
    _wait_until(lambda: len(_sent_to(bridges, chat)) >= before + 2)
    texts = [m["text"] for m in _sent_to(bridges, chat)[before:]]
    assert texts[0] == f"➡️ {choice['text']}", texts
    assert EXPIRED_TEXT not in texts
    assert procedure_codes("\n".join(texts)) & {"2.001195", "1.014063"}, texts


def test_an_update_delivered_to_both_bridge_replicas_is_answered_once(bridges, cluster):
    chat = 800_000 + uuid.uuid4().int % 100_000
    update = text_update(chat * 10 + 1, "làm hộ chiếu cần giấy tờ gì", chat_id=chat)
    statuses: list[int] = []
    threads = [threading.Thread(target=lambda i=i: statuses.append(bridges.post(i, update))) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [200, 200]
    _wait_until(lambda: _sent_to(bridges, chat))
    time.sleep(3)  # a second answer, if any, would have arrived by now
    assert len(_sent_to(bridges, chat)) == 1, [m["text"][:80] for m in _sent_to(bridges, chat)]
    users = [e for e in cluster.tracker(f"tg:{chat}")["events"] if e["event"] == "user"]
    assert len(users) == 1
