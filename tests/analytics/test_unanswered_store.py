"""Recording and grouping unanswered questions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select, update

from bot import db
from bot.analytics import record_unanswered
from bot.analytics.models import STATUS_RESOLVED, UnansweredQuestion
from bot.analytics.store import close_questions, open_groups


def test_record_masks_and_folds(database: Path) -> None:
    with db.session_scope() as s:
        row = record_unanswered("Làm  giấy khai sinh  cho con, sđt 0912345678", sender_hash="abc",
                                intent="nlu_fallback", confidence=0.21, session=s)
        assert row is not None
    with db.session_scope() as s:
        stored = s.execute(select(UnansweredQuestion)).scalar_one()
        assert "0912345678" not in stored.text and "[SĐT]" in stored.text
        assert stored.folded.startswith("lam giay khai sinh cho con")
        assert (stored.intent, stored.confidence, stored.sender_hash) == ("nlu_fallback", 0.21, "abc")


def test_empty_text_is_not_recorded(database: Path) -> None:
    with db.session_scope() as s:
        assert record_unanswered("  ?? ", sender_hash="", intent=None, confidence=None, session=s) is None


def test_similar_questions_are_grouped_and_counted_newest_first(database: Path) -> None:
    texts = [
        ("làm giấy khai sinh cho con ở đâu", 1),
        ("Làm giấy khai sinh cho con ở đâu ạ", 2),
        ("lam giay khai sinh cho con o dau", 3),
        ("đổi bằng lái xe máy mất bao lâu", 4),
        ("con chó nhà tôi bị ốm", 0),
    ]
    now = dt.datetime(2026, 11, 26, 12, 0)
    with db.session_scope() as s:
        for text, minutes in texts:
            row = record_unanswered(text, sender_hash=f"s{minutes}", intent="ask_place", confidence=0.3, session=s)
            s.execute(update(UnansweredQuestion).where(UnansweredQuestion.id == row.id)
                      .values(created_at=now + dt.timedelta(minutes=minutes)))
    with db.session_scope() as s:
        groups = open_groups(session=s)
    assert [g.count for g in groups] == [1, 3, 1]  # newest group first: the driving licence question
    khai_sinh = groups[1]
    assert khai_sinh.text == "lam giay khai sinh cho con o dau"  # the newest wording represents it
    assert len(khai_sinh.senders) == 3 and khai_sinh.top_intent == "ask_place"

    with db.session_scope() as s:
        assert close_questions(session=s, ids=khai_sinh.ids, status=STATUS_RESOLVED, resolution="x") == 3
    with db.session_scope() as s:
        assert [g.count for g in open_groups(session=s)] == [1, 1]
