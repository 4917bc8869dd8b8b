"""Import/export of the knowledge base, and the audit log."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import tempfile
from pathlib import Path

from aiohttp import BodyPartReader, web
from sqlalchemy.exc import SQLAlchemyError

from bot import audit
from bot.admin import transfer
from bot.admin.models import ROLE_ADMIN
from bot.admin.security import tokens_equal
from bot.admin.web import current_user, redirect, render, requires
from bot.db import session_scope

logger = logging.getLogger(__name__)
routes = web.RouteTableDef()

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
PORTAL_SUFFIXES = (".jsonl", ".jsonl.gz", ".json", ".json.gz")


@routes.get("/data", name="data")
@requires()
async def data_page(request: web.Request) -> web.StreamResponse:
    return render(request, "data.html", tables=list(transfer.TABLES))


@routes.get("/data/export", name="data_export")
@requires()
async def export(request: web.Request) -> web.StreamResponse:
    fmt = request.query.get("format", "xlsx")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")

    def build() -> bytes:
        with session_scope() as session:
            if fmt == "csv":
                return transfer.export_csv_zip(session=session)
            return transfer.export_xlsx(session=session)

    try:
        body = await asyncio.get_running_loop().run_in_executor(None, build)
    except transfer.TransferError as exc:
        raise redirect(request, "data", err=str(exc)) from exc
    if fmt == "csv":
        name, ctype = f"tthc-{stamp}-csv.zip", "application/zip"
    else:
        name, ctype = f"tthc-{stamp}.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return web.Response(body=body, content_type=ctype,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


async def read_upload(
    request: web.Request, csrf: str, *, back: str = "data", fields: dict[str, str] | None = None
) -> tuple[str, Path]:
    """Stream a multipart upload to a temporary file; the CSRF field must come first.

    Other small form fields are put in ``fields`` when given; without a file the user is sent to ``back``.
    """
    reader = await request.multipart()
    token, filename, path = "", "", None
    while True:
        part = await reader.next()
        if part is None:
            break
        if not isinstance(part, BodyPartReader):
            continue  # nested multipart is not something our form sends
        if part.name == "csrf_token":
            token = (await part.text())[:200]
        elif part.name == "file":
            if not tokens_equal(token, csrf):
                raise web.HTTPForbidden(text="Biểu mẫu không hợp lệ. Hãy tải lại trang.")
            filename = Path(part.filename or "upload").name
            suffix = "".join(Path(filename).suffixes[-2:]).lower()
            size = 0
            with tempfile.NamedTemporaryFile(delete=False, suffix=suffix or ".bin") as tmp:
                while chunk := await part.read_chunk():
                    size += len(chunk)
                    if size > MAX_UPLOAD_BYTES:
                        Path(tmp.name).unlink(missing_ok=True)
                        raise web.HTTPRequestEntityTooLarge(max_size=MAX_UPLOAD_BYTES, actual_size=size)
                    tmp.write(chunk)
            path = Path(tmp.name)
        elif fields is not None and part.name:
            fields[part.name] = (await part.text())[:200]
    if not tokens_equal(token, csrf):
        raise web.HTTPForbidden(text="Biểu mẫu không hợp lệ. Hãy tải lại trang.")
    if path is None or not filename:
        raise redirect(request, back, err="Hãy chọn một tệp để nhập.")
    return filename, path


@routes.post("/data/import", name="data_import")
@requires(multipart_csrf=True)
async def import_upload(request: web.Request) -> web.StreamResponse:
    user = current_user(request)
    filename, path = await read_upload(request, user.csrf_token)
    lower = filename.lower()

    def run() -> str:
        with session_scope() as session:
            if lower.endswith(PORTAL_SUFFIXES):
                return transfer.import_portal_file(session=session, path=path, username=user.username,
                                                  display_name=filename)
            result = transfer.import_bytes(session=session, filename=filename, data=path.read_bytes(),
                                           username=user.username)
            return result.summary()

    try:
        summary = await asyncio.get_running_loop().run_in_executor(None, run)
    except transfer.TransferError as exc:
        raise redirect(request, "data", err=str(exc)) from exc
    except (SQLAlchemyError, ValueError, OSError) as exc:
        logger.exception("Import of %s failed", filename)
        raise redirect(request, "data", err="Không nhập được tệp: dữ liệu không hợp lệ (xem nhật ký máy chủ).") from exc
    finally:
        path.unlink(missing_ok=True)
    raise redirect(request, "data", msg=f"Đã nhập {filename}: {summary}"[:500])


@routes.get("/audit", name="audit")
@requires()
async def audit_page(request: web.Request) -> web.StreamResponse:
    entity = request.query.get("entity", "")[:60]
    username = request.query.get("user", "")[:100]
    with session_scope() as session:
        rows = audit.recent(session=session, limit=300, entity=entity, username=username)
        return render(request, "audit.html", rows=rows, entity=entity, username=username,
                      is_admin=current_user(request).has_role(ROLE_ADMIN))
