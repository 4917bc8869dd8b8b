"""Staff edit the vocabulary and label questions in the admin; the bot uses the change at its next message."""

from __future__ import annotations

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot import db
from bot.audit import AuditEntry
from bot.dialogue import respond
from bot.understanding.models import ORIGIN_SEED, ORIGIN_STAFF, LabelledQuestion, LexiconEntry
from bot.understanding.query import NluResult
from tests.admin.admin_helpers import csrf_from, login


def _about(text: str, intent: str) -> set[str]:
    """The procedures a reply answers or offers (without a trained ranker the bot may ask first)."""
    reply = respond(text, nlu=NluResult(intent, 0.9))
    return set(reply.procedure_codes) | set(reply.offered_codes)


async def test_a_dialect_word_added_by_staff_is_understood_at_once(client: TestClient, users, procedure) -> None:
    await login(client, "canbo")
    assert "1.004222" not in _about("nhập hộ tịch cho con", "ask_overview")
    page = await client.get("/admin/lexicon?kind=synonym")
    resp = await client.post("/admin/lexicon/add", data={
        "csrf_token": csrf_from(await page.text()), "kind": "synonym", "phrase": "nhập hộ tịch",
        "value": "đăng ký thường trú",
    }, allow_redirects=False)
    assert resp.status == 302 and "err=" not in resp.headers["Location"]
    with db.session_scope() as s:
        entry = s.execute(select(LexiconEntry).where(LexiconEntry.phrase == "nhập hộ tịch")).scalar_one()
        assert entry.origin == ORIGIN_STAFF and entry.modified_by == "canbo"
        assert s.execute(select(AuditEntry).where(AuditEntry.entity == "lexicon_entry")).scalar_one().username == "canbo"
    assert _about("nhập hộ tịch cho con", "ask_overview") == {"1.004222"}


async def test_a_bad_vocabulary_value_is_refused_with_a_reason(client: TestClient, users) -> None:
    await login(client, "canbo")
    page = await client.get("/admin/lexicon?kind=cue")
    resp = await client.post("/admin/lexicon/add", data={
        "csrf_token": csrf_from(await page.text()), "kind": "cue", "phrase": "bao nhiêu xu", "value": "gia_vang",
    }, allow_redirects=False)
    assert resp.status == 302 and "err=" in resp.headers["Location"]
    with db.session_scope() as s:
        assert s.execute(select(LexiconEntry).where(LexiconEntry.phrase == "bao nhiêu xu")).first() is None


async def test_deleting_a_seed_entry_switches_it_off_so_reseeding_does_not_bring_it_back(client: TestClient, users) -> None:
    with db.session_scope() as s:
        s.add(LexiconEntry(kind="stopword", phrase="nhé", value="", origin=ORIGIN_SEED))
    await login(client, "canbo")
    with db.session_scope() as s:
        eid = s.execute(select(LexiconEntry.id).where(LexiconEntry.phrase == "nhé")).scalar_one()
    page = await client.get("/admin/lexicon?kind=stopword")
    resp = await client.post(f"/admin/lexicon/{eid}", data={
        "csrf_token": csrf_from(await page.text()), "phrase": "nhé", "value": "", "delete": "1",
    }, allow_redirects=False)
    assert resp.status == 302
    with db.session_scope() as s:
        entry = s.get(LexiconEntry, eid)
        assert entry is not None and entry.active is False and entry.origin == ORIGIN_STAFF


async def test_a_labelled_question_becomes_a_phrasing_of_its_procedure(client: TestClient, users, procedure) -> None:
    question = "ghi tên thằng cháu vô cuốn sổ gia đình ở làng cần gì"
    assert "1.004222" not in _about(question, "ask_documents")
    await login(client, "canbo")
    page = await client.get("/admin/labelled")
    resp = await client.post("/admin/labelled/add", data={
        "csrf_token": csrf_from(await page.text()), "text": question, "code": "1.004222", "fact": "documents",
    }, allow_redirects=False)
    assert resp.status == 302 and "err=" not in resp.headers["Location"]
    with db.session_scope() as s:
        row = s.execute(select(LabelledQuestion)).scalar_one()
        assert (row.procedure_code, row.fact, row.origin, row.created_by) == ("1.004222", "documents", ORIGIN_STAFF, "canbo")
    listing = await (await client.get("/admin/labelled?code=1.004222")).text()
    assert question in listing
    assert _about("ghi tên cháu vô cuốn sổ gia đình ở làng thì cần giấy tờ gì", "ask_documents") == {"1.004222"}


async def test_labelling_an_unknown_code_is_refused(client: TestClient, users) -> None:
    await login(client, "canbo")
    page = await client.get("/admin/labelled")
    resp = await client.post("/admin/labelled/add", data={
        "csrf_token": csrf_from(await page.text()), "text": "câu hỏi", "code": "9.999999", "fact": "",
    }, allow_redirects=False)
    assert "err=" in resp.headers["Location"]
