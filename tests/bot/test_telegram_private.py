"""Private chat, end to end: the real bot polling the stub Bot API over HTTP."""

from __future__ import annotations

import re

from tests.bot.stub_bot_api import ADMIN_ID
from tests.bot.telegram_support import ask, buttons, check_html, eventually, sent_message


def test_private_question_gets_a_quoted_answer_as_a_reply(stub, bot):
    msg, call = ask(stub, "雨花区有多少红色之家？")
    p = call.params
    assert p["parse_mode"] == "HTML"
    assert p["reply_parameters"]["message_id"] == msg["message_id"]
    visible = check_html(p["text"])
    assert "28家" in visible
    assert p["text"].startswith("<b>答：</b>")
    quote = p["text"].split("<blockquote", 1)[1].split("</blockquote>", 1)[0]
    assert "28家" in quote and "<u>" in quote  # the passage, question terms marked
    source = visible.rsplit("出处：", 1)[1]
    assert source == "党建引领有力度 基层治理有温度——长沙市雨花区打造高质量党建纪实，第13段"  # titles, not the file
    keys = buttons(sent_message(stub, call))
    assert set(keys) == {"更多", "👍", "👎"}
    assert keys["更多"].startswith("more:") and keys["👍"].startswith("up:")


def test_traditional_chinese_is_answered_quoting_the_corpus_as_written(stub, bot):
    """The bot's words in the asker's script; the corpus (simplified) quoted as written."""
    _, call = ask(stub, "雨花區有多少紅色之家？")
    html = call.params["text"]
    visible = check_html(html)
    assert "28家" in visible and "出處：" in visible and "出处" not in visible
    quoted = re.sub(r"<[^>]+>", "", re.search(r"<blockquote[^>]*>(.*?)</blockquote>", html, re.S)[1])
    assert "全区“红色之家”已建成28家" in quoted and "紅" not in quoted
    assert "答：</b>目前，全区“红色之家”已建成" in html  # the answer sentence is the corpus's too
    assert "長沙市雨花區" not in visible and "长沙市雨花区打造高质量党建纪实" in visible  # the title
    _, call = ask(stub, "量子計算機的原理是什麼？")
    assert "沒有找到能回答這個問題的內容" in check_html(call.params["text"])
    _, call = ask(stub, "雨花区有多少红色之家？")  # simplified: as before
    assert "出处：" in check_html(call.params["text"])


def test_a_user_who_writes_traditional_gets_small_talk_help_and_notices_in_it(stub, bot):
    """Small talk and /help in the user's script: by what they wrote (謝謝), or, when it
    shows no script (/help), by their app's language; document titles stay as written."""
    me = stub.private(5252)
    msg = stub.send(me, "謝謝", user=stub.user(5252))
    assert "不客氣" in check_html(stub.wait_reply(msg).params["text"])
    hant = {**stub.user(5252), "language_code": "zh-hant"}
    msg = stub.send(me, "/help", user=hant)
    visible = check_html(stub.wait_reply(msg).params["text"])
    assert "我根據下面" in visible and "怎麼問" in visible
    assert "长沙市雨花区打造高质量党建纪实" in visible  # a title, as the corpus has it
    msg = stub.send(me, "/help", user=stub.user(5252))  # a simplified app: as before
    assert "我根据下面" in check_html(stub.wait_reply(msg).params["text"])


def test_every_question_is_logged(stub, bot):
    _, call = ask(stub, "雨花区有多少红色之家？", user_id=5151)
    qid = int(buttons(sent_message(stub, call))["👍"].split(":")[1])
    row = bot.state.question_log.question(qid)
    assert row["chat_type"] == "private" and row["chat_id"] == 5151 and row["user_id"] == 5151
    assert row["question"] == "雨花区有多少红色之家？" and row["answered"] == 1
    assert row["latency_ms"] >= 0 and row["feedback"] is None


def test_follow_up_as_a_reply_uses_the_earlier_question(stub, bot):
    _, first = ask(stub, "雨花区有多少红色之家？", user_id=5252)
    answer_msg = sent_message(stub, first)
    follow, second = ask(stub, "那新田县呢？", user_id=5252, reply_to=answer_msg)
    check_html(second.params["text"])
    remembered = eventually(lambda: bot.state.question_log.answer_message(5252, second.result["message_id"]))
    assert remembered is not None
    assert "新田县" in remembered["asked"] and "红色之家" in remembered["asked"]  # completed from the first
    # the same words not as a reply: no earlier question to complete them with
    _, alone = ask(stub, "那新田县呢？", user_id=5253)
    asked_alone = eventually(lambda: bot.state.question_log.answer_message(5253, alone.result["message_id"]))
    assert asked_alone is None or "红色之家" not in asked_alone["asked"]


def test_start_and_help_list_documents_and_examples(stub, bot):
    docs = bot.engine.documents()
    examples = bot.state.examples()
    for command in ("/start", "/help"):
        _, call = ask(stub, command, user_id=5353)
        visible = check_html(call.params["text"])
        assert f"{len(docs)} 篇文档" in visible
        for d in docs:
            assert d.name in visible and d.title[:20] in visible
        for q in examples:
            assert q in visible
        assert "/ask" in visible and "@zh_answer_bot" in visible
        assert "/reindex" not in visible  # admin lines only for admins
    _, call = ask(stub, "/help", user_id=ADMIN_ID)
    assert "/reindex" in check_html(call.params["text"])


def test_non_text_message_gets_a_hint(stub, bot):
    chat = stub.private(5454)
    stub.send(chat, "", user=stub.user(5454))  # e.g. a sticker: no text
    call = stub.wait("sendMessage", lambda c: c.params["chat_id"] == 5454)
    assert "问题" in check_html(call.params["text"])
    _, call = ask(stub, "/nosuchcommand", user_id=5454)
    assert "/help" in check_html(call.params["text"])


def test_command_menus_are_set(stub, bot):
    menus = stub.calls_since(0, "setMyCommands")
    public = next(c for c in menus if not c.params.get("scope"))
    assert [c["command"] for c in public.params["commands"]] == ["ask", "help"]
    admin = next(c for c in menus if (c.params.get("scope") or {}).get("chat_id") == ADMIN_ID)
    assert {"reindex", "docs", "remove", "stats"} <= {c["command"] for c in admin.params["commands"]}
