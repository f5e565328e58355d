"""Inline mode: `@botname 问题` offers up to 5 passages with their sources; choosing one
sends the quote (the result's input_message_content)."""

from __future__ import annotations

from tests.stub_bot_api import ADMIN_ID, parse_telegram_html
from tests.telegram_support import bot, check_html, logs, stub, tg_config  # noqa: F401


def test_inline_query_offers_passages_with_sources(stub, bot):
    qid = stub.inline("雨花区有多少红色之家？", user=stub.user(401))
    call = stub.wait_answer(qid, "answerInlineQuery")
    results = call.params["results"]
    assert 1 <= len(results) <= 5
    assert len({r["id"] for r in results}) == len(results)
    for r in results:
        assert r["type"] == "article" and r["title"]
        content = r["input_message_content"]
        assert content["parse_mode"] == "HTML"
        visible = check_html(content["message_text"])
        assert "<blockquote" in content["message_text"] and "出处：" in visible
        assert visible.startswith("问：雨花区有多少红色之家？")
    assert any("28家" in parse_telegram_html(r["input_message_content"]["message_text"]) for r in results)


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
