"""Store petitions in one transaction, idempotently, and let the sender (and only the sender) read the status."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from bot.analytics.identity import channel_of, sender_hash
from bot.db import session_scope
from bot.feedback.deadlines import transfer_deadline
from bot.feedback.models import (
    STATUS_ANSWERED,
    STATUS_LABELS,
    STATUS_RECEIVED,
    STATUS_TRANSFERRED,
    Petition,
    PetitionEvent,
    PetitionNotice,
)
from bot.feedback.tracking import new_tracking_code
from bot.feedback.validation import KIND_EMAIL, KIND_PHONE, Contact
from bot.observability.pii import mask_pii
from bot.settings import get_settings
from bot.text.normalize import fold, normalize

logger = logging.getLogger(__name__)

SessionFactory = Callable[[], AbstractContextManager[Session]]
# Senders whose chat the result can be pushed to (Telegram chats, Zalo followers); the web widget and Zalo
# website visitors get it at their next visit or message.
PUSH_PREFIXES = ("tg:", "zalo:")


class PetitionStoreError(Exception):
    """The petition could not be stored; the transaction was rolled back and nothing was written."""


@dataclass(frozen=True)
class PetitionDraft:
    """What the citizen entered, already validated."""

    full_name: str
    address: str
    contact: Contact
    content: str
    subject: str = ""


@dataclass(frozen=True)
class SubmitResult:
    """The tracking code, and whether this call created the row (False for a repeated confirmation)."""

    tracking_code: str
    created: bool


@dataclass(frozen=True)
class PetitionStatusView:
    """What the sender may see about their petition (no personal data)."""

    tracking_code: str
    status: str
    status_label: str
    note: str
    received_on: dt.date
    updated_on: dt.date
    answer: str = ""
    transferred_to: str = ""


def conversation_ref(conversation_id: str) -> str:
    """A keyed hash of the sender id, so the table never holds raw chat ids."""
    return sender_hash(conversation_id)


def idempotency_key(*, conversation_id: str, draft: PetitionDraft) -> str:
    """Same conversation + same content -> same key; a double tap or channel retry maps to one row."""
    parts = [
        conversation_id,
        fold(draft.full_name),
        fold(draft.address),
        f"{draft.contact.kind}:{draft.contact.value}",
        fold(draft.subject),
        fold(draft.content),
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _safe_error(exc: SQLAlchemyError) -> str:
    """The error class and the driver's first message line, without statement parameters or row details."""
    cause = getattr(exc, "orig", None) or exc
    first_line = str(cause).splitlines()[0] if str(cause) else ""
    return mask_pii(f"{type(cause).__name__}: {first_line}")[:300]


def _find_by_key(session: Session, key: str) -> Petition | None:
    return session.execute(select(Petition).where(Petition.idempotency_key == key)).scalar_one_or_none()


def _unused_tracking_code(session: Session) -> str:
    for _ in range(5):
        code = new_tracking_code()
        if session.execute(select(Petition.id).where(Petition.tracking_code == code)).first() is None:
            return code
    raise PetitionStoreError("could not find an unused tracking code")


def _insert(
    session: Session,
    *,
    draft: PetitionDraft,
    key: str,
    conversation_id: str,
    consent_version: str,
    now: dt.datetime,
) -> Petition:
    petition = Petition(
        tracking_code=_unused_tracking_code(session),
        idempotency_key=key,
        full_name=normalize(draft.full_name),
        address=normalize(draft.address),
        phone=draft.contact.value if draft.contact.kind == KIND_PHONE else None,
        email=draft.contact.value if draft.contact.kind == KIND_EMAIL else None,
        subject=normalize(draft.subject),
        content=normalize(draft.content),
        conversation_ref=conversation_ref(conversation_id),
        channel=channel_of(conversation_id),
        reply_address=conversation_id[:200] if conversation_id.startswith(PUSH_PREFIXES) else "",
        transfer_due=transfer_deadline(now.date()),
        status=STATUS_RECEIVED,
        consent_version=consent_version,
        consent_at=now,
        retain_until=now.date() + dt.timedelta(days=get_settings().petition_retention_days),
        created_at=now,
        updated_at=now,
    )
    session.add(petition)
    session.flush()
    session.add(
        PetitionEvent(petition_id=petition.id, status=STATUS_RECEIVED, actor="chatbot", created_at=now)
    )
    session.flush()
    return petition


def submit_petition(
    *,
    draft: PetitionDraft,
    conversation_id: str,
    consent_version: str,
    now: dt.datetime | None = None,
    sessions: SessionFactory = session_scope,
) -> SubmitResult:
    """Store the petition and its first status event in one transaction; repeat calls return the same code.

    Raises PetitionStoreError when the database fails; the rollback leaves nothing behind.
    """
    now = now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    key = idempotency_key(conversation_id=conversation_id, draft=draft)
    try:
        with sessions() as session:
            existing = _find_by_key(session, key)
            if existing is not None:
                return SubmitResult(existing.tracking_code, created=False)
            petition = _insert(
                session,
                draft=draft,
                key=key,
                conversation_id=conversation_id,
                consent_version=consent_version,
                now=now,
            )
            code = petition.tracking_code
        logger.info("petition stored: code=%s", code)
        return SubmitResult(code, created=True)
    except IntegrityError as conflict:
        # Another confirmation of the same petition committed first: answer with its code.
        logger.info("petition insert raced with a repeated confirmation; reading the stored row")
        try:
            with sessions() as session:
                existing = _find_by_key(session, key)
                if existing is not None:
                    return SubmitResult(existing.tracking_code, created=False)
        except SQLAlchemyError as exc:
            logger.error("petition lookup after a conflict failed: %s", _safe_error(exc))
            raise PetitionStoreError(_safe_error(exc)) from None  # the cause holds the parameters
        logger.error("petition could not be stored, transaction rolled back: %s", _safe_error(conflict))
        raise PetitionStoreError(_safe_error(conflict)) from None
    except SQLAlchemyError as exc:
        # Not logger.exception: SQLAlchemy's message carries the INSERT parameters (name, address, phone).
        logger.error("petition could not be stored, transaction rolled back: %s", _safe_error(exc))
        raise PetitionStoreError(_safe_error(exc)) from None  # the cause holds the parameters


def _contact_matches(petition: Petition, contact: Contact) -> bool:
    stored = petition.phone if contact.kind == KIND_PHONE else petition.email
    return hmac.compare_digest((stored or "").encode(), contact.value.encode()) and bool(stored)


def lookup_petition(*, session: Session, tracking_code: str, contact: Contact) -> PetitionStatusView | None:
    """The status if the code exists AND the contact matches the one given with it; otherwise None (same answer)."""
    petition = session.execute(
        select(Petition).where(Petition.tracking_code == tracking_code)
    ).scalar_one_or_none()
    if petition is None or not _contact_matches(petition, contact):
        return None
    return status_view(petition)


def status_view(petition: Petition) -> PetitionStatusView:
    """What the sender may see: status, dates, and the answer or the agency it went to."""
    return PetitionStatusView(
        tracking_code=petition.tracking_code,
        status=petition.status,
        status_label=STATUS_LABELS.get(petition.status, petition.status),
        note=petition.status_note,
        received_on=petition.created_at.date(),
        updated_on=petition.updated_at.date(),
        answer=petition.answer_text if petition.status == STATUS_ANSWERED else "",
        transferred_to=petition.transferred_to if petition.status == STATUS_TRANSFERRED else "",
    )


def get_petition_status(
    *, tracking_code: str, contact: Contact, sessions: SessionFactory = session_scope
) -> PetitionStatusView | None:
    """:func:`lookup_petition` in its own session (for actions)."""
    with sessions() as session:
        return lookup_petition(session=session, tracking_code=tracking_code, contact=contact)


def set_status(*, session: Session, tracking_code: str, status: str, note: str = "", actor: str = "") -> bool:
    """Move a petition to a new status and record the change (staff tools); False if the code is unknown."""
    if status not in STATUS_LABELS:
        raise ValueError(f"unknown petition status: {status}")
    petition = session.execute(
        select(Petition).where(Petition.tracking_code == tracking_code)
    ).scalar_one_or_none()
    if petition is None:
        return False
    petition.status, petition.status_note = status, note
    session.add(PetitionEvent(petition_id=petition.id, status=status, note=note, actor=actor))
    return True


def purge_expired(*, session: Session, today: dt.date) -> int:
    """Delete petitions whose retention period has ended (with their history); returns how many."""
    expired = select(Petition.id).where(Petition.retain_until < today)
    ids = [row[0] for row in session.execute(expired)]
    if not ids:
        return 0
    session.execute(delete(PetitionEvent).where(PetitionEvent.petition_id.in_(ids)))
    session.execute(delete(PetitionNotice).where(PetitionNotice.petition_id.in_(ids)))
    session.execute(delete(Petition).where(Petition.id.in_(ids)))
    return len(ids)


EXPORT_COLUMNS = (
    "tracking_code",
    "created_at",
    "status",
    "full_name",
    "address",
    "phone",
    "email",
    "subject",
    "content",
    "status_note",
    "retain_until",
)


def export_rows(*, session: Session) -> list[dict[str, str]]:
    """Every petition as plain strings, for staff who forward them to the competent agency."""
    rows = session.execute(select(Petition).order_by(Petition.id)).scalars()
    return [{c: "" if getattr(p, c) is None else str(getattr(p, c)) for c in EXPORT_COLUMNS} for p in rows]


def delete_petition(*, session: Session, tracking_code: str) -> bool:
    """Erase one petition and its history (a citizen's deletion request); False if the code is unknown."""
    petition = session.execute(
        select(Petition).where(Petition.tracking_code == tracking_code)
    ).scalar_one_or_none()
    if petition is None:
        return False
    session.delete(petition)
    return True
