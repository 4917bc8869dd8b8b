"""CSV and Excel export -> import into an empty database preserves every field."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient
from sqlalchemy import delete, select

from bot import db
from bot.admin import transfer
from bot.audit import AuditEntry
from bot.knowledge.models import (
    Alias,
    ChannelOption,
    Document,
    FaqEntry,
    LegalBasis,
    Procedure,
    Step,
)
from tests.admin.admin_helpers import csrf_from, login
from tests.shared_data import CATALOGUE


def _seed() -> None:
    with db.session_scope() as s:
        p = Procedure(
            code="1.004222", name="Đăng ký thường trú", levels="Cấp xã", field="Cư trú",
            agency="Công an xã", competent_agency="Công an xã", submit_address="",
            applicants="Công dân Việt Nam", result="Thông báo kết quả", conditions="- Có chỗ ở hợp pháp\n- Khác",
            online_level="toàn trình", decision_no="QĐ 1/2026", source_url="https://dichvucong.gov.vn/x?a=1&b=2",
            updated_on=dt.date(2026, 6, 30), parse_issues="time_without_unit", active=True,
        )
        p.channels += [
            ChannelOption(position=0, channel="truc_tiep", time_value=7.0, time_unit="Ngày làm việc",
                          time_text="07 Ngày làm việc", fee_kind="amount", fee_amount=20000,
                          fee_text="Lệ phí: 20.000 đồng", note="Miễn cho hộ nghèo"),
            ChannelOption(position=1, channel="truc_tuyen", time_value=0.5, time_unit="Ngày",
                          fee_kind="unspecified", fee_amount=None, fee_text="", note=""),
            ChannelOption(position=2, channel="buu_chinh", time_value=None, time_unit="",
                          fee_kind="text", fee_text="=SUM(A1) theo quy định", note="+ghi chú"),
        ]
        p.documents += [
            Document(position=0, case_name="Trường hợp 1", name="Tờ khai CT01", form_code="CT01", copies="1 bản chính"),
            Document(position=1, case_name="", name='Giấy tờ "chứng minh" chỗ ở; có dấu phẩy, và\nxuống dòng',
                     form_code="", copies=""),
        ]
        p.steps += [Step(position=0, text="Bước 1: Nộp hồ sơ."), Step(position=1, text="@Bước 2")]
        p.legal_bases += [LegalBasis(position=0, number="68/2020/QH14", title="Luật Cư trú")]
        p.aliases += [Alias(text="nhập hộ khẩu", folded="nhap ho khau"), Alias(text="Đăng ký hộ khẩu",
                                                                                folded="dang ky ho khau")]
        s.add(p)
        s.add(Procedure(code="2.000200", name="Cấp thẻ căn cước", active=False, updated_on=None))
        s.add(FaqEntry(slug="gio-lam-viec", topic="Một cửa", question="Giờ làm việc?", keywords="mấy giờ\nthứ bảy",
                       answer="7h30–17h00", source_url="", active=True))
        s.add(FaqEntry(slug="cu", question="Cũ?", answer="-1", active=False))


def _snapshot() -> dict[str, list[list[str]]]:
    with db.session_scope() as s:
        return transfer.export_rows(session=s)


def _wipe() -> None:
    with db.session_scope() as s:
        s.execute(delete(Procedure))
        s.execute(delete(FaqEntry))
    with db.session_scope() as s:
        assert s.execute(select(ChannelOption)).first() is None


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_round_trip_preserves_every_field(database: Path, fmt: str) -> None:
    _seed()
    before = _snapshot()
    assert len(before["channel_options"]) == 4 and len(before["aliases"]) == 3
    with db.session_scope() as s:
        data = transfer.export_xlsx(session=s) if fmt == "xlsx" else transfer.export_csv_zip(session=s)
    _wipe()
    with db.session_scope() as s:
        result = transfer.import_bytes(session=s, filename=f"x.{'xlsx' if fmt == 'xlsx' else 'zip'}", data=data,
                                       username="tester")
    assert result.created["procedures"] == 2 and result.created["faq_entries"] == 2
    assert _snapshot() == before
    with db.session_scope() as s:
        p = s.execute(select(Procedure).where(Procedure.code == "1.004222")).scalar_one()
        assert p.channels[1].fee_amount is None and p.channels[1].time_value == 0.5
        assert p.channels[2].time_value is None and p.channels[2].fee_text.startswith("=SUM")
        assert p.updated_on == dt.date(2026, 6, 30)
        assert {a.folded for a in p.aliases} == {"nhap ho khau", "dang ky ho khau"}
        assert s.execute(select(AuditEntry).where(AuditEntry.action == "import")).scalar_one().username == "tester"


def test_reimport_is_idempotent_and_updates(database: Path) -> None:
    _seed()
    before = _snapshot()
    with db.session_scope() as s:
        data = transfer.export_xlsx(session=s)
    with db.session_scope() as s:
        transfer.import_bytes(session=s, filename="x.xlsx", data=data, username="t")
    assert _snapshot() == before


def test_csv_cells_cannot_become_formulas(database: Path) -> None:
    _seed()
    with db.session_scope() as s:
        data = transfer.export_csv_zip(session=s)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        text = zf.read("channel_options.csv").decode("utf-8-sig")
    assert "'=SUM(A1)" in text and ",=SUM" not in text


def test_single_table_csv_updates_fees(database: Path) -> None:
    _seed()
    rows = _snapshot()["channel_options"]
    header = rows[0]
    fee = header.index("fee_amount")
    rows[1][fee] = "30000"
    csv_bytes = transfer.table_csv(rows)
    with db.session_scope() as s:
        transfer.import_bytes(session=s, filename="channel_options.csv", data=csv_bytes, username="t")
    with db.session_scope() as s:
        assert s.execute(select(ChannelOption).where(ChannelOption.channel == "truc_tiep")).scalar_one().fee_amount == 30000


def test_bad_files_are_refused(database: Path) -> None:
    with db.session_scope() as s, pytest.raises(transfer.TransferError):
        transfer.import_bytes(session=s, filename="x.txt", data=b"abc", username="t")
    with db.session_scope() as s, pytest.raises(transfer.TransferError):
        transfer.import_bytes(session=s, filename="channel_options.csv",
                              data=b"procedure_code,channel\n9.9,truc_tiep\n", username="t")


async def test_export_and_upload_through_the_admin(client: TestClient, users: dict[str, str]) -> None:
    _seed()
    before = _snapshot()
    await login(client, "canbo")
    resp = await client.get("/admin/data/export?format=xlsx")
    assert resp.status == 200 and "attachment" in resp.headers["Content-Disposition"]
    data = await resp.read()
    _wipe()
    page = await client.get("/admin/data")
    form = FormData()
    form.add_field("csrf_token", csrf_from(await page.text()))
    form.add_field("file", data, filename="tthc.xlsx")
    resp = await client.post("/admin/data/import", data=form, allow_redirects=False)
    assert resp.status == 302 and "msg=" in resp.headers["Location"], resp.headers["Location"]
    assert _snapshot() == before


async def test_upload_without_csrf_is_refused(client: TestClient, users: dict[str, str]) -> None:
    await login(client, "canbo")
    form = FormData()
    form.add_field("file", b"x", filename="faq_entries.csv")
    resp = await client.post("/admin/data/import", data=form, allow_redirects=False)
    assert resp.status == 403


@pytest.mark.shared(CATALOGUE)
async def test_portal_jsonl_upload_goes_through_the_knowledge_importer(
    client: TestClient, users: dict[str, str], tmp_path: Path
) -> None:
    import gzip

    with gzip.open(CATALOGUE, "rt", encoding="utf-8") as fh:
        lines = [next(fh) for _ in range(3)]
    await login(client, "canbo")
    page = await client.get("/admin/data")
    form = FormData()
    form.add_field("csrf_token", csrf_from(await page.text()))
    form.add_field("file", "".join(lines).encode("utf-8"), filename="portal-sample.jsonl")
    resp = await client.post("/admin/data/import", data=form, allow_redirects=False)
    assert "msg=" in resp.headers["Location"], resp.headers["Location"]
    with db.session_scope() as s:
        assert len(s.execute(select(Procedure)).scalars().all()) == 3
        entry = s.execute(select(AuditEntry).where(AuditEntry.action == "import")).scalar_one()
        assert "portal-sample.jsonl" in entry.summary and entry.username == "canbo"


def test_a_file_exported_before_the_fee_rule_columns_still_imports(database):
    from bot import db as kdb
    from bot.admin import transfer

    with kdb.session_scope() as s:
        rows = transfer.export_rows(session=s)
    assert rows["procedures"] == [transfer.columns("procedures")]  # empty database: headers only
    old_header = [c for c in transfer.columns("channel_options")
                  if c not in {"time_label", "case_name", "fee_unit", "fee_min", "fee_max", "fee_limit_unit",
                               "valid_from", "valid_to", "fee_basis"}]
    proc_header = [c for c in transfer.columns("procedures")
                   if c not in {"source_kind", "has_details", "portal_id", "issuing_body", "usage_weight",
                                "in_province_list", "loaded_by", "imported_at", "related_codes"}]
    proc_row = ["9.000001" if c == "code" else ("Thủ tục cũ" if c == "name" else "") for c in proc_header]
    channel_row = ["9.000001" if c == "procedure_code" else {"channel": "truc_tiep", "fee_kind": "amount",
                   "fee_amount": "20000", "position": "0"}.get(c, "") for c in old_header]
    with kdb.session_scope() as s:
        result = transfer.import_tables(session=s, tables={"procedures": [proc_header, proc_row],
                                                           "channel_options": [old_header, channel_row]},
                                        username="quantri")
        assert result.created["procedures"] == 1
    with kdb.session_scope() as s:
        proc = s.execute(select(Procedure).where(Procedure.code == "9.000001")).scalar_one()
        assert proc.has_details is True and proc.channels[0].fee_amount == 20000
        assert proc.channels[0].valid_to is None and proc.channels[0].fee_unit == ""
