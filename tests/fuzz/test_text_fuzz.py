"""Property-based tests: the normaliser and the tokenizer accept any text a citizen can send."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.nlu.segment import segment
from bot.text.normalize import fold, has_tone_marks, normalize, strip_diacritics

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
citizen_text = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from(list(VIETNAMESE + VIETNAMESE.upper() + " ?.,!_-\n\t0123456789")), max_size=300),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300),
)


@given(citizen_text)
def test_normalize_is_total_and_idempotent(text):
    once = normalize(text)
    assert isinstance(once, str)
    assert normalize(once) == once
    assert once == once.strip()


@given(citizen_text)
def test_fold_gives_lowercase_words_without_tone_marks(text):
    folded = fold(text)
    assert fold(folded) == folded
    assert not has_tone_marks(folded)
    assert folded == folded.lower() or not folded.isascii()
    assert "  " not in folded and "đ" not in folded
    assert strip_diacritics(folded) == folded


@settings(max_examples=150, deadline=None)  # underthesea loads its model on the first call
@given(citizen_text)
def test_segment_returns_exact_spans_in_order(text):
    spans = segment(text)
    end = 0
    for span in spans:
        assert text[span.start:span.end] == span.text
        assert span.start >= end and span.end > span.start
        assert span.text.strip() == span.text
        end = span.end
