"""Staff handling of a petition: assignment, status workflow, answer, deadlines; closing queues the citizen's notice.

Workflow (Nghị định 20/2008/NĐ-CP): tiếp nhận → đang xử lý → đã trả lời / chuyển cơ quan khác /
không đủ điều kiện. A closed petition can be reopened (back to "đang xử lý"); every change is a PetitionEvent,
and the admin writes the audit log entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.feedback.models import (
    CLOSED_STATUSES,
    STATUS_ANSWERED,
    STATUS_LABELS,
    STATUS_NOT_ACCEPTED,
    STATUS_PROCESSING,
    STATUS_RECEIVED,
    STATUS_TRANSFERRED,
    Petition,
    PetitionEvent,
)
from bot.feedback.notices import queue_result_notice

# Allowed moves; staying in the same status (to edit the answer or the assignment) is always allowed.
TRANSITIONS = {
    STATUS_RECEIVED: {STATUS_PROCESSING, STATUS_ANSWERED, STATUS_TRANSFERRED, STATUS_NOT_ACCEPTED},
    STATUS_PROCESSING: {STATUS_ANSWERED, STATUS_TRANSFERRED, STATUS_NOT_ACCEPTED},
    STATUS_ANSWERED: {STATUS_PROCESSING},
    STATUS_TRANSFERRED: {STATUS_PROCESSING},
    STATUS_NOT_ACCEPTED: {STATUS_PROCESSING},
}
MAX_TEXT = 4000


class HandlingError(ValueError):
    """A change staff asked for that the workflow does not allow; the message is shown to them."""


@dataclass(frozen=True)
class HandlingChange:
    """Everything the handling form sends; fields left as they were are not changes."""

    status: str
    assigned_agency: str = ""
    assigned_officer: str = ""
    transferred_to: str = ""
    answer_text: str = ""
    status_note: str = ""
    answer_due: dt.date | None = None


FIELDS = ("status", "assigned_agency", "assigned_officer", "transferred_to", "answer_text", "status_note", "answer_due")


def snapshot(petition: Petition) -> dict[str, str]:
    """The handling fields as strings, for the audit log."""
    return {f: "" if getattr(petition, f) is None else str(getattr(petition, f)) for f in FIELDS}


def _check(petition: Petition, change: HandlingChange) -> None:
    if change.status not in STATUS_LABELS:
        raise HandlingError("Trạng thái không hợp lệ.")
    if change.status != petition.status and change.status not in TRANSITIONS.get(petition.status, set()):
        raise HandlingError(
            f"Không thể chuyển từ “{STATUS_LABELS[petition.status]}” sang “{STATUS_LABELS[change.status]}”."
        )
    if change.status == STATUS_ANSWERED and not change.answer_text.strip():
        raise HandlingError("Cần nhập nội dung trả lời trước khi chuyển sang “đã trả lời”.")
    if change.status == STATUS_TRANSFERRED and not change.transferred_to.strip():
        raise HandlingError("Cần ghi cơ quan được chuyển đến.")
    if change.status == STATUS_NOT_ACCEPTED and not change.status_note.strip():
        raise HandlingError("Cần ghi lý do không đủ điều kiện (theo Nghị định 20/2008/NĐ-CP) để người dân biết.")
    if change.answer_due is not None and change.answer_due < petition.created_at.date():
        raise HandlingError("Hạn trả lời không thể trước ngày tiếp nhận.")


def apply_change(
    *, session: Session, petition: Petition, change: HandlingChange, actor: str, now: dt.datetime | None = None
) -> bool:
    """Apply the form to the petition; returns True if anything changed. Raises HandlingError if not allowed."""
    _check(petition, change)
    now = now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    before = snapshot(petition)
    previous_status = petition.status
    petition.assigned_agency = change.assigned_agency.strip()[:200]
    petition.assigned_officer = change.assigned_officer.strip()[:100]
    petition.transferred_to = change.transferred_to.strip()[:200]
    petition.answer_text = change.answer_text.strip()[:MAX_TEXT]
    petition.status_note = change.status_note.strip()[:MAX_TEXT]
    petition.answer_due = change.answer_due
    petition.status = change.status
    if snapshot(petition) == before:
        return False
    petition.updated_at = now
    if change.status != previous_status:
        petition.closed_at = now if change.status in CLOSED_STATUSES else None
        session.add(PetitionEvent(petition_id=petition.id, status=change.status, note=petition.status_note,
                                  actor=actor, created_at=now))
        if change.status in CLOSED_STATUSES:
            queue_result_notice(session=session, petition=petition, now=now)
    session.flush()
    return True


def is_overdue(petition: Petition, today: dt.date) -> bool:
    """Open and past its answer date, or still only received after the 5-working-day transfer limit."""
    if petition.status in CLOSED_STATUSES:
        return False
    if petition.answer_due is not None and petition.answer_due < today:
        return True
    return petition.status == STATUS_RECEIVED and petition.transfer_due is not None and petition.transfer_due < today
