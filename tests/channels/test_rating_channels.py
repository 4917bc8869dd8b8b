"""Rating an answer on Telegram (inline 👍/👎 row) and on Zalo (buttons for followers, "đúng"/"sai" for website
visitors), and a petition result handed over at the citizen's next Zalo message."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.analytics.ratings import RatedAnswer, rating_buttons
from bot.channels.rating_replies import TYPED_HINT
from bot.db import session_scope
from bot.feedback import handling
from bot.feedback.models import Petition
from bot.feedback.storage import PetitionDraft, submit_petition
from bot.feedback.validation import KIND_PHONE, Contact
from tests.channels.test_telegram_bridge import (  # noqa: F401  (fixtures)
    CHAT_ID,
    app_factory,
    callback_update,
    feed,
    sent_texts,
    text_update,
)
from tests.channels.test_zalo_connector import StubAgent, bot, post_event, zalo_api  # noqa: F401  (fixtures)
from tests.channels.zalo_fakes import text_event

ANSWER_TEXT = "Lệ phí đăng ký tạm trú: 15.000 đồng (nộp trực tuyến 7.000 đồng)."
BUTTONS = [{"title": "Giấy tờ cần chuẩn bị", "payload": "/ask_documents"},
           *rating_buttons(RatedAnswer("procedure", "1.004194", "fee", "abcdef0123456789"))]
UP, DOWN = BUTTONS[1]["payload"], BUTTONS[2]["payload"]


async def test_telegram_rating_row_and_other_buttons_stay_usable(app_factory, bot_api, rasa):  # noqa: F811
    rasa.reply = lambda sender, text: [{"recipient_id": sender, "text": ANSWER_TEXT, "buttons": BUTTONS}]
    application = await app_factory()
    await feed(application, text_update(1, "lệ phí tạm trú"))
    keyboard = bot_api.calls_to("sendMessage")[-1]["reply_markup"]["inline_keyboard"]
    assert [[b["text"] for b in row] for row in keyboard] == [["Giấy tờ cần chuẩn bị"], ["👍", "👎"]]

    rasa.reply = lambda sender, text: [{"recipient_id": sender, "text": "Sai ở đâu?"}]
    update = callback_update(2, keyboard[1][1]["callback_data"])
    update["callback_query"]["message"]["reply_markup"] = {"inline_keyboard": keyboard}
    await feed(application, update)
    assert rasa.requests[-1] == {"sender": f"tg:{CHAT_ID}", "message": DOWN}
    # Only the 👍/👎 row is removed: "Giấy tờ cần chuẩn bị" can still be pressed.
    edited = bot_api.calls_to("editMessageReplyMarkup")[-1]["reply_markup"]["inline_keyboard"]
    assert [[b["text"] for b in row] for row in edited] == [["Giấy tờ cần chuẩn bị"]]
    assert sent_texts(bot_api)[-2:] == ["➡️ 👎", "Sai ở đâu?"]


class RatingAgent(StubAgent):
    async def handle_message(self, message):  # noqa: ANN001, ANN201
        self.messages.append(message)
        reply = {"text": ANSWER_TEXT, "buttons": BUTTONS} if message.text == "lệ phí tạm trú" else {
            "text": f"Trả lời: {message.text}"}
        await message.output_channel.send_response(message.sender_id, reply)


async def test_zalo_follower_gets_rating_buttons(bot, zalo_api):  # noqa: F811
    bot.agent.__class__ = RatingAgent
    await post_event(bot, text_event("lệ phí tạm trú"))
    buttons = zalo_api.messages[-1]["message"]["attachment"]["payload"]["buttons"]
    assert [b["title"] for b in buttons] == ["Giấy tờ cần chuẩn bị", "👍", "👎"]


async def test_zalo_website_visitor_rates_by_typing_sai(bot, zalo_api):  # noqa: F811
    bot.agent.__class__ = RatingAgent
    await post_event(bot, text_event("lệ phí tạm trú", anonymous=True, sender="anon-5", msg_id="r1"))
    text = zalo_api.messages[-1]["message"]["text"]
    assert text == f"{ANSWER_TEXT}\n1. Giấy tờ cần chuẩn bị\nAnh/chị trả lời bằng số thứ tự của lựa chọn (ví dụ: 1).\n{TYPED_HINT}"
    await post_event(bot, text_event("Sai rồi", anonymous=True, sender="anon-5", msg_id="r2"))
    assert bot.agent.messages[-1].text == DOWN
    # Only right after an answer: a later "sai" is an ordinary message.
    await post_event(bot, text_event("sai", anonymous=True, sender="anon-5", msg_id="r3"))
    assert bot.agent.messages[-1].text == "sai"


async def test_zalo_next_message_brings_the_petition_result(bot, zalo_api, database: Path):  # noqa: F811
    draft = PetitionDraft(full_name="Võ Văn D", address="Lệ Thủy", contact=Contact(KIND_PHONE, "0905999888"),
                          content="Trả kết quả chậm so với giấy hẹn", subject="Đất đai")
    sender = "zalo:8000000000000001"
    code = submit_petition(draft=draft, conversation_id=sender, consent_version="t").tracking_code
    with session_scope() as s:
        p = s.execute(select(Petition).where(Petition.tracking_code == code)).scalar_one()
        handling.apply_change(session=s, petition=p, actor="canbo",
                              change=handling.HandlingChange(status="answered", answer_text="Đã trả kết quả."))
    await post_event(bot, text_event("xin chào", msg_id="n1"))
    texts = [m["message"]["text"] for m in zalo_api.messages]
    assert code in texts[-2] and "Đã trả kết quả." in texts[-2]
    assert texts[-1] == "Trả lời: xin chào"
    await post_event(bot, text_event("cảm ơn", msg_id="n2"))
    assert [m["message"]["text"] for m in zalo_api.messages][-1] == "Trả lời: cảm ơn"
    assert sum(code in m["message"].get("text", "") for m in zalo_api.messages) == 1
