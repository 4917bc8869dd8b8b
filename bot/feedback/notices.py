"""Messages owed to citizens about their petition: queued when it closes, pushed or handed over at next contact.

Telegram and Zalo notices are pushed (bot.feedback.delivery); the web widget, a Zalo reply outside the OA's
messaging window and any push that failed are delivered when the same sender next writes or opens the widget.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.analytics.identity import sender_hash
from bot.feedback.models import NOTICE_FAILED, NOTICE_PENDING, NOTICE_SENT, Petition, PetitionNotice
from bot.feedback.replies import result_notice
from bot.feedback.storage import status_view

MAX_ATTEMPTS = 8
OUTSIDE_WINDOW = "outside messaging window"  # Zalo refused a push: wait for the citizen's next message


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def queue_result_notice(*, session: Session, petition: Petition, now: dt.datetime | None = None) -> PetitionNotice:
    """One notice with the result; an older undelivered one for the same petition is replaced."""
    for old in petition.notices:
        if old.status == NOTICE_PENDING:
            old.status, old.last_error, old.address = NOTICE_FAILED, "superseded", ""
    notice = PetitionNotice(
        petition_id=petition.id,
        channel=petition.channel,
        address=petition.reply_address,
        conversation_ref=petition.conversation_ref,
        text=result_notice(status_view(petition)),
        status=NOTICE_PENDING,
        created_at=now or _now(),
    )
    petition.notices.append(notice)
    session.flush()
    return notice


def pushable(*, session: Session, channels: tuple[str, ...], limit: int = 50) -> list[PetitionNotice]:
    """Pending notices with an address on a push channel, oldest first (not those waiting for a reply window)."""
    stmt = (
        select(PetitionNotice)
        .where(PetitionNotice.status == NOTICE_PENDING, PetitionNotice.channel.in_(channels),
               PetitionNotice.address != "", PetitionNotice.last_error != OUTSIDE_WINDOW)
        .order_by(PetitionNotice.id)
        .limit(limit)
    )
    return list(session.execute(stmt).scalars())


def claim(*, session: Session, notice_id: int) -> bool:
    """Count an attempt, only if the notice is still pending (another replica may have sent it meanwhile)."""
    result = session.execute(
        update(PetitionNotice)
        .where(PetitionNotice.id == notice_id, PetitionNotice.status == NOTICE_PENDING)
        .values(attempts=PetitionNotice.attempts + 1)
    )
    return bool(result.rowcount)


def mark_sent(notice: PetitionNotice, now: dt.datetime | None = None) -> None:
    """Delivered: this copy of the raw chat id is no longer needed (the petition keeps its own until purged)."""
    notice.status, notice.sent_at, notice.address, notice.last_error = NOTICE_SENT, now or _now(), "", ""


def mark_failed(notice: PetitionNotice, error: str) -> None:
    """Keep it pending for a retry or the next contact; give up pushing after MAX_ATTEMPTS."""
    notice.last_error = error[:200]
    if notice.attempts >= MAX_ATTEMPTS and error != OUTSIDE_WINDOW:
        notice.address = ""  # still handed over at the next contact (by conversation_ref)


def take_for_sender(*, session: Session, sender_id: str, now: dt.datetime | None = None) -> list[str]:
    """Undelivered notices for this sender (their next message or widget visit), marked delivered."""
    rows = list(session.execute(
        select(PetitionNotice)
        .where(PetitionNotice.conversation_ref == sender_hash(sender_id), PetitionNotice.status == NOTICE_PENDING)
        .order_by(PetitionNotice.id)
    ).scalars())
    for row in rows:
        mark_sent(row, now)
    return [row.text for row in rows]
