"""Telegram HTML rendering: everything escaped, the answer in bold, the quote in a
blockquote with the question's terms marked, never over 4096 characters, never cut
inside a tag or an entity."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.render import format_answer_text
from bot.telegram_html import (
    MAX_MESSAGE,
    answer_html,
    fit,
    inline_quote_html,
    marked,
    not_found_html,
    passages_html,
    tg_len,
)
from index.engine import Answer, Hit
from tests.bot.stub_bot_api import parse_telegram_html, utf16_len
from tests.bot.telegram_support import check_html

NASTY = "<b>&amp;</b> & < > \" ' &#x27; &lt; 😀𠀀 \x00"


def hit(text="目前，全区“红色之家”已建成28家。", title="标题", doc="a.txt", marks=None, ord=2, doc_title="") -> Hit:
    # paragraph 9 is never shown: 第N段 counts passages (ord + 1), which paragraphs cut in several share
    return Hit(1, doc, title, "", text, 9, 0, len(text), 1.0, marks if marks is not None else [(3, 5)], ord, doc_title)


def answer(sentence="目前，全区“红色之家”已建成28家。", span=(14, 17), passages=None, suggestions=()):
    return Answer(
        "雨花区有多少红色之家？", sentence, span, passages if passages is not None else [hit()], list(suggestions)
    )


def test_answer_layout():
    html = answer_html(answer())
    assert html.startswith("<b>答：</b>目前，全区“红色之家”已建成<b>28家</b>。")
    assert "<blockquote>目前，<u>全区</u>“红色之家”已建成28家。</blockquote>" in html
    assert html.endswith("出处：标题（a.txt，第3段）")
    check_html(html)


def test_long_passages_are_expandable_and_cut_to_fit():
    long = "很长的段落，" * 2000
    html = answer_html(answer(passages=[hit(text=long, marks=[(0, 2), (6000, 6002)])]))
    assert "<blockquote expandable>" in html and "…</blockquote>" in html
    assert tg_len(html) <= MAX_MESSAGE
    check_html(html)


def test_everything_is_escaped():
    a = answer(
        sentence=NASTY,
        span=(0, 3),
        passages=[hit(text=NASTY, title=NASTY, doc=NASTY, doc_title="报" + NASTY, marks=[(1, 4)])],
    )
    for html in (
        answer_html(a),
        inline_quote_html(Answer(NASTY, NASTY, (0, 3), a.passages), a.passages[0]),
        passages_html(a.passages, 1),
    ):
        visible = check_html(html)
        assert NASTY.replace("\x00", "") in visible.replace("\x00", "")


def test_source_line_names_the_article_and_the_document_by_their_titles():
    page = hit(title="健康迎新春快乐过新年", doc="002_55373102cb5227f0.txt", doc_title="长沙市雨花区打造高质量党建纪实")
    html = answer_html(answer(passages=[page]))
    assert html.endswith("出处：健康迎新春快乐过新年（长沙市雨花区打造高质量党建纪实，第3段）")
    assert format_answer_text(answer(passages=[page])).endswith(
        "—— 健康迎新春快乐过新年（长沙市雨花区打造高质量党建纪实，第3段）"
    )  # the console says the same
    lead = hit(
        title="长沙市雨花区打造高质量党建纪实",
        doc="002_55373102cb5227f0.txt",
        doc_title="长沙市雨花区打造高质量党建纪实",
    )
    assert answer_html(answer(passages=[lead])).endswith("出处：长沙市雨花区打造高质量党建纪实，第3段")  # named once
    assert ".txt" not in check_html(html) + check_html(answer_html(answer(passages=[lead])))


def test_not_found_is_short_and_honest():
    html = not_found_html(Answer("火星有几个县？", None, None, [hit()], ["题目一", "<题目二>"]))
    visible = check_html(html)
    assert visible.startswith("没有找到") and "题目一" in visible and "<题目二>" in visible
    assert "28家" not in visible  # no loosely related quote dressed up as an answer
    assert "请用中文提问" in check_html(not_found_html(Answer("how many?", None, None, [], [])))


def test_fit_cuts_before_markup_never_inside_it():
    text = "&<>" * 100
    for budget in range(0, 60):
        out = fit(text, budget, [(3, 9)])
        assert tg_len(out) <= max(budget, 0)
        if out:
            parse_telegram_html(out)


def test_utf16_is_what_counts():
    emoji = "😀" * 3000  # 6000 UTF-16 units
    html = answer_html(answer(passages=[hit(text=emoji, marks=[])]))
    assert utf16_len(html) <= MAX_MESSAGE
    check_html(html)


texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)
spans = st.lists(st.tuples(st.integers(-5, 320), st.integers(-5, 320)), max_size=6)


@settings(max_examples=150, deadline=None)
@given(texts, spans, st.integers(0, 400))
def test_fit_is_always_valid_and_within_budget(text, marks, budget):
    out = fit(text, budget, marks)
    assert tg_len(out) <= budget
    parse_telegram_html(out)
    assert marked(text, marks).count("<u>") == marked(text, marks).count("</u>")


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=5000), texts, texts, st.lists(texts, max_size=4), st.integers(1, 4))
def test_any_answer_renders_within_the_limit(passage, sentence, title, suggestions, n):
    passages = [hit(text=passage or "x", title=title, doc=title or "d", marks=[(0, 3), (10, 40)])] * n
    found = answer(sentence=sentence or None, span=(0, 5), passages=passages, suggestions=suggestions)
    asked_inline = Answer(sentence, sentence or None, (0, 5), passages)  # the question as long as the sentence
    for html in (answer_html(found), passages_html(passages, 1), inline_quote_html(asked_inline, passages[0])):
        assert utf16_len(html) <= MAX_MESSAGE
        parse_telegram_html(html)


def unsure(closest="目前，全区“红色之家”已建成28家。", passages=None) -> Answer:
    return Answer(
        "雨花区有多少红色之家？",
        None,
        None,
        passages if passages is not None else [hit()],
        outcome="unsure",
        closest=closest,
        confidence=0.3,
    )


def test_unsure_layout_makes_no_claim():
    html = answer_html(unsure(closest=NASTY))
    visible = check_html(html)
    assert html.startswith("<b>最接近的内容</b>\n资料里没有直接的答案，以下内容可能相关：\n")
    assert html.count("<b>") == 1 and "答：" not in visible and NASTY in visible
    assert "<blockquote>" in html and "出处：标题（a.txt，第3段）" in visible


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=5000), texts, texts, st.integers(1, 4))
def test_any_unsure_answer_renders_within_the_limit(passage, closest, title, n):
    passages = [hit(text=passage or "x", title=title, doc=title or "d", marks=[(0, 3), (10, 40)])] * n
    asked_inline = Answer(closest, None, None, passages, outcome="unsure", closest=closest or "x")
    for html in (answer_html(unsure(closest or "x", passages)), inline_quote_html(asked_inline, passages[0])):
        assert utf16_len(html) <= MAX_MESSAGE
        parse_telegram_html(html)


def test_small_talk_lines_are_valid_html():
    from bot.telegram_html import small_talk_html

    for kind in ("greeting", "thanks", "goodbye", "ack", "laugh", "emoji"):
        for group in (False, True):
            for examples in ([], [NASTY, "雨花区有多少红色之家？"]):
                check_html(small_talk_html(kind, examples, group))
