"""Upsert parsed catalogue records into the knowledge base, keyed by procedure code.

Re-importing replaces a procedure's channels, documents, steps and legal bases but never touches
aliases (staff add those), and an unchanged record is left alone so a second run is a no-op.
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
from bot.knowledge.models import ChannelOption, Document, LegalBasis, Procedure, Step

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
    flag_counts: Counter[str] = dc_field(default_factory=Counter)

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
            f"records: {self.total} (created {self.created}, updated {self.updated}, unchanged {self.unchanged})",
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


def _scalars(p: ParsedProcedure, updated_on: dt.date | None) -> dict[str, Any]:
    return {
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
        "updated_on": updated_on,
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


def upsert_procedures(
    parsed: Iterable[ParsedProcedure],
    *,
    session: Session,
    updated_on: dt.date | None = CRAWL_DATE,
    report: ImportReport | None = None,
) -> ImportReport:
    """Create or update procedures by code in the caller's transaction (the caller commits).

    Child rows are replaced with bulk DELETE/INSERT statements: the ORM would issue one INSERT per
    row (about 50,000 for the whole catalogue).
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
    for p in items:
        scalars, children = _scalars(p, updated_on), _children(p)
        proc = existing.get(p.code)
        if proc is None:
            proc = Procedure(code=p.code, **scalars)
            session.add(proc)
            report.created += 1
        elif all(getattr(proc, k) == v for k, v in scalars.items()) and stored[proc.id] == children:
            report.unchanged += 1
            continue
        else:
            for key, value in scalars.items():
                setattr(proc, key, value)
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


def import_records(
    records: Iterable[dict[str, Any]], *, session: Session, updated_on: dt.date | None = CRAWL_DATE
) -> ImportReport:
    """Parse catalogue records and upsert them; the report includes parse coverage."""
    report = ImportReport()
    parsed: list[ParsedProcedure] = []
    for record in records:
        p = parse_record(record)
        if not p.code or not p.name:
            logger.warning("skipping a record without code or name")
            continue
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
        r for r in read_records(path) if wanted is None or str(r.get("ma_thu_tuc", "")).strip() in wanted
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
    from bot.knowledge.db import session_scope
    from bot.knowledge.migrate import upgrade_to_head

    parser = argparse.ArgumentParser(
        description="Import national-portal catalogue records into DATABASE_URL."
    )
    parser.add_argument("path", help="catalogue .jsonl or .jsonl.gz")
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
    sys.stdout.write(report.summary() + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
