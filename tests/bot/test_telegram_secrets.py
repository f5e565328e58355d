"""The token never appears in a log line, an error, a message or the databases."""

from __future__ import annotations

import logging

from bot import redact
from tests.bot.stub_bot_api import TOKEN
from tests.bot.telegram_support import ask, ask_stats


def test_token_is_in_no_log_line_even_at_debug(stub, bot, logs):
    loggers = [logging.getLogger(n) for n in ("httpx", "httpcore", "telegram", "bot")]
    old = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.DEBUG)  # httpx logs every URL, token included, at INFO
    try:
        mark = logs.mark()
        ask(stub, "雨花区有多少红色之家？", user_id=1201)
        stub.fail("sendMessage", 500)
        ask(stub, "雨花区有多少红色之家？", user_id=1202)
        logging.getLogger("bot").info("the bot is %r", bot.app.bot)  # repr(Bot) is Bot[token=...]
        try:
            raise RuntimeError(f"failed calling {stub.base_url}{TOKEN}/sendMessage")
        except RuntimeError:
            logging.getLogger("bot").exception("an error naming the URL")
        text = logs.text(mark)
        assert "HTTP Request" in text and redact.MASK in text  # the URLs were logged, masked
        secret = TOKEN.split(":", 1)[1]
        assert TOKEN not in text and secret not in text
    finally:
        for lg, level in zip(loggers, old):
            lg.setLevel(level)


def test_token_is_in_no_message_and_no_database(stub, bot, tg_config):
    ask(stub, "/help", user_id=1203)
    ask_stats(stub, user_id=1001)
    secret = TOKEN.split(":", 1)[1]
    for call in stub.calls_since(0):
        assert secret not in repr(call.params)
    db_dir = tg_config.index.db_path.parent
    files = [p for p in db_dir.rglob("*") if p.is_file()]
    assert any(p.name == "questions.db" for p in files)
    for path in files:
        assert secret.encode() not in path.read_bytes(), path
