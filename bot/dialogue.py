"""What to say to one message, given the conversation: the single entry point Rasa actions call.

``respond`` opens one database session for the turn, analyses the message once, decides (answer a
procedure fact, answer from the FAQ, ask back with choices, say it is not in our data, decline),
and renders the reply from the records. Everything it needs to remember for the next turn is in
the returned ``Reply``; the action stores it in slots.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from threading import Lock

import numpy as np
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot import clock
from bot.analytics import record_turn, record_unanswered
from bot.answers.compose import answer as compose_answer
from bot.answers.facts import FACT_LABELS, INTENT_FACTS, Fact
from bot.db import session_scope
from bot.feedback.info import MISPRINT_NOTE, mentions_misprinted_decree
from bot.knowledge.repository import ProcedureFacts, get_procedures
from bot.safety import Concern
from bot.settings import get_settings
from bot.understanding.features import FEATURES, Context, features
from bot.understanding.query import NluResult, Query, analyse
from bot.understanding.ranker import ABSTAIN, ANSWER, CLARIFY, Thresholds
from bot.understanding.resolve import MAX_CHOICES, GroupScore, Resolution, resolve
from bot.understanding.resources import Resources, cache

logger = logging.getLogger(__name__)

# Intent confidence above which the model's asked fact wins over cue words.
FACT_INTENT_CONFIDENCE = 0.6
ROUTE_CONFIDENCE = 0.5
FAQ_INTENTS = ("ask_one_stop", "ask_feedback_info")
# FAQ retrieval score (0..1) to answer from an entry: when the intent model says the question is about
# the one-stop desk or petitions, and on its own (only when no procedure fits at all). Measured on the
# labelled files: every FAQ question scores >= 0.4 with its entry; on its own, 0.85 keeps procedure
# questions and follow-ups out.
FAQ_WITH_INTENT, FAQ_ALONE = 0.4, 0.85
# Intent confidence at which an FAQ intent wins over a procedure the ranker would answer.
FAQ_OVER_PROCEDURE = 0.8
MORE_PAYLOAD = "/ask_more"
NONE_OF_THESE_PAYLOAD = "/deny"


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Turn:
    """What the conversation established before this message (from the tracker's slots)."""

    last_codes: tuple[str, ...] = ()
    offered_codes: tuple[str, ...] = ()
    pending_fact: str | None = None
    more: tuple[str, ...] = ()


@dataclass
class Reply:
    """What to say, and what to remember for the next turn."""

    text: str
    kind: str  # answer, faq, clarify, not_in_data, out_of_scope, safety, need_procedure, empty, more, chitchat
    buttons: list[Button] = field(default_factory=list)
    procedure_codes: list[str] = field(default_factory=list)
    fact: Fact | None = None
    offered_codes: list[str] = field(default_factory=list)
    more: list[str] = field(default_factory=list)
    confidence: float = 0.0
    faq_slug: str = ""


# --- fixed texts -------------------------------------------------------------------------------


def capabilities() -> str:
    return (
        "Tôi là trợ lý tra cứu thủ tục hành chính của tỉnh Quảng Trị. Bạn có thể hỏi: cần giấy tờ gì, "
        "mất bao lâu, lệ phí bao nhiêu, nộp ở đâu, có nộp trực tuyến được không… cho các thủ tục như "
        "đăng ký thường trú, tạm trú, căn cước, hộ chiếu, khai sinh, kết hôn, lý lịch tư pháp, bằng lái xe, sổ đỏ."
    )


def _portal() -> str:
    s = get_settings()
    return f"Bạn có thể tra cứu tại {s.national_portal_url} hoặc gọi tổng đài {s.national_hotline}."


def safety_text(concern: Concern) -> str:
    s = get_settings()
    if concern is Concern.SENSITIVE:
        return (
            "⚠️ Xin đừng gửi mật khẩu, mã OTP hay ảnh chụp căn cước/giấy tờ tùy thân cho bất kỳ ai qua tin nhắn, "
            "Zalo hay mạng xã hội — kể cả cho tôi. Cán bộ và cơ quan nhà nước không yêu cầu như vậy. "
            f"Hãy tự nộp hồ sơ trên {s.national_portal_url} hoặc ứng dụng VNeID, hoặc mang giấy tờ đến bộ phận một cửa. "
            "Nếu đã lỡ gửi, hãy đổi mật khẩu ngay và báo công an xã nơi gần nhất."
        )
    if concern is Concern.PRIVACY:
        return (
            "Tôi không cung cấp thông tin cá nhân của người khác (số điện thoại, địa chỉ, số giấy tờ, hồ sơ cư trú). "
            "Những thông tin này được pháp luật bảo vệ; chỉ cơ quan có thẩm quyền được khai thác theo quy định. "
            "Tôi có thể hướng dẫn bạn về thủ tục hành chính của chính mình."
        )
    if concern is Concern.REAL_ACTION:
        return (
            "Tôi không thể đăng nhập tài khoản, nộp hồ sơ hay nộp tiền thay bạn, và bạn cũng không nên đưa tài khoản "
            "cho người khác. Tôi có thể hướng dẫn giấy tờ, lệ phí, nơi nộp để bạn tự làm trên "
            f"{s.national_portal_url}, ứng dụng VNeID, hoặc tại bộ phận một cửa của xã/phường."
        )
    return "Tôi chỉ trả lời theo dữ liệu thủ tục hành chính chính thức và luôn kèm nguồn để bạn kiểm tra."


def _short(name: str, limit: int = 80) -> str:
    name = name.removeprefix("Thủ tục ").strip()
    return name if len(name) <= limit else name[: limit - 1].rsplit(" ", 1)[0] + "…"


def choose_payload(code: str) -> str:
    return f'/choose_procedure{{"procedure_code":"{code}"}}'


def _fact_buttons(fact: Fact) -> list[Button]:
    return [Button(FACT_LABELS[f], f"/ask_{f.value}") for f in (Fact.DOCUMENTS, Fact.TIME, Fact.FEE, Fact.PLACE) if f is not fact]


# --- deciding ----------------------------------------------------------------------------------


def choose_fact(query: Query, turn: Turn) -> Fact:
    """The asked fact: the intent model when it is sure, else the wording's cues, else what was pending."""
    nlu = query.nlu if get_settings().use_nlu_intent else NluResult()
    nlu_fact = INTENT_FACTS.get(nlu.intent or "")
    if nlu_fact and nlu.confidence >= FACT_INTENT_CONFIDENCE:
        return nlu_fact
    if query.cues:
        return nlu_fact if nlu_fact in query.cues else query.cues[0]
    if nlu_fact and nlu.confidence >= get_settings().nlu_threshold:
        return nlu_fact
    if turn.pending_fact in Fact._value2member_map_:
        return Fact(turn.pending_fact)
    return Fact.OVERVIEW


def faq_match(res: Resources, query: Query) -> tuple[str, float]:
    """The best FAQ entry for the question and its retrieval score (0..1)."""
    if not res.faq.size:
        return "", 0.0
    retrieved = res.faq.retrieve(query)
    if not retrieved.candidates:
        return "", 0.0
    rows = features(res.faq, retrieved)
    scores = faq_scores(rows)
    best = int(scores.argmax())
    return res.faq.docs[retrieved.candidates[best]].code, float(scores[best])


_NAME_COV, _Q_COV = FEATURES.index("name_cov"), FEATURES.index("q_cov")


def faq_scores(rows: np.ndarray) -> np.ndarray:
    """How well each FAQ entry fits: an F-score weighted to precision, where precision is how much of
    the question the entry explains and recall how much of one of its phrasings the question covers."""
    precision, recall = rows[:, _Q_COV], rows[:, _NAME_COV]
    beta2 = 0.25
    denom = beta2 * precision + recall
    return np.where(denom > 0, (1 + beta2) * precision * recall / np.maximum(denom, 1e-9), 0.0).astype(np.float32)


@dataclass
class Decision:
    kind: str
    fact: Fact = Fact.OVERVIEW
    codes: tuple[str, ...] = ()
    choices: list[GroupScore] = field(default_factory=list)
    faq_slug: str = ""
    concern: Concern | None = None
    confidence: float = 0.0


def decide(query: Query, res: Resources, turn: Turn) -> Decision:
    """Pure decision for one analysed message (no database access)."""
    if query.is_empty:
        return Decision("empty")
    if query.concern in (Concern.SENSITIVE, Concern.PRIVACY, Concern.REAL_ACTION):
        return Decision("safety", concern=query.concern)
    nlu = query.nlu if get_settings().use_nlu_intent else NluResult()
    fact = choose_fact(query, turn)
    if turn.last_codes and not query.content and (query.cues or nlu.intent in INTENT_FACTS):
        # Nothing in the message names a procedure ("còn lệ phí thì sao?"): it continues the topic.
        return Decision("answer", fact, turn.last_codes, concern=query.concern, confidence=1.0)
    context = Context(last_codes=turn.last_codes, offered_codes=turn.offered_codes)
    resolution: Resolution = resolve(res.procedures, res.ranker, query, context)
    thresholds = res.ranker.thresholds if res.ranker else Thresholds()
    if nlu.intent == "affirm" and nlu.confidence >= ROUTE_CONFIDENCE and len(turn.offered_codes) >= 1:
        offered_group = [c for c in turn.offered_codes if res.procedures.group[res.procedures.by_code[c]] ==
                         res.procedures.group[res.procedures.by_code[turn.offered_codes[0]]]] if turn.offered_codes[0] in res.procedures.by_code else []
        if offered_group and len(offered_group) == len(turn.offered_codes):
            return Decision("answer", fact, tuple(offered_group), confidence=1.0)
    if turn.offered_codes:
        picked = _pick_offered(resolution, turn.offered_codes)
        if picked is not None:
            return picked_decision(picked, fact, query, resolution)
    slug, faq_score = faq_match(res, query)
    faq_intent = nlu.intent in FAQ_INTENTS and nlu.confidence >= ROUTE_CONFIDENCE
    best = resolution.best
    procedure_answer = resolution.decision == ANSWER and best is not None
    if slug and faq_intent and faq_score >= FAQ_WITH_INTENT and (
        not procedure_answer or nlu.confidence >= FAQ_OVER_PROCEDURE
    ):
        return Decision("faq", faq_slug=slug, concern=query.concern, confidence=faq_score)
    if procedure_answer and best is not None:
        return Decision("answer", fact, best.codes, concern=query.concern, confidence=resolution.confidence)
    if slug and faq_score >= FAQ_ALONE and resolution.decision == ABSTAIN:
        return Decision("faq", faq_slug=slug, concern=query.concern, confidence=faq_score)
    if resolution.decision == CLARIFY:
        return Decision("clarify", fact, choices=resolution.choices(thresholds), confidence=resolution.confidence)
    if resolution.decision == ABSTAIN and not query.content and INTENT_FACTS.get(nlu.intent or "") or (
        not query.content and query.cues
    ):
        return Decision("need_procedure", fact)
    asks_procedure = bool(query.cues) or nlu.intent in INTENT_FACTS or bool(query.variants or query.subjects)
    if asks_procedure or nlu.intent in FAQ_INTENTS:
        return Decision("not_in_data", fact, confidence=resolution.confidence)
    return Decision("out_of_scope", confidence=resolution.confidence)


# Score lead an offered procedure needs over the other offered ones to be taken as chosen, and the
# lead a procedure that was not offered needs to be taken as a new topic instead.
OFFERED_MARGIN, NEW_TOPIC_MARGIN = 0.5, 2.0


def _pick_offered(resolution: Resolution, offered: tuple[str, ...]) -> list[GroupScore] | None:
    """After "Có phải bạn hỏi về …?", a typed reply most likely picks one of the choices.

    Returns the offered groups ranked (the first one chosen when it clearly leads), or None when
    the reply is about something else (a new topic wins by a wide margin) or nothing was matched.
    """
    chosen = [g for g in resolution.groups if set(g.codes) & set(offered)]
    if not chosen:
        return None
    others = [g for g in resolution.groups if not set(g.codes) & set(offered)]
    if others and others[0].score - chosen[0].score > NEW_TOPIC_MARGIN:
        return None
    return chosen


def picked_decision(chosen: list[GroupScore], fact: Fact, query: Query, resolution: Resolution) -> Decision:
    if len(chosen) == 1 or chosen[0].score - chosen[1].score >= OFFERED_MARGIN:
        return Decision("answer", fact, chosen[0].codes, concern=query.concern, confidence=resolution.confidence)
    return Decision("clarify", fact, choices=chosen[:MAX_CHOICES], confidence=resolution.confidence)


# --- rendering ---------------------------------------------------------------------------------


class _FactsCache:
    """Procedure facts by code for the current data version (staff edits move the version)."""

    def __init__(self, size: int = 512) -> None:
        self._lock = Lock()
        self._version = -1
        self._items: OrderedDict[str, ProcedureFacts] = OrderedDict()
        self._size = size

    def get(self, session: Session, version: int, codes: tuple[str, ...]) -> list[ProcedureFacts]:
        with self._lock:
            if version != self._version:
                self._items.clear()
                self._version = version
            missing = [c for c in codes if c not in self._items]
        if missing:
            for facts in get_procedures(session=session, codes=missing):
                with self._lock:
                    if self._version == version:
                        self._items[facts.code] = facts
                        while len(self._items) > self._size:
                            self._items.popitem(last=False)
        with self._lock:
            found = [self._items.get(c) for c in codes]
        if any(f is None for f in found):
            return get_procedures(session=session, codes=list(codes))
        return [f for f in found if f is not None]


_facts = _FactsCache()


def render(decision: Decision, res: Resources, session: Session, query: Query, today: dt.date) -> Reply:
    kind = decision.kind
    if kind == "empty":
        return Reply("Bạn muốn hỏi về thủ tục nào? " + capabilities(), "empty")
    if kind == "safety" and decision.concern is not None:
        return Reply(safety_text(decision.concern), "safety")
    if kind == "faq":
        item = res.faq_items[decision.faq_slug]
        text = item.answer
        if mentions_misprinted_decree(query.text) and "20/2018" not in text:
            text = f"{MISPRINT_NOTE}\n{text}"
        if item.source_url:
            text += f"\nNguồn: {item.source_url}"
        return Reply(_with_injection_note(text, decision), "faq", faq_slug=item.slug, confidence=decision.confidence)
    if kind == "answer":
        procedures = _facts.get(session, res.version, decision.codes)
        if not procedures:
            return Reply("Xin lỗi, thủ tục này không còn trong cơ sở dữ liệu. " + _portal(), "not_in_data")
        # One procedure's facts: the same procedure at another level is named, not answered, so that
        # a reply never mixes two records (the citizen asks "ở cấp xã thì sao" to switch).
        lead, others = procedures[0], procedures[1:]
        composed = compose_answer([lead], decision.fact, today=today, case_hint=query.text)
        text = _also_at(composed.text, lead, others)
        more = list(composed.more)
        buttons = _fact_buttons(decision.fact)
        if more:
            buttons.insert(0, Button("Xem thêm", MORE_PAYLOAD))
        return Reply(
            _with_injection_note(text, decision), "answer", buttons, [lead.code], decision.fact,
            more=more, confidence=decision.confidence,
        )
    if kind == "clarify":
        choices = decision.choices
        if len(choices) == 1:
            text = f"Có phải bạn hỏi về {FACT_LABELS[decision.fact].lower()} của thủ tục “{_short(choices[0].name, 120)}”?"
        else:
            text = f"Có phải bạn hỏi về {FACT_LABELS[decision.fact].lower()} của một trong các thủ tục dưới đây? Bạn chọn hoặc gõ rõ hơn giúp tôi."
        buttons = [Button(_short(g.name), choose_payload(g.codes[0])) for g in choices]
        buttons.append(Button("Không phải các thủ tục trên", NONE_OF_THESE_PAYLOAD))
        offered = [c for g in choices for c in g.codes]
        return Reply(text, "clarify", buttons, fact=decision.fact, offered_codes=offered, confidence=decision.confidence)
    if kind == "need_procedure":
        return Reply(
            f"Bạn hỏi {FACT_LABELS[decision.fact].lower()} của thủ tục nào? Ví dụ: \"đăng ký tạm trú\", \"làm hộ chiếu\".",
            "need_procedure", fact=decision.fact,
        )
    if kind == "not_in_data":
        return Reply(
            "Xin lỗi, tôi chưa tìm thấy thủ tục bạn hỏi trong dữ liệu của tỉnh, nên không dám trả lời để tránh sai. "
            + _portal() + " Bạn cũng có thể gõ lại tên thủ tục cụ thể hơn.",
            "not_in_data", fact=decision.fact, confidence=decision.confidence,
        )
    return Reply("Xin lỗi, câu hỏi này nằm ngoài phạm vi tôi hỗ trợ. " + capabilities(), "out_of_scope")


def _also_at(text: str, lead: ProcedureFacts, others: list[ProcedureFacts]) -> str:
    """Name the other levels that carry out the same procedure, before the source line."""
    levels = [o.levels for o in others if o.levels and o.levels != lead.levels]
    if not levels:
        return text
    note = f"Thủ tục này cũng được thực hiện ở {', '.join(dict.fromkeys(levels))}."
    head, sep, source = text.rpartition("\nNguồn:")
    return f"{head}\n{note}{sep}{source}" if sep else f"{text}\n{note}"


def _with_injection_note(text: str, decision: Decision) -> str:
    if decision.concern is Concern.INJECTION:
        return safety_text(Concern.INJECTION) + "\n\n" + text
    return text


def respond(
    text: str,
    *,
    nlu: NluResult | None = None,
    turn: Turn | None = None,
    chosen_code: str | None = None,
    today: dt.date | None = None,
    sender_id: str = "",
) -> Reply:
    """The reply to one message: one database session, one analysis, one decision.

    With ``sender_id`` the turn is recorded for the dashboard (and an unanswered question for staff)
    in the same session.
    """
    today = today or _today()
    turn = turn or Turn()
    nlu = nlu or NluResult()
    with session_scope() as session:
        res = cache.get(session=session)
        query = analyse(text, lexicon=res.lexicon, name_words=res.procedures.name_words, nlu=nlu)
        reply = _reply(query, res, session, turn, chosen_code, today)
        if sender_id:
            _record(session, reply, query, sender_id)
        return reply


def _reply(query: Query, res: Resources, session: Session, turn: Turn, chosen: str | None, today: dt.date) -> Reply:
    nlu = query.nlu
    if chosen:
        fact = Fact(turn.pending_fact) if turn.pending_fact in Fact._value2member_map_ else Fact.OVERVIEW
        return render(Decision("answer", fact, (chosen,), confidence=1.0), res, session, query, today)
    if nlu.intent == "ask_more" and turn.more:
        buttons = [Button("Xem thêm", MORE_PAYLOAD)] if len(turn.more) > 1 else []
        return Reply(turn.more[0], "more", buttons, list(turn.last_codes), more=list(turn.more[1:]))
    if nlu.intent == "deny" and nlu.confidence >= ROUTE_CONFIDENCE and turn.offered_codes:
        return Reply(
            "Xin lỗi tôi chưa hiểu đúng. Bạn mô tả lại việc cần làm giúp tôi (ví dụ: \"làm lại căn cước bị mất\"), "
            "hoặc gõ tên thủ tục. " + _portal(), "need_procedure",
        )
    if nlu.intent in ("affirm", "deny") and nlu.confidence >= ROUTE_CONFIDENCE and not turn.offered_codes:
        return Reply("Bạn cần tôi giúp tra cứu thủ tục nào ạ?", "chitchat")
    return render(decide(query, res, turn), res, session, query, today)


UNANSWERED_KINDS = {"not_in_data", "out_of_scope", "need_procedure", "clarify"}


def _record(session: Session, reply: Reply, query: Query, sender_id: str) -> None:
    """The dashboard's turn row and, when the bot could not answer, a masked copy for staff."""
    try:
        with session.begin_nested():
            record_turn(reply, sender_id=sender_id, intent=query.nlu.intent, session=session)
            if reply.kind in UNANSWERED_KINDS or query.nlu.intent == "nlu_fallback":
                record_unanswered(
                    query.text, sender_hash=hashlib.sha256(sender_id.encode()).hexdigest()[:32],
                    intent=query.nlu.intent, confidence=query.nlu.confidence, session=session,
                )
    except SQLAlchemyError:
        logger.exception("could not record the turn; the reply is sent anyway")


def declines(text: str) -> bool:
    """Whether the message raises a concern the bot declines (secrets, another person's data, acting
    for the citizen): such a message never starts a form, whatever the intent model said."""
    with session_scope() as session:
        res = cache.get(session=session)
    concern = analyse(text, lexicon=res.lexicon).concern
    return concern in (Concern.SENSITIVE, Concern.PRIVACY, Concern.REAL_ACTION)


def _today() -> dt.date:
    return clock.today()
