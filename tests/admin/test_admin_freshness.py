"""Staff edit fee rules (label, unit, limits, period) and see which records are old and what imports changed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from aiohttp.test_utils import TestClient

from bot import clock, db
from bot.answers.compose import answer
from bot.answers.facts import Fact
from bot.knowledge.importer import ImportReport, log_run
from bot.knowledge.models import ChannelOption, Procedure
from bot.knowledge.repository import get_procedures
from tests.admin.admin_helpers import login


async def test_a_temporary_rate_added_in_the_admin_is_answered_inside_its_period_only(
    client: TestClient, users: dict[str, str], procedure: dict[str, int]
) -> None:
    csrf = await login(client, "canbo")
    resp = await client.post(f"/admin/procedures/{procedure['procedure']}/channels", data={
        "csrf_token": csrf, "channel": "truc_tiep", "time_value": "7", "time_unit": "Ngày làm việc",
        "fee_kind": "amount", "fee_amount": "10.000", "fee_text": "20.000 đồng",
        "valid_from": "01/01/2031", "valid_to": "30/6/2031", "fee_basis": "9/2030/TT-BTC",
    }, allow_redirects=False)
    assert resp.status == 302 and "msg=" in resp.headers["Location"]
    with db.session_scope() as s:
        facts = get_procedures(session=s, codes=["1.004222"])
    inside = answer(facts, Fact.FEE, today=dt.date(2031, 3, 1)).text
    after = answer(facts, Fact.FEE, today=dt.date(2031, 7, 1)).text
    assert ("Trực tiếp: 10.000 đồng (áp dụng đến hết 30/06/2031; theo Thông tư 9/2030/TT-BTC; "
            "mức thông thường 20.000 đồng)") in inside
    assert "Trực tiếp: 20.000 đồng\n" in after and "2031" not in after


async def test_a_period_that_ends_before_it_starts_is_refused(
    client: TestClient, users: dict[str, str], procedure: dict[str, int]
) -> None:
    csrf = await login(client, "canbo")
    resp = await client.post(f"/admin/channels/{procedure['in_person']}", data={
        "csrf_token": csrf, "channel": "truc_tiep", "fee_kind": "amount", "fee_amount": "20000",
        "valid_from": "2031-07-01", "valid_to": "2031-01-01",
    }, allow_redirects=False)
    assert "err=" in resp.headers["Location"]
    with db.session_scope() as s:
        assert s.get(ChannelOption, procedure["in_person"]).valid_from is None


async def test_freshness_lists_old_records_and_the_changes_of_the_last_import(
    client: TestClient, users: dict[str, str], database: Path, monkeypatch
) -> None:
    monkeypatch.setenv("SOURCE_MAX_AGE_DAYS", "180")
    clock.set_today("2027-06-01")
    try:
        with db.session_scope() as s:
            s.add_all([
                Procedure(code="9.000001", name="Thủ tục nguồn cũ", updated_on=dt.date(2026, 7, 1), usage_weight=50),
                Procedure(code="9.000002", name="Thủ tục nguồn mới", updated_on=dt.date(2027, 5, 1)),
            ])
            report = ImportReport()
            report.changes = [("9.000001", "fees", "truc_tiep: amount 20000", "truc_tiep: amount 25000"),
                              ("9.000003", "removed", "Thủ tục đã bỏ", "")]
            log_run(session=s, source="seed", report=report)
        await login(client, "canbo")
        page = await (await client.get("/admin/freshness")).text()
        assert "Thủ tục nguồn cũ" in page and "Thủ tục nguồn mới" not in page
        assert "cũ hơn 180 ngày (tính đến 01/06/2027)" in page
        assert "Đổi phí, lệ phí" in page and "truc_tiep: amount 25000" in page and "Gỡ bỏ" in page
        wider = await (await client.get("/admin/freshness?age=10")).text()
        assert "Thủ tục nguồn mới" in wider
    finally:
        clock.set_today(None)
