"""Normalisation and folding: the one place Vietnamese text is made comparable."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from bot.text.normalize import fold, normalize


def test_new_style_tone_marks_become_traditional():
    assert normalize("hoà giải, thuỷ lợi, khoẻ") == "hòa giải, thủy lợi, khỏe"


def test_closed_syllables_and_qu_keep_their_marks():
    assert normalize("hoàng quý thuyền") == "hoàng quý thuyền"


def test_syllables_with_other_vowel_marks_keep_their_tone_in_place():
    # After NFD the tone sits before the breve/circumflex: they must not look like open syllables.
    assert normalize("hoặc kỹ thuật khuyết tật") == "hoặc kỹ thuật khuyết tật"


def test_lookalike_eth_becomes_vietnamese_d():
    assert normalize("\u00d0ăng ký") == "Đăng ký"


def test_spaces_and_control_characters_collapse():
    assert normalize("  đăng\u00a0 ký\t\u200b tạm  trú \x00") == "đăng ký tạm trú"


def test_decomposed_input_is_composed():
    assert normalize(unicodedata.normalize("NFD", "Mần răng")) == "Mần răng"


def test_fold_removes_accents_case_and_punctuation():
    assert fold("Đăng ký THƯỜNG TRÚ?!") == "dang ky thuong tru"
    assert fold("hoà") == fold("hòa") == "hoa"


@given(st.text())
def test_normalize_is_idempotent(text):
    once = normalize(text)
    assert normalize(once) == once


@given(st.text())
def test_fold_output_is_plain_lowercase_words(text):
    folded = fold(text)
    assert folded == folded.lower()
    assert "  " not in folded and folded == folded.strip()
