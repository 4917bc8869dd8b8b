"""The vocabulary is data: the matcher applies it, accent-aware, without knowing any word itself."""

from __future__ import annotations

from bot.understanding.lexicon import CUE, SAFETY, SYNONYM, VARIANT, Entry, Lexicon, load_files, words


def test_every_lexicon_file_loads_with_known_kinds():
    entries = load_files()
    kinds = {e.kind for e in entries}
    assert {SYNONYM, CUE, SAFETY, VARIANT} <= kinds
    assert all(e.phrase.strip() for e in entries)


def test_synonyms_rewrite_dialect_and_abbreviations(lexicon):
    assert lexicon.rewrite(words("mần cccd ở mô")) == words("làm căn cước ở đâu")
    assert lexicon.rewrite(words("lam cccd o mo")) == ["lam", *words("căn cước ở đâu")]


def test_a_word_typed_with_accents_only_matches_the_same_accents():
    lex = Lexicon([Entry(SYNONYM, "chi", "gì")])
    assert lex.rewrite(["cần", "chi"]) == ["cần", "gì"]
    assert lex.rewrite(["chị", "ơi"]) == ["chị", "ơi"]  # "chị" is not the dialect "chi"
    assert lex.rewrite(["chi"]) == ["gì"]  # typed bare: any accented spelling


def test_accents_required_entries_leave_bare_spellings_alone():
    lex = Lexicon([Entry(SYNONYM, "tê", "kia", accents_required=True)])
    assert lex.rewrite(["tê"]) == ["kia"]
    assert lex.rewrite(["te"]) == ["te"]  # could be "tế" (y tế)


def test_stop_words_keep_bare_spellings_that_names_use(lexicon):
    assert lexicon.is_stop("cần")
    assert not lexicon.is_stop("can", name_words=frozenset({"can", "cuoc"}))  # may be "căn"
    assert lexicon.is_stop("toi", name_words=frozenset({"can"}))


def test_safety_patterns_use_sets_and_gaps():
    lex = Lexicon([Entry("set", "doc", "căn cước|hộ chiếu"), Entry(SAFETY, "chụp *2 {doc} gửi", "sensitive")])
    assert lex.concerns(words("chụp hai mặt căn cước gửi qua zalo")) == [("sensitive", "chụp *2 {doc} gửi")]
    assert lex.concerns(words("chụp ảnh thẻ để làm hộ chiếu")) == []


def test_question_phrases_are_masked_not_removed(lexicon):
    tokens = words("đổi căn cước mất bao lâu")
    mask = lexicon.question_mask(tokens)
    assert [t for t, m in zip(tokens, mask, strict=True) if not m] == words("đổi căn cước")
