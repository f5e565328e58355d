"""Tokens: jieba words with numbers and units kept whole, one normalisation both sides."""

from index.normalize import normalize
from index.tokenizer import char_bigrams, index_terms, tokenize


def test_numbers_keep_their_units():
    assert "28家" in tokenize("全区“红色之家”已建成28家。")
    assert "3万毫升" in tokenize("7台采血车共计采血3万毫升")
    assert "5-7天" in tokenize("极易在5-7天内出现重症肺炎")
    assert "2.18万名" in tokenize("推选邻长2.18万名")
    assert "2023年" in tokenize("2023 年，雨花区")


def test_stop_words_and_punctuation_are_dropped():
    tokens = tokenize("雨花区有多少红色之家？")
    assert "？" not in tokens and "有" not in tokens and "多少" not in tokens
    assert "雨花区" in tokens


def test_traditional_and_full_width_are_normalised():
    assert normalize("雨花區有多少紅色之家") == "雨花区有多少红色之家"
    assert tokenize("已建成２８家") == tokenize("已建成28家")
    assert tokenize("雨花區") == tokenize("雨花区")


def test_character_pairs_bridge_different_cuts():
    assert "望城" in char_bigrams("长沙市望城区")
    assert set(index_terms("望城区")) & set(index_terms("望城"))


def test_tokenize_never_raises_on_odd_input():
    for text in ["", " ", "\x00\x01", "🙂🙂", "<b>&amp;", "a" * 5000, "１２３"]:
        assert isinstance(tokenize(text), list)
