"""The admin check: one function (bot.access.require_admin), used by every admin path —
commands, uploads, admin buttons, admin words in inline mode. A non-admin gets a polite
refusal, the attempt is logged, and nothing changes."""

from __future__ import annotations

import logging
import re

import pytest

from bot.commands import ADMIN_COMMANDS
from tests.bot.stub_bot_api import ADMIN_ID
from tests.bot.telegram_support import ask, ask_stats, check_html, sent_message
from tests.conftest import ROOT

STRANGER = 7777
REFUSAL = "只有管理员"


def _unchanged(bot, before):
    assert bot.engine.stats()["generation"] == before["generation"]
    assert [d.name for d in bot.engine.documents()] == before["docs"]


@pytest.fixture
def before(bot):
    return {"generation": bot.engine.stats()["generation"], "docs": [d.name for d in bot.engine.documents()]}


@pytest.mark.parametrize(
    "command", ["/reindex", "/docs", "/remove 000_7524f48e644b9190.txt", "/stats", "/reindex@zh_answer_bot"]
)
def test_admin_commands_refuse_non_admins(stub, bot, logs, before, command):
    mark, log_mark = stub.mark(), logs.mark()
    _, call = ask(stub, command, user_id=STRANGER)
    visible = check_html(call.params["text"])
    assert REFUSAL in visible and "文档" not in visible
    assert len(stub.calls_since(mark, "sendMessage")) == 1 and not stub.calls_since(mark, "editMessageText")
    _unchanged(bot, before)
    refusals = [r for r in logs.since(log_mark, logging.WARNING) if r.name == "bot.access"]
    assert refusals and str(STRANGER) in refusals[0].getMessage()


def test_upload_refuses_non_admins_before_downloading(stub, bot, logs, before, tg_config):
    mark = stub.mark()
    msg = stub.send_document(
        stub.private(STRANGER), "intruder.txt", "外人上传的文件。".encode() * 20, user=stub.user(STRANGER)
    )
    assert REFUSAL in check_html(stub.wait_reply(msg).params["text"])
    assert not stub.calls_since(mark, "getFile", ok=False)
    assert not (tg_config.index.corpus_dir / "intruder.txt").exists()
    _unchanged(bot, before)


@pytest.mark.parametrize("data", ["docs:0", "docs:1", "stats"])
def test_admin_buttons_refuse_non_admins(stub, bot, before, data):
    _, call = ask(stub, "雨花区有多少红色之家？", user_id=STRANGER)
    message = sent_message(stub, call)
    mark = stub.mark()
    cb = stub.press(message, data, user=stub.user(STRANGER))
    answer = stub.wait_answer(cb)
    assert REFUSAL in answer.params["text"] and answer.params.get("show_alert") is True
    assert not stub.calls_since(mark, "editMessageText", ok=False)
    assert not stub.calls_since(mark, "sendMessage", ok=False)


@pytest.mark.parametrize("word", ["/stats", "/docs", "/reindex", "/remove 000_7524f48e644b9190.txt"])
def test_admin_words_inline_refuse_non_admins(stub, bot, before, word):
    qid = stub.inline(word, user=stub.user(STRANGER))
    answer = stub.wait_answer(qid, "answerInlineQuery")
    assert answer.params["results"] == [] and REFUSAL in answer.params["button"]["text"]
    _unchanged(bot, before)


def test_admin_buttons_and_inline_work_for_admins(stub, bot):
    photo = ask_stats(stub)
    cb = stub.press(stub.messages[(ADMIN_ID, photo.result["message_id"])], "stats", user=stub.user(ADMIN_ID))
    assert REFUSAL not in (stub.wait_answer(cb).params.get("text") or "")
    qid = stub.inline("/reindex", user=stub.user(ADMIN_ID))
    answer = stub.wait_answer(qid, "answerInlineQuery")
    assert "私聊" in answer.params["button"]["text"]  # not run from inline mode, even for admins


def test_admin_commands_in_groups(stub, bot, before):
    group = stub.group(-100700)
    _, call = ask(stub, "/stats@zh_answer_bot", chat=group, user_id=STRANGER)
    assert REFUSAL in check_html(call.params["text"])
    _, call = ask(stub, "/stats@zh_answer_bot", chat=group, user_id=ADMIN_ID)
    visible = check_html(call.params["text"])
    assert "私聊" in visible and "文档" not in visible  # the log is not shown to a group
    _unchanged(bot, before)


def test_the_admin_list_is_read_in_one_place():
    """Only the config loader, the one check, and the command menu read `admins`."""
    readers = [
        p.relative_to(ROOT).as_posix()
        for p in sorted((ROOT / "bot").rglob("*.py"))
        if re.search(r"\.admins\b", p.read_text(encoding="utf-8"))
    ]
    assert readers == ["bot/config.py", "bot/state.py", "bot/telegram_app.py"]
    menu = [
        line
        for line in (ROOT / "bot" / "telegram_app.py").read_text(encoding="utf-8").splitlines()
        if re.search(r"\.admins\b", line)
    ]
    assert menu == ["        await _set_commands(app, t.admins)"]
    access = (ROOT / "bot" / "access.py").read_text(encoding="utf-8")
    assert "is_admin(" in access
    # The admin commands are checked as the table of commands says; uploads by the same check.
    assert sorted(ADMIN_COMMANDS) == ["docs", "reindex", "remove", "stats"]
    assert "access.admin_command(" in (ROOT / "bot" / "commands" / "__init__.py").read_text(encoding="utf-8")
    assert "access.admin_command(" in (ROOT / "bot" / "commands" / "upload.py").read_text(encoding="utf-8")
    for module in ("reindex", "docs", "stats", "upload"):
        source = (ROOT / "bot" / "commands" / f"{module}.py").read_text(encoding="utf-8")
        assert "is_admin" not in source, module
