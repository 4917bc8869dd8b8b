"""A citizen rates an answer 👍/👎 (a button, or "đúng"/"sai" on channels without buttons)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from bot.analytics.models import RATING_DOWN, RATING_UP
from bot.analytics.ratings import read_handle, reason_buttons, store_rating
from bot.db import session_scope

logger = logging.getLogger(__name__)

THANKS_UP = "Cảm ơn anh/chị đã đánh giá. Anh/chị cần hỏi thêm thủ tục nào cứ nhắn nhé."
ASK_WHERE = (
    "Cảm ơn anh/chị đã cho biết. Sai ở đâu? (không bắt buộc: chọn một ý bên dưới, "
    "hoặc cứ hỏi tiếp câu khác)"
)
THANKS_REASON = "Cảm ơn anh/chị. Cán bộ sẽ xem lại câu trả lời này."
EXPIRED = "Không ghi nhận được đánh giá này (nút đã cũ). Anh/chị có thể hỏi lại câu hỏi."
FAILED = "Xin lỗi, chưa ghi nhận được đánh giá do hệ thống đang bận. Anh/chị vui lòng thử lại sau."


def _store(sender_id: str, handle: str, rating: str, reason: str) -> bool:
    answer = read_handle(handle)
    if answer is None:
        return False
    with session_scope() as session:
        store_rating(session=session, sender_id=sender_id, answer=answer, rating=rating, reason=reason)
    return True


class ActionRateAnswer(Action):
    """Store the rating; after 👎 ask once, optionally, what was wrong."""

    def name(self) -> str:
        return "action_rate_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        handle = next(tracker.get_latest_entity_values("rated_answer"), "") or ""
        rating = next(tracker.get_latest_entity_values("rating"), "") or ""
        reason = next(tracker.get_latest_entity_values("rating_reason"), "") or ""
        if rating not in (RATING_UP, RATING_DOWN):
            dispatcher.utter_message(text=EXPIRED)
            return []
        try:
            stored = await asyncio.to_thread(_store, tracker.sender_id, str(handle), rating, str(reason))
        except SQLAlchemyError:
            logger.exception("could not store an answer rating")
            dispatcher.utter_message(text=FAILED)
            return []
        if not stored:
            dispatcher.utter_message(text=EXPIRED)
        elif rating == RATING_UP:
            dispatcher.utter_message(text=THANKS_UP)
        elif reason:
            dispatcher.utter_message(text=THANKS_REASON)
        else:
            dispatcher.utter_message(text=ASK_WHERE, buttons=reason_buttons(str(handle)))
        return []
