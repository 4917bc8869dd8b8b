"""Load the project's reviewed seed (data/seed/) into the knowledge base; safe to run again.

``python -m bot.knowledge.seed`` migrates DATABASE_URL to the latest schema and loads
procedures (data/seed/procedures/*.yml), aliases (aliases.yml) and FAQ entries (faq.yml).
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.knowledge.catalogue import ParsedChannel, ParsedDocument, ParsedLegalBasis, ParsedProcedure, tidy
from bot.knowledge.importer import CRAWL_DATE, upsert_procedures
from bot.knowledge.models import FEE_UNSPECIFIED, Alias, FaqEntry, Procedure
from bot.settings import PROJECT_ROOT
from bot.text.normalize import fold
from bot.understanding.store import seed_understanding

logger = logging.getLogger(__name__)

SEED_DIR = PROJECT_ROOT / "data" / "seed"


@dataclass
class SeedReport:
    """What a seed load changed (all zero on a second run)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    aliases_added: int = 0
    faq_created: int = 0
    faq_updated: int = 0

    def summary(self) -> str:
        return (
            f"procedures: created {self.created}, updated {self.updated}, unchanged {self.unchanged}; "
            f"aliases added {self.aliases_added}; faq created {self.faq_created}, updated {self.faq_updated}"
        )


# The C loader is ~10x faster on the 1.5 MB of seed; fall back to the pure-Python one.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_Loader)  # noqa: S506 - a safe loader


def _procedure(entry: dict[str, Any]) -> ParsedProcedure:
    """A seed entry -> the same dataclass the catalogue parser produces."""
    channels = []
    for c in entry.get("channels") or []:
        value = c.get("time_value")
        unit = c.get("time_unit", "")
        channels.append(
            ParsedChannel(
                channel=c["channel"],
                time_value=float(value) if value is not None else None,
                time_unit=unit,
                time_text=f"{value:g} {unit}".strip() if value is not None else "",
                fee_kind=c.get("fee_kind", FEE_UNSPECIFIED),
                fee_amount=c.get("fee_amount"),
                fee_text=c.get("fee_label", ""),
                note=c.get("fee_note", ""),
            )
        )
    results = [str(r) for r in entry.get("results") or []]
    return ParsedProcedure(
        code=str(entry["code"]),
        name=entry["name"],
        levels=entry.get("levels", ""),
        field=entry.get("field", ""),
        agency=entry.get("agency", ""),
        applicants=entry.get("applicants", ""),
        result="; ".join(results),
        result_names=results,
        conditions=entry.get("conditions", ""),
        online_level=entry.get("online_level", ""),
        decision_no=entry.get("decision_no", ""),
        source_url=entry.get("source_url", ""),
        channels=channels,
        documents=[
            ParsedDocument(
                name=d["name"],
                case_name=d.get("case", ""),
                form_code=d.get("form_code", ""),
                copies=d.get("copies", ""),
            )
            for d in entry.get("documents") or []
        ],
        steps=list(entry.get("steps") or []),
        legal_bases=[
            ParsedLegalBasis(number=lb["number"], title=lb.get("title", ""))
            for lb in entry.get("legal_bases") or []
        ],
        flags=[str(f) for f in entry.get("parse_issues") or []],
    )


def load_procedures(*, session: Session, seed_dir: Path, report: SeedReport) -> None:
    for path in sorted((seed_dir / "procedures").glob("*.yml")):
        content = _read_yaml(path) or {}
        source_date = dt.date.fromisoformat(str(content.get("source_date", CRAWL_DATE.isoformat())))
        parsed = [_procedure(e) for e in content.get("procedures") or []]
        result = upsert_procedures(parsed, session=session, updated_on=source_date)
        report.created += result.created
        report.updated += result.updated
        report.unchanged += result.unchanged


def load_aliases(*, session: Session, path: Path, report: SeedReport) -> None:
    """Add aliases that are missing; existing ones (staff-added included) are kept."""
    if not path.exists():
        return
    mapping = _read_yaml(path) or {}
    ids = dict(session.execute(select(Procedure.code, Procedure.id)).all())
    have = set(session.execute(select(Alias.procedure_id, Alias.folded)).all())
    for code, texts in mapping.items():
        proc_id = ids.get(str(code))
        if proc_id is None:
            logger.warning("aliases.yml: procedure %s is not in the database, skipped", code)
            continue
        for text in texts or []:
            text = tidy(str(text))
            key = (proc_id, fold(text))
            if not key[1] or key in have:
                continue
            have.add(key)
            session.add(Alias(procedure_id=proc_id, text=text[:300], folded=key[1][:300]))
            report.aliases_added += 1


def load_faq(*, session: Session, path: Path, report: SeedReport) -> None:
    """Upsert FAQ entries by slug; ``keywords`` is stored one per line."""
    if not path.exists():
        return
    existing = {f.slug: f for f in session.execute(select(FaqEntry)).scalars()}
    for item in _read_yaml(path) or []:
        values = {
            "topic": str(item.get("topic", "")),
            "question": str(item["question"]),
            "keywords": "\n".join(str(k) for k in item.get("keywords") or []),
            "answer": str(item["answer"]),
            "source_url": str(item.get("source_url", "") or ""),
        }
        entry = existing.get(item["slug"])
        if entry is None:
            entry = FaqEntry(slug=item["slug"], **values)
            session.add(entry)
            existing[entry.slug] = entry
            report.faq_created += 1
        elif any(getattr(entry, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(entry, k, v)
            report.faq_updated += 1


def load_seed(*, session: Session, seed_dir: Path = SEED_DIR) -> SeedReport:
    """Load everything in ``seed_dir`` in the caller's transaction; idempotent."""
    report = SeedReport()
    load_procedures(session=session, seed_dir=seed_dir, report=report)
    session.flush()
    load_aliases(session=session, path=seed_dir / "aliases.yml", report=report)
    load_faq(session=session, path=seed_dir / "faq.yml", report=report)
    session.flush()
    seed_understanding(session=session)
    return report


def main() -> int:
    from bot.knowledge.db import session_scope
    from bot.knowledge.migrate import upgrade_to_head

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    upgrade_to_head()
    with session_scope() as session:
        report = load_seed(session=session)
    sys.stdout.write(report.summary() + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
