"""One analysis of a citizen's message, computed once and read by every later step.

``analyse`` normalises the text, splits it into words, applies the lexicon (synonyms, stop words,
question phrases), and finds what later steps need: the facts the wording asks for, variant and
subject words, levels, ages, typed codes and any safety concern. Nobody folds the text again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.answers.facts import Fact
from bot.safety import Concern
from bot.text.codes import find_application_code, find_tracking_code
from bot.text.normalize import normalize
from bot.understanding.lexicon import AGE, CUE, LEVEL, SUBJECT, VARIANT, Lexicon, fold_word, is_bare, words

MAX_MESSAGE_CHARS = 1000
_SENTENCE = re.compile(r"[.?!;\n]+")
_PROCEDURE_CODE = re.compile(r"(?<![\d.])([123]\.\d{6})(?![\d])")
_CONCERN_ORDER = (Concern.SENSITIVE, Concern.PRIVACY, Concern.REAL_ACTION, Concern.INJECTION)
_FACTS = {f.value: f for f in Fact}


@dataclass(frozen=True)
class NluResult:
    """What the Rasa model said about the message: the intent, its confidence and the ranking."""

    intent: str | None = None
    confidence: float = 0.0
    ranking: tuple[tuple[str, float], ...] = ()

    def prob(self, intent: str) -> float:
        if intent == self.intent:
            return self.confidence
        return next((c for name, c in self.ranking if name == intent), 0.0)

    @classmethod
    def from_message(cls, message: dict) -> NluResult:
        """From a Rasa ``latest_message`` dict."""
        intent = message.get("intent") or {}
        ranking = tuple(
            (str(r.get("name")), float(r.get("confidence") or 0.0)) for r in message.get("intent_ranking") or []
        )
        return cls(intent.get("name"), float(intent.get("confidence") or 0.0), ranking)


@dataclass(frozen=True)
class AgeHint:
    """An age the citizen states: exactly (``=``), under (``<``) or at least (``>=``)."""

    op: str
    years: int


@dataclass(frozen=True)
class Query:
    raw: str
    text: str  # normalised, cut to MAX_MESSAGE_CHARS
    tokens: tuple[str, ...]  # lower-case words after synonyms, accents as typed
    folded: tuple[str, ...]  # the same words without accents
    content: tuple[int, ...]  # indices of tokens that may name a procedure
    has_accents: bool
    focus: tuple[int, ...] = ()  # the content tokens of the sentence that asks (long messages tell a story first)
    cues: tuple[Fact, ...] = ()  # asked facts named by the wording, in order of appearance
    variants: tuple[str, ...] = ()  # variant words present ("lại", "đổi", "mất"…), accented
    subjects: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()  # xa, tinh, huyen, bo
    ages: tuple[AgeHint, ...] = ()
    codes: tuple[str, ...] = ()  # procedure codes typed ("1.004222")
    application_code: str | None = None
    tracking_code: str | None = None
    concern: Concern | None = None
    nlu: NluResult = field(default_factory=NluResult)

    @property
    def content_tokens(self) -> list[str]:
        return [self.tokens[i] for i in self.content]

    @property
    def content_folded(self) -> list[str]:
        return [self.folded[i] for i in self.content]

    @property
    def is_empty(self) -> bool:
        return not any(ch.isalnum() for ch in self.text)

    def with_nlu(self, nlu: NluResult) -> Query:
        return Query(**{**self.__dict__, "nlu": nlu})


def analyse(
    text: str,
    *,
    lexicon: Lexicon,
    name_words: frozenset[str] = frozenset(),
    nlu: NluResult | None = None,
) -> Query:
    """The one analysis of ``text``; ``name_words`` are the folded words of procedure names."""
    raw = text or ""
    text = normalize(raw)[:MAX_MESSAGE_CHARS]
    typed = words(text)
    # A message typed with accents is taken as spelled ("sao" is "sao", not "sáo"); without any,
    # every word may be any accented word that folds to it.
    exact = any(not is_bare(t) for t in typed)
    tokens: list[str] = []
    sentence_of: list[int] = []
    for k, sentence in enumerate(_SENTENCE.split(text)):
        rewritten = lexicon.rewrite(words(sentence), exact=exact)
        tokens += rewritten
        sentence_of += [k] * len(rewritten)
    folded = tuple(fold_word(t) for t in tokens)
    asked = lexicon.question_mask(tokens, exact=exact)
    content = tuple(
        i
        for i, t in enumerate(tokens)
        if not asked[i] and not lexicon.is_stop(t, exact=exact, name_words=name_words) and not t.isdigit()
    )
    cue_sentences = {sentence_of[m.start] for m in lexicon.find(CUE, tokens, exact=exact)}
    with_content = [sentence_of[i] for i in content]
    asking = max((k for k in with_content if k in cue_sentences), default=max(with_content, default=-1))
    focus = tuple(i for i in content if sentence_of[i] == asking)
    return Query(
        raw=raw,
        text=text,
        tokens=tuple(tokens),
        folded=folded,
        content=content,
        has_accents=exact,
        focus=focus,
        cues=_cues(lexicon, tokens, exact),
        variants=_values(lexicon, VARIANT, tokens, exact),
        subjects=_values(lexicon, SUBJECT, tokens, exact),
        levels=_values(lexicon, LEVEL, tokens, exact),
        ages=_ages(lexicon, tokens, folded, exact),
        codes=tuple(dict.fromkeys(_PROCEDURE_CODE.findall(text))),
        application_code=find_application_code(text),
        tracking_code=find_tracking_code(text),
        concern=_concern(lexicon, tokens),
        nlu=nlu or NluResult(),
    )


def _values(lexicon: Lexicon, kind: str, tokens: list[str], exact: bool) -> tuple[str, ...]:
    return tuple(dict.fromkeys(m.phrase.value for m in lexicon.find(kind, tokens, exact=exact)))


def _cues(lexicon: Lexicon, tokens: list[str], exact: bool) -> tuple[Fact, ...]:
    matches = sorted(lexicon.find(CUE, tokens, exact=exact), key=lambda m: (m.start, -m.end))
    return tuple(dict.fromkeys(_FACTS[m.phrase.value] for m in matches if m.phrase.value in _FACTS))


def _concern(lexicon: Lexicon, tokens: list[str]) -> Concern | None:
    found = {value for value, _phrase in lexicon.concerns(tokens)}
    return next((c for c in _CONCERN_ORDER if c.value in found), None)


def _ages(lexicon: Lexicon, tokens: list[str], folded: tuple[str, ...], exact: bool) -> tuple[AgeHint, ...]:
    """Ages with their qualifier from the lexicon ("dưới 14 tuổi" is ``<``; a bare "10 tuổi" is ``=``)."""
    qualifiers = {m.end: m.phrase.value for m in lexicon.find(AGE, tokens, exact=exact)}
    hints: list[AgeHint] = []
    for i, t in enumerate(folded):
        if t.isdigit() and i + 1 < len(folded) and folded[i + 1] == "tuoi":
            hints.append(AgeHint(qualifiers.get(i, "="), int(t)))
    return tuple(hints)
