"""The question log: every question with its chat type, answered or not, latency and
feedback, in a SQLite file of its own (so logging never waits for a reindex), pruned
after `retention_days`."""

from __future__ import annotations

import datetime as dt

from bot.config import question_log_path
from bot.telegram_app import prune_log
from tests.bot.telegram_support import ask, eventually

TG_OVERRIDES = {"retention_days": 30}


def _rows(bot):
    return bot.state.question_log.db.execute("SELECT chat_type, chat_id, question, answered FROM questions").fetchall()


def test_questions_of_every_kind_are_logged(stub, bot, tg_config):
    assert bot.state.question_log.path == question_log_path(tg_config) != tg_config.index.db_path
    ask(stub, "雨花区有多少红色之家？", user_id=1301)
    ask(stub, "量子计算机的原理是什么？", user_id=1301)
    ask(stub, "/ask 雨花区有多少红色之家？", chat=stub.group(-101300), user_id=1302)
    rows = _rows(bot)
    assert ("private", 1301, "雨花区有多少红色之家？", 1) in rows
    assert ("private", 1301, "量子计算机的原理是什么？", 0) in rows
    assert ("supergroup", -101300, "雨花区有多少红色之家？", 1) in rows
    # the index database has no questions: the bot never writes to it
    assert "questions" not in bot.engine.db.table_names()


def test_hints_and_refusals_are_not_questions(stub, bot):
    before = len(_rows(bot))
    ask(stub, "😀", user_id=1303)
    ask(stub, "/help", user_id=1303)
    ask(stub, "/stats", user_id=1303)
    assert len(_rows(bot)) == before


def test_long_questions_are_logged_shortened(stub, bot):
    ask(stub, "长" * 4000, user_id=1304)
    assert max(len(q) for _, _, q, _ in _rows(bot)) == 1000


def _insert_old_question(db, asked_at: str) -> None:
    db["questions"].insert(
        {
            "asked_at": asked_at,
            "chat_type": "private",
            "chat_id": 1,
            "user_id": 1,
            "question": "很久以前的问题",
            "answered": 0,
            "latency_ms": 1.0,
        }
    )


def test_old_questions_are_pruned(stub, bot):
    log = bot.state.question_log
    db = log.db
    old = (dt.datetime.now(dt.UTC) - dt.timedelta(days=31)).isoformat(timespec="seconds")
    _insert_old_question(db, old)
    db["answer_messages"].insert({"chat_id": 1, "message_id": 1, "question_id": 1, "asked": "x", "sent_at": old})
    _, call = ask(stub, "雨花区有多少红色之家？", user_id=1305)
    kept = eventually(lambda: log.answer_message(1305, call.result["message_id"]))
    assert prune_log(bot.state) == 1
    assert "很久以前的问题" not in [q for _, _, q, _ in _rows(bot)]
    assert log.answer_message(1, 1) is None and log.answer_message(1305, call.result["message_id"]) == kept
    bot.state.cfg.telegram.retention_days = 0  # 0 keeps everything
    try:
        _insert_old_question(db, old)
        assert prune_log(bot.state) == 0
    finally:
        bot.state.cfg.telegram.retention_days = 30
