"""Properties over arbitrary input (hypothesis): cleaning never raises, keeps every passage
traceable to its source and is idempotent; tokenising never raises; ranking returns at
most k passages, best first, for any question.

Idempotence, precisely: let T be the texts of clean(s). Cleaning T again, one passage a
paragraph, gives passages whose text, white space removed and joined, is exactly T's:
already clean text loses nothing more, gains nothing, keeps its order. Passage *bounds*
may move, since the headings that split T's passages apart are not in T. It is claimed
for passages that end a sentence: a fragment without one ("党建引领 基层治理") is a
heading when it stands alone, so cleaning it again makes it a title.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from index.passages.cleaning import clean
from index.passages.lines import ends_sentence, is_doubled
from index.passages.tokenizer import SENTENCE_SEP, tokenize

FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def squeeze(s: str) -> str:
    return re.sub(r"\s", "", s)


def is_subsequence(small: str, big: str) -> bool:
    it = iter(big)
    return all(c in it for c in small)


# ---- strategies ------------------------------------------------------------------------

HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF)
word = st.text(HAN, min_size=1, max_size=4)
piece = st.sampled_from(["", "", "", "，", "、", " ", "“", "”", "28家", "3.5 平方公里", "（记者 张三）", "2023年"])
sentence = st.builds(
    lambda words, seps, end: "".join(w + s for w, s in zip(words, seps)) + end,
    st.lists(word, min_size=1, max_size=12),
    st.lists(piece, min_size=12, max_size=12),
    st.sampled_from(["。", "！", "？", "；", "……", "。”", ""]),
)
paragraph = st.lists(sentence, min_size=1, max_size=6).map("".join)
heading = st.text(HAN, min_size=2, max_size=20)
byline = st.builds(lambda name: "记者 " + name, st.text(HAN, min_size=2, max_size=3))


def _wrap(p: str, width: int) -> str:
    """A paragraph set in a newspaper column: `width` characters a line, blank lines between."""
    return "\n\n".join(p[i : i + width] for i in range(0, len(p), width)) if width else p


# Document-like text: paragraphs, headings and bylines, as prose or as narrow columns.
documents = st.builds(
    lambda blocks, width, sep: sep.join(_wrap(b, width) for b in blocks),
    st.lists(st.one_of(paragraph, paragraph, paragraph, heading, byline), max_size=12),
    st.sampled_from([0, 0, 12, 14, 40]),
    st.sampled_from(["\n", "\n\n", "\r\n", "\n\n\n"]),
)
# Anything at all, lone surrogates and controls included.
anything = st.text(st.characters(categories=("L", "M", "N", "P", "S", "Z", "C")), max_size=300)
# Chinese-looking text with every kind of white space and line break.
chinese = st.text(
    st.one_of(HAN, st.sampled_from(list("。，、；：？！“”（）——… \u3000\t\n\n\r\x0c\u2028\ufeff28aB%"))), max_size=600
)
texts = st.one_of(documents, anything, chinese)
sizes = st.tuples(st.integers(10, 400), st.integers(0, 200))


# ---- cleaning ------------------------------------------------------------------------


@FAST
@given(texts, sizes)
@example("目前，全区“红色之家”已建成28家。\n\n长沙市雨花区鸟瞰一长沙市雨花区鸟瞰一\n正文继续。", (220, 60))
def test_cleaning_never_raises_and_passages_come_from_their_source(source, size):
    max_chars, min_chars = size
    passages = clean(source, max_chars, min_chars)
    for p in passages:
        assert 0 <= p.start < p.end <= len(source)
        assert p.text.strip() and "".join(p.sentences) == p.text
        # First and last characters are the source's own, and everything between is
        # the source span less white space (and less debris cut out of the middle).
        assert p.text[0] == source[p.start] and p.text[-1] == source[p.end - 1]
        assert is_subsequence(squeeze(p.text), squeeze(source[p.start : p.end]))
        assert len(p.text) <= 2 * max_chars  # one sentence is cut at twice the bound
    starts = [p.start for p in passages]
    assert starts == sorted(starts)


def _ends_cleanly(p) -> bool:
    return ends_sentence(p.text) and not is_doubled(p.text)


@FAST
@given(documents, st.sampled_from(["\n\n", "\n"]))
def test_cleaning_is_idempotent(source, joiner):
    first = clean(source)
    assume(all(_ends_cleanly(p) for p in first))
    again = clean(joiner.join(p.text for p in first))
    assert squeeze("".join(p.text for p in again)) == squeeze("".join(p.text for p in first))


# Known cleaning bugs, for the lead (index/passages/cleaning.py); each a minimal example.


def test_offsets_count_a_leading_byte_order_mark():
    source = "\ufeff今天天气很好，我们一起去附近的公园散步。然后回家吃饭，晚上看书学习。"
    p = clean(source)[0]
    assert source[p.start] == p.text[0]


def test_repeated_sentence_survives_a_second_cleaning():
    first = [p.text for p in clean("好的。\n好的。")]
    assert [p.text for p in clean("\n\n".join(first))] == first


def test_title_of_a_one_paragraph_file():
    p = clean("湘江新区基层治理\n\n星沙街道今年共建成社区食堂17家，为老年人提供助餐服务。附近居民十分满意。")[0]
    assert p.title == "湘江新区基层治理" and p.text.startswith("星沙街道")


def test_headline_after_a_full_paragraph_in_prose():
    body = "今天上午，雨花区召开基层治理工作推进会，总结上半年的工作并部署下一阶段任务，会议由区委副书记主持。"
    text = "\n".join(["第一篇文章的标题", "记者 李四", body, body, "雨花区召开会议", "记者 张三", body])
    titles = {p.title for p in clean(text)}
    assert "雨花区召开会议" in titles


# ---- tokenising ----------------------------------------------------------------------

no_surrogates = st.text(st.characters(categories=("L", "M", "N", "P", "S", "Z", "Cc", "Cf", "Co")), max_size=200)


@FEW
@given(st.one_of(no_surrogates, chinese))
def test_tokenize_never_raises(text):
    tokens = tokenize(text)
    # Tokens are stored joined by spaces, sentences apart by a tab: none may hold either.
    for t in tokens:
        assert t and not re.search(r"\s", t) and SENTENCE_SEP not in t
    assert tokenize(text) == tokens


def test_tokenize_lone_surrogate():
    assert tokenize("雨花区\ud800") is not None


# ---- ranking ------------------------------------------------------------------------

SEED_WORDS = ["雨花区", "红色之家", "多少", "社区", "党建", "高塘岭", "28家", "平方公里", "谁", "哪一年", "服务"]
questions = st.one_of(
    no_surrogates,
    st.lists(st.sampled_from(SEED_WORDS), max_size=6).map("".join),
    st.builds(lambda a, b: a + b, st.lists(st.sampled_from(SEED_WORDS), max_size=3).map("".join), chinese),
)


@FEW
@given(questions, st.integers(1, 8))
def test_ranking_returns_at_most_k_best_first(seed_engine, question, k):
    answer = seed_engine.ask(question, top_k=k)
    assert len(answer.passages) <= k
    scores = [h.score for h in answer.passages]
    assert scores == sorted(scores, reverse=True)
    assert len({h.id for h in answer.passages}) == len(answer.passages)
    if answer.found:
        assert answer.sentence in answer.quoted.text  # the passage the reply quotes

    index = seed_engine._current_index()
    top = index.top(tokenize(question), k)
    assert len(top) <= k and all(score > 0 for _, score in top)
    assert [s for _, s in top] == sorted((s for _, s in top), reverse=True)
    assert len({pid for pid, _ in top}) == len(top)
