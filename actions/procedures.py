"""Answer what citizens ask: procedure facts, one-stop and petition FAQ, or an honest "not in our data"."""

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
from bot.dialogue import Turn, respond
from bot.understanding.query import NluResult

logger = logging.getLogger(__name__)


def _turn(tracker: Tracker) -> Turn:
    return Turn(
        last_codes=tuple(tracker.get_slot("procedure_codes") or ()),
        offered_codes=tuple(tracker.get_slot("offered_codes") or ()),
        pending_fact=tracker.get_slot("pending_fact"),
        more=tuple(tracker.get_slot("more_chunks") or ()),
    )


class ActionAnswerQuestion(Action):
    """One entry point for every informational message: bot.dialogue decides and renders the reply."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        message = tracker.latest_message or {}
        text = message.get("text") or ""
        # A tracking or application code means a status request, whatever the NLU made of it.
        followup = followup_for_reference(text)
        if followup is not None:
            return [followup]
        nlu = NluResult.from_message(message)
        chosen = next(tracker.get_latest_entity_values("procedure_code"), None) if nlu.intent == "choose_procedure" else None
        try:
            reply = await asyncio.to_thread(
                respond, text, nlu=nlu, turn=_turn(tracker), chosen_code=chosen, sender_id=tracker.sender_id
            )
        except SQLAlchemyError:
            logger.exception("knowledge base unavailable while answering")
            dispatcher.utter_message(text=BUSY_TEXT)
            return []
        send(dispatcher, reply)
        events: list[EventType] = [
            SlotSet("pending_fact", reply.fact.value if reply.kind in ("clarify", "need_procedure") and reply.fact else None),
            SlotSet("offered_codes", reply.offered_codes or None),
            SlotSet("more_chunks", reply.more or None),
        ]
        if reply.procedure_codes:
            events.append(SlotSet("procedure_codes", reply.procedure_codes))
        return events
