"""The answer action: one call to bot.dialogue, its reply as messages, and the slots for the next turn."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import OperationalError

from actions import procedures
from actions.procedures import ActionAnswerQuestion
from bot.analytics.ratings import is_rating_payload


def _tracker(text, intent, confidence=0.95, slots=None, entities=None):  # type: ignore[no-untyped-def]
    return Tracker(
        sender_id="web-test-1",
        slots=slots or {},
        latest_message={"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": entities or []},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name=None,
    )


def _without_ratings(buttons):  # type: ignore[no-untyped-def]
    return [b for b in buttons or [] if not is_rating_payload(b["payload"])]


async def test_an_answer_is_one_message_and_remembers_the_procedure(understood_kb):
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerQuestion().run(dispatcher, _tracker("đăng ký tạm trú mất mấy ngày", "ask_time"), {})
    assert len(dispatcher.messages) == 1
    message = dispatcher.messages[0]
    assert "mã 1.004194" in message["text"] and "Nguồn:" in message["text"]
    assert [b["title"] for b in _without_ratings(message["buttons"])] == [
        "Giấy tờ cần chuẩn bị", "Phí, lệ phí", "Nơi nộp hồ sơ"]
    assert events == [
        SlotSet("pending_fact", None), SlotSet("offered_codes", None), SlotSet("more_chunks", None),
        SlotSet("procedure_codes", ["1.004194"]),
    ]


async def test_a_button_choice_uses_the_entity_and_the_pending_fact(understood_kb):
    dispatcher = CollectingDispatcher()
    tracker = _tracker(
        '/choose_procedure{"procedure_code":"1.004222"}', "choose_procedure",
        slots={"pending_fact": "fee", "offered_codes": ["1.004222", "1.004194"]},
        entities=[{"entity": "procedure_code", "value": "1.004222"}],
    )
    events = await ActionAnswerQuestion().run(dispatcher, tracker, {})
    assert len(dispatcher.messages) == 1 and "Phí, lệ phí" in dispatcher.messages[0]["text"]
    assert "mã 1.004222" in dispatcher.messages[0]["text"]
    assert SlotSet("pending_fact", None) in events and SlotSet("offered_codes", None) in events


async def test_a_status_code_hands_the_message_to_the_status_lookup(understood_kb):
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerQuestion().run(dispatcher, _tracker("hồ sơ 000.00.23.H56-250101-0001 tới đâu rồi", "ask_overview"), {})
    assert dispatcher.messages == []
    assert [e["name"] for e in events] == ["action_application_status"]


async def test_database_failure_gives_a_short_retry_message(understood_kb, monkeypatch):
    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))

    monkeypatch.setattr(procedures, "respond", broken)
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerQuestion().run(dispatcher, _tracker("đăng ký tạm trú", "ask_overview"), {})
    assert events == []
    assert [m["text"] for m in dispatcher.messages] == [procedures.BUSY_TEXT]


async def test_an_unanswered_question_is_stored_masked_for_staff(understood_kb):
    from sqlalchemy import select

    from bot.analytics.models import UnansweredQuestion
    from bot.db import session_scope

    dispatcher = CollectingDispatcher()
    text = "thủ tục đăng ký thi hoa hậu cấp quốc tế, gọi tôi 0912345678"
    await ActionAnswerQuestion().run(dispatcher, _tracker(text, "ask_documents", confidence=0.9), {})
    with session_scope() as session:
        rows = session.execute(select(UnansweredQuestion)).scalars().all()
    assert len(rows) == 1
    assert "0912345678" not in rows[0].text and "hoa hậu" in rows[0].text
