"""Export and import of the knowledge base as Excel workbooks or zipped CSV files, field for field.

One sheet (or CSV file) per table. Child rows name their procedure by ``procedure_code``. On import a
procedure is matched by code and updated; for each table present in the file, the child rows of every
procedure the file mentions are replaced by the file's rows, so an export re-imported changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from sqlalchemy import Boolean, Date, DateTime, Float, Integer, select
from sqlalchemy.orm import Session, selectinload

from bot import audit
from bot.knowledge.models import (
    Alias,
    ChannelOption,
    Document,
    FaqEntry,
    LegalBasis,
    Procedure,
    Step,
)
from bot.text.normalize import fold

logger = logging.getLogger(__name__)

# Columns never exported: surrogate keys and bookkeeping the database sets itself.
_SKIP = {"id", "procedure_id", "created_at", "modified_at", "folded"}
# Table name -> (model, relationship attribute on Procedure or None for top-level tables).
TABLES: dict[str, tuple[Any, str | None]] = {
    "procedures": (Procedure, None),
    "channel_options": (ChannelOption, "channels"),
    "documents": (Document, "documents"),
    "steps": (Step, "steps"),
    "legal_bases": (LegalBasis, "legal_bases"),
    "aliases": (Alias, "aliases"),
    "faq_entries": (FaqEntry, None),
}
_CSV_INJECTION = ("=", "+", "-", "@", "\t", "\r", "'")
_EXCEL_CELL_LIMIT = 32767


class TransferError(ValueError):
    """A Vietnamese message about a file that cannot be imported."""


@dataclass
class ImportResult:
    """What an import changed, for the admin page and the CLI."""

    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    replaced: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"tạo mới {k}: {v}" for k, v in self.created.items() if v]
        parts += [f"cập nhật {k}: {v}" for k, v in self.updated.items() if v]
        parts += [f"ghi lại {k}: {v} dòng" for k, v in self.replaced.items() if v]
        return "; ".join(parts) or "không có thay đổi"


def columns(table: str) -> list[str]:
    """Exported column names of a table, in a stable order."""
    model, rel = TABLES[table]
    names = [c.name for c in model.__table__.columns if c.name not in _SKIP]
    return (["procedure_code"] if rel else []) + names


def _column_type(model: Any, name: str) -> Any:
    return model.__table__.columns[name].type


def to_cell(value: Any) -> str:
    """Database value -> text; None becomes the empty string (nullable columns read it back as None)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def from_cell(model: Any, name: str, raw: Any) -> Any:
    """Text (or an Excel number) -> the column's Python value."""
    column = model.__table__.columns[name]
    kind = column.type
    if raw is None or (isinstance(raw, str) and raw == ""):
        if column.nullable:
            return None
        if isinstance(kind, Boolean):
            return False
        if isinstance(kind, (Integer, Float)):
            return 0
        return ""
    try:
        if isinstance(kind, Boolean):
            return str(raw).strip().lower() in {"1", "true", "yes", "có", "x"}
        if isinstance(kind, Integer):
            return int(float(raw)) if isinstance(raw, float) else int(str(raw).strip())
        if isinstance(kind, Float):
            return float(str(raw).strip().replace(",", "."))
        if isinstance(kind, DateTime):
            return raw if isinstance(raw, dt.datetime) else dt.datetime.fromisoformat(str(raw).strip())
        if isinstance(kind, Date):
            if isinstance(raw, dt.datetime):
                return raw.date()
            return raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw).strip()[:10])
    except ValueError as exc:
        raise TransferError(f"Giá trị '{raw}' không hợp lệ cho cột {name}.") from exc
    return str(raw) if not isinstance(raw, str) else raw


def export_rows(*, session: Session, codes: Iterable[str] | None = None) -> dict[str, list[list[str]]]:
    """Every table as a header row plus text rows."""
    stmt = select(Procedure).order_by(Procedure.code).options(
        selectinload(Procedure.channels),
        selectinload(Procedure.documents),
        selectinload(Procedure.steps),
        selectinload(Procedure.legal_bases),
        selectinload(Procedure.aliases),
    )
    if codes is not None:
        stmt = stmt.where(Procedure.code.in_(list(codes)))
    procedures = list(session.execute(stmt).scalars())
    out: dict[str, list[list[str]]] = {}
    for table, (_model, rel) in TABLES.items():
        cols = columns(table)
        rows: list[list[str]] = [cols]
        if table == "faq_entries":
            for entry in session.execute(select(FaqEntry).order_by(FaqEntry.slug)).scalars():
                rows.append([to_cell(getattr(entry, c)) for c in cols])
        elif rel is None:
            rows += [[to_cell(getattr(p, c)) for c in cols] for p in procedures]
        else:
            for p in procedures:
                children = getattr(p, rel)
                if table == "aliases":
                    children = sorted(children, key=lambda a: a.folded)
                for child in children:
                    rows.append([p.code] + [to_cell(getattr(child, c)) for c in cols[1:]])
        out[table] = rows
    return out


def export_xlsx(*, session: Session) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for table, rows in export_rows(session=session).items():
        ws = wb.create_sheet(table)
        model = TABLES[table][0]
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if len(value) > _EXCEL_CELL_LIMIT:
                    raise TransferError(f"Một ô của bảng {table} quá dài cho Excel; hãy xuất CSV.")
                cell = ws.cell(row=r, column=c)
                name = rows[0][c - 1]
                numeric = r > 1 and value != "" and name != "procedure_code" and isinstance(
                    _column_type(model, name), (Integer, Float)
                ) and not isinstance(_column_type(model, name), Boolean)
                if numeric:
                    cell.value = float(value) if isinstance(_column_type(model, name), Float) else int(value)
                else:
                    cell.value = value
                    cell.data_type = "s"  # never a formula, whatever the text starts with
        ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _csv_escape(value: str) -> str:
    # Spreadsheet programs run cells that start with these as formulas; a leading quote disarms them
    # and is removed again on import, so the round trip is exact.
    return "'" + value if value.startswith(_CSV_INJECTION) else value


def _csv_unescape(value: str) -> str:
    return value[1:] if value.startswith("'") else value


def table_csv(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(rows[0])
    for row in rows[1:]:
        writer.writerow([_csv_escape(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")  # BOM so Excel opens Vietnamese text correctly


def export_csv_zip(*, session: Session) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for table, rows in export_rows(session=session).items():
            zf.writestr(f"{table}.csv", table_csv(rows))
    return buf.getvalue()


def _read_csv(data: bytes) -> list[list[Any]]:
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return []
    return [rows[0]] + [[_csv_unescape(v) for v in row] for row in rows[1:]]


def read_tables(filename: str, data: bytes) -> dict[str, list[list[Any]]]:
    """Tables from an .xlsx workbook, a .zip of CSV files or one ``<table>.csv``."""
    name = filename.lower()
    tables: dict[str, list[list[Any]]] = {}
    if name.endswith(".xlsx"):
        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, OSError, KeyError) as exc:
            raise TransferError("Không đọc được tệp Excel.") from exc
        for ws in wb.worksheets:
            if ws.title in TABLES:
                tables[ws.title] = [list(r) for r in ws.iter_rows(values_only=True)]
        wb.close()
    elif name.endswith(".zip"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                for info in zf.infolist():
                    stem = Path(info.filename).stem
                    if info.filename.lower().endswith(".csv") and stem in TABLES:
                        tables[stem] = _read_csv(zf.read(info))
        except zipfile.BadZipFile as exc:
            raise TransferError("Không đọc được tệp zip.") from exc
    elif name.endswith(".csv"):
        stem = Path(name).stem
        if stem not in TABLES:
            raise TransferError(f"Tên tệp CSV phải là một trong: {', '.join(f'{t}.csv' for t in TABLES)}.")
        tables[stem] = _read_csv(data)
    else:
        raise TransferError("Chỉ nhận tệp .xlsx, .zip (các tệp CSV) hoặc .csv.")
    if not tables:
        raise TransferError("Tệp không có bảng nào nhận ra được.")
    return tables


def _records(table: str, rows: list[list[Any]]) -> list[dict[str, Any]]:
    if not rows:
        return []
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    expected = columns(table)
    model = TABLES[table][0]
    missing = [c for c in expected if c not in header]
    required = [c for c in missing if c == "procedure_code" or _required(model, c)]
    if required:
        raise TransferError(f"Bảng {table} thiếu cột: {', '.join(required)}.")
    # A file exported before a column existed leaves that column as it is (or its default for new rows).
    expected = [c for c in expected if c not in missing]
    out = []
    for i, row in enumerate(rows[1:], start=2):
        if row is None or all(v in (None, "") for v in row):
            continue
        values = dict(zip(header, list(row) + [None] * (len(header) - len(row)), strict=False))
        record: dict[str, Any] = {}
        for c in expected:
            raw = values.get(c)
            if c == "procedure_code":
                record[c] = "" if raw is None else str(raw).strip()
                continue
            try:
                record[c] = from_cell(model, c, raw)
            except TransferError as exc:
                raise TransferError(f"Bảng {table}, dòng {i}: {exc}") from exc
        out.append(record)
    return out


def _required(model: Any, name: str) -> bool:
    column = model.__table__.columns[name]
    return column.default is None and column.server_default is None and not column.nullable


def import_tables(*, session: Session, tables: dict[str, list[list[Any]]], username: str) -> ImportResult:
    """Apply parsed tables to the database (in the caller's transaction) and write one audit row."""
    result = ImportResult()
    parsed = {t: _records(t, rows) for t, rows in tables.items()}
    by_code: dict[str, Procedure] = {}

    for rec in parsed.get("procedures", []):
        code = str(rec.get("code") or "").strip()
        if not code:
            raise TransferError("Bảng procedures có dòng thiếu mã thủ tục (code).")
        proc = session.execute(select(Procedure).where(Procedure.code == code)).scalar_one_or_none()
        if proc is None:
            proc = Procedure(code=code)
            session.add(proc)
            result.created["procedures"] += 1
        else:
            result.updated["procedures"] += 1
        for key, value in rec.items():
            setattr(proc, key, value)
        by_code[code] = proc
    session.flush()

    for table, (model, rel) in TABLES.items():
        if rel is None or table not in parsed:
            continue
        grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for rec in parsed[table]:
            grouped[rec.pop("procedure_code")].append(rec)
        codes = set(grouped) | set(by_code)
        for code in sorted(codes):
            proc = by_code.get(code) or session.execute(
                select(Procedure).where(Procedure.code == code)
            ).scalar_one_or_none()
            if proc is None:
                raise TransferError(f"Bảng {table}: không có thủ tục mã {code}.")
            children = getattr(proc, rel)
            children.clear()
            session.flush()
            seen: set[str] = set()
            for rec in grouped.get(code, []):
                child = model(**rec)
                if table == "aliases":
                    child.folded = fold(child.text)
                    if not child.folded or child.folded in seen:
                        continue  # the table allows each folded alias once per procedure
                    seen.add(child.folded)
                children.append(child)
            result.replaced[table] += len(grouped.get(code, []))
        session.flush()

    for rec in parsed.get("faq_entries", []):
        slug = str(rec.get("slug") or "").strip()
        if not slug:
            raise TransferError("Bảng faq_entries có dòng thiếu slug.")
        entry = session.execute(select(FaqEntry).where(FaqEntry.slug == slug)).scalar_one_or_none()
        if entry is None:
            entry = FaqEntry(slug=slug)
            session.add(entry)
            result.created["faq_entries"] += 1
        else:
            result.updated["faq_entries"] += 1
        for key, value in rec.items():
            setattr(entry, key, value)
    session.flush()
    audit.record(
        session=session, username=username, action="import", entity="knowledge_base",
        summary=f"Nhập dữ liệu ({', '.join(sorted(tables))}): {result.summary()}",
    )
    return result


def import_bytes(*, session: Session, filename: str, data: bytes, username: str) -> ImportResult:
    return import_tables(session=session, tables=read_tables(filename, data), username=username)


def import_portal_file(*, session: Session, path: Path, username: str, display_name: str = "") -> str:
    """National-portal JSONL through the knowledge importer; returns its summary text."""
    from bot.knowledge import importer  # written by the knowledge team; imported lazily

    outcome = importer.import_file(path, session=session)
    summary_fn = getattr(outcome, "summary", None)
    summary = " ".join(str(summary_fn()).split()) if callable(summary_fn) else str(outcome)
    audit.record(
        session=session, username=username, action="import", entity="knowledge_base",
        summary=f"Nhập dữ liệu Cổng DVC quốc gia từ {display_name or path.name}: {summary[:500]}",
    )
    return summary
