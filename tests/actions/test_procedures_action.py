"""The answer action: runs the assistant and turns its reply into messages and slot events."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import OperationalError

from actions import procedures
from actions.procedures import ActionAnswerQuestion


def _tracker(text, intent, confidence=0.95, slots=None, entities=None):
    return Tracker(
        sender_id="t1",
        slots=slots or {},
        latest_message={"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": entities or []},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name=None,
    )


async def test_answer_sets_the_procedure_slot(kb):
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerQuestion().run(dispatcher, _tracker("dang ky tam tru mat bao lau", "ask_time"), {})
    assert SlotSet("procedure_codes", ["1.004194"]) in events
    assert "1.004194" in dispatcher.messages[0]["text"]
    assert dispatcher.messages[0]["buttons"]


async def test_button_choice_uses_the_entity_and_pending_fact(kb):
    dispatcher = CollectingDispatcher()
    tracker = _tracker(
        '/choose_procedure{"procedure_code":"1.004222"}', "choose_procedure",
        slots={"pending_fact": "fee"}, entities=[{"entity": "procedure_code", "value": "1.004222"}],
    )
    events = await ActionAnswerQuestion().run(dispatcher, tracker, {})
    assert "20.000 đồng" in dispatcher.messages[0]["text"]
    assert SlotSet("pending_fact", None) in events


async def test_database_failure_gives_a_short_retry_message(kb, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))

    monkeypatch.setattr(procedures, "respond", broken)
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerQuestion().run(dispatcher, _tracker("đăng ký tạm trú", "ask_overview"), {})
    assert events == []
    assert "thử lại" in dispatcher.messages[0]["text"]


async def test_unanswered_question_is_stored_masked_for_staff(kb):
    from sqlalchemy import select

    from bot.analytics.models import UnansweredQuestion
    from bot.knowledge.db import session_scope

    dispatcher = CollectingDispatcher()
    text = "thủ tục đăng ký thi hoa hậu, gọi tôi 0912345678"  # tàu cá is a known procedure since issue 10
    await ActionAnswerQuestion().run(dispatcher, _tracker(text, "ask_documents", confidence=0.9), {})
    with session_scope() as session:
        rows = session.execute(select(UnansweredQuestion)).scalars().all()
    assert len(rows) == 1
    assert "0912345678" not in rows[0].text and "hoa hậu" in rows[0].text
