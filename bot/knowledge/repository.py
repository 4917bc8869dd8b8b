"""Data access for the answers: procedure facts as plain dataclasses, detached from the session."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field as dc_field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.knowledge.models import Procedure


@dataclass(frozen=True)
class ChannelFact:
    channel: str
    time_value: float | None
    time_unit: str
    time_text: str
    fee_kind: str
    fee_amount: int | None
    fee_text: str
    note: str


@dataclass(frozen=True)
class DocumentFact:
    case_name: str
    name: str
    form_code: str
    copies: str


@dataclass(frozen=True)
class ProcedureFacts:
    """Everything the answers may say about one procedure, detached from the session."""

    id: int
    code: str
    name: str
    levels: str
    field: str
    agency: str
    competent_agency: str
    submit_address: str
    applicants: str
    result: str
    conditions: str
    online_level: str
    source_url: str
    updated_on: dt.date | None
    channels: list[ChannelFact] = dc_field(default_factory=list)
    documents: list[DocumentFact] = dc_field(default_factory=list)
    steps: list[str] = dc_field(default_factory=list)
    legal_bases: list[tuple[str, str]] = dc_field(default_factory=list)


def _facts(p: Procedure) -> ProcedureFacts:
    return ProcedureFacts(
        id=p.id,
        code=p.code,
        name=p.name,
        levels=p.levels,
        field=p.field,
        agency=p.agency,
        competent_agency=p.competent_agency,
        submit_address=p.submit_address,
        applicants=p.applicants,
        result=p.result,
        conditions=p.conditions,
        online_level=p.online_level,
        source_url=p.source_url,
        updated_on=p.updated_on,
        channels=[
            ChannelFact(c.channel, c.time_value, c.time_unit, c.time_text, c.fee_kind, c.fee_amount, c.fee_text, c.note)
            for c in p.channels
        ],
        documents=[DocumentFact(d.case_name, d.name, d.form_code, d.copies) for d in p.documents],
        steps=[s.text for s in p.steps],
        legal_bases=[(lb.number, lb.title) for lb in p.legal_bases],
    )


def get_procedures(*, session: Session, ids: list[int] | None = None, codes: list[str] | None = None) -> list[ProcedureFacts]:
    """Facts of the given procedures (by id or code), in the order asked."""
    stmt = select(Procedure).options(
        selectinload(Procedure.channels),
        selectinload(Procedure.documents),
        selectinload(Procedure.steps),
        selectinload(Procedure.legal_bases),
    )
    if ids is not None:
        stmt = stmt.where(Procedure.id.in_(ids))
    if codes is not None:
        stmt = stmt.where(Procedure.code.in_(codes))
    found = {p.id: _facts(p) for p in session.execute(stmt).scalars()}
    order = ids if ids is not None else [f.id for f in sorted(found.values(), key=lambda f: (codes or []).index(f.code))]
    return [found[i] for i in order if i in found]


def get_procedure(*, session: Session, code: str) -> ProcedureFacts | None:
    found = get_procedures(session=session, codes=[code])
    return found[0] if found else None
