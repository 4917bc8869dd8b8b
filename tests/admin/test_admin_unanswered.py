"""From a group of unanswered questions, one step adds an alias, a training example or a FAQ entry."""

from __future__ import annotations

import re

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot import db
from bot.analytics import record_unanswered
from bot.analytics.models import UnansweredQuestion
from bot.knowledge.models import Alias, FaqEntry
from bot.training.models import TrainingExample
from tests.admin.admin_helpers import login


def _record(*texts: str) -> None:
    with db.session_scope() as s:
        for t in texts:
            record_unanswered(t, sender_hash="h", intent="nlu_fallback", confidence=0.2, session=s)


def _statuses() -> set[str]:
    with db.session_scope() as s:
        return set(s.execute(select(UnansweredQuestion.status)).scalars())


async def _group_ids(client: TestClient) -> str:
    html = await (await client.get("/admin/unanswered")).text()
    match = re.search(r'name="ids" value="([0-9,]+)"', html)
    assert match
    return match.group(1)


async def test_group_to_alias(client: TestClient, users: dict[str, str], procedure: dict[str, int]) -> None:
    _record("nhập khẩu cho vợ thế nào", "nhap khau cho vo the nao")
    csrf = await login(client, "canbo")
    ids = await _group_ids(client)
    assert ids.count(",") == 1  # both wordings in one group
    resp = await client.post("/admin/unanswered/alias", data={
        "csrf_token": csrf, "ids": ids, "code": "1.004222", "text": "nhập khẩu"}, allow_redirects=False)
    assert "msg=" in resp.headers["Location"]
    with db.session_scope() as s:
        assert s.execute(select(Alias.folded)).scalar_one() == "nhap khau"
    assert _statuses() == {"resolved"}


async def test_group_to_training_example(
    client: TestClient, users: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.admin.views_unanswered.known_intents", lambda: ["ask_fee", "ask_time"])
    monkeypatch.setattr("bot.training.examples.known_intents", lambda *a: ["ask_fee", "ask_time"])
    _record("làm sổ đỏ tốn bao nhiêu tiền")
    csrf = await login(client, "canbo")
    ids = await _group_ids(client)
    bad = await client.post("/admin/unanswered/example", data={
        "csrf_token": csrf, "ids": ids, "intent": "khong_co", "text": "làm sổ đỏ tốn bao nhiêu tiền"},
        allow_redirects=False)
    assert "err=" in bad.headers["Location"] and _statuses() == {"open"}
    await client.post("/admin/unanswered/example", data={
        "csrf_token": csrf, "ids": ids, "intent": "ask_fee", "text": "làm sổ đỏ tốn bao nhiêu tiền"})
    with db.session_scope() as s:
        ex = s.execute(select(TrainingExample)).scalar_one()
        assert (ex.intent, ex.text, ex.created_by) == ("ask_fee", "làm sổ đỏ tốn bao nhiêu tiền", "canbo")
    assert _statuses() == {"resolved"}


async def test_group_to_faq_and_dismiss(client: TestClient, users: dict[str, str]) -> None:
    _record("trung tâm có làm việc thứ bảy không")
    csrf = await login(client, "canbo")
    ids = await _group_ids(client)
    await client.post("/admin/unanswered/faq", data={
        "csrf_token": csrf, "ids": ids, "question": "Trung tâm có làm việc thứ bảy không?",
        "answer": "Có, sáng thứ bảy.", "keywords": ""})
    with db.session_scope() as s:
        entry = s.execute(select(FaqEntry)).scalar_one()
        assert entry.slug == "trung-tam-co-lam-viec-thu-bay-khong" and entry.active
    _record("thời tiết hôm nay thế nào")
    ids = await _group_ids(client)
    await client.post("/admin/unanswered/dismiss", data={"csrf_token": csrf, "ids": ids})
    assert _statuses() == {"resolved", "dismissed"}
