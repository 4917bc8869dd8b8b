"""Shared helpers for sending replies from actions."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from bot.assistant import Reply

BUSY_TEXT = (
    "Xin lỗi, hệ thống tra cứu đang bận hoặc gặp sự cố. Bạn vui lòng thử lại sau ít phút, "
    "hoặc tra cứu tại https://dichvucong.gov.vn."
)


def send(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    """Utter a Reply with its buttons (Rasa's button format)."""
    buttons = [{"title": b.title, "payload": b.payload} for b in reply.buttons]
    dispatcher.utter_message(text=reply.text, buttons=buttons or None)
