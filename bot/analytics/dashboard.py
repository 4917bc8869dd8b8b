"""The figures of the admin dashboard, each as a table (header + rows) so it can be drawn, shown and exported.

Turns and ratings come from ``conversation_turns`` / ``answer_ratings``; unanswered groups from
``unanswered_questions``; petitions from ``petitions``. Nothing here holds message text or personal data
except the masked unanswered questions.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from bot.analytics.identity import CHANNEL_LABELS
from bot.analytics.models import (
    RATING_DOWN,
    RATING_UP,
    STATUS_OPEN,
    SUBJECT_FAQ,
    AnswerRating,
    ConversationTurn,
    UnansweredQuestion,
)
from bot.analytics.ratings import REASONS
from bot.analytics.store import group_questions
from bot.analytics.turns import OUTCOME_LABELS, outcome_of
from bot.answers.facts import FACT_LABELS
from bot.feedback.handling import is_overdue
from bot.feedback.models import CLOSED_STATUSES, STATUS_ANSWERED, Petition
from bot.knowledge.models import FaqEntry, Procedure

TOP = 10


@dataclass(frozen=True)
class Period:
    """Inclusive dates and an optional channel ("" = every channel)."""

    start: dt.date
    end: dt.date
    channel: str = ""

    @property
    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        return dt.datetime.combine(self.start, dt.time()), dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time())

    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range((self.end - self.start).days + 1)]


@dataclass
class Table:
    """One dashboard table; ``links`` maps a row index to the admin page staff fix it on."""

    name: str
    title: str
    header: list[str]
    rows: list[list[str | int | float]] = field(default_factory=list)
    links: dict[int, str] = field(default_factory=dict)


def _turn_filter(period: Period):  # noqa: ANN202  (a list of SQL conditions)
    start, end = period.bounds
    conditions = [ConversationTurn.at >= start, ConversationTurn.at < end]
    if period.channel:
        conditions.append(ConversationTurn.channel == period.channel)
    return conditions


def daily(*, session: Session, period: Period) -> Table:
    """Messages (bot turns) and conversations (distinct senders) per day."""
    day = func.date(ConversationTurn.at)
    rows = session.execute(
        select(day, func.count(ConversationTurn.id), func.count(distinct(ConversationTurn.sender_hash)))
        .where(*_turn_filter(period)).group_by(day)
    ).all()
    by_day = {str(d): (int(m), int(c)) for d, m, c in rows}
    table = Table("daily", "Tin nhắn và cuộc trò chuyện theo ngày", ["Ngày", "Tin nhắn", "Cuộc trò chuyện"])
    for d in period.days():
        messages, conversations = by_day.get(d.isoformat(), (0, 0))
        table.rows.append([d.strftime("%d/%m/%Y"), messages, conversations])
    return table


def outcomes(*, session: Session, period: Period) -> Table:
    """Share of turns answered / clarified / not sure / unanswered / refused (from the reply kinds)."""
    counts: Counter[str] = Counter()
    for kind, n in session.execute(
        select(ConversationTurn.kind, func.count(ConversationTurn.id)).where(*_turn_filter(period))
        .group_by(ConversationTurn.kind)
    ).all():
        counts[outcome_of(kind)] += int(n)
    total = sum(counts.values())
    table = Table("outcomes", "Kết quả trả lời", ["Kết quả", "Số lượt", "Tỉ lệ (%)"])
    for key, label in OUTCOME_LABELS.items():
        table.rows.append([label, counts[key], round(100.0 * counts[key] / total, 1) if total else 0.0])
    return table


def _procedure_names(session: Session, codes: list[str]) -> dict[str, tuple[int, str]]:
    if not codes:
        return {}
    rows = session.execute(select(Procedure.code, Procedure.id, Procedure.name).where(Procedure.code.in_(codes)))
    return {code: (pid, name) for code, pid, name in rows}


def top_procedures(*, session: Session, period: Period, admin_url) -> Table:  # noqa: ANN001
    rows = session.execute(
        select(ConversationTurn.procedure_code, func.count(ConversationTurn.id))
        .where(*_turn_filter(period), ConversationTurn.procedure_code != "")
        .group_by(ConversationTurn.procedure_code).order_by(func.count(ConversationTurn.id).desc(),
                                                             ConversationTurn.procedure_code).limit(TOP)
    ).all()
    names = _procedure_names(session, [code for code, _ in rows])
    table = Table("procedures", "Thủ tục được hỏi nhiều nhất", ["Mã", "Thủ tục", "Số lượt hỏi"])
    for i, (code, n) in enumerate(rows):
        pid, name = names.get(code, (0, ""))
        table.rows.append([code, name, int(n)])
        if pid:
            table.links[i] = admin_url("procedure", pid=pid)
    return table


def top_facts(*, session: Session, period: Period) -> Table:
    rows = session.execute(
        select(ConversationTurn.fact, func.count(ConversationTurn.id))
        .where(*_turn_filter(period), ConversationTurn.fact != "")
        .group_by(ConversationTurn.fact).order_by(func.count(ConversationTurn.id).desc())
    ).all()
    labels = {f.value: label for f, label in FACT_LABELS.items()}
    table = Table("facts", "Thông tin được hỏi nhiều nhất", ["Thông tin", "Số lượt hỏi"])
    table.rows = [[labels.get(fact, fact), int(n)] for fact, n in rows[:TOP]]
    return table


def unanswered_groups(*, session: Session, period: Period) -> Table:
    """Groups of similar questions the bot could not answer (every channel: the table keeps no channel)."""
    start, end = period.bounds
    questions = session.execute(
        select(UnansweredQuestion)
        .where(UnansweredQuestion.status == STATUS_OPEN, UnansweredQuestion.created_at >= start,
               UnansweredQuestion.created_at < end)
        .order_by(UnansweredQuestion.created_at.desc(), UnansweredQuestion.id.desc()).limit(2000)
    ).scalars()
    groups = sorted(group_questions(list(questions)), key=lambda g: (-g.count, -(g.newest or dt.datetime.min).timestamp()))
    table = Table("unanswered", "Nhóm câu hỏi chưa trả lời được", ["Câu hỏi (mới nhất)", "Số lần", "Số người hỏi"])
    table.rows = [[g.text, g.count, len(g.senders)] for g in groups[:TOP]]
    return table


def ratings(*, session: Session, period: Period, admin_url) -> Table:  # noqa: ANN001
    """👍/👎 per procedure or FAQ entry, the worst (largest share of 👎, then most 👎) first."""
    start, end = period.bounds
    conditions = [AnswerRating.updated_at >= start, AnswerRating.updated_at < end]
    if period.channel:
        conditions.append(AnswerRating.channel == period.channel)
    rows = session.execute(
        select(AnswerRating.subject_kind, AnswerRating.subject_code, AnswerRating.rating, AnswerRating.reason,
               func.count(AnswerRating.id))
        .where(*conditions)
        .group_by(AnswerRating.subject_kind, AnswerRating.subject_code, AnswerRating.rating, AnswerRating.reason)
    ).all()
    tally: dict[tuple[str, str], Counter[str]] = {}
    for kind, code, rating, reason, n in rows:
        c = tally.setdefault((kind, code), Counter())
        c[rating] += int(n)
        if rating == RATING_DOWN and reason:
            c[f"reason:{reason}"] += int(n)
    procedures = _procedure_names(session, [code for kind, code in tally if kind != SUBJECT_FAQ])
    faq = dict(session.execute(
        select(FaqEntry.slug, FaqEntry.id).where(FaqEntry.slug.in_([c for k, c in tally if k == SUBJECT_FAQ] or [""]))
    ).all())
    faq_questions = dict(session.execute(
        select(FaqEntry.slug, FaqEntry.question).where(FaqEntry.slug.in_(list(faq) or [""]))
    ).all())

    def badness(item: tuple[tuple[str, str], Counter[str]]) -> tuple[float, int, str]:
        (_, code), c = item
        total = c[RATING_UP] + c[RATING_DOWN]
        return (-(c[RATING_DOWN] / total) if total else 0.0, -c[RATING_DOWN], code)

    table = Table("ratings", "Đánh giá của người dân theo thủ tục (kém nhất trước)",
                  ["Mã", "Thủ tục / câu hỏi", "Đúng 👍", "Sai 👎", "Tỉ lệ sai (%)", "Sai ở đâu"])
    for i, ((kind, code), c) in enumerate(sorted(tally.items(), key=badness)):
        total = c[RATING_UP] + c[RATING_DOWN]
        reasons = ", ".join(f"{REASONS[r]} {c[f'reason:{r}']}" for r in REASONS if c[f"reason:{r}"])
        if kind == SUBJECT_FAQ:
            name = faq_questions.get(code, "")
            if code in faq:
                table.links[i] = admin_url("faq_edit", fid=faq[code])
        else:
            pid, name = procedures.get(code, (0, ""))
            if pid:
                table.links[i] = admin_url("procedure", pid=pid)
        share = round(100.0 * c[RATING_DOWN] / total, 1) if total else 0.0
        table.rows.append([code, name, c[RATING_UP], c[RATING_DOWN], share, reasons])
    return table


def petitions(*, session: Session, period: Period, today: dt.date) -> Table:
    """Received and answered in the period; in progress and overdue now (petitions have no channel filter)."""
    start, end = period.bounds
    received = session.scalar(select(func.count(Petition.id)).where(Petition.created_at >= start,
                                                                     Petition.created_at < end)) or 0
    answered = session.scalar(select(func.count(Petition.id)).where(
        Petition.status == STATUS_ANSWERED, Petition.closed_at >= start, Petition.closed_at < end)) or 0
    open_rows = list(session.execute(select(Petition).where(Petition.status.not_in(CLOSED_STATUSES))).scalars())
    overdue = sum(1 for p in open_rows if is_overdue(p, today))
    table = Table("petitions", "Phản ánh, kiến nghị", ["Chỉ số", "Số lượng"])
    table.rows = [
        ["Tiếp nhận trong kỳ", int(received)],
        ["Đang xử lý (hiện nay)", len(open_rows)],
        ["Đã trả lời trong kỳ", int(answered)],
        ["Quá hạn (hiện nay)", overdue],
    ]
    return table


def build(*, session: Session, period: Period, today: dt.date, admin_url) -> list[Table]:  # noqa: ANN001
    """Every dashboard table, in the order the page shows them."""
    return [
        daily(session=session, period=period),
        outcomes(session=session, period=period),
        top_procedures(session=session, period=period, admin_url=admin_url),
        top_facts(session=session, period=period),
        unanswered_groups(session=session, period=period),
        ratings(session=session, period=period, admin_url=admin_url),
        petitions(session=session, period=period, today=today),
    ]


CHANNEL_CHOICES = {"": "Tất cả kênh", **CHANNEL_LABELS}
