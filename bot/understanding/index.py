"""Candidate retrieval over every procedure's names, aliases, labelled questions and secondary fields.

Four views of each procedure are searched at once and each gives the learned ranker a score:

- BM25 over the accent-free words and word pairs of its names, aliases and labelled questions;
- BM25 over the accented words, so that accents the citizen typed count ("thi thực hành" is not
  "thị thực");
- BM25 over secondary fields (results, document names, field, agency), which catch questions that
  name what the citizen gets rather than the procedure;
- character n-gram similarity (TF-IDF), which survives typos and run-together words.

Everything here is built from the database (see bot.understanding.resources), so a procedure,
alias or labelled question that staff add is searchable at once, without retraining.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import bm25s
import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.text.normalize import fold
from bot.understanding.lexicon import AGE, SUBJECT, VARIANT, Lexicon, fold_word, is_bare, words
from bot.understanding.query import Query

# Level markers inside official names: variants that differ only by these form one group.
_LEVEL_MARKER = re.compile(
    r"\(?\s*(?:thuc hien\s+)?(?:tai|o)\s+(?:cap\s+(?:tinh|xa|huyen|trung uong|tinh thanh pho)|cong an cap \w+)\s*\)?"
    r"|\(\s*cap\s+(?:tinh|xa|huyen)\s*\)"
)
_LEADING_THU_TUC = re.compile(r"^thu tuc\s+")
_CLAUSE = re.compile(r"[,;:]| đối với | trong trường hợp | cho người | tại ")
# Consonant and rhyme confusions of Central and Southern speech and typing (tr/ch, s/x, d/gi/r…).
_PHONETIC = [
    (re.compile(r"^tr"), "ch"), (re.compile(r"^s"), "x"), (re.compile(r"^gi"), "d"),
    (re.compile(r"^r"), "d"), (re.compile(r"^v"), "d"), (re.compile(r"^ngh"), "ng"),
    (re.compile(r"^gh"), "g"), (re.compile(r"^k"), "c"), (re.compile(r"^q"), "c"),
    (re.compile(r"nh$"), "n"), (re.compile(r"ng$"), "n"), (re.compile(r"c$"), "t"), (re.compile(r"y$"), "i"),
]

NAME, ALIAS, EXAMPLE = 0, 1, 2  # kinds of searchable forms
RETRIEVE_PER_VIEW = 40


def phonetic_key(token: str) -> str:
    """A coarse sound-alike key for one accent-free syllable."""
    for pattern, repl in _PHONETIC:
        token = pattern.sub(repl, token)
    return token


def base_name(name: str) -> str:
    """Accent-free name without level markers: the commune and province variants share it."""
    folded = _LEADING_THU_TUC.sub("", fold(name))
    return " ".join(_LEVEL_MARKER.sub(" ", folded).split())


@dataclass(frozen=True)
class ProcedureDoc:
    """What the index needs of one procedure (a plain copy of database rows)."""

    id: int
    code: str
    name: str
    levels: str = ""
    field: str = ""
    usage_weight: float | None = None
    has_details: bool = True
    aliases: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()  # labelled citizen questions
    example_sources: tuple[str, ...] = ()  # who labelled each (a labelled file's name, a staff member)
    secondary: str = ""  # results, document names, agency


@dataclass(frozen=True)
class Form:
    """One searchable phrasing of a procedure: accented and accent-free content words."""

    proc: int  # position in ProcedureIndex.docs
    kind: int
    tokens: tuple[str, ...]
    folded: tuple[str, ...]


def name_forms(name: str) -> list[str]:
    """The official name, its core without parentheses, and its first clause when that is specific."""
    forms = [name]
    core = re.sub(r"\([^)]*\)", " ", name)
    forms.append(core)
    first = _CLAUSE.split(core, maxsplit=1)[0]
    if len(_drop_level(words(first))) >= 4:
        forms.append(first)
    return forms


def _drop_level(tokens: list[str]) -> list[str]:
    """Tokens without level markers ("thực hiện tại cấp tỉnh"), accents kept."""
    folded = [fold_word(t) for t in tokens]
    joined = " ".join(folded)
    starts = [0]
    for t in folded[:-1]:
        starts.append(starts[-1] + len(t) + 1)
    dropped: set[int] = set()
    for m in _LEVEL_MARKER.finditer(joined):
        dropped.update(k for k, s in enumerate(starts) if m.start() <= s < m.end())
    return [t for k, t in enumerate(tokens) if k not in dropped]


def _age_limits(lexicon: Lexicon, tokens: Sequence[str]) -> list[tuple[str, int]]:
    """Age conditions in a name ("dưới 14 tuổi" -> ("<", 14)); an age with no qualifier is none."""
    qualifiers = {m.end: m.phrase.value for m in lexicon.find(AGE, list(tokens), exact=True)}
    return [
        (qualifiers[i], int(t))
        for i, t in enumerate(tokens)
        if t.isdigit() and i + 1 < len(tokens) and fold_word(tokens[i + 1]) == "tuoi" and i in qualifiers
    ]


def _terms(tokens: Sequence[str]) -> list[str]:
    """Words and adjacent word pairs."""
    return list(tokens) + [f"{a}_{b}" for a, b in zip(tokens, tokens[1:], strict=False)]


@dataclass
class Retrieved:
    """Per-procedure scores of one query, for the candidates worth ranking."""

    query: Query
    terms_folded: list[str]
    corrected: int  # query words replaced by a close name word (typo or sound-alike)
    candidates: list[int]  # positions in docs
    bm25_folded: np.ndarray  # per procedure (max over its forms)
    bm25_accented: np.ndarray
    bm25_secondary: np.ndarray
    char_sim: np.ndarray
    best_form: dict[int, int] = field(default_factory=dict)  # procedure -> form index (folded view)
    query_folded: tuple[str, ...] = ()  # corrected content words
    query_accented: tuple[str, ...] = ()
    bm25_focus: np.ndarray | None = None  # BM25 of the sentence that asks (None: the whole message asks)
    focus_folded: tuple[str, ...] = ()


class ProcedureIndex:
    """Built once per data version from ``ProcedureDoc`` rows and the lexicon."""

    def __init__(self, docs: Sequence[ProcedureDoc], lexicon: Lexicon) -> None:
        self.docs = list(docs)
        self.lexicon = lexicon
        self.by_code = {d.code: i for i, d in enumerate(self.docs)}
        self.group = [base_name(d.name) for d in self.docs]
        self.forms: list[Form] = []
        # Labelled questions' forms by their text: training leaves a question's own form out.
        self.example_forms: dict[str, list[int]] = defaultdict(list)
        self.source_forms: dict[str, list[int]] = defaultdict(list)
        starts: list[int] = []
        for i, d in enumerate(self.docs):
            starts.append(len(self.forms))
            seen: set[tuple[str, ...]] = set()
            phrasings = [(NAME, f, "") for f in name_forms(d.name)] + [(ALIAS, a, "") for a in d.aliases]
            sources = d.example_sources or ("",) * len(d.examples)
            phrasings += [(EXAMPLE, e, who) for e, who in zip(d.examples, sources, strict=False)]
            for kind, text, who in phrasings:
                tokens = self._form_tokens(text, question=kind == EXAMPLE)
                key = tuple(fold_word(t) for t in tokens)
                if not tokens or key in seen:
                    continue
                seen.add(key)
                if kind == EXAMPLE:
                    self.example_forms[fold(text)].append(len(self.forms))
                    self.source_forms[who].append(len(self.forms))
                self.forms.append(Form(i, kind, tuple(tokens), key))
            if len(self.forms) == starts[-1]:  # a name made only of stop words: keep it whole
                whole = tuple(words(d.name))
                self.forms.append(Form(i, NAME, whole, tuple(fold_word(t) for t in whole)))
        self._starts = np.array(starts, dtype=np.int64)
        self._form_proc = np.array([f.proc for f in self.forms], dtype=np.int64)

        self.name_words = frozenset(t for f in self.forms for t in f.folded)
        df: dict[str, int] = defaultdict(int)
        for f in self.forms:
            for t in set(f.folded):
                df[t] += 1
        n = max(len(self.forms), 1)
        self.idf = {t: math.log(1 + n / c) for t, c in df.items()}
        # Per form: each word's weight and their sum, for the coverage features.
        self.form_weights = [tuple(self.idf[t] for t in f.folded) for f in self.forms]
        self.form_total = [sum(w) for w in self.form_weights]
        self._max_idf = math.log(1 + n)
        self._vocab = sorted(self.name_words)
        self._by_phonetic: dict[str, str] = {}
        for t in sorted(self.name_words, key=lambda t: -df[t]):
            self._by_phonetic.setdefault(phonetic_key(t), t)
        self.proc_folded: list[set[str]] = [set() for _ in self.docs]
        self.proc_accented: list[set[str]] = [set() for _ in self.docs]
        for f in self.forms:
            self.proc_folded[f.proc].update(f.folded)
            self.proc_accented[f.proc].update(f.tokens)

        self.variants: list[set[str]] = [set() for _ in self.docs]
        self.subjects: list[set[str]] = [set() for _ in self.docs]
        for f in self.forms:
            self.variants[f.proc].update(m.phrase.value for m in lexicon.find(VARIANT, list(f.tokens), exact=True))
            self.subjects[f.proc].update(m.phrase.value for m in lexicon.find(SUBJECT, list(f.tokens), exact=True))
        self.name_tokens = [tuple(lexicon.rewrite(words(d.name), exact=True)) for d in self.docs]
        self.name_variants = [{m.phrase.value for m in lexicon.find(VARIANT, list(t), exact=True)} for t in self.name_tokens]
        self.age_limits = [_age_limits(lexicon, t) for t in self.name_tokens]

        self._bm25_folded = _bm25([_terms(f.folded) for f in self.forms])
        self._bm25_accented = _bm25([_terms(f.tokens) for f in self.forms])
        secondary = [self._form_tokens(f"{d.field} {d.secondary}", question=False) for d in self.docs]
        self._bm25_secondary = _bm25([[fold_word(t) for t in s] for s in secondary])
        self._char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), min_df=1, sublinear_tf=True, dtype=np.float32)
        # An empty knowledge base still needs a vocabulary to transform questions with.
        self._char_matrix = self._char.fit_transform([" ".join(f.folded) for f in self.forms] or ["_"])[: len(self.forms)]

    @property
    def size(self) -> int:
        return len(self.docs)

    def form_range(self, p: int) -> range:
        lo = int(self._starts[p])
        hi = int(self._starts[p + 1]) if p + 1 < len(self._starts) else len(self.forms)
        return range(lo, hi)

    def forms_of(self, p: int) -> list[Form]:
        return [self.forms[i] for i in self.form_range(p)]

    def _form_tokens(self, text: str, *, question: bool) -> list[str]:
        """Content words of a name, alias or labelled question, as the query side sees them."""
        tokens = self.lexicon.rewrite(_drop_level(words(text)), exact=True)
        if tokens[:2] and [fold_word(t) for t in tokens[:2]] == ["thu", "tuc"]:
            tokens = tokens[2:]
        asked = self.lexicon.question_mask(tokens, exact=True) if question else [False] * len(tokens)
        return [t for k, t in enumerate(tokens) if not asked[k] and t not in self.lexicon.stop_words and not t.isdigit()]

    def correct(self, token: str) -> str | None:
        """The name word a misspelt or sound-alike query word most likely means, if any."""
        if token in self.idf:
            return token
        alike = self._by_phonetic.get(phonetic_key(token))
        if alike:
            return alike
        if len(token) >= 4 and not token.isdigit():
            hit = process.extractOne(token, self._vocab, scorer=Levenshtein.distance, score_cutoff=1)
            if hit is not None:
                return str(hit[0])
        return None

    def retrieve(
        self, query: Query, *, extra: Iterable[int] = (), limit: int = RETRIEVE_PER_VIEW, exclude: Sequence[int] = ()
    ) -> Retrieved:
        """Scores of every procedure and the union of the best of each view (plus ``extra``).

        ``exclude``: forms to leave out (training leaves out a labelled question's own phrasing).
        """
        folded: list[str] = []
        accented: list[str] = []
        corrected = 0
        focus_positions = {i for i in query.focus}
        focus: list[str] = []
        for i in query.content:
            t, f = query.tokens[i], query.folded[i]
            fixed = self.correct(f)
            if fixed is None:
                folded.append(f)
                accented.append(t)
                continue
            if fixed != f:
                corrected += 1
                accented.append(fixed)  # a corrected word carries no accent evidence
            else:
                accented.append(t)
            folded.append(fixed)
            if i in focus_positions:
                focus.append(fixed)
        terms_f = _terms(folded)
        typed_accented = [a for a in accented if not is_bare(a)]
        zeros = np.zeros(len(self.docs), dtype=np.float32)
        if not terms_f or not self.forms:
            return Retrieved(query, terms_f, corrected, list(dict.fromkeys(extra)), zeros, zeros, zeros, zeros)
        form_f = self._bm25_folded.get_scores(terms_f)
        form_a = self._bm25_accented.get_scores(_terms(accented)) if typed_accented else np.zeros_like(form_f)
        hidden = list(exclude)
        form_f[hidden] = 0.0
        form_a[hidden] = 0.0
        sec = self._bm25_secondary.get_scores(terms_f).astype(np.float32)
        per_focus = None
        if focus and len(focus) < len(folded):
            form_focus = self._bm25_folded.get_scores(_terms(focus))
            form_focus[hidden] = 0.0
            per_focus = np.maximum.reduceat(form_focus, self._starts).astype(np.float32)
        # Sparse matrix times a dense vector: one pass over the matrix, no sparse product to allocate.
        char_q = np.asarray(self._char.transform([" ".join(folded)]).todense()).ravel()
        form_c = self._char_matrix @ char_q
        form_c[hidden] = 0.0
        per_f = np.maximum.reduceat(form_f, self._starts).astype(np.float32)
        per_a = np.maximum.reduceat(form_a, self._starts).astype(np.float32)
        per_c = np.maximum.reduceat(form_c, self._starts).astype(np.float32)
        best_form: dict[int, int] = {}
        chosen: list[int] = []
        for scores in (per_f, per_a, per_c, sec, per_focus if per_focus is not None else per_f):
            if scores.any():
                top = np.argpartition(-scores, min(limit, len(scores) - 1))[:limit]
                chosen.extend(int(i) for i in top[np.argsort(-scores[top])] if scores[i] > 0)
        candidates = list(dict.fromkeys([*extra, *chosen]))
        mixed = form_f / max(float(form_f.max()), 1e-6) + form_c / max(float(form_c.max()), 1e-6)
        for p in candidates:
            lo, hi = self._starts[p], self._starts[p + 1] if p + 1 < len(self._starts) else len(self.forms)
            best_form[p] = int(lo + np.argmax(mixed[lo:hi]))
        return Retrieved(
            query, terms_f, corrected, candidates, per_f, per_a, sec, per_c, best_form, tuple(folded), tuple(accented),
            per_focus, tuple(focus),
        )


def _bm25(corpus: list[list[str]]) -> _Scorer:
    # bm25s needs at least one document, and one token per document.
    index = bm25s.BM25(k1=1.2, b=0.75)
    index.index([doc or ["_"] for doc in corpus] or [["_"]], show_progress=False)
    return _Scorer(index, corpus)


class _Scorer:
    """BM25 scores of every document for a list of terms (unknown terms ignored).

    bm25s computes the BM25 weight of every (document, term); summing the query's columns of that
    matrix is all scoring is, and is far faster than scoring term by term.
    """

    def __init__(self, index: bm25s.BM25, corpus: list[list[str]]) -> None:
        self.vocab = dict(index.vocab_dict) if isinstance(index.vocab_dict, dict) else {}
        self.size = len(corpus)
        raw = index.scores
        columns = len(raw["indptr"]) - 1
        self.matrix = sparse.csc_matrix((raw["data"], raw["indices"], raw["indptr"]), shape=(raw["num_docs"], columns))

    def get_scores(self, terms: list[str]) -> np.ndarray:
        ids = [self.vocab[t] for t in terms if t in self.vocab and self.vocab[t] < self.matrix.shape[1]]
        if not ids or not self.size:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self.matrix[:, ids].sum(axis=1), dtype=np.float32).ravel()[: self.size]
