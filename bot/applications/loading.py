"""Loading application statuses from staff's CSV or Excel files (admin upload and CLI share this).

The header row may sit under a title (government exports often start with one); column names and
status labels are read through data/applications/status_format.yml. A file with any invalid row is
refused as a whole unless the caller asks to skip invalid rows; either way every problem is listed
with its line number and the attempt is kept in ``application_imports``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from bot.applications.models import ApplicationImport, ApplicationStatusRecord
from bot.applications.provider import SOURCE_STAFF, ApplicationStatus, apply_status
from bot.applications.records import FIELDS, StatusFormat, load_format, parse_record

MAX_ROWS = 200_000
MAX_ERRORS_KEPT = 200
_HEADER_SCAN_ROWS = 15
_VIETNAM_OFFSET = dt.timedelta(hours=7)  # times in files are Vietnam time; the table keeps UTC


class LoadError(ValueError):
    """A Vietnamese message about a file that cannot be read at all."""


@dataclass
class LoadReport:
    filename: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    import_id: int | None = None

    @property
    def refused(self) -> bool:
        return bool(self.errors) and not (self.created or self.updated)

    def summary(self) -> str:
        if self.refused and self.skipped == self.rows:
            return (f"Không nhập tệp {self.filename}: {len(self.errors)} dòng có lỗi (không dòng nào được ghi). "
                    "Sửa các dòng lỗi rồi tải lại, hoặc chọn bỏ qua dòng lỗi.")
        text = f"Đã nhập {self.filename}: {self.rows} dòng, thêm mới {self.created}, cập nhật {self.updated}"
        return text + (f", bỏ qua {self.skipped} dòng lỗi." if self.skipped else ".")


def _cell(value: Any) -> Any:
    return unicodedata.normalize("NFC", value).strip() if isinstance(value, str) else value


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1258"):  # UTF-8 first; Windows Vietnamese from older Excel
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise LoadError("Không đọc được tệp CSV: hãy lưu tệp với mã hóa UTF-8.")


def _csv_rows(data: bytes) -> list[list[Any]]:
    text = _decode(data)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect)]


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise LoadError("Không đọc được tệp Excel (.xlsx).") from exc
    try:
        ws = wb.worksheets[0]
        return [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


def read_rows(filename: str, data: bytes, fmt: StatusFormat) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, {column: value}) for each non-empty row under the header row."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(data)
    elif name.endswith((".csv", ".txt")):
        rows = _csv_rows(data)
    else:
        raise LoadError("Chỉ nhận tệp .xlsx hoặc .csv.")
    header_at = next(
        (i for i, row in enumerate(rows[:_HEADER_SCAN_ROWS])
         if {fmt.field_of(str(c)) for c in row if c is not None} >= {"code", "status"}),
        None,
    )
    if header_at is None:
        raise LoadError(f"Không thấy dòng tiêu đề có cột «{fmt.headers['code']}» và «{fmt.headers['status']}» "
                        "(xem tệp mẫu).")
    header = [str(_cell(c) or "") for c in rows[header_at]]
    for offset, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        cells = [_cell(c) for c in row]
        if all(c in (None, "") for c in cells):
            continue
        yield offset, dict(zip(header, cells, strict=False))


def template_csv(fmt: StatusFormat | None = None) -> bytes:
    """A CSV staff can fill in: the display column names and one example row."""
    fmt = fmt or load_format()
    example = {"code": "000.00.23.H56-261120-0001", "status": "Đang giải quyết", "procedure_name": "Đăng ký thường trú",
               "agency": "Công an xã", "received_on": "20/11/2026", "appointment_on": "27/11/2026",
               "updated_at": "21/11/2026 08:30"}
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([fmt.headers[f] for f in FIELDS])
    writer.writerow([example.get(f, "") for f in FIELDS])
    return buf.getvalue().encode("utf-8-sig")  # with BOM so Excel shows Vietnamese correctly


def _as_utc(value: dt.datetime | None) -> dt.datetime | None:
    """Naive UTC for the table: a time without an offset is Vietnam time."""
    if value is None:
        return None
    if value.tzinfo is not None:
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value - _VIETNAM_OFFSET


def load_file(
    *, session: Session, filename: str, data: bytes, username: str, channel: str = "admin",
    skip_invalid: bool = False, fmt: StatusFormat | None = None, now: dt.datetime | None = None,
) -> LoadReport:
    """Check every row, then write them (all, or only the valid ones with ``skip_invalid``)."""
    fmt = fmt or load_format()
    report = LoadReport(filename=filename)
    valid: list[tuple[ApplicationStatus, dt.datetime | None]] = []
    first_line: dict[str, int] = {}
    for line, raw in read_rows(filename, data, fmt):
        report.rows += 1
        if report.rows > MAX_ROWS:
            raise LoadError(f"Tệp quá lớn: tối đa {MAX_ROWS} dòng mỗi lần nhập.")
        parsed = parse_record(raw, fmt)
        problems = list(parsed.errors)
        if parsed.status is not None and parsed.status.code in first_line:
            problems.append(f"mã {parsed.status.code} trùng với dòng {first_line[parsed.status.code]}")
        if problems:
            report.errors.append(f"Dòng {line}: " + "; ".join(problems))
            continue
        assert parsed.status is not None
        first_line[parsed.status.code] = line
        valid.append((parsed.status, _as_utc(parsed.updated_at)))
    if report.rows == 0:
        raise LoadError("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề.")
    if report.errors and not skip_invalid:
        report.skipped = report.rows
    else:
        report.skipped = len(report.errors)
        stamp = now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        _write(session, valid, stamp, report)
    _record(session, report, username=username, channel=channel)
    return report


def _write(session: Session, valid: list[tuple[ApplicationStatus, dt.datetime | None]], stamp: dt.datetime,
           report: LoadReport) -> None:
    codes = [s.code for s, _ in valid]
    existing: dict[str, ApplicationStatusRecord] = {}
    for start in range(0, len(codes), 500):
        chunk = codes[start:start + 500]
        existing.update({r.code: r for r in session.execute(
            select(ApplicationStatusRecord).where(ApplicationStatusRecord.code.in_(chunk))).scalars()})
    for status, as_of in valid:
        row = existing.get(status.code)
        if row is None:
            row = ApplicationStatusRecord(code=status.code)
            session.add(row)
            report.created += 1
        else:
            report.updated += 1
        apply_status(row, status, source=SOURCE_STAFF, as_of=as_of or stamp)


def _record(session: Session, report: LoadReport, *, username: str, channel: str) -> None:
    entry = ApplicationImport(
        filename=report.filename[:255], username=username[:100], channel=channel, rows_total=report.rows,
        created=report.created, updated=report.updated, skipped=report.skipped,
        errors="\n".join(report.errors[:MAX_ERRORS_KEPT]),
    )
    session.add(entry)
    session.flush()
    report.import_id = entry.id
    audit.record(session=session, username=username, action="import", entity="application_statuses",
                 entity_id=entry.id, summary=report.summary())


def recent_imports(*, session: Session, limit: int = 20) -> list[ApplicationImport]:
    return list(session.execute(
        select(ApplicationImport).order_by(ApplicationImport.id.desc()).limit(limit)).scalars())
