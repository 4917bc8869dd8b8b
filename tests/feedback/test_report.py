"""The monthly petition report: on time / late / transferred / open / overdue, by agency and subject; Excel."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.db import session_scope
from bot.feedback import handling
from bot.feedback.models import Petition
from bot.feedback.report import list_rows, monthly_report, to_xlsx
from bot.feedback.storage import PetitionDraft, submit_petition
from bot.feedback.validation import KIND_PHONE, Contact


def _petition(n: int, received: dt.datetime, subject: str) -> str:
    draft = PetitionDraft(full_name="Lê Văn C", address="Ba Đồn", contact=Contact(KIND_PHONE, "0905000111"),
                          content=f"Nội dung phản ánh số {n} về thủ tục", subject=subject)
    return submit_petition(draft=draft, conversation_id=f"c{n}", consent_version="t", now=received).tracking_code


def _close(code: str, when: dt.datetime, **fields) -> None:  # noqa: ANN003
    with session_scope() as s:
        p = s.execute(select(Petition).where(Petition.tracking_code == code)).scalar_one()
        handling.apply_change(session=s, petition=p, actor="canbo", now=when, change=handling.HandlingChange(**fields))


def test_monthly_figures_by_agency_and_subject(database: Engine) -> None:
    on_time = _petition(1, dt.datetime(2026, 11, 3, 8), "Đăng ký thường trú")
    late = _petition(2, dt.datetime(2026, 11, 4, 8), "Đăng ký thường trú")
    moved = _petition(3, dt.datetime(2026, 11, 5, 8), "Cấp căn cước")
    still_open = _petition(4, dt.datetime(2026, 11, 2, 8), "Chứng thực")
    next_month = _petition(5, dt.datetime(2026, 12, 2, 8), "Chứng thực")
    agency = "UBND xã Cam Lộ"
    _close(on_time, dt.datetime(2026, 11, 10, 9), status="answered", assigned_agency=agency, answer_text="Đã xử lý.",
           answer_due=dt.date(2026, 11, 15))
    _close(late, dt.datetime(2026, 11, 20, 9), status="answered", assigned_agency=agency, answer_text="Đã xử lý.",
           answer_due=dt.date(2026, 11, 15))
    # Received Thu 05/11; 5 working days -> Thu 12/11; transferred on 16/11: late.
    _close(moved, dt.datetime(2026, 11, 16, 9), status="transferred", transferred_to="Công an tỉnh")
    _close(still_open, dt.datetime(2026, 11, 3, 9), status="processing", assigned_agency=agency,
           answer_due=dt.date(2026, 11, 25))

    with session_scope() as s:
        report = monthly_report(session=s, year=2026, month=11)
    t = report.totals
    assert (t["received"], t["answered"], t["answered_on_time"], t["answered_late"]) == (4, 2, 1, 1)
    assert (t["transferred"], t["transferred_late"], t["open"], t["overdue"]) == (1, 1, 1, 1)
    assert report.by_agency[agency]["answered_late"] == 1 and report.by_agency["Công an tỉnh"]["transferred"] == 1
    assert report.by_subject["Đăng ký thường trú"]["received"] == 2
    codes = [row[0] for row in list_rows(report)[1:]]
    assert set(codes) == {on_time, late, moved, still_open} and next_month not in codes
    assert all("Lê Văn" not in " ".join(row) for row in list_rows(report))  # no personal data in the list

    wb = load_workbook(io.BytesIO(to_xlsx(report)))
    assert wb.sheetnames == ["Tổng hợp", "Theo cơ quan", "Theo lĩnh vực", "Danh sách"]
    summary = {row[0]: row[1] for row in wb["Tổng hợp"].iter_rows(min_row=3, values_only=True)}
    assert summary["Trả lời trễ hạn"] == 1 and summary["Tiếp nhận trong tháng"] == 4
    listed = [row[0] for row in wb["Danh sách"].iter_rows(min_row=2, values_only=True)]
    assert set(listed) == set(codes)

    with session_scope() as s:
        december = monthly_report(session=s, year=2026, month=12)
    # December: the one received then, and the one still open from November.
    assert {r.tracking_code for r in december.rows} == {next_month, still_open}
    assert december.totals["received"] == 1 and december.totals["open"] == 2
