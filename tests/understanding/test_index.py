"""Retrieval finds candidates by accent-free words, accented words, secondary fields and character n-grams."""

from __future__ import annotations

from bot.understanding.query import analyse


def _top(index, text, view="bm25_folded", n=3):
    q = analyse(text, lexicon=index.lexicon, name_words=index.name_words)
    r = index.retrieve(q)
    scores = getattr(r, view)
    return [index.docs[p].code for p in sorted(r.candidates, key=lambda p: -float(scores[p]))[:n]]


def test_words_and_aliases_find_the_procedure(small_index):
    assert _top(small_index, "đăng ký tạm trú cần giấy tờ gì")[0] == "1.004194"
    assert _top(small_index, "nhap ho khau cho con")[0] == "1.004222"
    assert _top(small_index, "mần cái hộ chiếu mấy ngày")[0] == "1.001456"


def test_typos_and_sound_alikes_are_corrected_against_name_words(small_index):
    assert _top(small_index, "đăng ký thường chú")[0] == "1.004222"
    assert _top(small_index, "dang ky tam truu")[0] == "1.004194"


def test_accents_the_citizen_typed_count(small_index):
    q = analyse("phí thi thực hành bằng lái", lexicon=small_index.lexicon, name_words=small_index.name_words)
    r = small_index.retrieve(q)
    visa, licence = small_index.by_code["1.001146"], small_index.by_code["3.000346"]
    assert r.bm25_accented[licence] > r.bm25_accented[visa]


def test_level_variants_share_a_group(small_index):
    groups = {small_index.docs[i].code: g for i, g in enumerate(small_index.group)}
    assert groups["2.001195"] == groups["1.014063"]
    assert groups["2.001195"] != groups["2.001194"]


def test_conversation_procedures_are_always_candidates(small_index):
    q = analyse("còn lệ phí thì sao", lexicon=small_index.lexicon, name_words=small_index.name_words)
    r = small_index.retrieve(q, extra=[small_index.by_code["1.004222"]])
    assert small_index.by_code["1.004222"] in r.candidates
