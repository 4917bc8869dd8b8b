"""Editing through the admin HTTP API changes the rows the bot reads, and leaves an audit trail."""

from __future__ import annotations

import json

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot import db
from bot.audit import AuditEntry
from bot.knowledge.models import Alias, ChannelOption, Document, FaqEntry, Procedure
from tests.admin.admin_helpers import login


async def test_fee_edit_changes_the_row_and_is_audited(
    client: TestClient, users: dict[str, str], procedure: dict[str, int]
) -> None:
    csrf = await login(client, "canbo")
    resp = await client.post(f"/admin/channels/{procedure['in_person']}", data={
        "csrf_token": csrf, "channel": "truc_tiep", "time_value": "7", "time_unit": "Ngày làm việc",
        "time_text": "", "fee_kind": "amount", "fee_amount": "25.000", "fee_text": "20.000 đồng", "note": "",
        "position": "0",
    }, allow_redirects=False)
    assert resp.status == 302 and "msg=" in resp.headers["Location"]
    with db.session_scope() as s:
        option = s.get(ChannelOption, procedure["in_person"])
        assert (option.fee_kind, option.fee_amount) == ("amount", 25000)
        assert option.fee_text == ""  # the stale published text no longer contradicts the amount
        entry = s.execute(select(AuditEntry).where(AuditEntry.entity == "channel_option")).scalar_one()
        assert entry.username == "canbo" and entry.action == "update"
        assert json.loads(entry.before_json)["fee_amount"] == 20000
        assert json.loads(entry.after_json)["fee_amount"] == 25000
        assert "time_unit" not in json.loads(entry.after_json)  # only changed fields are kept
    page = await client.get(f"/admin/procedures/{procedure['procedure']}")
    assert 'value="25000"' in await page.text()


async def test_invalid_fee_is_refused_without_change(
    client: TestClient, users: dict[str, str], procedure: dict[str, int]
) -> None:
    csrf = await login(client, "canbo")
    resp = await client.post(f"/admin/channels/{procedure['in_person']}", data={
        "csrf_token": csrf, "channel": "truc_tiep", "fee_kind": "amount", "fee_amount": "hai mươi nghìn",
    }, allow_redirects=False)
    assert "err=" in resp.headers["Location"]
    with db.session_scope() as s:
        assert s.get(ChannelOption, procedure["in_person"]).fee_amount == 20000
        assert s.execute(select(AuditEntry)).first() is None


async def test_fee_can_be_marked_free_or_unspecified(
    client: TestClient, users: dict[str, str], procedure: dict[str, int]
) -> None:
    csrf = await login(client, "canbo")
    for kind in ("free", "unspecified"):
        await client.post(f"/admin/channels/{procedure['online']}", data={
            "csrf_token": csrf, "channel": "truc_tuyen", "fee_kind": kind, "fee_amount": "10000"})
        with db.session_scope() as s:
            option = s.get(ChannelOption, procedure["online"])
            assert (option.fee_kind, option.fee_amount) == (kind, None)


async def test_alias_document_and_procedure_edits(
    client: TestClient, users: dict[str, str], procedure: dict[str, int]
) -> None:
    csrf = await login(client, "canbo")
    pid = procedure["procedure"]
    await client.post(f"/admin/procedures/{pid}/aliases", data={"csrf_token": csrf, "text": "Nhập hộ khẩu"})
    dup = await client.post(f"/admin/procedures/{pid}/aliases", data={"csrf_token": csrf, "text": "nhap ho khau"},
                            allow_redirects=False)
    assert "err=" in dup.headers["Location"]
    await client.post(f"/admin/procedures/{pid}/documents", data={
        "csrf_token": csrf, "name": "Tờ khai thay đổi thông tin cư trú", "form_code": "CT01", "copies": "1 bản chính"})
    await client.post(f"/admin/procedures/{pid}", data={
        "csrf_token": csrf, "name": "Đăng ký thường trú", "submit_address": "UBND xã", "active": "1",
        "steps_text": "Bước 1: nộp hồ sơ.\n\nBước 2: nhận kết quả.", "legal_text": "68/2020/QH14 | Luật Cư trú"})
    with db.session_scope() as s:
        alias = s.execute(select(Alias)).scalar_one()
        assert (alias.text, alias.folded) == ("Nhập hộ khẩu", "nhap ho khau")
        doc = s.execute(select(Document)).scalar_one()
        assert doc.form_code == "CT01"
        proc = s.get(Procedure, pid)
        assert proc.submit_address == "UBND xã" and [st.text for st in proc.steps][1] == "Bước 2: nhận kết quả."
        assert proc.legal_bases[0].number == "68/2020/QH14"
        entities = {e.entity for e in s.execute(select(AuditEntry)).scalars()}
        assert {"alias", "document", "procedure", "steps", "legal_bases"} <= entities


async def test_values_are_escaped(client: TestClient, users: dict[str, str]) -> None:
    with db.session_scope() as s:
        s.add(Procedure(code="9.999", name='<script>alert("x")</script>'))
    await login(client, "canbo")
    html = await (await client.get("/admin/procedures?q=9.999")).text()
    assert "<script>alert" not in html and "&lt;script&gt;" in html


async def test_faq_create_and_edit(client: TestClient, users: dict[str, str]) -> None:
    csrf = await login(client, "canbo")
    resp = await client.post("/admin/faq/new", data={
        "csrf_token": csrf, "slug": "gio-lam-viec", "question": "Trung tâm làm việc giờ nào?",
        "answer": "Sáng 7h30–11h30, chiều 13h30–17h00.", "keywords": "mấy giờ mở cửa\nlàm việc thứ bảy không",
        "active": "1"}, allow_redirects=False)
    assert resp.status == 302
    with db.session_scope() as s:
        entry = s.execute(select(FaqEntry)).scalar_one()
        assert entry.keywords.splitlines() == ["mấy giờ mở cửa", "làm việc thứ bảy không"]
        fid = entry.id
    await client.post(f"/admin/faq/{fid}", data={
        "csrf_token": csrf, "slug": "gio-lam-viec", "question": "Trung tâm làm việc giờ nào?",
        "answer": "Sáng 7h00–11h30.", "keywords": "", "active": ""})
    with db.session_scope() as s:
        entry = s.get(FaqEntry, fid)
        assert entry.answer == "Sáng 7h00–11h30." and entry.active is False


async def test_search_ignores_case_and_diacritics(
    client: TestClient, users: dict[str, str], procedure: dict[str, int]
) -> None:
    with db.session_scope() as s:
        s.add(Alias(procedure_id=procedure["procedure"], text="nhập hộ khẩu", folded="nhap ho khau"))
    await login(client, "canbo")
    for query in ("ĐĂNG KÝ THƯỜNG TRÚ", "dang ky thuong tru", "nhap ho khau", "1.004222"):
        html = await (await client.get("/admin/procedures", params={"q": query})).text()
        assert f"/admin/procedures/{procedure['procedure']}" in html, query
    html = await (await client.get("/admin/procedures", params={"q": "khai sinh"})).text()
    assert "Không có thủ tục nào khớp" in html
