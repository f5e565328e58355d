"""Flood control: questions per user and per chat a minute, from config; a polite notice
once when the limit is reached, then silence until it frees."""

from __future__ import annotations

from bot.flood import FloodControl, Window
from tests.telegram_support import ask, bot, check_html, logs, stub, tg_config  # noqa: F401

TG_OVERRIDES = {"user_questions_per_minute": 3, "chat_questions_per_minute": 5}
QUESTION = "雨花区有多少红色之家？"


def test_a_user_over_the_limit_is_told_once_then_ignored(stub, bot):
    texts = [check_html(ask(stub, QUESTION, user_id=1101)[1].params["text"]) for _ in range(4)]
    assert all("28家" in t for t in texts[:3])
    assert "提问太频繁" in texts[3] and "秒后再问" in texts[3]
    mark = stub.mark()
    stub.send(stub.private(1101), QUESTION, user=stub.user(1101))
    stub.assert_silent(1101, mark)
    _, call = ask(stub, QUESTION, user_id=1102)  # someone else is not affected
    assert "28家" in check_html(call.params["text"])


def test_a_chat_over_the_limit_is_told_once(stub, bot):
    group = stub.group(-101100)
    replies = [check_html(ask(stub, f"/ask {QUESTION}", chat=group, user_id=1110 + i)[1].params["text"])
               for i in range(6)]
    assert all("28家" in t for t in replies[:5])
    assert "提问太频繁" in replies[5]


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
    assert f.first_refusal(3, 10) and not f.first_refusal(3, 10)
    now[0] = 61
    assert f.allow(3, 10)


def test_windows_of_users_gone_quiet_expire():
    """100,000 users ask once; a period later the tables hold only who asked since."""
    now = [0.0]
    f = FloodControl(per_user=2, per_chat=3, clock=lambda: now[0])
    for user in range(100_000):
        assert f.allow(user, user)
    assert f.allow(5, 5) and not f.allow(5, 5)  # user 5 is over the limit, and told so once
    assert f.first_refusal(5, 5)
    assert len(f.users) == 100_000 and len(f.chats) == 100_000 and len(f._warned) == 1
    now[0] = 61.0
    for user in (-1, -2, -3):
        assert f.allow(user, user)
    assert len(f.users) == 3 and len(f.chats) == 3 and not f._warned
    assert f.allow(5, 5) and f.allow(5, 5) and not f.allow(5, 5)  # user 5's limit is as before
    assert f.first_refusal(5, 5) and not f.first_refusal(5, 5)


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
