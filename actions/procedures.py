"""Answer questions about procedures: which document, how long, how much, where, online, steps."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.messages import BUSY_TEXT, send
from actions.status import followup_for_reference
from bot.analytics import record_turn
from bot.assistant import record_if_unanswered, respond

logger = logging.getLogger(__name__)


class ActionAnswerQuestion(Action):
    """Resolve the procedure and the asked fact, then answer from the knowledge base."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        message = tracker.latest_message or {}
        # A tracking or application code means a status request, whatever the NLU made of it.
        followup = followup_for_reference(message.get("text") or "")
        if followup is not None:
            return [followup]
        intent = (message.get("intent") or {}).get("name")
        confidence = float((message.get("intent") or {}).get("confidence") or 0.0)
        chosen = next(tracker.get_latest_entity_values("procedure_code"), None) if intent == "choose_procedure" else None
        try:
            reply = await asyncio.to_thread(
                respond,
                message.get("text") or "",
                intent=intent,
                confidence=confidence,
                last_codes=tracker.get_slot("procedure_codes") or [],
                chosen_code=chosen,
                pending_fact=tracker.get_slot("pending_fact"),
            )
        except SQLAlchemyError:
            logger.exception("knowledge base unavailable while answering")
            dispatcher.utter_message(text=BUSY_TEXT)
            return []
        send(dispatcher, reply)
        text = message.get("text") or ""
        await asyncio.to_thread(
            record_if_unanswered, reply, text, sender_id=tracker.sender_id, intent=intent, confidence=confidence
        )
        await asyncio.to_thread(record_turn, reply, sender_id=tracker.sender_id, intent=intent)
        events: list[EventType] = []
        if reply.procedure_codes:
            events.append(SlotSet("procedure_codes", reply.procedure_codes))
        pending = reply.fact.value if reply.kind in ("clarify", "need_procedure") and reply.fact else None
        events.append(SlotSet("pending_fact", pending))
        return events
