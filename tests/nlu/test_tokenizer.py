"""The underthesea tokenizer: Vietnamese words as tokens whose offsets always match the message."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.segment import segment
from bot.nlu.tokenizer import UndertheseaTokenizer


def _tokens(text: str):
    tokenizer = UndertheseaTokenizer(UndertheseaTokenizer.get_default_config())
    return tokenizer.tokenize(Message(data={"text": text}), "text")


def test_multi_syllable_words_are_one_token():
    words = [t.text for t in _tokens("Mần răng để đăng ký thường trú cho con?")]
    assert "đăng ký" in words and "thường trú" in words


def test_lemma_is_accent_folded_so_features_match_unaccented_text():
    lemmas = [t.lemma for t in _tokens("Đăng ký tạm trú")]
    assert lemmas[0] == "dang ky"


def test_new_style_tone_marks_keep_exact_offsets():
    text = "Thủ tục hoà giải  và thuỷ lợi"
    for t in _tokens(text):
        assert text[t.start : t.end] == t.text


def test_application_codes_and_phone_numbers_survive():
    text = "hồ sơ 000.00.23.H56-250101-0001 số 0912345678"
    for t in _tokens(text):
        assert text[t.start : t.end] == t.text
    assert "0912345678" in [t.text for t in _tokens(text)]


def test_empty_message_gets_a_token_rasa_can_handle():
    assert len(_tokens("")) == 1


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text(max_size=200))
def test_offsets_always_match_for_any_unicode(text):
    for t in _tokens(text):
        assert text[t.start : t.end] == t.text
        assert t.start <= t.end


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aăâeêioôơuưyđ àáảãạèéẻẽẹ\u0300\u0301\u0309\u0303\u0323 Ð.,?")), max_size=80))
def test_vietnamese_like_noise_never_breaks_alignment(text):
    spans = segment(text)
    assert all(text[s.start : s.end] == s.text for s in spans)
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:], strict=False))
