"""The rating action: 👍 thanks, 👎 asks once "Sai ở đâu?" with reason buttons, a reason is stored; forged handles
and database failures get a short reply."""

from __future__ import annotations

import json

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from actions import ratings
from actions.ratings import ASK_WHERE, EXPIRED, FAILED, THANKS_REASON, THANKS_UP, ActionRateAnswer
from bot import db
from bot.analytics.models import AnswerRating
from bot.analytics.ratings import REASONS, RatedAnswer, make_handle, rate_payload

HANDLE = make_handle(RatedAnswer("procedure", "1.004194", "documents", "0011223344556677"))


def _tracker(payload: str, sender: str = "web:0a0b0c0d0e0f") -> Tracker:
    entities = [{"entity": k, "value": v} for k, v in json.loads(payload.removeprefix("/rate_answer")).items()]
    return Tracker(sender_id=sender, slots={}, latest_message={
        "text": payload, "intent": {"name": "rate_answer", "confidence": 1.0}, "entities": entities},
        events=[], paused=False, followup_action=None, active_loop={}, latest_action_name=None)


async def _run(payload: str) -> list[dict]:
    dispatcher = CollectingDispatcher()
    assert await ActionRateAnswer().run(dispatcher, _tracker(payload), {}) == []
    return dispatcher.messages


def _stored() -> list[tuple[str, str, str]]:
    with db.session_scope() as s:
        return [(r.subject_code, r.rating, r.reason) for r in s.execute(select(AnswerRating)).scalars()]


async def test_thumbs_down_asks_where_then_stores_the_reason(database) -> None:  # noqa: ANN001
    [ask] = await _run(rate_payload(HANDLE, "down"))
    assert ask["text"] == ASK_WHERE
    assert [b["title"] for b in ask["buttons"]] == list(REASONS.values())
    assert _stored() == [("1.004194", "down", "")]
    [thanks] = await _run(ask["buttons"][0]["payload"])
    assert thanks["text"] == THANKS_REASON and not thanks["buttons"]
    assert _stored() == [("1.004194", "down", "wrong_procedure")]


async def test_thumbs_up_thanks(database) -> None:  # noqa: ANN001
    [thanks] = await _run(rate_payload(HANDLE, "up"))
    assert thanks["text"] == THANKS_UP
    assert _stored() == [("1.004194", "up", "")]


async def test_forged_handle_is_not_stored(database) -> None:  # noqa: ANN001
    [reply] = await _run(rate_payload(HANDLE.replace("1.004194", "9.999999"), "down"))
    assert reply["text"] == EXPIRED
    assert _stored() == []


async def test_database_failure(database, monkeypatch) -> None:  # noqa: ANN001
    def broken(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise OperationalError("INSERT", {}, Exception("locked"))

    monkeypatch.setattr(ratings, "_store", broken)
    [reply] = await _run(rate_payload(HANDLE, "up"))
    assert reply["text"] == FAILED
