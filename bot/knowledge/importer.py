"""Upsert parsed records into the knowledge base, keyed by procedure code, and log what changed.

Three source formats are read (each record is recognised by its keys): the national catalogue crawl,
the portal's own API records, and the Quảng Trị list of applicable procedures (names, bodies, links
and usage weights only). Re-importing replaces a procedure's channels, documents, steps and legal
bases but never touches aliases (staff add those); an unchanged record is left alone so a second run
is a no-op; a name-only row never overwrites a procedure whose details we have (it adds the list's
portal id, usage weight and issuing body to it). Each run is logged (``ImportRun``) with what it
added, removed and changed (fees, times, other), for the admin's freshness page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import logging
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from bot.knowledge.catalogue import ParsedProcedure, parse_record
from bot.knowledge.models import (
    CHANGE_ADDED,
    CHANGE_FEES,
    CHANGE_OTHER,
    CHANGE_REMOVED,
    CHANGE_TIMES,
    LOADED_BY_IMPORT,
    ChannelOption,
    Document,
    ImportChange,
    ImportRun,
    LegalBasis,
    Procedure,
    Step,
)
from bot.knowledge.portal_api import parse_portal_record
from bot.knowledge.province_list import exclusion_reason, name_only_procedure, read_entries

logger = logging.getLogger(__name__)

# The public crawl of the national portal was taken in June-July 2026.
CRAWL_DATE = dt.date(2026, 7, 1)


@dataclass
class ImportReport:
    """What an import changed and how much of the input the parser understood."""

    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    with_time: int = 0
    with_time_value: int = 0
    with_fee: int = 0
    with_documents: int = 0
    removed: int = 0
    left_out: int = 0  # rows of the Quảng Trị list citizens never use (internal, test entries)
    flag_counts: Counter[str] = dc_field(default_factory=Counter)
    # (code, change, before, after) for the import log.
    changes: list[tuple[str, str, str, str]] = dc_field(default_factory=list)

    def share(self, count: int) -> float:
        return count / self.total if self.total else 0.0

    def add_coverage(self, parsed: ParsedProcedure) -> None:
        self.total += 1
        self.with_time += parsed.has_time
        self.with_time_value += parsed.has_time_value
        self.with_fee += parsed.has_fee
        self.with_documents += bool(parsed.documents)
        self.flag_counts.update(f.split(":", 1)[0] for f in parsed.flags)

    def summary(self) -> str:
        lines = [
            f"records: {self.total} (created {self.created}, updated {self.updated}, unchanged {self.unchanged}"
            f", removed {self.removed}, left out {self.left_out})",
            f"parsed time (value and unit): {self.share(self.with_time):.1%}"
            f" (a value, unit possibly missing: {self.share(self.with_time_value):.1%})",
            f"parsed fee (amount/free/unspecified): {self.share(self.with_fee):.1%}",
            f"at least one document: {self.share(self.with_documents):.1%}",
            "parse flags: " + (", ".join(f"{k}={v}" for k, v in self.flag_counts.most_common()) or "none"),
        ]
        return "\n".join(lines)


def _cut(text: str, limit: int) -> str:
    """Keep values within the column sizes PostgreSQL enforces."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _metadata(p: ParsedProcedure) -> dict[str, Any]:
    """What the Quảng Trị list contributes; the only fields a name-only row may change on a full record."""
    return {
        "portal_id": _cut(p.portal_id, 64),
        "issuing_body": p.issuing_body,
        "usage_weight": p.usage_weight,
        "in_province_list": p.in_province_list,
        "related_codes": ", ".join(p.related_codes)[:200],
    }


def _scalars(p: ParsedProcedure, updated_on: dt.date | None) -> dict[str, Any]:
    return {
        **_metadata(p),
        "source_kind": p.source_kind,
        "has_details": p.has_details,
        "name": p.name,
        "levels": _cut(p.levels, 200),
        "field": _cut(p.field, 300),
        "agency": p.agency,
        "competent_agency": p.competent_agency,
        "submit_address": p.submit_address,
        "applicants": p.applicants,
        "result": p.result,
        "conditions": p.conditions,
        "online_level": _cut(p.online_level, 40),
        "decision_no": _cut(p.decision_no, 200),
        "source_url": p.source_url,
        "updated_on": p.source_date or updated_on,
        "parse_issues": "\n".join(p.flags),
    }


def _children(p: ParsedProcedure) -> dict[str, list[dict[str, Any]]]:
    return {
        "channels": [
            {
                "position": i,
                "channel": c.channel,
                "time_value": c.time_value,
                "time_unit": _cut(c.time_unit, 40),
                "time_text": c.time_text,
                "fee_kind": c.fee_kind,
                "fee_amount": c.fee_amount,
                "fee_text": c.fee_text,
                "note": c.note,
                "time_label": c.time_label,
                "case_name": c.case_name,
                "fee_unit": _cut(c.fee_unit, 40),
                "fee_min": c.fee_min,
                "fee_max": c.fee_max,
                "fee_limit_unit": _cut(c.fee_limit_unit, 40),
                "valid_from": c.valid_from,
                "valid_to": c.valid_to,
                "fee_basis": _cut(c.fee_basis, 100),
            }
            for i, c in enumerate(p.channels)
        ],
        "documents": [
            {
                "position": i,
                "case_name": d.case_name,
                "name": d.name,
                "form_code": _cut(d.form_code, 100),
                "copies": _cut(d.copies, 200),
            }
            for i, d in enumerate(p.documents)
        ],
        "steps": [{"position": i, "text": s} for i, s in enumerate(p.steps)],
        "legal_bases": [
            {"position": i, "number": _cut(lb.number, 100), "title": lb.title}
            for i, lb in enumerate(p.legal_bases)
        ],
    }


_CHILD_MODELS: dict[str, Any] = {
    "channels": ChannelOption,
    "documents": Document,
    "steps": Step,
    "legal_bases": LegalBasis,
}


def _current_children(session: Session, ids: list[int]) -> dict[int, dict[str, list[dict[str, Any]]]]:
    """Stored child rows per procedure id, read with plain SELECTs (no ORM objects)."""
    out: dict[int, dict[str, list[dict[str, Any]]]] = {i: {rel: [] for rel in _CHILD_MODELS} for i in ids}
    for rel, model in _CHILD_MODELS.items():
        cols = [c for c in model.__table__.columns if c.name != "id"]
        for start in range(0, len(ids), 500):
            stmt = (
                select(*cols)
                .where(model.procedure_id.in_(ids[start : start + 500]))
                .order_by(model.procedure_id, model.position)
            )
            for row in session.execute(stmt).mappings():
                values = dict(row)
                out[values.pop("procedure_id")][rel].append(values)
    return out


_FEE_KEYS = ("fee_kind", "fee_amount", "fee_text", "case_name", "fee_unit", "fee_min", "fee_max",
             "fee_limit_unit", "valid_from", "valid_to")
_TIME_KEYS = ("time_value", "time_unit", "time_text", "time_label")


def _summary(rows: list[dict[str, Any]], keys: tuple[str, ...]) -> str:
    """A short, stable text of some channel columns, for the import log ("truc_tiep: 20000 …")."""
    lines = []
    for row in rows:
        values = [str(row[k]) for k in keys if row.get(k) not in (None, "")]
        line = f"{row['channel']}: " + " ".join(values)
        if line not in lines:
            lines.append(line)
    return "; ".join(lines)[:2000]


def _classify_change(
    code: str, old: dict[str, Any], new: dict[str, Any], old_children: dict, new_children: dict
) -> list[tuple[str, str, str, str]]:
    """Log rows for one updated procedure: fees and times apart, anything else as "other"."""
    out = []
    for kind, keys in ((CHANGE_FEES, _FEE_KEYS), (CHANGE_TIMES, _TIME_KEYS)):
        before, after = _summary(old_children["channels"], keys), _summary(new_children["channels"], keys)
        if before != after:
            out.append((code, kind, before, after))
    if not out:
        fields = sorted(k for k in new if old.get(k) != new[k])
        fields += [rel for rel in _CHILD_MODELS if rel != "channels" and old_children[rel] != new_children[rel]]
        fields += ["channels"] if old_children["channels"] != new_children["channels"] else []
        out.append((code, CHANGE_OTHER, "", ", ".join(fields)[:2000]))
    return out


def upsert_procedures(
    parsed: Iterable[ParsedProcedure],
    *,
    session: Session,
    updated_on: dt.date | None = CRAWL_DATE,
    report: ImportReport | None = None,
    loaded_by: str = LOADED_BY_IMPORT,
) -> ImportReport:
    """Create or update procedures by code in the caller's transaction (the caller commits).

    Child rows are replaced with bulk DELETE/INSERT statements: the ORM would issue one INSERT per
    row (about 50,000 for the whole catalogue). A name-only procedure (no details) only adds the
    Quảng Trị list's metadata to a procedure that already has details.
    """
    report = report or ImportReport()
    items = list({p.code: p for p in parsed if p.code}.values())
    existing: dict[str, Procedure] = {}
    codes = [p.code for p in items]
    for start in range(0, len(codes), 500):
        stmt = select(Procedure).where(Procedure.code.in_(codes[start : start + 500]))
        existing.update({p.code: p for p in session.execute(stmt).scalars()})
    stored = _current_children(session, [p.id for p in existing.values()])
    touched: list[tuple[Procedure, dict[str, list[dict[str, Any]]]]] = []
    replaced_ids: list[int] = []
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    for p in items:
        scalars, children = _scalars(p, updated_on), _children(p)
        proc = existing.get(p.code)
        if proc is not None and proc.has_details and not p.has_details:
            scalars, children = _metadata(p), stored[proc.id]  # keep the details we have
        if proc is None:
            proc = Procedure(code=p.code, loaded_by=loaded_by, imported_at=now, **scalars)
            session.add(proc)
            report.created += 1
            report.changes.append((p.code, CHANGE_ADDED, "", p.name[:500]))
        elif all(getattr(proc, k) == v for k, v in scalars.items()) and stored[proc.id] == children:
            report.unchanged += 1
            continue
        else:
            old = {k: getattr(proc, k) for k in scalars}
            report.changes += _classify_change(p.code, old, scalars, stored[proc.id], children)
            for key, value in scalars.items():
                setattr(proc, key, value)
            proc.imported_at = now
            replaced_ids.append(proc.id)
            report.updated += 1
        touched.append((proc, children))
    session.flush()  # assigns ids to new procedures
    for rel, model in _CHILD_MODELS.items():
        for start in range(0, len(replaced_ids), 500):
            session.execute(delete(model).where(model.procedure_id.in_(replaced_ids[start : start + 500])))
        rows = [{**row, "procedure_id": proc.id} for proc, children in touched for row in children[rel]]
        if rows:
            session.execute(insert(model), rows)
    for proc, _ in touched:
        session.expire(proc, list(_CHILD_MODELS))
    return report


def deactivate_missing(*, session: Session, keep: set[str], loaded_by: str, report: ImportReport) -> None:
    """Mark procedures a full load no longer contains as inactive (kept for history, not answered)."""
    stmt = select(Procedure).where(Procedure.loaded_by == loaded_by, Procedure.active.is_(True))
    for proc in session.execute(stmt).scalars():
        if proc.code not in keep:
            proc.active = False
            report.removed += 1
            report.changes.append((proc.code, CHANGE_REMOVED, proc.name[:500], ""))


def log_run(*, session: Session, source: str, report: ImportReport) -> ImportRun:
    """Store the run and its changes for the freshness page."""
    run = ImportRun(source=source[:200], summary=report.summary()[:4000])
    session.add(run)
    session.flush()
    rows = [
        {"run_id": run.id, "procedure_code": code, "change": change, "before": before, "after": after}
        for code, change, before, after in report.changes
    ]
    for start in range(0, len(rows), 2000):
        session.execute(insert(ImportChange), rows[start : start + 2000])
    return run


def parse_any(record: dict[str, Any]) -> ParsedProcedure | None:
    """A record of any of the three source formats, recognised by its keys; None for a left-out row."""
    if "executionMethods" in record or "executionCases" in record:
        return parse_portal_record(record)
    if "portal_id" in record and "ma_thu_tuc" not in record:
        if exclusion_reason(record):
            return None
        entries, _ = read_entries([record])
        return name_only_procedure(entries[0])
    return parse_record(record)


def import_records(
    records: Iterable[dict[str, Any]], *, session: Session, updated_on: dt.date | None = CRAWL_DATE
) -> ImportReport:
    """Parse records of any source format and upsert them; the report includes parse coverage."""
    report = ImportReport()
    parsed: list[ParsedProcedure] = []
    for record in records:
        p = parse_any(record)
        if p is None:
            report.left_out += 1
            continue
        if not p.code or not p.name:
            logger.warning("skipping a record without code or name")
            continue
        if p.has_details:
            report.add_coverage(p)
        parsed.append(p)
    return upsert_procedures(parsed, session=session, updated_on=updated_on, report=report)


def read_records(path: Path | str) -> Iterator[dict[str, Any]]:
    """Records of a .jsonl or .jsonl.gz file, one JSON object a line."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:  # type: ignore[operator]
        for line in fh:
            if line.strip():
                yield json.loads(line)


def import_file(
    path: Path | str,
    *,
    session: Session,
    codes: Iterable[str] | None = None,
    updated_on: dt.date | None = CRAWL_DATE,
) -> ImportReport:
    """Import a catalogue file, optionally only the given procedure codes."""
    wanted = set(codes) if codes is not None else None
    records = (
        r for r in read_records(path)
        if wanted is None or str(r.get("ma_thu_tuc") or r.get("code") or "").strip() in wanted
    )
    return import_records(records, session=session, updated_on=updated_on)


def read_codes(path: Path | str) -> list[str]:
    """Procedure codes from a file: the first tab-separated column of each line (headers skipped)."""
    codes = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        first = line.split("\t", 1)[0].strip()
        if first and first[0].isdigit():
            codes.append(first)
    return codes


def main(argv: list[str] | None = None) -> int:
    from bot.db import session_scope, upgrade_to_head

    parser = argparse.ArgumentParser(
        description="Import procedure records (national catalogue, portal API or Quảng Trị list) into DATABASE_URL."
    )
    parser.add_argument("path", help=".jsonl or .jsonl.gz; the format of each record is recognised by its keys")
    parser.add_argument(
        "--codes-file", help="only these procedure codes (one a line, or a TSV's first column)"
    )
    parser.add_argument(
        "--updated-on", default=CRAWL_DATE.isoformat(), help="date of the source records (YYYY-MM-DD)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    codes = read_codes(args.codes_file) if args.codes_file else None
    upgrade_to_head()
    with session_scope() as session:
        report = import_file(
            args.path, session=session, codes=codes, updated_on=dt.date.fromisoformat(args.updated_on)
        )
        log_run(session=session, source=Path(args.path).name, report=report)
    sys.stdout.write(report.summary() + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
