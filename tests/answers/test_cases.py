"""Choosing the case a question describes by rarity-weighted word overlap (no word lists)."""

from __future__ import annotations

from bot.answers.cases import case_scores, choose_case

CASES = [
    "Trường hợp chuyển nhượng quyền sử dụng đất",
    "Trường hợp thừa kế quyền sử dụng đất",
    "Trường hợp tặng cho quyền sử dụng đất",
]


def test_words_every_case_shares_tell_nothing():
    assert choose_case(CASES, "làm giấy tờ đất") == ""
    assert case_scores(CASES, "quyền sử dụng đất") == [0.0, 0.0, 0.0]


def test_the_case_sharing_a_telling_word_wins_with_or_without_diacritics():
    assert choose_case(CASES, "được bố mẹ tặng cho đất thì cần gì") == CASES[2]
    assert choose_case(CASES, "nhan thua ke dat") == CASES[1]


def test_two_word_phrases_count_more_than_single_words():
    names = ["Hạng xe mô tô A1", "Hạng xe ô tô B", "Xe tô màu"]
    assert choose_case(names, "thi bằng ô tô") == "Hạng xe ô tô B"


def test_no_hint_or_no_cases():
    assert choose_case(CASES, "") == "" and choose_case([], "đất") == ""


def test_a_short_syllable_alone_does_not_choose_a_case():
    names = ["Đăng ký vào chỗ ở của mình", "Người được nhận vào hộ gia đình chăm sóc"]
    assert choose_case(names, "chuyen ho khau ve nha chong") == ""
    assert choose_case(["Hạng A1, A2", "Hạng B1"], "thi bằng A1") == "Hạng A1, A2"
