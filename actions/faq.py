"""Answer one-stop and petition questions from the staff-editable FAQ entries."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.messages import send
from actions.procedures import ActionAnswerQuestion
from actions.status import followup_for_reference
from bot.analytics import record_turn
from bot.assistant import Reply
from bot.feedback.info import MISPRINT_NOTE, mentions_misprinted_decree
from bot.knowledge.faq import FaqHit, search_faq
from bot.settings import get_settings

logger = logging.getLogger(__name__)

PETITION_TOPIC = "phan-anh-kien-nghi"
# For a question already classified as being about petitions, a weaker match within that topic is enough.
TOPIC_THRESHOLD = 40.0


def _no_answer() -> str:
    s = get_settings()
    return (
        "Tôi chưa có thông tin sẵn cho câu hỏi này. Bạn có thể xem trên Cổng Dịch vụ công quốc gia "
        f"({s.national_portal_url}) hoặc gọi tổng đài {s.national_hotline}."
    )


def _find(text: str, intent: str | None) -> FaqHit | None:
    hit = search_faq(text)
    if hit is None and intent == "ask_feedback_info":
        hit = search_faq(text, topic=PETITION_TOPIC, threshold=TOPIC_THRESHOLD)
    return hit


class ActionAnswerFaq(Action):
    """Best FAQ entry for the message, with its source; the national portal when nothing fits."""

    def name(self) -> str:
        return "action_answer_faq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text = tracker.latest_message.get("text") or ""
        followup = followup_for_reference(text)
        if followup is not None:
            return [followup]
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        try:
            hit = await asyncio.to_thread(_find, text, intent)
        except SQLAlchemyError:
            logger.exception("FAQ lookup failed")
            dispatcher.utter_message(text=_no_answer())
            return []
        if hit is None:
            # Probably a procedure question the NLU took for a one-stop one: let the procedure resolver answer.
            logger.info("no FAQ entry matched (intent=%s); handing over to the procedure answer", intent)
            return await ActionAnswerQuestion().run(dispatcher, tracker, domain)
        answer = hit.entry.answer
        if mentions_misprinted_decree(text) and hit.entry.slug != "pakn-nghi-dinh-20":
            answer = f"{MISPRINT_NOTE}\n{answer}"
        if hit.entry.source_url:
            answer += f"\nNguồn: {hit.entry.source_url}"
        reply = Reply(text=answer, kind="faq", faq_slug=hit.entry.slug)
        send(dispatcher, reply)
        await asyncio.to_thread(record_turn, reply, sender_id=tracker.sender_id, intent=intent)
        return []
