"""Features of (question, candidate procedure) pairs for the learned ranker.

Each feature is a measurement, not a rule: how much of the name the question covers, whether the
accents agree, whether the question's variant and subject words are in the candidate's names,
the level, the age condition, the usage weight, and the conversation so far. The ranker learns
from labelled questions how much each one counts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.understanding.index import ALIAS, EXAMPLE, NAME, Form, ProcedureIndex, Retrieved
from bot.understanding.lexicon import fold_word

FEATURES: tuple[str, ...] = (
    # the question
    "q_len", "q_accents", "q_corrected", "q_empty", "q_unknown", "q_max_bm25", "q_context",
    # retrieval scores
    "bm25", "bm25_rel", "bm25_gap", "bm25_rank", "acc_rel", "acc_ratio", "sec_rel", "char", "char_rel", "char_rank",
    # the sentence that asks, in a long message
    "focus_rel", "focus_cov", "q_story",
    # coverage of names and of the question
    "name_cov", "name_cov_acc", "form_alias", "form_example", "form_len", "order", "q_cov", "q_cov_acc",
    "unexplained_idf", "unexplained_n",
    # variants, subjects, level, age, popularity, details
    "variant_missing", "variant_extra", "subject_missing", "level", "age", "log_usage", "has_usage", "has_details",
    "group_size",
    # conversation
    "ctx_last", "ctx_offered", "code_typed",
)
# Each of these is also given relative to the best value among the candidates: the ranker scores one
# pair at a time, and "as good as the best competitor" is what tells look-alikes apart.
RELATIVE = (
    "focus_cov", "name_cov", "name_cov_acc", "order", "q_cov", "q_cov_acc", "char", "log_usage", "unexplained_idf",
    "variant_missing", "variant_extra", "subject_missing", "form_len",
)
_LOWER_IS_BETTER = {"unexplained_idf", "variant_missing", "variant_extra", "subject_missing", "form_len"}
BASE_FEATURES = FEATURES
FEATURES = BASE_FEATURES + tuple(f"{name}_vs_best" for name in RELATIVE)
_LEVEL_WORDS = {"xa": ("cấp xã",), "tinh": ("cấp tỉnh",), "huyen": ("cấp huyện",), "bo": ("cấp bộ", "trung ương")}


@dataclass(frozen=True)
class Context:
    """What the conversation already established: the last procedures answered and those offered."""

    last_codes: tuple[str, ...] = ()
    offered_codes: tuple[str, ...] = ()


def _rank(values: np.ndarray, candidates: Sequence[int]) -> dict[int, int]:
    order = sorted(candidates, key=lambda p: -float(values[p]))
    return {p: r for r, p in enumerate(order)}


def _coverage(form_tokens: Sequence[str], present: set[str], idf: dict[str, float]) -> float:
    total = sum(idf.get(t, 1.0) for t in form_tokens)
    if total <= 0:
        return 0.0
    return sum(idf.get(t, 1.0) for t in form_tokens if t in present) / total


def _accent_coverage(form: Form, typed: dict[str, set[str]], idf: dict[str, float]) -> float:
    """Like name coverage, but a word typed with other accents ("thi" for "thị") does not count."""
    total = sum(idf.get(f, 1.0) for f in form.folded)
    if total <= 0:
        return 0.0
    hit = 0.0
    for t, f in zip(form.tokens, form.folded, strict=True):
        spellings = typed.get(f)
        if spellings and (t in spellings or f in spellings):
            hit += idf.get(f, 1.0)
    return hit / total


def age_fit(index: ProcedureIndex, p: int, ages: Sequence) -> int:  # type: ignore[type-arg]
    """+1 when the name's age condition admits the stated age, -1 when it contradicts it, 0 otherwise."""
    if not ages:
        return 0
    limits = index.age_limits[p]
    if not limits:
        return 0
    verdict = 1
    for hint in ages:
        for op, n in limits:
            if hint.op == "=":
                ok = hint.years < n if op == "<" else hint.years >= n
            elif hint.op == "<":
                ok = op == "<" or hint.years > n
            else:
                ok = op == ">=" or hint.years < n
            if not ok:
                verdict = -1
    return verdict


def features(index: ProcedureIndex, retrieved: Retrieved, context: Context = Context()) -> np.ndarray:
    """One row of ``FEATURES`` per candidate in ``retrieved.candidates``."""
    q = retrieved.query
    cands = retrieved.candidates
    rows = np.zeros((len(cands), len(FEATURES)), dtype=np.float32)
    if not cands:
        return rows
    base = len(BASE_FEATURES)
    idf = index.idf
    qf = list(retrieved.query_folded)
    qa = list(retrieved.query_accented)
    present = set(qf)
    typed_accented = [t for t in qa if fold_word(t) != t]
    spellings: dict[str, set[str]] = {}
    for t in qa:
        spellings.setdefault(fold_word(t), set()).add(t)
    q_bigrams = set(zip(qf, qf[1:], strict=False))
    unknown = [t for t in qf if t not in idf]
    max_bm25 = float(retrieved.bm25_folded.max()) if retrieved.bm25_folded.size else 0.0
    max_acc = float(retrieved.bm25_accented.max()) if retrieved.bm25_accented.size else 0.0
    max_sec = float(retrieved.bm25_secondary.max()) if retrieved.bm25_secondary.size else 0.0
    max_char = float(retrieved.char_sim.max()) if retrieved.char_sim.size else 0.0
    focus_scores = retrieved.bm25_focus if retrieved.bm25_focus is not None else retrieved.bm25_folded
    max_focus = float(focus_scores.max()) if focus_scores.size else 0.0
    focus_present = set(retrieved.focus_folded) if retrieved.bm25_focus is not None else present
    bm25_rank = _rank(retrieved.bm25_folded, cands)
    char_rank = _rank(retrieved.char_sim, cands)
    group_count: dict[str, int] = {}
    for p in cands:
        group_count[index.group[p]] = group_count.get(index.group[p], 0) + 1
    q_variants = set(q.variants)
    q_subjects = set(q.subjects)
    q_levels = set(q.levels)
    codes_typed = set(q.codes)
    max_idf = max(idf.values()) if idf else 1.0
    for r, p in enumerate(cands):
        doc = index.docs[p]
        f = dict.fromkeys(BASE_FEATURES, 0.0)
        f["q_len"] = len(qf)
        f["q_accents"] = float(q.has_accents)
        f["q_corrected"] = retrieved.corrected
        f["q_empty"] = float(not qf)
        f["q_unknown"] = len(unknown)
        f["q_max_bm25"] = max_bm25
        f["q_context"] = float(bool(context.last_codes))
        b = float(retrieved.bm25_folded[p])
        f["bm25"] = b
        f["bm25_rel"] = b / max_bm25 if max_bm25 > 0 else 0.0
        f["bm25_gap"] = max_bm25 - b
        f["bm25_rank"] = bm25_rank[p]
        a = float(retrieved.bm25_accented[p])
        f["acc_rel"] = a / max_acc if max_acc > 0 else 0.0
        f["acc_ratio"] = a / b if b > 0 and typed_accented else 1.0
        f["sec_rel"] = float(retrieved.bm25_secondary[p]) / max_sec if max_sec > 0 else 0.0
        c = float(retrieved.char_sim[p])
        f["char"] = c
        f["char_rel"] = c / max_char if max_char > 0 else 0.0
        f["char_rank"] = char_rank[p]
        f["focus_rel"] = float(focus_scores[p]) / max_focus if max_focus > 0 else 0.0
        f["q_story"] = float(retrieved.bm25_focus is not None)
        # Coverage: the best of the candidate's official name forms and its best-retrieved phrasing.
        best_cov, best_form = -1.0, None
        looked = [i for i in index.form_range(p) if index.forms[i].kind == NAME]
        if p in retrieved.best_form:
            looked.append(retrieved.best_form[p])
        for i in looked:
            total = index.form_total[i]
            form = index.forms[i]
            cov = sum(w for t, w in zip(form.folded, index.form_weights[i], strict=True) if t in present) / total if total else 0.0
            if cov > best_cov:
                best_cov, best_form = cov, form
            if total:
                focus_cov = sum(w for t, w in zip(form.folded, index.form_weights[i], strict=True) if t in focus_present)
                f["focus_cov"] = max(f["focus_cov"], focus_cov / total)
        if best_form is not None:
            f["name_cov"] = best_cov
            f["name_cov_acc"] = _accent_coverage(best_form, spellings, idf) if typed_accented else best_cov
            f["form_alias"] = float(best_form.kind == ALIAS)
            f["form_example"] = float(best_form.kind == EXAMPLE)
            f["form_len"] = len(best_form.folded)
            pairs = list(zip(best_form.folded, best_form.folded[1:], strict=False))
            f["order"] = sum(1 for pair in pairs if pair in q_bigrams) / len(pairs) if pairs else best_cov
        vocab = index.proc_folded[p]
        f["q_cov"] = _coverage(qf, vocab, idf) if qf else 0.0
        if typed_accented:
            acc_vocab = index.proc_accented[p]
            hits = [t for t in qa if t in acc_vocab or (fold_word(t) == t and t in vocab)]
            f["q_cov_acc"] = len(hits) / len(qa)
        else:
            f["q_cov_acc"] = f["q_cov"]
        unexplained = [idf[t] for t in qf if t in idf and t not in vocab]
        f["unexplained_idf"] = max(unexplained) / max_idf if unexplained else 0.0
        f["unexplained_n"] = len(unexplained)
        f["variant_missing"] = sum(1 for v in q_variants if v not in index.variants[p])
        f["variant_extra"] = sum(1 for v in index.name_variants[p] if v not in q_variants)
        f["subject_missing"] = sum(1 for s in q_subjects if s not in index.subjects[p])
        if q_levels:
            levels = doc.levels.lower()
            match = any(any(w in levels for w in _LEVEL_WORDS.get(lv, ())) for lv in q_levels)
            f["level"] = 1.0 if match else -1.0
        f["age"] = age_fit(index, p, q.ages)
        f["log_usage"] = math.log1p(doc.usage_weight or 0.0)
        f["has_usage"] = float(doc.usage_weight is not None)
        f["has_details"] = float(doc.has_details)
        f["group_size"] = group_count[index.group[p]]
        f["ctx_last"] = float(doc.code in context.last_codes)
        f["ctx_offered"] = float(doc.code in context.offered_codes)
        f["code_typed"] = float(doc.code in codes_typed)
        rows[r, :base] = [f[name] for name in BASE_FEATURES]
    index_of = {name: i for i, name in enumerate(BASE_FEATURES)}
    for k, name in enumerate(RELATIVE):
        col = rows[:, index_of[name]]
        best = col.min() if name in _LOWER_IS_BETTER else col.max()
        rows[:, base + k] = col - best
    return rows
