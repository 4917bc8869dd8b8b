"""Data access for the answers: procedure facts as plain dataclasses, detached from the session."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field as dc_field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.knowledge.models import SOURCE_NATIONAL, Procedure


@dataclass(frozen=True)
class ChannelFact:
    """One time/fee rule of one channel (see ChannelOption); rules with a period apply only within it."""

    channel: str
    time_value: float | None
    time_unit: str
    time_text: str
    fee_kind: str
    fee_amount: int | None
    fee_text: str
    note: str
    time_label: str = ""
    case_name: str = ""
    fee_unit: str = ""
    fee_min: int | None = None
    fee_max: int | None = None
    fee_limit_unit: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    fee_basis: str = ""

    def applies_on(self, day: dt.date) -> bool:
        """True when ``day`` is inside the rule's validity period (open ends are unbounded)."""
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    @property
    def temporary(self) -> bool:
        return self.valid_from is not None or self.valid_to is not None


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
    source_kind: str = SOURCE_NATIONAL
    has_details: bool = True
    portal_id: str = ""
    issuing_body: str = ""
    usage_weight: int | None = None
    in_province_list: bool = False
    imported_at: dt.datetime | None = None
    parse_issues: tuple[str, ...] = ()
    related_codes: tuple[str, ...] = ()


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
            ChannelFact(
                c.channel, c.time_value, c.time_unit, c.time_text, c.fee_kind, c.fee_amount, c.fee_text, c.note,
                time_label=c.time_label, case_name=c.case_name, fee_unit=c.fee_unit, fee_min=c.fee_min,
                fee_max=c.fee_max, fee_limit_unit=c.fee_limit_unit, valid_from=c.valid_from, valid_to=c.valid_to,
                fee_basis=c.fee_basis,
            )
            for c in p.channels
        ],
        documents=[DocumentFact(d.case_name, d.name, d.form_code, d.copies) for d in p.documents],
        steps=[s.text for s in p.steps],
        legal_bases=[(lb.number, lb.title) for lb in p.legal_bases],
        source_kind=p.source_kind,
        has_details=p.has_details,
        portal_id=p.portal_id,
        issuing_body=p.issuing_body,
        usage_weight=p.usage_weight,
        in_province_list=p.in_province_list,
        imported_at=p.imported_at,
        parse_issues=tuple(x for x in (p.parse_issues or "").split("\n") if x),
        related_codes=tuple(x.strip() for x in (p.related_codes or "").split(",") if x.strip()),
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
