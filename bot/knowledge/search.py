"""Find the procedure a citizen means, from free Vietnamese text, over names and aliases.

Accent-insensitive and typo-tolerant, and driven by the database: a procedure or alias that staff
add is found at once, without retraining. Names are scored by how much of them the question
covers (tokens weighted by rarity, plus word order), so "chứng thực bản sao căn cước" finds the
certification procedure and not the identity-card one.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from rapidfuzz.distance import Levenshtein
from scipy import sparse

from bot.text.normalize import fold, has_tone_marks, normalize, strip_diacritics

# Level markers inside official names; variants that differ only by these are one "group".
_LEVEL_SUFFIX = re.compile(
    r"\(?\s*(?:thuc hien\s+)?(?:tai|o)\s+(?:cap\s+(?:tinh|xa|huyen|trung uong|tinh thanh pho)|cong an cap \w+)\s*\)?"
    r"|\(\s*cap\s+(?:tinh|xa|huyen)\s*\)"
)
_LEADING_THU_TUC = re.compile(r"^thu tuc\s+")

# Question phrases whose words also occur in names ("mất" = takes/loses, "giấy tờ" = papers).
# They are removed from the question before matching names.
_QUESTION_PHRASES = [
    "mat bao nhieu tien", "mat bao nhieu ngay", "mat bao nhieu", "mat bao lau", "mat may ngay",
    "mat may thang", "mat may", "mat nhieu", "mat het", "mat phi", "mat tien", "mat thoi gian",
    "het bao nhieu", "ton bao nhieu", "ton nhieu", "bao nhieu tien", "bao nhieu ngay",
    "can giay to gi", "can nhung giay to gi", "giay to gi", "can nhung gi", "can gi",
    "o dau", "cho nao", "lam sao", "the nao", "nhu the nao", "ra sao", "man rang", "mang theo",
]
_QUESTION_RE = re.compile(r"\b(?:" + "|".join(sorted(_QUESTION_PHRASES, key=len, reverse=True)) + r")\b")

# Words that carry no information about which procedure is meant.
STOP_TOKENS = frozenset(
    "thu tuc cua va cho voi cac nhung tai o trong la de duoc co khong gi nao "
    "toi tui anh chi bac chau ong ba minh oi a ha nhe vay di nhi ak ah "
    "muon phai xin hoi giup ve nay kia roi".split()
)
# Deliberately not stop words, though common in questions: their accent-free forms are also
# name words ("căn" ~ "cần", "làm căn cước" vs "đổi căn cước", "con nuôi", "trẻ em", "nhà ở", "một lần", "sổ đỏ", "thi").

# Consonant confusions of Central/Southern speech and typing (tr/ch, s/x, d/gi/r, v/d...).
_PHONETIC = [
    (re.compile(r"^tr"), "ch"), (re.compile(r"^s"), "x"), (re.compile(r"^gi"), "d"),
    (re.compile(r"^r"), "d"), (re.compile(r"^v"), "d"), (re.compile(r"^ngh"), "ng"),
    (re.compile(r"^gh"), "g"), (re.compile(r"^k"), "c"), (re.compile(r"^q"), "c"),
    (re.compile(r"nh$"), "n"), (re.compile(r"ng$"), "n"), (re.compile(r"c$"), "t"), (re.compile(r"y$"), "i"),
]

EXACT, ACCENT_MISMATCH_CREDIT, PHONETIC_CREDIT, TYPO_CREDIT = 1.0, 0.8, 0.85, 0.75

# Words that turn one procedure into its sibling (cấp / cấp lại / cấp đổi; đăng ký / xóa): a
# candidate none of whose names has such a word of the question ranks lower.
# Accented, because accent-free forms collide ("lại"/"lái", "mất"/"mặt") when the citizen typed accents.
VARIANT_WORDS = ("mất", "lại", "đổi", "xóa", "tách", "hủy", "hỏng", "gia hạn", "khôi phục", "đính chính",
                 "cải chính", "thu hồi", "sang tên", "tạm ngừng", "chấm dứt", "dưới")
VARIANT_FACTOR = 0.75
# Subjects of their own that no citizen procedure here covers unless its names say so: a candidate
# lacking them is not what the question is about ("ly hôn" after "đăng ký kết hôn").
TOPIC_WORDS = ("ly hon", "the chap", "visa", "hop tac xa", "nhan hieu", "xuat khau lao dong", "bang tot nghiep")
TOPIC_PENALTY = 40.0
# Two-word names must appear as a phrase: "tự … khai" is not "khai tử".
SHORT_NAME_ORDER_WEIGHT = 0.5
_NON_WORD = re.compile(r"[^\w]+")


def phonetic_key(token: str) -> str:
    """A coarse sound-alike key for one folded syllable."""
    for pattern, repl in _PHONETIC:
        token = pattern.sub(repl, token)
    return token


def base_name(name: str) -> str:
    """Folded name without level markers: variants at commune/province level share it."""
    folded = _LEADING_THU_TUC.sub("", fold(name))
    return " ".join(_LEVEL_SUFFIX.sub(" ", folded).split())


# Everyday and dialect wording -> the words procedure names use (folded).
_SYNONYMS = {
    "man": "lam", "rot mat": "mat", "lam rot": "mat", "danh roi": "mat", "that lac": "mat",
    "passport": "ho chieu", "cccd": "can cuoc", "cmnd": "chung minh nhan dan", "gplx": "giay phep lai xe",
    "bhxh": "bao hiem xa hoi", "bhyt": "bao hiem y te", "vneid": "vneid",
}
_SYNONYM_RE = re.compile(r"\b(?:" + "|".join(sorted(_SYNONYMS, key=len, reverse=True)) + r")\b")


def question_tokens(text: str) -> list[str]:
    """Folded tokens of a question, question phrases removed and everyday words mapped to names' words."""
    folded = _QUESTION_RE.sub(" ", fold(text))
    return _SYNONYM_RE.sub(lambda m: _SYNONYMS[m.group()], folded).split()


def accented_tokens(text: str) -> dict[str, set[str]]:
    """Folded token -> the lower-case accented spellings used in ``text``."""
    spellings: dict[str, set[str]] = defaultdict(set)
    for token in _NON_WORD.sub(" ", normalize(text).lower()).replace("_", " ").split():
        spellings[strip_diacritics(token)].add(token)
    return spellings


@dataclass(frozen=True)
class ProcedureName:
    """One searchable name of a procedure (official or alias)."""

    procedure_id: int
    text: str
    is_alias: bool


@dataclass(frozen=True)
class IndexedProcedure:
    procedure_id: int
    code: str
    name: str
    levels: str
    group: str


@dataclass(frozen=True)
class Candidate:
    """A procedure that may be meant, with how well the question matched it."""

    procedure_id: int
    code: str
    name: str
    levels: str
    group: str
    score: float  # 0-100: how much of the best name the question covers
    rank: float  # score plus a bonus for how much it explains
    matched_name: str
    age_fit: bool | None = None  # the name's age condition admits the age in the question


@dataclass
class Resolution:
    """The resolver's verdict: one best group of procedures, several to choose from, or none."""

    candidates: list[Candidate] = field(default_factory=list)
    best: list[Candidate] = field(default_factory=list)  # the best group (level variants)
    ambiguous: list[Candidate] = field(default_factory=list)  # other close groups' leaders

    @property
    def found(self) -> bool:
        return bool(self.best)


def _name_forms(name: str) -> list[str]:
    """The official name, its core without parentheses, and its first clause."""
    forms = [name]
    core = re.sub(r"\([^)]*\)", " ", name)
    forms.append(core)
    first = re.split(r"[,;:]| đối với | trong trường hợp ", core, maxsplit=1)[0]
    # Short first clauses ("Đăng ký đóng", "Cấp lại") are too generic to stand for the procedure.
    if len(_tokens_of(first)) >= 4:
        forms.append(first)
    return forms


def _tokens_of(text: str) -> list[str]:
    """Lower-case accented tokens of a name, level markers and stop words removed."""
    kept = set(base_name(text).split()) - STOP_TOKENS
    spelled = _NON_WORD.sub(" ", _LEADING_THU_TUC.sub("", normalize(text).lower())).replace("_", " ").split()
    return [t for t in spelled if strip_diacritics(t) in kept]


class ProcedureIndex:
    """Sparse token index over every name form; build once per data version."""

    def __init__(self, procedures: Sequence[IndexedProcedure], names: Iterable[ProcedureName]) -> None:
        self.procedures = {p.procedure_id: p for p in procedures}
        self._form_proc: list[int] = []
        self._form_text: list[str] = []
        self._form_tokens: list[list[str]] = []
        self._form_alias: list[bool] = []
        self._form_factor: list[float] = []
        seen: set[tuple[int, str]] = set()
        for n in names:
            if n.procedure_id not in self.procedures:
                continue
            for k, form in enumerate([n.text] if n.is_alias else _name_forms(n.text)):
                tokens = _tokens_of(form)
                key = (n.procedure_id, " ".join(tokens))
                # A lone short syllable ("hộ") would match half the questions we get.
                if not tokens or (len(tokens) == 1 and len(tokens[0]) < 5) or key in seen:
                    continue
                seen.add(key)
                self._form_proc.append(n.procedure_id)
                self._form_text.append(form)
                self._form_tokens.append(tokens)
                self._form_alias.append(n.is_alias)
                # Shortened official names lose qualifiers ("cho người nước ngoài"): rank them lower.
                self._form_factor.append(1.0 if n.is_alias or k == 0 else 0.9)

        vocab: dict[str, int] = {}
        df: dict[str, int] = defaultdict(int)
        for tokens in self._form_tokens:
            for t in set(tokens):
                vocab.setdefault(t, len(vocab))
                df[t] += 1
        n_forms = max(len(self._form_tokens), 1)
        self.vocab = vocab
        self._vocab_list = list(vocab)
        self.idf = np.zeros(len(vocab), dtype=np.float32)
        for t, i in vocab.items():
            self.idf[i] = math.log(1 + n_forms / df[t])
        self._folded: dict[str, list[int]] = defaultdict(list)
        self._phonetic: dict[str, list[int]] = defaultdict(list)
        for t, i in vocab.items():
            self._folded[strip_diacritics(t)].append(i)
            self._phonetic[phonetic_key(strip_diacritics(t))].append(i)
        self._folded_list = list(self._folded)

        rows, cols, vals = [], [], []
        for r, tokens in enumerate(self._form_tokens):
            counts: dict[int, int] = defaultdict(int)
            for t in tokens:
                counts[vocab[t]] += 1
            for c, k in counts.items():
                rows.append(r)
                cols.append(c)
                vals.append(float(self.idf[c]) * k)
        self._matrix = sparse.csr_matrix(
            (np.array(vals, dtype=np.float32), (rows, cols)), shape=(len(self._form_tokens), len(vocab))
        )
        self._form_weight = np.asarray(self._matrix.sum(axis=1)).ravel()
        self._folded_form_tokens = [[strip_diacritics(t) for t in ts] for ts in self._form_tokens]
        self._proc_row = {pid: i for i, pid in enumerate(self.procedures)}
        proc_rows = [self._proc_row[pid] for pid in self._form_proc]
        by_proc = sparse.csr_matrix(
            (np.ones(len(proc_rows), dtype=np.float32), (proc_rows, range(len(proc_rows)))),
            shape=(len(self.procedures), len(self._form_tokens)),
        )
        self._proc_matrix = ((by_proc @ self._matrix) > 0).astype(np.float32)
        # Every folded word of a procedure's names and aliases, padded for phrase look-ups.
        self._proc_words = self._words_by_procedure(self._folded_form_tokens)
        self._proc_words_accented = self._words_by_procedure(self._form_tokens)

    def _words_by_procedure(self, form_tokens: list[list[str]]) -> dict[int, str]:
        texts: dict[int, list[str]] = defaultdict(list)
        for pid, tokens in zip(self._form_proc, form_tokens, strict=True):
            texts[pid].append(" ".join(tokens))
        return {pid: " " + " | ".join(parts) + " " for pid, parts in texts.items()}

    @property
    def size(self) -> int:
        return len(self.procedures)

    def _query_vector(
        self, tokens: list[str], spellings: dict[str, set[str]] | None = None
    ) -> tuple[np.ndarray, list[str]]:
        """Credit per vocabulary token, and the question's tokens spelled as the names spell them.

        Exact matches earn full credit; sound-alike ("chú" for "trú") and one-typo matches earn
        less, and so does a different accent ("mặt" for "mất") when the citizen typed diacritics.
        """
        credit = np.zeros(len(self.vocab), dtype=np.float32)
        canonical: dict[str, str] = {}

        def give(ids: Iterable[int], value: float) -> None:
            for j in ids:
                if credit[j] < value:
                    credit[j] = value

        for q in set(tokens):
            exact_ids = self._folded.get(q)
            if exact_ids:
                typed = (spellings or {}).get(q)
                for j in exact_ids:
                    same = not typed or self._vocab_list[j] in typed
                    give([j], EXACT if same else ACCENT_MISMATCH_CREDIT)
                continue
            alike = self._phonetic.get(phonetic_key(q), [])
            give(alike, PHONETIC_CREDIT)
            if alike:
                canonical[q] = strip_diacritics(self._vocab_list[alike[0]])
                continue
            if len(q) >= 4 and not q.isdigit():
                for t in self._folded_list:
                    if abs(len(t) - len(q)) <= 1 and t[0] == q[0] and Levenshtein.distance(t, q, score_cutoff=1) <= 1:
                        give(self._folded[t], TYPO_CREDIT)
                        canonical.setdefault(q, t)
        return credit, [canonical.get(t, t) for t in tokens]

    def search(self, text: str, *, limit: int = 10) -> list[Candidate]:
        """Candidates for a question, best first (one per procedure)."""
        tokens = [t for t in question_tokens(text) if t not in STOP_TOKENS]
        if not tokens or not self._form_tokens:
            return []
        spellings = accented_tokens(text) if has_tone_marks(text) else None
        credit, canonical = self._query_vector(tokens, spellings)
        if not credit.any():
            return []
        covered = self._matrix @ credit
        coverage = np.divide(covered, self._form_weight, out=np.zeros_like(covered), where=self._form_weight > 0)
        # How much of the question each procedure's names and aliases together explain.
        explained = self._proc_matrix @ (credit * self.idf)
        top = np.argsort(-(coverage * (1.0 + 0.03 * covered)))[: max(limit * 8, 40)]
        query_bigrams = set(zip(canonical, canonical[1:], strict=False))
        padded = f" {' '.join(canonical)} "
        variants = [v if spellings else strip_diacritics(v) for v in VARIANT_WORDS if _typed(v, padded, spellings)]
        topics = [t for t in TOPIC_WORDS if f" {t} " in padded]
        proc_words = self._proc_words if spellings is None else self._proc_words_accented
        best: dict[int, Candidate] = {}
        for r in top:
            if coverage[r] <= 0:
                continue
            form_tokens = self._folded_form_tokens[r]
            bigrams = list(zip(form_tokens, form_tokens[1:], strict=False))
            order = sum(1 for b in bigrams if b in query_bigrams) / len(bigrams) if bigrams else float(coverage[r])
            w = SHORT_NAME_ORDER_WEIGHT if len(form_tokens) == 2 else 0.2
            score = 100.0 * ((1 - w) * float(coverage[r]) + w * order) * self._form_factor[r]
            pid = self._form_proc[r]
            words = self._proc_words[pid]
            score -= TOPIC_PENALTY * sum(1 for t in topics if f" {t} " not in words)
            # Among equally covered names, the procedure that explains more of the question wins.
            rank = score * (1.0 + 0.03 * float(explained[self._proc_row[pid]]))
            variant_words = proc_words[pid]
            rank *= VARIANT_FACTOR ** sum(1 for v in variants if f" {v} " not in variant_words)
            if pid in best and best[pid].rank >= rank:
                continue
            p = self.procedures[pid]
            best[pid] = Candidate(pid, p.code, p.name, p.levels, p.group, round(score, 1), round(rank, 1), self._form_text[r])
        return sorted(best.values(), key=lambda c: -c.rank)[:limit]

    def resolve(self, text: str, *, threshold: float, margin: float) -> Resolution:
        """Group the candidates: the best group if it stands out, or the close ones to ask about."""
        candidates = self.search(text)
        candidates = _fit_age(candidates, text)
        accepted = [c for c in candidates if c.score >= threshold]
        if not accepted:
            return Resolution(candidates=candidates)
        leader = accepted[0]
        best = [c for c in accepted if c.group == leader.group and leader.rank - c.rank <= margin * 2]
        others: list[Candidate] = []
        for c in accepted[1:]:
            if c.group == leader.group or any(o.group == c.group for o in others):
                continue
            if leader.rank - c.rank <= margin and not (leader.age_fit and not c.age_fit):
                others.append(c)
        return Resolution(candidates=candidates, best=best, ambiguous=others)


def _typed(variant: str, padded_query: str, spellings: dict[str, set[str]] | None) -> bool:
    """Whether the question contains the variant word, with its accents when the citizen typed accents."""
    if f" {strip_diacritics(variant)} " not in padded_query:
        return False
    if spellings is None:
        return True
    return all(word in spellings.get(strip_diacritics(word), {word}) for word in variant.split())


_AGE_IN_QUESTION = re.compile(r"\b(\d{1,3}) ?tuoi\b")
_UNDER = re.compile(r"duoi (\d{1,3}) tuoi")
_AT_LEAST = re.compile(r"(?:tu du|tu|tren) (\d{1,3}) tuoi")


AGE_BONUS = 15.0  # score points: the stated age counts as the matched "dưới 14 tuổi"
AGE_RANK_FACTOR = 1.3  # a name whose age condition fits beats a general one


def _age_fit(name: str, age: int) -> bool | None:
    """Whether the name's age condition admits ``age``; None when the name states none."""
    folded = fold(name)
    under, at_least = _UNDER.search(folded), _AT_LEAST.search(folded)
    if not under and not at_least:
        return None
    if under and age >= int(under.group(1)):
        return False
    return not (at_least and age < int(at_least.group(1)))


def _fit_age(candidates: list[Candidate], text: str) -> list[Candidate]:
    """Use an age in the question ("con 10 tuổi") against names' age conditions ("dưới 14 tuổi").

    A contradicting name is dropped; a fitting one counts the age as matched.
    """
    found = _AGE_IN_QUESTION.search(fold(text))
    if not found:
        return candidates
    age = int(found.group(1))
    kept: list[Candidate] = []
    for c in candidates:
        fit = _age_fit(c.name, age)
        if fit is False:
            continue
        if fit:
            bonus = min(AGE_BONUS, 100.0 - c.score)
            rank = c.rank / max(c.score, 1.0) * (c.score + bonus) * AGE_RANK_FACTOR
            c = replace(c, score=round(c.score + bonus, 1), rank=round(rank, 1), age_fit=True)
        kept.append(c)
    return sorted(kept, key=lambda c: -c.rank) if kept else candidates
