"""Answer ratings: signed handles, the buttons sent with answers, storing and changing a rating, typed replies."""

from __future__ import annotations

import json
from pathlib import Path

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.messages import send
from bot import db
from bot.analytics.models import AnswerRating
from bot.analytics.ratings import (
    RatedAnswer,
    make_handle,
    rated_answer,
    read_handle,
    store_rating,
    typed_rating,
)
from bot.answers.facts import Fact
from bot.dialogue import Button, Reply

ANSWER = RatedAnswer("procedure", "1.004222", "fee", "0123456789abcdef")


def _payload_entities(payload: str) -> dict[str, str]:
    assert payload.startswith("/rate_answer{")
    return json.loads(payload.removeprefix("/rate_answer"))


def test_handle_round_trips_and_rejects_tampering() -> None:
    handle = make_handle(ANSWER)
    assert read_handle(handle) == ANSWER
    forged = handle.replace("1.004222", "1.000001")
    assert read_handle(forged) is None
    assert read_handle("procedure~x~fee~abc") is None and read_handle("") is None


def test_answers_and_faq_replies_get_rating_buttons_others_do_not() -> None:
    dispatcher = CollectingDispatcher()
    reply = Reply(text="Lệ phí: 20.000 đồng.", kind="answer", buttons=[Button("Giấy tờ cần chuẩn bị", "/ask_documents")],
                  procedure_codes=["1.004222"], fact=Fact.FEE)
    send(dispatcher, reply)
    send(dispatcher, Reply(text="Giờ làm việc…", kind="faq", faq_slug="gio-lam-viec"))
    send(dispatcher, Reply(text="Bạn hỏi thủ tục nào?", kind="clarify", buttons=[Button("A", "/choose_procedure")]))
    send(dispatcher, Reply(text="Ngoài phạm vi", kind="out_of_scope"))
    answer, faq, clarify, out = dispatcher.messages
    assert [b["title"] for b in answer["buttons"]] == ["Giấy tờ cần chuẩn bị", "👍", "👎"]
    up = _payload_entities(answer["buttons"][1]["payload"])
    assert up["rating"] == "up"
    assert read_handle(up["rated_answer"]) == RatedAnswer("procedure", "1.004222", "fee",
                                                          rated_answer(kind="answer", text=reply.text,
                                                                       codes=["1.004222"]).text_hash)
    assert read_handle(_payload_entities(faq["buttons"][1]["payload"])["rated_answer"]).subject_code == "gio-lam-viec"
    assert [b["title"] for b in clarify["buttons"]] == ["A"]
    assert not out["buttons"]


def test_a_second_tap_changes_the_rating_without_a_duplicate(database: Path) -> None:
    with db.session_scope() as s:
        store_rating(session=s, sender_id="web:00ff00ff00ff", answer=ANSWER, rating="up")
    with db.session_scope() as s:
        store_rating(session=s, sender_id="web:00ff00ff00ff", answer=ANSWER, rating="down")
        store_rating(session=s, sender_id="web:00ff00ff00ff", answer=ANSWER, rating="down", reason="wrong_info")
        store_rating(session=s, sender_id="tg:42", answer=ANSWER, rating="up")
    with db.session_scope() as s:
        rows = {r.channel: r for r in s.execute(select(AnswerRating)).scalars()}
        assert set(rows) == {"web", "telegram"}
        web = rows["web"]
        assert (web.rating, web.reason, web.subject_code, web.fact) == ("down", "wrong_info", "1.004222", "fee")
        assert "00ff00ff" not in web.sender_hash and len(web.sender_hash) == 32  # keyed hash, not the id


def test_typed_replies_from_the_data_file() -> None:
    assert [typed_rating(t) for t in ("sai", "Sai rồi!", "đúng rồi", "dung roi", "👍", "👎")] == [
        "down", "down", "up", "up", "up", "down"]
    assert typed_rating("sai ở đâu vậy") is None and typed_rating("đúng thủ tục tạm trú chưa") is None
