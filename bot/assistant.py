"""Decides what to answer to one citizen message: a procedure fact, a question back, or a polite refusal.

Rasa actions call :func:`respond`; everything here is plain Python so it is tested without a model.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field

from sqlalchemy.exc import SQLAlchemyError

from bot import clock
from bot.analytics import record_unanswered
from bot.answers.compose import answer
from bot.answers.cues import fact_cues
from bot.answers.facts import FACT_LABELS, INTENT_FACTS, Fact
from bot.knowledge.db import session_scope
from bot.knowledge.faq import search_faq
from bot.knowledge.repository import get_procedures, index_cache
from bot.knowledge.search import STOP_TOKENS, Resolution, question_tokens
from bot.safety import Concern, detect_concern
from bot.settings import get_settings

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 1000
MAX_CHOICES = 5
# Fact-cue precedence when several occur ("lệ phí nộp online" asks for the fee).
_CUE_ORDER = [Fact.FEE, Fact.TIME, Fact.DOCUMENTS, Fact.PLACE, Fact.CONDITIONS, Fact.LEGAL_BASIS, Fact.ONLINE, Fact.STEPS]
SOCIAL_INTENTS = {"greet", "goodbye", "thanks", "affirm", "deny", "bot_challenge"}


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass
class Reply:
    """What to say, and what to remember for the next turn."""

    text: str
    kind: str  # answer, clarify, not_found, out_of_scope, safety, empty, need_procedure
    buttons: list[Button] = field(default_factory=list)
    procedure_codes: list[str] = field(default_factory=list)
    fact: Fact | None = None


def choose_fact(text: str, intent: str | None, confidence: float) -> Fact:
    """The asked fact: a confident NLU intent, else keyword cues, else an overview."""
    nlu_fact = INTENT_FACTS.get(intent or "")
    if nlu_fact and confidence >= 0.8:
        return nlu_fact
    cues = fact_cues(text)
    if cues:
        if nlu_fact in cues:
            return nlu_fact
        return min(cues, key=_CUE_ORDER.index)
    if nlu_fact and confidence >= get_settings().nlu_threshold:
        return nlu_fact
    return Fact.OVERVIEW


def _is_follow_up(text: str) -> bool:
    """A short question that names no procedure ("thế còn lệ phí?") continues the last topic."""
    content = [t for t in question_tokens(text) if t not in STOP_TOKENS and t not in _FOLLOW_UP_WORDS]
    return len(content) <= 2


_FOLLOW_UP_WORDS = set(
    "the con sao le phi phi bao nhieu tien lau ngay thoi gian giay to gi ho so nop dau o cho nao "
    "truc tuyen online buoc dieu kien can cu phap ly mat ton het may hom thang lam viec mang theo "
    "thu tuc nay cai do vay nua dc duoc khong ko k nhieu".split()
)


def _capabilities() -> str:
    return (
        "Tôi là trợ lý tra cứu thủ tục hành chính của tỉnh Quảng Trị. Bạn có thể hỏi: cần giấy tờ gì, "
        "mất bao lâu, lệ phí bao nhiêu, nộp ở đâu, có nộp trực tuyến được không… cho các thủ tục như "
        "đăng ký thường trú, tạm trú, căn cước, hộ chiếu, khai sinh, kết hôn, lý lịch tư pháp, bằng lái xe, sổ đỏ."
    )


def _fallback_contacts() -> str:
    s = get_settings()
    return f"Bạn có thể tra cứu tại {s.national_portal_url} hoặc gọi tổng đài {s.national_hotline}."


def safety_reply(concern: Concern) -> Reply:
    s = get_settings()
    if concern is Concern.SENSITIVE:
        text = (
            "⚠️ Xin đừng gửi mật khẩu, mã OTP hay ảnh chụp căn cước/giấy tờ tùy thân cho bất kỳ ai qua tin nhắn, "
            "Zalo hay mạng xã hội — kể cả cho tôi. Cán bộ và cơ quan nhà nước không yêu cầu như vậy. "
            f"Hãy tự nộp hồ sơ trên {s.national_portal_url} hoặc ứng dụng VNeID, hoặc mang giấy tờ đến bộ phận một cửa. "
            "Nếu đã lỡ gửi, hãy đổi mật khẩu ngay và báo công an xã nơi gần nhất."
        )
    elif concern is Concern.PRIVACY:
        text = (
            "Tôi không cung cấp thông tin cá nhân của người khác (số điện thoại, địa chỉ, số giấy tờ, hồ sơ cư trú). "
            "Những thông tin này được pháp luật bảo vệ; chỉ cơ quan có thẩm quyền được khai thác theo quy định. "
            "Tôi có thể hướng dẫn bạn về thủ tục hành chính của chính mình."
        )
    elif concern is Concern.REAL_ACTION:
        text = (
            "Tôi không thể đăng nhập tài khoản, nộp hồ sơ hay nộp tiền thay bạn, và bạn cũng không nên đưa tài khoản "
            "cho người khác. Tôi có thể hướng dẫn giấy tờ, lệ phí, nơi nộp để bạn tự làm trên "
            f"{s.national_portal_url}, ứng dụng VNeID, hoặc tại bộ phận một cửa của xã/phường."
        )
    else:
        text = "Tôi chỉ trả lời theo dữ liệu thủ tục hành chính chính thức và luôn kèm nguồn để bạn kiểm tra."
    return Reply(text=text, kind="safety")


def _clarify(resolution: Resolution, fact: Fact) -> Reply:
    choices = [resolution.best[0], *resolution.ambiguous][:MAX_CHOICES]
    buttons = [Button(title=_short(c.name), payload=f'/choose_procedure{{"procedure_code":"{c.code}"}}') for c in choices]
    text = f"Bạn hỏi về {FACT_LABELS[fact].lower()} của thủ tục nào dưới đây?"
    return Reply(text=text, kind="clarify", buttons=buttons, fact=fact)


def _short(name: str, limit: int = 80) -> str:
    name = name.removeprefix("Thủ tục ").strip()
    return name if len(name) <= limit else name[: limit - 1].rsplit(" ", 1)[0] + "…"


def _follow_up_buttons(fact: Fact) -> list[Button]:
    options = [Fact.DOCUMENTS, Fact.TIME, Fact.FEE, Fact.PLACE]
    return [Button(FACT_LABELS[f], f"/ask_{f.value}") for f in options if f is not fact]


def respond(
    text: str,
    *,
    intent: str | None = None,
    confidence: float = 0.0,
    last_codes: list[str] | None = None,
    chosen_code: str | None = None,
    pending_fact: str | None = None,
) -> Reply:
    """The reply to one message, given the NLU result and what the conversation is about."""
    text = (text or "").strip()
    if chosen_code:
        fact = Fact(pending_fact) if pending_fact in Fact._value2member_map_ else Fact.OVERVIEW
        return _answer_codes([chosen_code], fact)
    if not text or not any(ch.isalnum() for ch in text):
        return Reply(text="Bạn muốn hỏi về thủ tục nào? " + _capabilities(), kind="empty")
    if len(text) > MAX_MESSAGE_CHARS:
        text = text[:MAX_MESSAGE_CHARS]

    concern = detect_concern(text)
    if concern in (Concern.SENSITIVE, Concern.PRIVACY, Concern.REAL_ACTION):
        return safety_reply(concern)

    fact = choose_fact(text, intent, confidence)
    if fact is Fact.OVERVIEW and pending_fact in Fact._value2member_map_ and not fact_cues(text):
        fact = Fact(pending_fact)
    settings = get_settings()
    with session_scope() as session:
        index = index_cache.get(session=session)
    resolution = index.resolve(text, threshold=settings.resolve_threshold, margin=settings.ambiguity_margin)

    follow_up = _is_follow_up(text)
    if resolution.found:
        if resolution.ambiguous:
            return _clarify(resolution, fact)
        reply = _answer_codes([c.code for c in resolution.best], fact, question=text)
    elif last_codes and follow_up and (INTENT_FACTS.get(intent or "") or fact_cues(text)):
        reply = _answer_codes(last_codes, fact, question=text)
    elif intent in INTENT_FACTS and follow_up and confidence >= 0.8:
        return Reply(
            text=f"Bạn hỏi {FACT_LABELS[fact].lower()} của thủ tục nào? Ví dụ: \"đăng ký tạm trú\", \"làm hộ chiếu\".",
            kind="need_procedure",
            fact=fact,
        )
    elif (faq := _faq_reply(text)) is not None:
        return faq
    elif intent in INTENT_FACTS and confidence >= settings.nlu_threshold:
        return Reply(
            text=(
                "Xin lỗi, tôi chưa có thông tin về thủ tục bạn hỏi trong cơ sở dữ liệu của tỉnh. "
                + _fallback_contacts()
                + " Bạn cũng có thể gõ lại tên thủ tục cụ thể hơn."
            ),
            kind="not_found",
            fact=fact,
        )
    else:
        return Reply(
            text="Xin lỗi, câu hỏi này nằm ngoài phạm vi tôi hỗ trợ. " + _capabilities(),
            kind="out_of_scope",
        )
    if concern is Concern.INJECTION:
        reply.text = safety_reply(concern).text + "\n\n" + reply.text
    return reply


def _faq_reply(text: str) -> Reply | None:
    """A staff-written FAQ answer (one-stop desk, online services, petitions) when one fits well."""
    with session_scope() as session:
        hit = search_faq(text, session=session)
    if hit is None:
        return None
    source = f"\nNguồn: {hit.entry.source_url}" if hit.entry.source_url else ""
    return Reply(text=hit.entry.answer + source, kind="faq")


def _answer_codes(codes: list[str], fact: Fact, question: str = "") -> Reply:
    with session_scope() as session:
        procedures = get_procedures(session=session, codes=codes)
    if not procedures:
        return Reply(text="Xin lỗi, thủ tục này không còn trong cơ sở dữ liệu. " + _fallback_contacts(), kind="not_found")
    return Reply(
        text=answer(procedures, fact, today=clock.today(), case_hint=question).text,
        kind="answer",
        buttons=_follow_up_buttons(fact),
        procedure_codes=[p.code for p in procedures],
        fact=fact,
    )


UNANSWERED_KINDS = {"not_found", "out_of_scope", "need_procedure"}


def record_if_unanswered(reply: Reply, text: str, *, sender_id: str, intent: str | None, confidence: float) -> None:
    """Keep a masked copy of questions we could not answer, for staff review; never fails the turn."""
    if reply.kind not in UNANSWERED_KINDS and intent != "nlu_fallback":
        return
    sender_hash = hashlib.sha256(sender_id.encode()).hexdigest()[:32]
    try:
        with session_scope() as session:
            record_unanswered(text, sender_hash=sender_hash, intent=intent, confidence=confidence, session=session)
    except SQLAlchemyError:
        logger.exception("could not record an unanswered question")
