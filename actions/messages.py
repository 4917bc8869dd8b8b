"""Shared helpers for sending replies from actions."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from bot.analytics.ratings import rated_answer, rating_buttons
from bot.dialogue import Reply

BUSY_TEXT = (
    "Xin lỗi, hệ thống tra cứu đang bận hoặc gặp sự cố. Bạn vui lòng thử lại sau ít phút, "
    "hoặc tra cứu tại https://dichvucong.gov.vn."
)


def send(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    """Utter a Reply with its buttons (Rasa's button format); answers also get the 👍/👎 rating buttons."""
    buttons = [{"title": b.title, "payload": b.payload} for b in reply.buttons]
    buttons += rating_buttons(rated_answer(
        kind=reply.kind, text=reply.text, codes=reply.procedure_codes,
        fact=reply.fact.value if reply.fact else "", faq_slug=getattr(reply, "faq_slug", ""),
    ))
    dispatcher.utter_message(text=reply.text, buttons=buttons or None)
