"""The vocabulary that reads citizens' questions: synonyms, stop words, cue phrases, safety phrases.

It is data (data/lexicon/*.yml, loaded into ``lexicon_entries`` and edited by staff in the admin),
compiled here into matchers. Nothing in this module knows a Vietnamese word.

Accents are evidence when the citizen typed them: a word typed with accents matches only the same
accented word ("chị" is not "chi"); a word typed bare matches any accented spelling of it, unless
the entry says accents are required.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.settings import PROJECT_ROOT
from bot.text.normalize import normalize, strip_diacritics

LEXICON_DIR = PROJECT_ROOT / "data" / "lexicon"

SYNONYM, STOPWORD, QUESTION, VARIANT, SUBJECT, CUE, SAFETY, LEVEL, AGE, SET = (
    "synonym", "stopword", "question", "variant", "subject", "cue", "safety", "level", "age", "set",
)
KINDS = (SYNONYM, STOPWORD, QUESTION, VARIANT, SUBJECT, CUE, SAFETY, LEVEL, AGE, SET)
KIND_LABELS = {
    SYNONYM: "Từ đồng nghĩa, phương ngữ, viết tắt",
    STOPWORD: "Từ không cho biết thủ tục",
    QUESTION: "Cụm từ để hỏi",
    VARIANT: "Từ phân biệt thủ tục anh em (cấp lại, cấp đổi…)",
    SUBJECT: "Chủ đề riêng",
    CUE: "Cụm từ cho biết điều được hỏi",
    SAFETY: "Yêu cầu phải từ chối",
    LEVEL: "Cấp chính quyền",
    AGE: "Từ chỉ điều kiện tuổi (dưới, từ đủ…)",
    SET: "Nhóm từ dùng trong mẫu",
}
# What ``value`` means for each kind, for the admin form.
VALUE_LABELS = {
    SYNONYM: "thay bằng",
    CUE: "điều được hỏi (fee, time, documents, place, online, steps, conditions, legal_basis)",
    SAFETY: "loại (sensitive, privacy, real_action, injection)",
    LEVEL: "cấp (xa, tinh, huyen, bo)",
    AGE: "so sánh (< hoặc >=)",
    SET: "các từ, ngăn bởi |",
}
_WORD = re.compile(r"\w+", re.UNICODE)
_SET_REF = re.compile(r"^\{(\w+)\}$")
_GAP = re.compile(r"^\*(\d?)$")


@dataclass(frozen=True)
class Entry:
    """One vocabulary entry: ``phrase`` and, by kind, what it means (``value``)."""

    kind: str
    phrase: str
    value: str = ""
    accents_required: bool = False


def words(text: str) -> list[str]:
    """Lower-case word tokens of a normalised text (accents kept)."""
    return [w.replace("_", " ") for w in _WORD.findall(normalize(text).lower())]


@lru_cache(maxsize=200_000)
def fold_word(word: str) -> str:
    return strip_diacritics(word)


def is_bare(token: str) -> bool:
    """Typed without any accent ("can" rather than "căn" or "cần")."""
    return fold_word(token) == token


def compatible(token: str, word: str, *, accents_required: bool = False, exact: bool = False) -> bool:
    """Whether a typed token can be ``word``: the same spelling, or (in a message typed without
    accents, ``exact`` False) the bare spelling of it."""
    if token == word:
        return True
    return not exact and not accents_required and is_bare(token) and fold_word(word) == token


def load_files(directory: Path = LEXICON_DIR) -> list[Entry]:
    """Every entry of the YAML files in ``directory`` (the seed of ``lexicon_entries``)."""
    entries: list[Entry] = []
    for path in sorted(directory.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        kind = data.get("kind")
        if kind not in KINDS:
            raise ValueError(f"{path.name}: unknown kind {kind!r}")
        for name, members in (data.get("sets") or {}).items():
            entries.append(Entry(SET, name, "|".join(members)))
        for item in data.get("entries") or []:
            entries.extend(_entries_of(kind, item))
    return entries


def _entries_of(kind: str, item: object) -> list[Entry]:
    if isinstance(item, str):
        return [Entry(kind, item)]
    if not isinstance(item, dict):
        raise ValueError(f"bad {kind} entry: {item!r}")
    if kind in (CUE, SAFETY):
        value = str(item.get("fact") or item.get("concern") or "")
        return [Entry(kind, str(p), value) for p in item.get("phrases") or []]
    required = str(item.get("accents", "")).lower() == "required"
    return [Entry(kind, str(item["phrase"]), str(item.get("to") or ""), required)]


@dataclass(frozen=True)
class Phrase:
    """A literal phrase (accented words) and what it stands for."""

    words: tuple[str, ...]
    value: str
    accents_required: bool = False


@dataclass(frozen=True)
class Match:
    start: int  # token index
    end: int  # exclusive
    phrase: Phrase


class PhraseMatcher:
    """Finds literal phrases in a token list, longest first, accent-aware per token."""

    def __init__(self, phrases: Iterable[Phrase]) -> None:
        self._by_first: dict[str, list[Phrase]] = defaultdict(list)
        for p in phrases:
            if p.words:
                self._by_first[fold_word(p.words[0])].append(p)
        for options in self._by_first.values():
            options.sort(key=lambda p: -len(p.words))

    def _starting_at(self, tokens: Sequence[str], i: int, exact: bool) -> list[Phrase]:
        """Phrases found at token ``i``, longest first."""
        found = []
        for p in self._by_first.get(fold_word(tokens[i]), ()):
            window = tokens[i : i + len(p.words)]
            if len(window) == len(p.words) and all(
                compatible(t, w, accents_required=p.accents_required, exact=exact)
                for t, w in zip(window, p.words, strict=True)
            ):
                found.append(p)
        return found

    def scan(self, tokens: Sequence[str], *, exact: bool = False) -> list[Match]:
        """Non-overlapping matches, left to right."""
        found: list[Match] = []
        i = 0
        while i < len(tokens):
            here = self._starting_at(tokens, i, exact)
            if not here:
                i += 1
                continue
            found.append(Match(i, i + len(here[0].words), here[0]))
            i += len(here[0].words)
        return found

    def all(self, tokens: Sequence[str], *, exact: bool = False) -> list[Match]:
        """Every match, overlapping ones included (a cue inside a longer cue still counts)."""
        return [Match(i, i + len(p.words), p) for i in range(len(tokens)) for p in self._starting_at(tokens, i, exact)]


def _pattern(phrase: str, sets: dict[str, list[str]]) -> re.Pattern[str]:
    """A regex over space-joined folded words for a safety phrase (``*``, ``*N`` and ``{set}`` allowed)."""
    parts: list[str] = []
    for raw in phrase.split():
        gap = _GAP.match(raw)
        if gap:
            parts.append(rf"(?:\S+ ){{0,{int(gap.group(1) or 3)}}}")
            continue
        ref = _SET_REF.match(raw)
        if ref:
            options = sorted({fold_word(" ".join(words(m))) for m in sets.get(ref.group(1), [])}, key=len, reverse=True)
            parts.append("(?:" + "|".join(re.escape(o) for o in options if o) + ") " if options else "(?!x)x")
            continue
        literal = fold_word(" ".join(words(raw)))
        if literal:
            parts.append(re.escape(literal) + " ")
    return re.compile(r"(?<!\S)" + "".join(parts))


class Lexicon:
    """Compiled vocabulary; built once per data version (see bot.understanding.resources)."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries = list(entries)
        sets = {e.phrase: [m for m in e.value.split("|") if m] for e in self.entries if e.kind == SET}
        by_kind: dict[str, list[Phrase]] = defaultdict(list)
        self.stop_words: set[str] = set()
        self.safety: list[tuple[re.Pattern[str], str, str]] = []
        for e in self.entries:
            if e.kind == STOPWORD:
                self.stop_words.update(words(e.phrase))
            elif e.kind == SAFETY:
                self.safety.append((_pattern(e.phrase, sets), e.value, e.phrase))
            elif e.kind == SYNONYM:
                by_kind[e.kind].append(Phrase(tuple(words(e.phrase)), " ".join(words(e.value)), e.accents_required))
            elif e.kind in (QUESTION, VARIANT, SUBJECT, CUE, LEVEL, AGE):
                value = e.value or " ".join(words(e.phrase))
                by_kind[e.kind].append(Phrase(tuple(words(e.phrase)), value, e.accents_required))
        self.stop_folded = {fold_word(w) for w in self.stop_words}
        self.matchers = {kind: PhraseMatcher(by_kind.get(kind, [])) for kind in (SYNONYM, QUESTION, VARIANT, SUBJECT, CUE, LEVEL, AGE)}

    def rewrite(self, tokens: Sequence[str], *, exact: bool = False) -> list[str]:
        """Apply synonyms left to right, longest first (``tokens`` are lower-case words as typed;
        ``exact`` when the message was typed with accents, so every word is taken as spelled)."""
        out: list[str] = []
        last = 0
        for m in self.matchers[SYNONYM].scan(tokens, exact=exact):
            out.extend(tokens[last : m.start])
            out.extend(m.phrase.value.split())
            last = m.end
        out.extend(tokens[last:])
        return out

    def is_stop(self, token: str, *, exact: bool = False, name_words: frozenset[str] = frozenset()) -> bool:
        """A stop word; a bare spelling in an unaccented message only when no name word shares it
        ("can" may be "căn")."""
        if exact or not is_bare(token):
            return token in self.stop_words
        return token in self.stop_folded and token not in name_words

    def question_mask(self, tokens: Sequence[str], *, exact: bool = False) -> list[bool]:
        """True for tokens inside a question phrase ("mất bao nhiêu tiền")."""
        mask = [False] * len(tokens)
        for m in self.matchers[QUESTION].all(tokens, exact=exact):
            for k in range(m.start, m.end):
                mask[k] = True
        return mask

    def find(self, kind: str, tokens: Sequence[str], *, exact: bool = False) -> list[Match]:
        """Every phrase of ``kind`` (variant, subject, cue, level, age) in the tokens."""
        return self.matchers[kind].all(tokens, exact=exact)

    def concerns(self, tokens: Sequence[str]) -> list[tuple[str, str]]:
        """(concern, phrase) of every safety phrase found, in the order of the data."""
        text = " ".join(fold_word(t) for t in tokens) + " "
        return [(value, phrase) for pattern, value, phrase in self.safety if pattern.search(text)]
