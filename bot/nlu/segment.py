"""Vietnamese word segmentation that always returns exact spans of the input text.

underthesea joins syllables into words; we map every syllable back onto the original string, so
callers (the Rasa tokenizer) get offsets that are true substrings whatever the input contains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.text.normalize import fold, normalize

_CHUNK = re.compile(r"\S+")
# underthesea's CRF is slow on pathological input; beyond this we segment by whitespace only.
MAX_SEGMENT_CHARS = 2000


@dataclass(frozen=True)
class Span:
    """A word of the input: ``text == source[start:end]``; ``key`` is its folded form for features."""

    text: str
    start: int
    end: int
    key: str


@lru_cache(maxsize=1)
def _word_tokenize():  # type: ignore[no-untyped-def]
    from underthesea import word_tokenize

    return word_tokenize


def _syllable_spans(text: str) -> list[tuple[int, int, bool]]:
    """Syllable-level spans of ``text`` with a flag: True when the span starts a new word."""
    chunks = [(m.start(), m.end()) for m in _CHUNK.finditer(text)]
    if not chunks:
        return []
    normalized = [normalize(text[s:e]) for s, e in chunks]
    if len(text) > MAX_SEGMENT_CHARS or any(not n or " " in n for n in normalized):
        return [(s, e, True) for s, e in chunks]
    words = _word_tokenize()(" ".join(normalized), use_token_normalize=False)

    spans: list[tuple[int, int, bool]] = []
    chunk_idx, pos_in_chunk = 0, 0
    for word in words:
        for syl_idx, syllable in enumerate(word.split()):
            starts_word = syl_idx == 0
            while chunk_idx < len(chunks):
                start, end = chunks[chunk_idx]
                original, norm = text[start:end], normalized[chunk_idx]
                if norm != original:
                    # Normalisation changed this chunk: keep it whole, offsets stay exact.
                    spans.append((start, end, starts_word))
                    chunk_idx, pos_in_chunk = chunk_idx + 1, 0
                    break
                found = original.find(syllable, pos_in_chunk)
                if found < 0:
                    # underthesea rewrote the syllable: take the rest of the chunk as is.
                    spans.append((start + pos_in_chunk, end, starts_word))
                    chunk_idx, pos_in_chunk = chunk_idx + 1, 0
                    break
                if found > pos_in_chunk:
                    spans.append((start + pos_in_chunk, start + found, True))
                spans.append((start + found, start + found + len(syllable), starts_word))
                pos_in_chunk = found + len(syllable)
                if pos_in_chunk >= len(original):
                    chunk_idx, pos_in_chunk = chunk_idx + 1, 0
                break
    # Whatever underthesea did not account for is kept as its own word.
    if chunk_idx < len(chunks):
        start, end = chunks[chunk_idx]
        spans.append((start + pos_in_chunk, end, True))
        spans.extend((s, e, True) for s, e in chunks[chunk_idx + 1 :])
    return [s for s in spans if s[1] > s[0]]


def segment(text: str) -> list[Span]:
    """Words of ``text`` (multi-syllable words keep their inner spaces) with exact offsets."""
    if not text or not text.strip():
        return []
    words: list[tuple[int, int]] = []
    for start, end, starts_word in _syllable_spans(text):
        if words and not starts_word and text[words[-1][1] : start].strip() == "":
            words[-1] = (words[-1][0], end)
        else:
            words.append((start, end))
    return [Span(text[s:e], s, e, fold(text[s:e]) or text[s:e].lower()) for s, e in words]
