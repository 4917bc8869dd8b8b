"""Labelled training questions: generated from the knowledge base, plus every real labelled question.

Generated questions take what citizens call a procedure (an alias, or its official name cut the
way people shorten it) and put it into a phrasing of data/understanding/templates.yml, then
transform it the way citizens write: no accents, dialect and chat spellings (the lexicon's
synonyms read backwards), typos, personal context before the question. Questions about things no
procedure covers are made by mixing everyday words into procedure wording; the right answer to
those is "not in our data".
"""

from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.settings import PROJECT_ROOT
from bot.text.normalize import strip_diacritics
from bot.understanding.features import Context
from bot.understanding.index import ProcedureIndex, name_forms
from bot.understanding.lexicon import SYNONYM, fold_word, words

TEMPLATES = PROJECT_ROOT / "data" / "understanding" / "templates.yml"
LABELLED_DIR = PROJECT_ROOT / "data" / "understanding" / "labelled"
# The real questions of the evaluation set's dev split (Apache-2.0), read where the checkout has them.
SHARED_DEV_SET = PROJECT_ROOT.parent / "shared" / "data" / "eval" / "citizen-questions-dev.jsonl"
FACTS = ("documents", "time", "fee", "place", "online", "steps", "conditions", "legal_basis", "overview")
# How often each fact is asked (documents, time and fee most).
FACT_WEIGHTS = (0.2, 0.18, 0.18, 0.12, 0.08, 0.08, 0.04, 0.02, 0.1)


@dataclass(frozen=True)
class Labelled:
    """A question and the procedures that answer it (none: the bot should say it has no such procedure)."""

    text: str
    gold: tuple[str, ...]
    fact: str | None = None
    context: Context = field(default_factory=Context)
    source: str = "generated"
    # Several procedures fit equally ("làm căn cước" without an age): the bot should ask, not pick one.
    ambiguous: bool = False


@dataclass
class Templates:
    facts: dict[str, list[str]]
    follow_ups: dict[str, list[str]]
    contexts: list[str]
    places: list[str]
    closings: list[str]
    foreign_words: list[str]
    unknown_patterns: list[str]

    @classmethod
    def load(cls, path: Path = TEMPLATES) -> Templates:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return cls(
            facts=data["facts"],
            follow_ups=data.get("follow_ups") or {},
            contexts=data.get("contexts") or [],
            places=data.get("places") or ["Đông Hà"],
            closings=data.get("closings") or [""],
            foreign_words=data.get("foreign_words") or [],
            unknown_patterns=data.get("unknown_patterns") or [],
        )


class Writer:
    """Turns procedure wording into questions the way citizens write them."""

    def __init__(self, index: ProcedureIndex, templates: Templates, rng: random.Random) -> None:
        self.index = index
        self.t = templates
        self.rng = rng
        # The lexicon's synonyms read backwards: standard word -> what citizens type instead.
        self.colloquial: dict[str, list[str]] = defaultdict(list)
        for e in index.lexicon.entries:
            if e.kind == SYNONYM and e.value and len(words(e.phrase)) <= 2:
                self.colloquial[" ".join(words(e.value))].append(" ".join(words(e.phrase)))
        self.foreign = list(templates.foreign_words)
        self.folded_names = [" " + " ".join(fold_word(t) for t in tokens) + " " for tokens in index.name_tokens]

    # --- what the citizen calls the procedure -----------------------------------------------

    def subject(self, p: int) -> str:
        doc = self.index.docs[p]
        if doc.aliases and self.rng.random() < 0.5:
            return self.rng.choice(doc.aliases)
        forms = name_forms(doc.name)
        name = self.rng.choice(forms[1:] or forms)
        tokens = [w for w in words(re.sub(r"\([^)]*\)", " ", name))]
        roll = self.rng.random()
        if roll < 0.35 or len(tokens) <= 4:
            return " ".join(tokens)
        if roll < 0.7:
            # People drop the qualifiers at the end of long names.
            keep = self.rng.randint(min(4, len(tokens)), min(len(tokens), 9))
            return " ".join(tokens[:keep])
        # ...or leave out a few common words anywhere.
        idf = self.index.idf
        scored = sorted(range(len(tokens)), key=lambda i: idf.get(fold_word(tokens[i]), 0.0))
        drop = set(scored[: self.rng.randint(1, max(1, len(tokens) // 3))])
        kept = [t for i, t in enumerate(tokens) if i not in drop]
        return " ".join(kept[:10])

    # --- how the citizen writes ---------------------------------------------------------------

    def phrase(self, subject: str, fact: str) -> str:
        return self.rng.choice(self.t.facts[fact]).format(s=subject)

    def dress(self, text: str, *, story: bool = True) -> str:
        """Personal context before (unless ``story`` is off), closings after, then dialect, typos or no accents."""
        r = self.rng.random
        if story and r() < 0.18 and self.t.contexts:
            context = self.rng.choice(self.t.contexts).format(
                age=self.rng.randint(6, 80), place=self.rng.choice(self.t.places)
            )
            text = f"{context} {text[0].upper()}{text[1:]}"
        text += self.rng.choice(self.t.closings)
        if r() < 0.35:
            text = self.colloquialise(text)
        if r() < 0.15:
            text = self.typo(text)
        if r() < 0.3:
            text = strip_diacritics(text)
        if r() < 0.5:
            text = text.lower()
        return text + ("?" if r() < 0.4 else "")

    def colloquialise(self, text: str) -> str:
        tokens = words(text)
        out: list[str] = []
        i = 0
        while i < len(tokens):
            for n in (2, 1):
                key = " ".join(tokens[i : i + n])
                if len(tokens[i : i + n]) == n and key in self.colloquial and self.rng.random() < 0.6:
                    out.append(self.rng.choice(self.colloquial[key]))
                    i += n
                    break
            else:
                out.append(tokens[i])
                i += 1
        return " ".join(out)

    def typo(self, text: str) -> str:
        tokens = text.split()
        long = [i for i, t in enumerate(tokens) if len(t) >= 4 and t.isalpha()]
        if not long:
            return text
        i = self.rng.choice(long)
        w = tokens[i]
        k = self.rng.randrange(1, len(w) - 1)
        kind = self.rng.random()
        if kind < 0.4:
            w = w[:k] + w[k + 1 :]
        elif kind < 0.7:
            w = w[:k] + w[k + 1] + w[k] + w[k + 2 :]
        else:
            w = w[:k] + w[k] + w[k:]
        tokens[i] = w
        return " ".join(tokens)

    def foreignise(self, subject: str) -> str | None:
        """Procedure wording about something no procedure covers: the whole procedure for an everyday
        thing ("căn cước cho con mèo"), or its most specific words replaced by one."""
        if not self.foreign:
            return None
        if self.t.unknown_patterns and self.rng.random() < 0.5:
            return self.rng.choice(self.t.unknown_patterns).format(s=subject, x=self.rng.choice(self.foreign))
        tokens = words(subject)
        idf = self.index.idf
        ranked = sorted(range(len(tokens)), key=lambda i: -idf.get(fold_word(tokens[i]), 0.0))
        if len(tokens) < 2:
            return f"{subject} {self.rng.choice(self.foreign)}"
        keep = set(ranked[len(ranked) // 2 :])
        kept = [t for i, t in enumerate(tokens) if i in keep]
        return " ".join([*kept[:3], self.rng.choice(self.foreign)])


def _clarification_answer(index: ProcedureIndex, w: Writer, p: int, gold: tuple[str, ...]) -> Labelled | None:
    """After "Có phải bạn hỏi về …?" with p and its look-alikes, the words that tell p apart."""
    from bot.understanding.query import analyse

    query = analyse(index.docs[p].name, lexicon=index.lexicon, name_words=index.name_words)
    retrieved = index.retrieve(query, limit=8)
    others = [q for q in retrieved.candidates if index.group[q] != index.group[p]][:2]
    if not others:
        return None
    theirs = {t for q in others for t in index.name_tokens[q]}
    own = [t for t in index.name_tokens[p] if t not in theirs and t not in index.lexicon.stop_words]
    if not own:
        return None
    start = w.rng.randrange(len(own))
    text = " ".join(own[start : start + w.rng.randint(1, 3)])
    offered = (*gold, *(index.docs[q].code for q in others))
    return Labelled(w.dress(text, story=False), gold, None, Context(offered_codes=offered), source="generated-clarification")


def _ambiguous_mention(index: ProcedureIndex, w: Writer, p: int, fact: str) -> Labelled | None:
    """The first words of a name that several procedures share ("thẻ căn cước"): a question the bot
    should answer by asking which one is meant."""
    tokens = [t for t in index.name_tokens[p] if t not in index.lexicon.stop_words]
    if len(tokens) < 3:
        return None
    mention = tokens[: w.rng.randint(2, 3)]
    key = " " + " ".join(fold_word(t) for t in mention) + " "
    groups = {index.group[q] for q, name in enumerate(w.folded_names) if key in name}
    if not 2 <= len(groups) <= 6:
        return None
    gold = tuple(index.docs[q].code for q in range(index.size) if index.group[q] in groups)
    return Labelled(w.dress(w.phrase(" ".join(mention), fact)), gold, fact, source="generated-ambiguous",
                    ambiguous=True)


def generate(
    index: ProcedureIndex,
    *,
    templates: Templates | None = None,
    per_procedure: int = 3,
    seed: int = 0,
    procedures: Sequence[int] | None = None,
    negatives: float = 0.08,
    follow_ups: float = 0.08,
    clarifications: float = 0.06,
    ambiguous: float = 0.05,
) -> list[Labelled]:
    """Questions for every procedure (or the given ones), popular ones asked more often."""
    t = templates or Templates.load()
    rng = random.Random(seed)
    w = Writer(index, t, rng)
    chosen = list(procedures) if procedures is not None else list(range(index.size))
    groups: dict[str, list[int]] = defaultdict(list)
    for p in range(index.size):
        groups[index.group[p]].append(p)
    out: list[Labelled] = []
    for p in chosen:
        doc = index.docs[p]
        gold = tuple(index.docs[q].code for q in groups[index.group[p]])
        n = per_procedure + (2 if doc.usage_weight else 0) + (1 if doc.aliases else 0)
        for _ in range(n):
            fact = rng.choices(FACTS, FACT_WEIGHTS)[0]
            subject = w.subject(p)
            out.append(Labelled(w.dress(w.phrase(subject, fact)), gold, fact))
            roll = rng.random()
            if roll < negatives:
                foreign = w.foreignise(subject)
                if foreign:
                    out.append(Labelled(w.dress(w.phrase(foreign, fact)), (), fact, source="generated-negative"))
            elif roll < negatives + follow_ups and t.follow_ups:
                f2 = rng.choice(list(t.follow_ups))
                follow = w.dress(rng.choice(t.follow_ups[f2]))
                out.append(Labelled(follow, gold, f2, Context(last_codes=gold), source="generated-follow-up"))
            elif roll < negatives + 2 * follow_ups:
                # A new topic after another procedure: the question's own procedure wins.
                other = rng.randrange(index.size)
                last = tuple(index.docs[q].code for q in groups[index.group[other]])
                if index.group[other] != index.group[p]:
                    out.append(Labelled(w.dress(w.phrase(w.subject(p), fact)), gold, fact, Context(last_codes=last),
                                        source="generated-switch"))
            elif roll < negatives + 2 * follow_ups + clarifications:
                typed = _clarification_answer(index, w, p, gold)
                if typed is not None:
                    out.append(typed)
            elif roll < negatives + 2 * follow_ups + clarifications + ambiguous:
                vague = _ambiguous_mention(index, w, p, fact)
                if vague is not None:
                    out.append(vague)
    return out


# --- real labelled questions ------------------------------------------------------------------

_ANSWER = {"answer", "answer_or_clarify"}
_NO_PROCEDURE = {"not_in_data", "out_of_domain"}


def from_eval_items(items: Iterable[dict], source: str) -> list[Labelled]:
    """Labelled questions from the evaluation format (single questions and conversations)."""
    out: list[Labelled] = []
    for item in items:
        last: tuple[str, ...] = ()
        for turn in item.get("turns") or [item]:
            expect = turn.get("expect") or "answer"
            codes = tuple(c for c in [turn.get("gold_procedure_id"), *(turn.get("also_accept") or [])] if c)
            fact = turn.get("gold_fact")
            if expect in _ANSWER and codes:
                out.append(Labelled(turn["question"], codes, fact, Context(last_codes=last), source,
                                    ambiguous=expect == "answer_or_clarify"))
                last = codes
            elif expect in _NO_PROCEDURE or (
                expect == "refuse_or_escalate" and not codes and item.get("kind") in ("out_of_kb", "out_of_domain")
            ):
                out.append(Labelled(turn["question"], (), fact, Context(last_codes=last), source))
    return out


def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def labelled_files(directory: Path = LABELLED_DIR) -> list[Path]:
    files = sorted(directory.glob("*.jsonl"))
    return [*files, SHARED_DEV_SET] if SHARED_DEV_SET.exists() else files


def load_labelled(paths: Iterable[Path] | None = None) -> list[Labelled]:
    """Every real labelled question in the project's files (conversation turns keep their context)."""
    out: list[Labelled] = []
    for path in labelled_files() if paths is None else paths:
        out += from_eval_items(load_jsonl(path), path.stem)
    return out


def searchable(examples: Iterable[Labelled]) -> list[tuple[str, str, str, str]]:
    """(text, code, fact, source file) of the labelled questions that name their procedure on their own.

    A follow-up ("còn lệ phí thì sao?") means something only after the turn before it: it is a
    training example but never a phrasing of a procedure. Questions about nothing we have get "".
    """
    return [(e.text, e.gold[0] if e.gold else "", e.fact or "", e.source) for e in examples if not e.context.last_codes]
