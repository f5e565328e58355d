"""Flood control: questions per user and per chat a minute, from config. Over the limit a
user's next few questions are queued and answered when it frees, the user told so once;
beyond the queue they are told once that those are not answered."""

from __future__ import annotations

import time

from bot.flood import FloodControl, Window
from tests.bot.telegram_support import ask, check_html

TG_OVERRIDES = {"user_questions_per_minute": 3, "chat_questions_per_minute": 5, "queued_questions_per_user": 2}
QUESTION = "雨花区有多少红色之家？"


def test_a_user_over_the_limit_is_queued_then_answered_when_it_frees(stub, bot):
    texts = [check_html(ask(stub, QUESTION, user_id=1101)[1].params["text"]) for _ in range(3)]
    assert all("28家" in t for t in texts)
    queued = ask(stub, QUESTION, user_id=1101)
    assert "提问太频繁" in check_html(queued[1].params["text"]) and "秒后回答" in queued[1].params["text"]
    chat = stub.private(1101)
    mark = stub.mark()
    second = stub.send(chat, QUESTION, user=stub.user(1101))  # queued too, without a word
    stub.assert_silent(1101, mark)
    _, told = ask(stub, QUESTION, user_id=1101)  # the queue (2) is full: told so, once
    assert "不会回答" in check_html(told.params["text"])
    mark = stub.mark()
    stub.send(chat, QUESTION, user=stub.user(1101))
    stub.assert_silent(1101, mark)
    _, call = ask(stub, QUESTION, user_id=1102)  # someone else is not affected
    assert "28家" in check_html(call.params["text"])
    flood = bot.state.flood
    try:  # a minute passes
        for window in (flood.users, flood.chats):
            window.clock = lambda: time.monotonic() + 61
        for msg in (queued[0], second):  # the queued ones are answered, in order
            assert "28家" in check_html(stub.wait_reply(msg, since=mark, timeout=5).params["text"])
        stub.assert_silent(1101, stub.mark())  # and nothing more: the two beyond the queue stay unanswered
        answered = [
            c.params["reply_parameters"]["message_id"]
            for c in stub.calls_since(mark, "sendMessage")
            if c.params["chat_id"] == 1101
        ]
        assert answered == [queued[0]["message_id"], second["message_id"]]
    finally:
        for window in (flood.users, flood.chats):
            window.clock = time.monotonic


def test_a_chat_over_the_limit_is_told_once(stub, bot):
    group = stub.group(-101100)
    replies = [
        check_html(ask(stub, f"/ask {QUESTION}", chat=group, user_id=1110 + i)[1].params["text"]) for i in range(6)
    ]
    assert all("28家" in t for t in replies[:5])
    assert "提问太频繁" in replies[5] and "秒后回答" in replies[5]


def test_inline_queries_have_a_looser_limit_of_their_own(stub, bot):
    user = stub.user(1120)
    ids = [stub.inline("雨花区有多少红色之家", user=user) for _ in range(61)]
    answers = [stub.wait_answer(q, "answerInlineQuery") for q in ids]
    assert all(a.params["results"] for a in answers[:60])  # 60 > the 3 questions a minute
    assert answers[60].params["results"] == [] and "频繁" in answers[60].params["button"]["text"]


def test_windows_slide():
    now = [0.0]
    w = Window(2, 60.0, clock=lambda: now[0])
    assert not w.full("a")
    w.add("a"), w.add("a")
    assert w.full("a") and not w.full("b")
    now[0] = 59.9
    assert w.full("a") and 0 < w.retry_in("a") <= 0.1 + 1e-9
    now[0] = 60.01
    assert not w.full("a")
    unlimited = Window(0, 60.0)
    for _ in range(100):
        unlimited.add("a")
    assert not unlimited.full("a")


def test_a_refused_question_does_not_count_against_the_other_limit():
    now = [0.0]
    f = FloodControl(per_user=2, per_chat=3, clock=lambda: now[0])
    assert f.allow(1, 10) and f.allow(1, 10)
    assert not f.allow(1, 10)  # user 1 is over; chat 10 was not charged for it
    assert f.allow(2, 10) and not f.allow(3, 10)
    now[0] = 61
    assert f.allow(3, 10)


def test_windows_of_users_gone_quiet_expire():
    """100,000 users ask once; a period later the tables hold only who asked since."""
    now = [0.0]
    f = FloodControl(per_user=2, per_chat=3, clock=lambda: now[0])
    for user in range(100_000):
        assert f.allow(user, user)
    assert f.allow(5, 5) and not f.allow(5, 5)  # user 5 is over the limit
    assert len(f.users) == 100_000 and len(f.chats) == 100_000
    now[0] = 61.0
    for user in (-1, -2, -3):
        assert f.allow(user, user)
    assert len(f.users) == 3 and len(f.chats) == 3
    assert f.allow(5, 5) and f.allow(5, 5) and not f.allow(5, 5)  # user 5's limit is as before


def test_a_sweep_keeps_keys_with_recent_events():
    now = [0.0]
    w = Window(2, 60.0, clock=lambda: now[0])
    w.add("old")
    now[0] = 30.0
    w.add("recent"), w.add("recent")
    now[0] = 60.5  # "old" expired, "recent" not: it stays full
    w.add("new")
    assert len(w) == 2 and w.full("recent") and not w.full("old")
    assert 0 < w.retry_in("recent") <= 29.5
