"""Questions are answered in a process of their own (bot/answer_process.py), beside the
bot's event loop; if that process dies, the bot answers in its own and logs why once.
(Every other test_telegram_* file runs with it too: it is on by default.)"""

from __future__ import annotations

import logging
import os
import signal

from tests.bot.telegram_support import ask, check_html

QUESTION = "雨花区有多少红色之家？"


def test_answers_come_from_the_answering_process(stub, bot):
    st = bot.state
    assert st.answers is not None and not st.answers.gone
    local = st.engine

    def not_here(*args, **kwargs):
        raise AssertionError("answered in the bot's process")

    local.ask = not_here  # the same engine object: the process still serves it
    try:
        _, call = ask(stub, QUESTION, user_id=1501)
        assert "28家" in check_html(call.params["text"])
    finally:
        del local.ask


def test_when_the_process_dies_the_bot_answers_itself(stub, bot, logs):
    st = bot.state
    mark = logs.mark()
    os.kill(st.answers._proc.pid, signal.SIGKILL)
    for i in range(3):
        _, call = ask(stub, QUESTION, user_id=1502 + i)
        assert "28家" in check_html(call.params["text"])
    errors = [r for r in logs.since(mark, logging.ERROR) if r.name == "bot.answer_process"]
    assert len(errors) == 1 and "ended" in errors[0].getMessage()
    assert "抱歉" not in check_html(call.params["text"])
