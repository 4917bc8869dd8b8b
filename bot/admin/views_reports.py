"""Monthly petition report: a printable page and the same figures as an Excel workbook."""

from __future__ import annotations

import datetime as dt

from aiohttp import web

from bot import audit
from bot.admin.web import current_user, render, requires
from bot.db import session_scope
from bot.feedback.report import COUNT_COLUMNS, group_rows, list_rows, monthly_report, to_xlsx

routes = web.RouteTableDef()


def _month(request: web.Request) -> tuple[int, int]:
    """?month=YYYY-MM, else the previous month (the one usually reported)."""
    raw = request.query.get("month", "")
    try:
        year, month = (int(x) for x in raw.split("-", 1))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return year, month
    except ValueError:
        pass
    first = dt.datetime.now(dt.timezone.utc).date().replace(day=1)
    last_month = first - dt.timedelta(days=1)
    return last_month.year, last_month.month


@routes.get("/reports/monthly", name="report_monthly")
@requires()
async def report_page(request: web.Request) -> web.StreamResponse:
    year, month = _month(request)
    with session_scope() as session:
        report = monthly_report(session=session, year=year, month=month)
    return render(request, "report_monthly.html", report=report, columns=COUNT_COLUMNS, month=f"{year:04d}-{month:02d}",
                  agencies=group_rows(report.by_agency, "Cơ quan"), subjects=group_rows(report.by_subject, "Về việc"),
                  listing=list_rows(report))


@routes.get("/reports/monthly.xlsx", name="report_monthly_xlsx")
@requires()
async def report_xlsx(request: web.Request) -> web.StreamResponse:
    year, month = _month(request)
    user = current_user(request)
    with session_scope() as session:
        report = monthly_report(session=session, year=year, month=month)
        audit.record(session=session, username=user.username, action="export", entity="petition_report",
                     entity_id=f"{year:04d}-{month:02d}", summary=f"Xuất báo cáo phản ánh tháng {month:02d}/{year}")
    name = f"bao-cao-phan-anh-{year:04d}-{month:02d}.xlsx"
    return web.Response(body=to_xlsx(report),
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
