"""Bad questions through the bot (issue 5): each gets a sensible reply that is valid
Telegram HTML within 4096 characters, and nothing is logged as an error."""

from __future__ import annotations

import logging

import pytest

from bot.wording import UNSURE_HEAD
from tests.bot.telegram_support import ask, check_html

HINT = "请发一个问题给我"
NOT_FOUND = "没有找到"

CASES = {
    "whitespace": ("   \t  ", HINT),
    "4000 characters": ("雨花区" * 1333 + "？", None),
    "emoji only": ("😀🎉👍🏽🇨🇳", HINT),
    "punctuation only": ("？？！！……。，、“”", HINT),
    "english": ("How many red homes are there in Yuhua district?", NOT_FOUND),
    "mixed": ("雨花区有多少 red homes 红色之家？", None),
    "traditional": ("雨花區有多少紅色之家", "28家"),
    "full-width digits": ("１２３４５６７８９０", None),
    "html tag": ("<b>雨花区</b>有多少红色之家", None),
    "html only": ("<b>", None),
    "ampersand": ("& &amp; &lt;", None),
    "markdown": ("_*[雨花区](http://x)*_ `code`", None),
    "sql": ("'; DROP TABLE questions; -- 雨花区", None),
    "control characters": ("\x01\x02雨花区\x07有多少\x1b红色之家\x7f", "28家"),
    "only control characters": ("\x01\x02\x03", HINT),
    "single character": ("雨", None),
    "zero width": ("\u200b\u200d\ufeff", HINT),
    "right to left": ("\u202e雨花区有多少红色之家", None),
    "astral": ("𠀀𠀁𠀂有多少", None),
    "newlines": ("雨花区\n\n有多少\n红色之家", "28家"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_question_gets_a_sensible_valid_reply(stub, bot, logs, name):
    text, expected = CASES[name]
    mark = logs.mark()
    msg, call = ask(stub, text, user_id=9000 + list(CASES).index(name))
    assert call.params["reply_parameters"]["message_id"] == msg["message_id"]
    visible = check_html(call.params["text"])
    if expected:
        assert expected in visible, visible
    else:
        # An answer, the closest content without a claim, no answer, or the hint: an outcome.
        assert visible.startswith(("答：", UNSURE_HEAD)) or NOT_FOUND in visible or HINT in visible, visible
    errors = logs.since(mark, logging.ERROR)
    assert not errors, [r.getMessage() for r in errors]


def test_bad_questions_through_ask_and_mentions(stub, bot, logs):
    group = stub.group(-100900)
    for i, text in enumerate(["/ask", "/ask    ", "/ask 😀", "@zh_answer_bot", "@zh_answer_bot ？？"]):
        _, call = ask(stub, text, chat=group, user_id=9100 + i)
        visible = check_html(call.params["text"])
        assert "用法" in visible or HINT in visible, visible
    assert not logs.since(0, logging.ERROR)


def test_a_reply_never_echoes_markup_from_the_question(stub, bot):
    _, call = ask(stub, "<i>x</i> & <script>alert(1)</script> 雨花区", user_id=9200)
    assert "<script>" not in call.params["text"] and "<i>x</i>" not in call.params["text"]
    check_html(call.params["text"])
