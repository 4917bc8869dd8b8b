"""Staff load application statuses from CSV and Excel files; every bad row is named, nothing half-loaded."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bot.applications.loading import LoadError, load_file, template_csv
from bot.applications.models import ApplicationImport, ApplicationStatusRecord
from bot.applications.provider import DatabaseStatusProvider
from bot.applications.records import load_format, parse_date, parse_record
from bot.audit import AuditEntry
from bot.db import session_scope

A, B, C = "000.00.23.H56-261120-0001", "000.00.23.H56-261120-0002", "000.31.20.H56-261121-0042"
NOW = dt.datetime(2026, 11, 26, 2, 0)


def _load(filename: str, data: bytes, **kw: object):  # noqa: ANN202
    with session_scope() as s:
        return load_file(session=s, filename=filename, data=data, username="canbo", now=NOW, **kw)  # type: ignore[arg-type]


def _count() -> int:
    with session_scope() as s:
        return int(s.execute(select(func.count(ApplicationStatusRecord.id))).scalar_one())


def test_columns_and_labels_are_matched_without_accents_case_or_punctuation() -> None:
    fmt = load_format()
    parsed = parse_record({"MA HO SO": A.lower(), "trạng  thái": "đang xử lý", "maHoSo": "ignored",
                           "Ngày hẹn trả kết quả": "03/12/2026", "Cột lạ": "x"}, fmt)
    assert parsed.errors == [] and parsed.status is not None
    assert (parsed.status.code, parsed.status.status, parsed.status.appointment_on) == (
        A, "in_progress", dt.date(2026, 12, 3))


def test_every_problem_of_a_row_is_listed() -> None:
    parsed = parse_record({"Mã hồ sơ": "12345", "Trạng thái": "Đang đi dạo", "Ngày hẹn trả": "31/02/2026"},
                          load_format())
    assert parsed.status is None and len(parsed.errors) == 3
    assert "không đúng dạng" in parsed.errors[0] and "Đang đi dạo" in parsed.errors[1] and "31/02/2026" in parsed.errors[2]


def test_dates_in_vietnamese_order_iso_and_excel_cells() -> None:
    assert parse_date("05/01/2026") == dt.date(2026, 1, 5)  # day first, as Vietnamese write it
    assert parse_date("2026-01-05") == dt.date(2026, 1, 5)
    assert parse_date("5-1-2026") == dt.date(2026, 1, 5)
    assert parse_date(dt.datetime(2026, 1, 5, 9, 0)) == dt.date(2026, 1, 5)
    assert parse_date("") is None
    with pytest.raises(ValueError):
        parse_date("hôm qua")


def test_csv_with_bom_and_semicolons_is_loaded_and_dated(database: Engine) -> None:
    data = ("Mã hồ sơ;Trạng thái;Tên thủ tục;Ngày hẹn trả;Cập nhật lúc\n"
            f"{A};Đang giải quyết;Đăng ký thường trú;27/11/2026;25/11/2026 16:45\n"
            f"{B};Đã có kết quả;Đăng ký khai sinh;;\n").encode("utf-8-sig")
    report = _load("trang-thai.csv", data)
    assert (report.rows, report.created, report.updated, report.skipped, report.errors) == (2, 2, 0, 0, [])
    first = DatabaseStatusProvider().get_status(A)
    assert first is not None and first.procedure_name == "Đăng ký thường trú"
    assert first.as_of == dt.datetime(2026, 11, 25, 9, 45)  # 16:45 in Vietnam, kept as UTC
    second = DatabaseStatusProvider().get_status(B)
    assert second is not None and second.status == "done" and second.as_of == NOW


def test_a_time_with_its_offset_is_not_shifted_twice(database: Engine) -> None:
    _load("iso.csv", f"Mã hồ sơ,Trạng thái,Cập nhật lúc\n{A},Hoàn thành,2026-11-25T16:45:00+07:00\n".encode())
    done = DatabaseStatusProvider().get_status(A)
    assert done is not None and done.as_of == dt.datetime(2026, 11, 25, 9, 45)


def test_excel_with_a_title_row_and_date_cells(database: Engine) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH HỒ SƠ TIẾP NHẬN THÁNG 11/2026"])
    ws.append([])
    ws.append(["STT", "Số hồ sơ", "Tình trạng", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày hẹn lại", "Lý do trễ hẹn"])
    ws.append([1, A, "Trễ hẹn", dt.datetime(2026, 11, 1), dt.datetime(2026, 11, 10), dt.datetime(2026, 11, 30),
               "chờ xác minh"])
    buf = io.BytesIO()
    wb.save(buf)
    report = _load("hoso.xlsx", buf.getvalue())
    assert report.created == 1 and report.errors == []
    late = DatabaseStatusProvider().get_status(A)
    assert late is not None and (late.status, late.new_appointment_on, late.late_reason) == (
        "late", dt.date(2026, 11, 30), "chờ xác minh")


def test_a_file_with_bad_rows_is_refused_whole_and_the_attempt_is_kept(database: Engine) -> None:
    data = (f"Mã hồ sơ,Trạng thái\n{A},Đang giải quyết\nABC,Đang giải quyết\n{C},\n{A},Hoàn thành\n").encode()
    report = _load("loi.csv", data)
    assert report.refused and (report.created, report.updated, report.skipped) == (0, 0, 4)
    assert report.errors == [
        "Dòng 3: mã hồ sơ «ABC» không đúng dạng 000.00.00.H00-yymmdd-0000",
        "Dòng 4: thiếu trạng thái",
        f"Dòng 5: mã {A} trùng với dòng 2",
    ]
    assert _count() == 0
    with session_scope() as s:
        kept = s.execute(select(ApplicationImport)).scalar_one()
        assert (kept.filename, kept.username, kept.skipped) == ("loi.csv", "canbo", 4) and "Dòng 3" in kept.errors
        assert s.execute(select(AuditEntry.entity)).scalar_one() == "application_statuses"


def test_skip_invalid_loads_the_good_rows_and_updates_existing_codes(database: Engine) -> None:
    _load("dau.csv", f"Mã hồ sơ,Trạng thái\n{A},Đã tiếp nhận\n".encode())
    report = _load("sau.csv", f"Mã hồ sơ,Trạng thái\n{A},Hoàn thành\nABC,Hoàn thành\n{B},Từ chối\n".encode(),
                   skip_invalid=True)
    assert (report.created, report.updated, report.skipped, len(report.errors)) == (1, 1, 1, 1)
    assert "bỏ qua 1 dòng lỗi" in report.summary()
    done = DatabaseStatusProvider().get_status(A)
    assert done is not None and done.status == "done" and _count() == 2


def test_unreadable_files_say_why(database: Engine) -> None:
    with pytest.raises(LoadError, match="Mã hồ sơ"):
        _load("x.csv", b"a,b\n1,2\n")
    with pytest.raises(LoadError, match="Excel"):
        _load("x.xlsx", b"not a zip")
    with pytest.raises(LoadError, match=".xlsx hoặc .csv"):
        _load("x.pdf", b"%PDF")
    with pytest.raises(LoadError, match="không có dòng dữ liệu"):
        _load("x.csv", "Mã hồ sơ,Trạng thái\n".encode())


def _cp1258(text: str) -> bytes:
    """How Windows-1258 stores Vietnamese: base letter (with its own marks) + a combining tone mark."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


def test_windows_vietnamese_csv_is_read(database: Engine) -> None:
    data = _cp1258(f"Mã hồ sơ,Trạng thái,Tên thủ tục\n{A},Đang giải quyết,Đăng ký kết hôn\n")
    assert _load("cu.csv", data).created == 1
    loaded = DatabaseStatusProvider().get_status(A)
    assert loaded is not None and loaded.procedure_name == "Đăng ký kết hôn"  # stored composed (NFC)


def test_the_template_is_a_valid_file(database: Engine) -> None:
    report = _load("mau.csv", template_csv())
    assert (report.created, report.errors) == (1, [])
