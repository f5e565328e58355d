"""Faults on Telegram's side (issue 5): a 429 with retry_after is waited out and the
message sent; a 500 or a timeout is retried; polling goes on through errors and timeouts;
an exception in a handler is logged, the user gets an apology, and the bot keeps going."""

from __future__ import annotations

import logging
import time

from bot.telegram_app import RetryingRateLimiter
from tests.bot.stub_bot_api import TOKEN
from tests.bot.telegram_support import ask, check_html

# Short timeouts and pauses, so that the faults cost the test run little time.
BUILD_KWARGS = {"read_timeout": 1.0, "poll_timeout": 0.5, "rate_limiter": RetryingRateLimiter(backoff=0.1)}
QUESTION = "雨花区有多少红色之家？"


def _sends_to(stub, chat_id, mark):
    return [c for c in stub.calls_since(mark, "sendMessage", ok=False) if c.params.get("chat_id") == chat_id]


def test_429_is_waited_out_and_the_message_still_arrives(stub, bot):
    stub.fail("sendMessage", 429, retry_after=1)
    mark = stub.mark()
    _, call = ask(stub, QUESTION, user_id=801)
    assert "28家" in check_html(call.params["text"])
    first, second = _sends_to(stub, 801, mark)
    assert first.status == 429 and second.status == 200
    assert second.at - first.at >= 1.0  # Telegram said wait a second


def test_500_is_retried_and_the_message_still_arrives(stub, bot):
    stub.fail("sendMessage", 500, times=2)
    mark = stub.mark()
    _, call = ask(stub, QUESTION, user_id=802)
    assert "28家" in check_html(call.params["text"])
    assert [c.status for c in _sends_to(stub, 802, mark)] == [500, 500, 200]


def test_a_send_that_times_out_is_sent_again(stub, bot, logs):
    stub.delay("sendMessage", 1.5)  # longer than the bot's 1 s read timeout
    log_mark = logs.mark()
    msg, call = ask(stub, QUESTION, user_id=803)
    assert "28家" in check_html(call.params["text"])
    assert any("sendMessage failed" in r.getMessage() for r in logs.since(log_mark, logging.WARNING))


def test_polling_goes_on_through_errors_and_timeouts(stub, bot):
    stub.fail("getUpdates", 500)
    stub.delay("getUpdates", 2.0)  # longer than a long poll's read timeout (1 s + the 0.5 s poll)
    mark = stub.mark()
    time.sleep(0.3)
    _, call = ask(stub, QUESTION, user_id=804, timeout=15)
    assert "28家" in check_html(call.params["text"])
    polls = stub.calls_since(mark, "getUpdates", ok=False)
    assert 500 in [c.status for c in polls]
    slow = next(c for c in polls if c.done_at == 0 or c.done_at - c.at >= 2.0)
    assert any(slow.at < c.at < (slow.done_at or float("inf")) for c in polls), "it waited instead of timing out"


def test_a_handler_error_is_logged_and_the_user_gets_an_apology(stub, bot, logs):
    st = bot.state
    real = st.engine

    class Broken:
        def __getattr__(self, name):
            return getattr(real, name)

        def ask(self, question, *args, **kwargs):
            if "炸" in question:
                raise RuntimeError("the engine broke")
            return real.ask(question, *args, **kwargs)

    st.engine = Broken()
    try:
        log_mark = logs.mark()
        _, call = ask(stub, "炸一下？", user_id=805)
        assert "抱歉" in check_html(call.params["text"])
        errors = logs.since(log_mark, logging.ERROR)
        assert errors and errors[0].exc_info and "the engine broke" in logs.text(log_mark)
        assert TOKEN not in logs.text(log_mark)
        _, call = ask(stub, QUESTION, user_id=805)  # and it keeps answering
        assert "28家" in check_html(call.params["text"])
    finally:
        st.engine = real


def test_telegram_down_for_a_send_loses_that_message_only(stub, bot, logs):
    """Past the retries the answer is given up, the user is told, and the bot goes on."""
    stub.fail("sendMessage", 500, times=4)  # more than the retries
    mark = stub.mark()
    stub.send(stub.private(806), QUESTION, user=stub.user(806))
    deadline = time.monotonic() + 10
    while len(_sends_to(stub, 806, mark)) < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    sends = _sends_to(stub, 806, mark)
    assert [c.status for c in sends] == [500, 500, 500, 500, 200]  # the answer, retried; then an apology
    assert "抱歉" in sends[4].params["text"]
    _, call = ask(stub, QUESTION, user_id=806)
    assert "28家" in check_html(call.params["text"])
