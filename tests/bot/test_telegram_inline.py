"""Inline mode: `@botname 问题` offers up to 5 passages, each titled by what sets it apart,
the answer first; choosing one sends the quote and its source, and for the answering
passage the answer (the result's input_message_content: the client sends it as it is)."""

from __future__ import annotations

from tests.bot.stub_bot_api import ADMIN_ID
from tests.bot.telegram_support import check_html

ANSWER = "目前，全区“红色之家”已建成28家。"
SOURCE = "出处：党建引领有力度 基层治理有温度——长沙市雨花区打造高质量党建纪实，第13段"


def test_inline_query_offers_passages_set_apart_the_answer_first(stub, bot):
    qid = stub.inline("雨花区有多少红色之家？", user=stub.user(401))
    call = stub.wait_answer(qid, "answerInlineQuery")
    results = call.params["results"]
    assert 3 <= len(results) <= 5
    assert len({r["id"] for r in results}) == len(results)
    assert len({r["title"] for r in results}) == len(results)  # something to choose between
    first, *others = results
    assert first["title"] == f"答：{ANSWER}" and first["description"] == ANSWER
    sent = check_html(first["input_message_content"]["message_text"])
    assert sent.startswith(f"问：雨花区有多少红色之家？\n答：{ANSWER}\n") and sent.endswith(SOURCE)
    assert "<b>28家</b>" in first["input_message_content"]["message_text"]
    for r in others:
        assert r["type"] == "article" and "：" in r["title"] and r["description"]
        content = r["input_message_content"]
        assert content["parse_mode"] == "HTML"
        visible = check_html(content["message_text"])
        assert "<blockquote" in content["message_text"] and "出处：" in visible and "答：" not in visible
        assert visible.startswith("问：雨花区有多少红色之家？")
        assert r["description"].removesuffix("…") in visible  # a sentence of the passage sent


def test_inline_query_without_words_or_answer_offers_no_passages(stub, bot):
    for text in ("", "   ", "？？", "zzzz qqqq"):
        qid = stub.inline(text, user=stub.user(402))
        call = stub.wait_answer(qid, "answerInlineQuery")
        assert call.params["results"] == []
        assert call.params["button"]["text"]  # says what to do instead


def test_inline_admin_words_need_an_admin(stub, bot):
    qid = stub.inline("/stats", user=stub.user(403))
    call = stub.wait_answer(qid, "answerInlineQuery")
    assert call.params["results"] == [] and "管理员" in call.params["button"]["text"]
    qid = stub.inline("/stats", user=stub.user(ADMIN_ID))
    call = stub.wait_answer(qid, "answerInlineQuery")
    (article,) = call.params["results"]
    assert "文档" in check_html(article["input_message_content"]["message_text"])
    assert call.params["is_personal"] is True
