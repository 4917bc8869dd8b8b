"""The monthly petition report (the figures provincial offices report upward): received, answered on time or
late, transferred, not accepted, still open, by agency and by subject, with the list of petitions.

A petition belongs to a month's report if it was received in that month or reached its result in it.
"On time" means the result came on or before the answer date staff set (transfers: within 5 working days).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from bot.feedback.handling import is_overdue
from bot.feedback.models import (
    CLOSED_STATUSES,
    STATUS_ANSWERED,
    STATUS_NOT_ACCEPTED,
    STATUS_STAFF_LABELS,
    STATUS_TRANSFERRED,
    Petition,
)

NO_AGENCY = "(chưa giao)"
NO_SUBJECT = "(không rõ)"
TIMELINESS_LABELS = {"on_time": "Đúng hạn", "late": "Trễ hạn", "no_due": "Chưa đặt hạn", "": ""}
COUNT_COLUMNS = (
    ("received", "Tiếp nhận trong tháng"),
    ("answered", "Đã trả lời"),
    ("answered_on_time", "Trả lời đúng hạn"),
    ("answered_late", "Trả lời trễ hạn"),
    ("answered_no_due", "Trả lời (chưa đặt hạn)"),
    ("transferred", "Chuyển cơ quan khác"),
    ("transferred_late", "Chuyển quá 5 ngày làm việc"),
    ("not_accepted", "Không đủ điều kiện"),
    ("open", "Đang xử lý cuối tháng"),
    ("overdue", "Quá hạn cuối tháng"),
)


@dataclass
class ReportRow:
    """One petition as listed in the report (no personal data: no name, address or contact)."""

    tracking_code: str
    received_on: dt.date
    subject: str
    agency: str
    status: str
    status_label: str
    closed_on: dt.date | None
    due_on: dt.date | None
    timeliness: str  # on_time / late / no_due / "" (still open)


@dataclass
class MonthlyReport:
    year: int
    month: int
    totals: Counter[str] = field(default_factory=Counter)
    by_agency: dict[str, Counter[str]] = field(default_factory=dict)
    by_subject: dict[str, Counter[str]] = field(default_factory=dict)
    rows: list[ReportRow] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"Báo cáo phản ánh, kiến nghị tháng {self.month:02d}/{self.year}"


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime(year, month, 1)
    end = start + dt.timedelta(days=calendar.monthrange(year, month)[1])
    return start, end


def _timeliness(p: Petition) -> str:
    if p.status not in CLOSED_STATUSES or p.closed_at is None:
        return ""
    due = p.transfer_due if p.status == STATUS_TRANSFERRED else p.answer_due
    if due is None:
        return "no_due"
    return "on_time" if p.closed_at.date() <= due else "late"


def _counts(p: Petition, start: dt.datetime, end: dt.datetime) -> Counter[str]:
    c: Counter[str] = Counter()
    if start <= p.created_at < end:
        c["received"] += 1
    closed_here = p.closed_at is not None and start <= p.closed_at < end and p.status in CLOSED_STATUSES
    timeliness = _timeliness(p)
    if closed_here and p.status == STATUS_ANSWERED:
        c["answered"] += 1
        c[f"answered_{timeliness}"] += 1
    elif closed_here and p.status == STATUS_TRANSFERRED:
        c["transferred"] += 1
        c["transferred_late"] += timeliness == "late"
    elif closed_here and p.status == STATUS_NOT_ACCEPTED:
        c["not_accepted"] += 1
    last_day = (end - dt.timedelta(days=1)).date()
    still_open = p.created_at < end and (p.closed_at is None or p.closed_at >= end)
    if still_open:
        c["open"] += 1
        # Judged as of the month's last day, with the deadlines as they are now.
        c["overdue"] += is_overdue(_as_open(p), last_day + dt.timedelta(days=1))
    return c


def _as_open(p: Petition) -> Petition:
    """A petition closed after the month ended was open at the month's end: judge its deadlines as open."""
    if p.status not in CLOSED_STATUSES:
        return p
    return Petition(status="processing", answer_due=p.answer_due, transfer_due=p.transfer_due)


def monthly_report(*, session: Session, year: int, month: int) -> MonthlyReport:
    start, end = month_bounds(year, month)
    petitions = session.execute(
        select(Petition)
        .where(or_(and_(Petition.created_at >= start, Petition.created_at < end),
                   and_(Petition.closed_at >= start, Petition.closed_at < end),
                   and_(Petition.created_at < end, or_(Petition.closed_at.is_(None), Petition.closed_at >= end))))
        .order_by(Petition.created_at, Petition.id)
    ).scalars()
    report = MonthlyReport(year=year, month=month)
    for p in petitions:
        counts = _counts(p, start, end)
        if not counts:
            continue
        agency = p.transferred_to if p.status == STATUS_TRANSFERRED and p.transferred_to else p.assigned_agency
        agency = agency or NO_AGENCY
        subject = (p.subject or "").strip() or NO_SUBJECT
        report.totals.update(counts)
        report.by_agency.setdefault(agency, Counter()).update(counts)
        report.by_subject.setdefault(subject[:120], Counter()).update(counts)
        closed_here = p.closed_at is not None and p.closed_at < end
        status = p.status if closed_here or p.status not in CLOSED_STATUSES else "processing"
        report.rows.append(ReportRow(
            tracking_code=p.tracking_code, received_on=p.created_at.date(), subject=subject[:200], agency=agency,
            status=status, status_label=STATUS_STAFF_LABELS.get(status, status),
            closed_on=p.closed_at.date() if closed_here and p.closed_at else None,
            due_on=p.transfer_due if p.status == STATUS_TRANSFERRED else p.answer_due,
            timeliness=_timeliness(p) if closed_here else "",
        ))
    report.by_agency = dict(sorted(report.by_agency.items(), key=lambda kv: (-kv[1]["received"], kv[0])))
    report.by_subject = dict(sorted(report.by_subject.items(), key=lambda kv: (-kv[1]["received"], kv[0])))
    return report


def _date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def list_rows(report: MonthlyReport) -> list[list[str]]:
    """The petition list as text cells (header first), shared by the Excel file and CSV."""
    header = ["Mã", "Ngày tiếp nhận", "Về việc", "Cơ quan", "Trạng thái", "Ngày có kết quả", "Hạn", "Đúng/trễ hạn"]
    body = [[r.tracking_code, _date(r.received_on), r.subject, r.agency, r.status_label, _date(r.closed_on),
             _date(r.due_on), TIMELINESS_LABELS[r.timeliness]] for r in report.rows]
    return [header, *body]


def group_rows(groups: dict[str, Counter[str]], first: str) -> list[list[str | int]]:
    header: list[str | int] = [first, *(label for _, label in COUNT_COLUMNS)]
    body: list[list[str | int]] = [[name, *(c[key] for key, _ in COUNT_COLUMNS)] for name, c in groups.items()]
    return [header, *body]


def to_xlsx(report: MonthlyReport) -> bytes:
    """The report as an Excel workbook: totals, by agency, by subject, and the list (cells are values, no formulas)."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    ws.append([report.title])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([])
    for key, label in COUNT_COLUMNS:
        ws.append([label, report.totals[key]])
    sheets: list[tuple[str, list[list[str | int]]]] = [
        ("Theo cơ quan", group_rows(report.by_agency, "Cơ quan")),
        ("Theo lĩnh vực", group_rows(report.by_subject, "Về việc")),
        ("Danh sách", [list(r) for r in list_rows(report)]),
    ]
    for title, rows in sheets:
        sheet = wb.create_sheet(title)
        for row in rows:
            # Text that looks like a formula is stored as text, never evaluated.
            sheet.append([f"'{v}" if isinstance(v, str) and v.startswith(("=", "+", "-", "@")) else v for v in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    for sheet in wb.worksheets:
        for column in sheet.columns:
            width = max((len(str(c.value or "")) for c in column), default=8)
            sheet.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
