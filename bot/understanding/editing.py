"""Staff edits of the vocabulary and of labelled questions, checked and audited (used by the admin)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from bot.answers.facts import Fact
from bot.text.normalize import normalize
from bot.understanding import store
from bot.understanding.lexicon import AGE, CUE, KINDS, LEVEL, SAFETY, SET, words
from bot.understanding.models import ORIGIN_STAFF, LabelledQuestion, LexiconEntry

_ALLOWED_VALUES = {
    CUE: {f.value for f in Fact if f is not Fact.OVERVIEW},
    SAFETY: {"sensitive", "privacy", "real_action", "injection"},
    LEVEL: {"xa", "tinh", "huyen", "bo"},
    AGE: {"<", ">="},
}
MAX_PHRASE = 300


class VocabularyError(ValueError):
    """A Vietnamese message saying why an entry was refused."""


def _clean(kind: str, phrase: str, value: str) -> tuple[str, str]:
    if kind not in KINDS:
        raise VocabularyError("Loại từ vựng không hợp lệ.")
    phrase, value = normalize(phrase), normalize(value)
    if not words(phrase):
        raise VocabularyError("Cụm từ không được để trống.")
    if len(phrase) > MAX_PHRASE:
        raise VocabularyError("Cụm từ quá dài (tối đa 300 ký tự).")
    allowed = _ALLOWED_VALUES.get(kind)
    if allowed is not None and value not in allowed:
        raise VocabularyError(f"Giá trị phải là một trong: {', '.join(sorted(allowed))}.")
    if kind == SET and not [m for m in value.split("|") if m.strip()]:
        raise VocabularyError("Nhóm từ cần ít nhất một từ (ngăn bởi |).")
    return phrase, value


def add_entry(*, session: Session, kind: str, phrase: str, value: str, accents_required: bool, username: str) -> LexiconEntry:
    phrase, value = _clean(kind, phrase, value)
    exists = session.execute(
        select(LexiconEntry.id).where(LexiconEntry.kind == kind, LexiconEntry.phrase == phrase, LexiconEntry.value == value)
    ).first()
    if exists:
        raise VocabularyError("Mục này đã có.")
    entry = LexiconEntry(kind=kind, phrase=phrase, value=value, accents_required=accents_required,
                         origin=ORIGIN_STAFF, modified_by=username)
    session.add(entry)
    session.flush()
    audit.record(session=session, username=username, action="create", entity="lexicon_entry", entity_id=entry.id,
                 summary=f"Thêm từ vựng ({kind}) '{phrase}'", after=audit.snapshot(entry))
    return entry


def update_entry(*, session: Session, entry: LexiconEntry, phrase: str, value: str, accents_required: bool,
                 active: bool, username: str) -> None:
    """Change an entry; a seed entry edited by staff becomes theirs, so re-seeding never undoes it."""
    phrase, value = _clean(entry.kind, phrase, value)
    before = audit.snapshot(entry)
    entry.phrase, entry.value, entry.accents_required, entry.active = phrase, value, accents_required, active
    entry.origin, entry.modified_by = ORIGIN_STAFF, username
    session.flush()
    audit.record(session=session, username=username, action="update", entity="lexicon_entry", entity_id=entry.id,
                 summary=f"Sửa từ vựng ({entry.kind}) '{phrase}'", before=before, after=audit.snapshot(entry))


def delete_entry(*, session: Session, entry: LexiconEntry, username: str) -> None:
    """Seed entries are switched off rather than deleted, so that re-seeding does not bring them back."""
    before = audit.snapshot(entry)
    if entry.origin == ORIGIN_STAFF:
        session.delete(entry)
    else:
        entry.active, entry.origin, entry.modified_by = False, ORIGIN_STAFF, username
    session.flush()
    audit.record(session=session, username=username, action="delete", entity="lexicon_entry", entity_id=before["id"],
                 summary=f"Xóa từ vựng ({before['kind']}) '{before['phrase']}'", before=before)


def label_questions(*, session: Session, texts: list[str], code: str, fact: str, username: str) -> list[LabelledQuestion]:
    """Label citizens' questions with the procedure they meant ("" code: a procedure we do not have)."""
    code = code.strip()
    if code and not store.procedure_codes(session=session, codes=[code]):
        raise VocabularyError(f"Không có thủ tục mã '{code}'.")
    if fact and fact not in {f.value for f in Fact}:
        raise VocabularyError("Điều được hỏi không hợp lệ.")
    rows = []
    for text in texts:
        if not words(text):
            continue
        row = store.add_labelled_question(session=session, text=text, procedure_code=code, fact=fact, username=username)
        rows.append(row)
        audit.record(session=session, username=username, action="create", entity="labelled_question", entity_id=row.id,
                     summary=f"Gán câu hỏi cho thủ tục {code or '(không có trong dữ liệu)'}", after=audit.snapshot(row))
    if not rows:
        raise VocabularyError("Câu hỏi không được để trống.")
    return rows


def delete_labelled(*, session: Session, row: LabelledQuestion, username: str) -> None:
    before = audit.snapshot(row)
    session.delete(row)
    session.flush()
    audit.record(session=session, username=username, action="delete", entity="labelled_question", entity_id=before["id"],
                 summary=f"Xóa câu hỏi đã gán cho {before['procedure_code'] or '(không có)'}", before=before)
