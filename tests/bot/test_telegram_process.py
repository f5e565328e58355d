"""`python -m bot` as a user starts it: TELEGRAM_BOT_TOKEN set, base_url pointing at a
Bot API stand-in. It answers a group message that mentions it within a second of the
update arriving, quoting the passage; it stops cleanly on SIGTERM; its log never shows
the token."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest

from tests.bot.stub_bot_api import ROOT, TOKEN, StubBotApi, write_config
from tests.bot.telegram_support import check_html


@pytest.fixture
def stub():
    with StubBotApi() as s:
        yield s


def start_bot(cfg, tmp_path, **env) -> tuple[subprocess.Popen, object]:
    """`python -m bot --config …` as a service manager starts it (`env` added to the
    environment, output unbuffered); its standard error in a file, returned open."""
    err = open(tmp_path / "stderr.txt", "w+", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "--config", str(cfg.path)],
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=err,
    )
    return proc, err


def test_python_m_bot_answers_a_group_mention_within_a_second(stub, tmp_path):
    cfg = write_config(tmp_path, stub, token="")  # the token comes from the environment
    proc, err = start_bot(cfg, tmp_path, TELEGRAM_BOT_TOKEN=TOKEN)
    try:
        stub.wait("getUpdates", timeout=60)  # started: the index is loaded, polling has begun
        msg = stub.send(stub.group(-100555), "@zh_answer_bot 雨花区有多少红色之家？", user=stub.user(555))
        reply = stub.wait_reply(msg, timeout=10)
        arrived = stub.delivered[msg["update_id"]]
        assert reply.at - arrived < 1.0, f"answered {reply.at - arrived:.3f} s after the update arrived"
        assert reply.at - stub.pushed[msg["update_id"]] < 1.0
        visible = check_html(reply.params["text"])
        assert "<blockquote" in reply.params["text"] and "28家" in visible and "出处：" in visible
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    err.seek(0)
    log = err.read()
    assert "answering from" in log and "long polling" in log
    assert TOKEN.split(":", 1)[1] not in log


# Without a token `python -m bot` runs the console: tests/bot/test_cli.py covers it.


def test_python_m_bot_exits_3_when_the_token_is_revoked_while_polling(stub, tmp_path):
    """Polling refused (401) is the end: one clear log line and exit status 3, for the
    service manager to restart the bot or tell someone, not a process polling nothing."""
    cfg = write_config(tmp_path, stub, answer_process=False)
    proc, err = start_bot(cfg, tmp_path)
    try:
        stub.wait("getUpdates", timeout=60)
        stub.revoke_token(after_polls=1)
        revoked = stub.wait("getUpdates", lambda c: c.status == 401, ok=False, timeout=10)
        assert proc.wait(timeout=10) == 3
        assert time.monotonic() - revoked.at < 5
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    err.seek(0)
    log = err.read()
    assert len(re.findall("refused the token while polling", log)) == 1, log
    assert "polling failed" not in log  # not retried
    assert [c.status for c in stub.calls_since(0, "getUpdates", ok=False)].count(401) == 1
    assert TOKEN.split(":", 1)[1] not in log
