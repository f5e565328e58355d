"""Tokens: jieba words with numbers and units kept whole, one normalisation both sides."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.normalize import in_script_of, normalize
from index.passages.tokenizer import SEP, char_bigrams, index_terms, pair_term, tokenize, tokenize_many


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


pieces = st.sampled_from(
    [
        "雨花区",
        "紅色之家",
        "２８家",
        "5 万",
        "2.18万名",
        "第5位",
        "ΑΣ",
        "ａｂｃ",
        " ",
        "，",
        "。",
        "\x00",
        "\ufffd",
        "e\u0301",
        "\u0301",
        "㎡",
        "望城区",
        "OR 1=1",
        "5-7天",
        "長沙",
        "\n",
    ]
)
texts = st.lists(st.lists(pieces, max_size=8).map("".join), max_size=6)


@given(texts)
@settings(max_examples=300, deadline=None)
def test_tokenising_texts_together_gives_each_its_own_terms(texts):
    """What a reindex stores and counts for each sentence (tokenize_many) is what
    index_terms gives that sentence alone."""
    words, pairs = tokenize_many(texts)
    joined = pairs.joined()
    assert len(joined) == len(texts) == pairs.n
    assert pairs.joined([0]) == joined[:1] + [""] * (len(texts) - 1)  # only the texts asked for
    together = " ".join(words).split(SEP)
    for i, text in enumerate(texts):
        alone = index_terms(text)
        n_words = len(tokenize(text))
        assert together[i].split() == alone[:n_words]
        assert joined[i].split() == alone[n_words:]
        assert [pair_term(c) for c in pairs.codes[pairs.text == i].tolist()] == alone[n_words:]


def test_general_counts_are_jiebas_without_loading_jieba():
    """How rare a word is in Chinese at large decides whether a question's name is a fact the
    corpus lacks: the counts must be jieba's own, for listed words, prefixes and strangers
    alike ("nm" and "浮" share a str hash; jieba lists only 浮)."""
    import jieba

    from index.passages.tokenizer import general_count, general_total

    jieba.setLogLevel(60)
    jieba.dt.check_initialized()
    for word in ["中国", "雨花区", "浮", "nm", "QQ", "红色之家", "量子计算机", "x"]:
        assert general_count(word) == jieba.dt.FREQ.get(word, 0), word
    assert general_total() == jieba.dt.total


@pytest.mark.parametrize(
    "text, others, expected",
    [
        ("清河這條河有多長", ["清河全长56公里。", "沿岸新建湿地公园4座。"], "清河这条河有多长"),
        ("清河这条河有多长", ["清河全長56公里。", "沿岸新建濕地公園4座。"], "清河這條河有多長"),
        ("清河這條河有多長", ["清河全長56公里。"], "清河這條河有多長"),  # already in their script
        ("清河有多长", ["56", "公里"], "清河有多长"),  # they are of neither script
    ],
)
def test_in_script_of(text, others, expected):
    assert in_script_of(text, others) == expected
