"""One row per bot turn (kind of reply, procedure, asked fact, channel): what the dashboard counts."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.analytics.identity import channel_of, sender_hash
from bot.analytics.models import ConversationTurn
from bot.db import session_scope

logger = logging.getLogger(__name__)

# Reply kind -> outcome group shown on the dashboard. Kinds not listed (chitchat) count as "other".
OUTCOMES = {
    "answer": "answered",
    "faq": "answered",
    "more": "answered",
    "clarify": "clarified",
    "need_procedure": "clarified",
    "not_in_data": "not_sure",
    "not_found": "unanswered",
    "out_of_scope": "unanswered",
    "empty": "unanswered",
    "safety": "refused",
}
OUTCOME_LABELS = {
    "answered": "Trả lời được",
    "clarified": "Hỏi lại để chọn thủ tục",
    "not_sure": "Không chắc, nói rõ là chưa có dữ liệu",
    "unanswered": "Không trả lời được",
    "refused": "Từ chối (an toàn)",
    "other": "Trò chuyện khác",
}


def outcome_of(kind: str) -> str:
    return OUTCOMES.get(kind, "other")


def record_turn(
    reply: Any, *, sender_id: str, intent: str | None = None, now: dt.datetime | None = None, session: Session | None = None
) -> None:
    """Store the turn's kind, first procedure code and asked fact; never fails the turn (errors are logged).

    With ``session`` the row joins the caller's unit of work (the dialogue's one session per turn).
    """
    fact = getattr(reply, "fact", None)
    codes = list(getattr(reply, "procedure_codes", None) or [])
    row = ConversationTurn(
        at=now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None),
        channel=channel_of(sender_id),
        sender_hash=sender_hash(sender_id),
        kind=str(getattr(reply, "kind", "") or "")[:30],
        procedure_code=(codes[0] if codes else "")[:60],
        fact=str(getattr(fact, "value", fact) or "")[:30],
        intent=(intent or "")[:100],
    )
    if session is not None:
        session.add(row)
        return
    try:
        with session_scope() as own:
            own.add(row)
    except SQLAlchemyError:
        logger.exception("could not record a conversation turn")
