"""Data access for the understanding layer: what the index, the lexicon and the ranker are built from."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from bot.knowledge.models import Alias, Document, FaqEntry, Procedure
from bot.text.normalize import fold, normalize
from bot.understanding.index import ProcedureDoc
from bot.understanding.lexicon import Entry
from bot.understanding.models import ORIGIN_SEED, ORIGIN_STAFF, LabelledQuestion, LexiconEntry, RankerModel

# Secondary text kept per procedure (results and document names): enough to match on, no more.
_SECONDARY_CHARS = 600


def load_lexicon(*, session: Session) -> list[Entry]:
    rows = session.execute(
        select(LexiconEntry).where(LexiconEntry.active.is_(True)).order_by(LexiconEntry.kind, LexiconEntry.id)
    ).scalars()
    return [Entry(r.kind, r.phrase, r.value, r.accents_required) for r in rows]


@dataclass
class LexiconSeedReport:
    added: int = 0
    removed: int = 0
    kept_staff: int = 0


def seed_lexicon(*, session: Session, entries: Sequence[Entry]) -> LexiconSeedReport:
    """Make the seed-origin entries equal to ``entries``; staff entries are never touched."""
    report = LexiconSeedReport()
    wanted = {(e.kind, e.phrase, e.value): e for e in entries}
    existing = {(r.kind, r.phrase, r.value): r for r in session.execute(select(LexiconEntry)).scalars()}
    for key, row in existing.items():
        if row.origin == ORIGIN_STAFF:
            report.kept_staff += 1
        elif key not in wanted:
            session.delete(row)
            report.removed += 1
        elif row.accents_required != wanted[key].accents_required:
            row.accents_required = wanted[key].accents_required
    for key, e in wanted.items():
        if key not in existing:
            session.add(LexiconEntry(kind=e.kind, phrase=e.phrase, value=e.value,
                                     accents_required=e.accents_required, origin=ORIGIN_SEED, modified_by="seed"))
            report.added += 1
    session.flush()
    return report


def _usage(p: Procedure) -> float | None:
    value = getattr(p, "usage_weight", None)
    return float(value) if value is not None else None


def _has_details(p: Procedure) -> bool:
    flag = getattr(p, "has_details", None)
    return True if flag is None else bool(flag)


def load_procedure_docs(*, session: Session) -> list[ProcedureDoc]:
    """Every active procedure with its aliases, labelled questions and secondary text."""
    aliases: dict[int, list[str]] = defaultdict(list)
    for pid, text in session.execute(select(Alias.procedure_id, Alias.text).order_by(Alias.id)):
        aliases[pid].append(text)
    examples: dict[str, list[str]] = defaultdict(list)
    sources: dict[str, list[str]] = defaultdict(list)
    for code, text, who in session.execute(
        select(LabelledQuestion.procedure_code, LabelledQuestion.text, LabelledQuestion.created_by)
        .where(LabelledQuestion.procedure_code != "")
    ):
        examples[code].append(text)
        sources[code].append(who)
    documents: dict[int, list[str]] = defaultdict(list)
    for pid, name in session.execute(select(Document.procedure_id, Document.name).order_by(Document.position)):
        documents[pid].append(name.split(".")[0][:120])
    docs = []
    for p in session.execute(select(Procedure).where(Procedure.active.is_(True)).order_by(Procedure.code)).scalars():
        secondary = " ".join([p.result or "", p.agency or "", *documents.get(p.id, [])])[:_SECONDARY_CHARS]
        docs.append(
            ProcedureDoc(
                id=p.id, code=p.code, name=p.name, levels=p.levels or "", field=p.field or "",
                usage_weight=_usage(p), has_details=_has_details(p), aliases=tuple(aliases.get(p.id, ())),
                examples=tuple(examples.get(p.code, ())), example_sources=tuple(sources.get(p.code, ())),
                secondary=secondary,
            )
        )
    return docs


@dataclass(frozen=True)
class FaqItem:
    """A plain copy of an active FAQ entry."""

    slug: str
    topic: str
    question: str
    answer: str
    source_url: str


def load_faq(*, session: Session) -> tuple[list[ProcedureDoc], dict[str, FaqItem]]:
    """FAQ entries as searchable documents (question + keywords) and their answers by slug."""
    docs, items = [], {}
    for i, row in enumerate(
        session.execute(select(FaqEntry).where(FaqEntry.active.is_(True)).order_by(FaqEntry.slug)).scalars()
    ):
        keywords = tuple(k.strip() for k in (row.keywords or "").splitlines() if k.strip())
        docs.append(ProcedureDoc(id=i, code=row.slug, name=row.question, field=row.topic, aliases=keywords))
        items[row.slug] = FaqItem(row.slug, row.topic, row.question, row.answer, row.source_url)
    return docs, items


def active_ranker(*, session: Session) -> tuple[int, bytes] | None:
    row = session.execute(
        select(RankerModel.id, RankerModel.blob).where(RankerModel.active.is_(True)).order_by(RankerModel.id.desc())
    ).first()
    return (int(row.id), bytes(row.blob)) if row else None


def store_ranker(*, session: Session, blob: bytes, report: dict, created_by: str, activate: bool) -> int:
    """Keep a trained ranker; with ``activate`` it becomes the one every process uses next."""
    if activate:
        session.execute(update(RankerModel).values(active=False))
    row = RankerModel(blob=blob, report=json.dumps(report, ensure_ascii=False, default=str), active=activate,
                      created_by=created_by)
    session.add(row)
    session.flush()
    # Older inactive rankers are only history; keep the last few.
    old = session.execute(select(RankerModel.id).order_by(RankerModel.id.desc()).offset(5)).scalars().all()
    if old:
        session.execute(delete(RankerModel).where(RankerModel.id.in_(old), RankerModel.active.is_(False)))
    return row.id


def ranker_reports(*, session: Session, limit: int = 10) -> list[tuple[int, bool, str, dict]]:
    rows = session.execute(
        select(RankerModel.id, RankerModel.active, RankerModel.created_at, RankerModel.report)
        .order_by(RankerModel.id.desc()).limit(limit)
    )
    return [(r.id, r.active, f"{r.created_at:%d/%m/%Y %H:%M}", json.loads(r.report or "{}")) for r in rows]


def add_labelled_question(*, session: Session, text: str, procedure_code: str, fact: str, username: str) -> LabelledQuestion:
    """Store a trainer's label; the same question with the same procedure is kept once."""
    text = normalize(text)
    folded = fold(text)[:1000]
    existing = session.execute(
        select(LabelledQuestion).where(LabelledQuestion.folded == folded, LabelledQuestion.procedure_code == procedure_code)
    ).scalar_one_or_none()
    if existing is not None:
        existing.fact = fact or existing.fact
        return existing
    row = LabelledQuestion(text=text, folded=folded, procedure_code=procedure_code, fact=fact,
                           origin=ORIGIN_STAFF, created_by=username)
    session.add(row)
    session.flush()
    return row


@dataclass
class LabelledSeedReport:
    added: int = 0
    removed: int = 0


def seed_labelled(*, session: Session, items: Sequence[tuple[str, str, str, str]]) -> LabelledSeedReport:
    """Make the seed-origin labelled questions equal to ``items`` (text, procedure code, fact, file).

    Questions staff labelled in the admin are never touched. A code we do not have is skipped: it
    would be an example of nothing.
    """
    report = LabelledSeedReport()
    known = procedure_codes(session=session, codes={code for _, code, _, _ in items if code})
    wanted: dict[tuple[str, str], tuple[str, str, str]] = {}
    for text, code, fact, source in items:
        if code and code not in known:
            continue
        norm = normalize(text)
        wanted.setdefault((fold(norm)[:1000], code), (norm, fact, source))
    existing = {(r.folded, r.procedure_code): r for r in session.execute(select(LabelledQuestion)).scalars()}
    for key, row in existing.items():
        if row.origin == ORIGIN_SEED and key not in wanted:
            session.delete(row)
            report.removed += 1
    for key, (text, fact, source) in wanted.items():
        if key not in existing:
            # created_by names the file: training leaves a file's own phrasings out when it scores that file.
            session.add(LabelledQuestion(text=text, folded=key[0], procedure_code=key[1], fact=fact,
                                         origin=ORIGIN_SEED, created_by=source))
            report.added += 1
    session.flush()
    return report


def labelled_questions(*, session: Session) -> list[LabelledQuestion]:
    return list(session.execute(select(LabelledQuestion).order_by(LabelledQuestion.id)).scalars())


def active_procedure_count(*, session: Session) -> int:
    return int(session.execute(select(func.count(Procedure.id)).where(Procedure.active.is_(True))).scalar() or 0)


def procedure_codes(*, session: Session, codes: Iterable[str]) -> set[str]:
    """Which of ``codes`` are procedures we have."""
    wanted = list(codes)
    if not wanted:
        return set()
    return set(session.execute(select(Procedure.code).where(Procedure.code.in_(wanted))).scalars())


def seed_understanding(*, session: Session) -> tuple[LexiconSeedReport, LabelledSeedReport]:
    """Load data/lexicon and the labelled questions of data/understanding/labelled (make seed)."""
    from bot.understanding.generate import load_labelled, searchable
    from bot.understanding.lexicon import load_files

    lexicon = seed_lexicon(session=session, entries=load_files())
    labelled = seed_labelled(session=session, items=searchable(load_labelled()))
    return lexicon, labelled
