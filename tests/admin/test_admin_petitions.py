"""The petition inbox: filter, status change with note, internal note, CSV export, deletion."""

from __future__ import annotations

import datetime as dt

from aiohttp.test_utils import TestClient
from sqlalchemy import select, update

from bot import db
from bot.audit import AuditEntry
from bot.feedback.models import Petition, PetitionEvent
from bot.feedback.storage import PetitionDraft, submit_petition
from bot.feedback.validation import KIND_PHONE, Contact
from tests.admin.admin_helpers import login


def _submit(content: str, conversation: str) -> str:
    draft = PetitionDraft(full_name="Nguyễn Văn A", address="Đông Hà", contact=Contact(KIND_PHONE, "0905123456"),
                          content=content, subject="Đăng ký thường trú")
    return submit_petition(draft=draft, conversation_id=conversation, consent_version="1").tracking_code


async def test_inbox_status_note_export_delete(client: TestClient, users: dict[str, str]) -> None:
    first = _submit("Cán bộ yêu cầu thêm giấy tờ không có trong quy định", "c1")
    second = _submit("=HYPERLINK(\"x\") thủ tục rườm rà", "c2")
    csrf = await login(client, "canbo")

    html = await (await client.get("/admin/petitions")).text()
    assert first in html and second in html

    await client.post(f"/admin/petitions/{first}/status", data={
        "csrf_token": csrf, "status": "transferred", "transferred_to": "Công an xã Gio Linh",
        "note": "Đã chuyển Công an xã"})
    await client.post(f"/admin/petitions/{first}/note", data={"csrf_token": csrf, "note": "Gọi lại thứ hai"})
    with db.session_scope() as s:
        p = s.execute(select(Petition).where(Petition.tracking_code == first)).scalar_one()
        assert (p.status, p.status_note) == ("transferred", "Đã chuyển Công an xã")
        notes = [e.note for e in s.execute(select(PetitionEvent).where(PetitionEvent.petition_id == p.id)).scalars()]
        assert "[nội bộ] Gọi lại thứ hai" in notes
    filtered = await (await client.get("/admin/petitions?status=transferred")).text()
    assert first in filtered and second not in filtered

    resp = await client.get("/admin/petitions/export.csv")
    text = (await resp.read()).decode("utf-8-sig")
    assert "attachment" in resp.headers["Content-Disposition"]
    assert first in text and "'=HYPERLINK" in text

    await client.post(f"/admin/petitions/{second}/delete", data={"csrf_token": csrf})
    with db.session_scope() as s:
        assert s.execute(select(Petition.tracking_code)).scalars().all() == [first]
        deleted = s.execute(select(AuditEntry).where(AuditEntry.action == "delete")).scalar_one()
        assert deleted.entity_id == second and "Nguyễn" not in deleted.before_json + deleted.summary


async def test_expired_petitions_are_purged(client: TestClient, users: dict[str, str]) -> None:
    code = _submit("Nội dung cũ", "c3")
    with db.session_scope() as s:
        s.execute(update(Petition).values(retain_until=dt.date(2000, 1, 1)))
    csrf = await login(client, "canbo")
    html = await (await client.get("/admin/petitions")).text()
    assert "hết thời hạn lưu trữ" in html and code in html
    await client.post("/admin/petitions-purge", data={"csrf_token": csrf})
    with db.session_scope() as s:
        assert s.execute(select(Petition)).first() is None


async def test_anonymous_cannot_export_petitions(client: TestClient) -> None:
    resp = await client.get("/admin/petitions/export.csv", allow_redirects=False)
    assert resp.status == 302 and "/admin/login" in resp.headers["Location"]
