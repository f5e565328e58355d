"""Fixtures and checks shared by the tests/bot/test_telegram_*.py files.

Each test file gets its own stub Bot API and its own running bot (module scope) on a
private copy of the seeds. Its fixtures (stub, tg_config, logs, bot) reach
every test file through tests/conftest.py's pytest_plugins; its helpers are imported.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest

from tests.bot.stub_bot_api import ADMIN_ID, BotRunner, StubBotApi, parse_telegram_html, utf16_len, write_config

ADMIN2_ID = 1002  # a second admin, for the per-admin upload cap
USER_ID = 4242  # nobody special


class Records(logging.Handler):
    """Every log record, from the moment it is attached."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self._lock_ = threading.Lock()

    def emit(self, record):
        with self._lock_:
            self.records.append(record)

    def mark(self) -> int:
        return len(self.records)

    def since(self, mark: int = 0, level: int = logging.DEBUG) -> list[logging.LogRecord]:
        with self._lock_:
            return [r for r in self.records[mark:] if r.levelno >= level]

    def text(self, mark: int = 0) -> str:
        fmt = logging.Formatter("%(name)s %(levelname)s %(message)s")
        return "\n".join(fmt.format(r) for r in self.since(mark))


@pytest.fixture(scope="module")
def stub():
    with StubBotApi() as s:
        yield s


_seed_index: Path | None = None


def seed_index(tmp_path_factory) -> Path:
    """The seeds indexed once per run; each bot starts from a copy (indexing them again for
    every file would cost the run a second a file)."""
    global _seed_index
    if _seed_index is None:
        from index.engine import Engine
        from tests.conftest import make_settings

        settings = make_settings(tmp_path_factory.mktemp("seed-index"))
        Engine.open(settings).db.conn.close()
        _seed_index = settings.db_path
    return _seed_index


@pytest.fixture(scope="module")
def tg_config(stub, tmp_path_factory, request):
    """config.toml for the file's bot; a file may set TG_OVERRIDES = {...} for [telegram]
    and INDEX_OVERRIDES = {...} for [index]."""
    # Embedding ahead is test_telegram_embedding's: in every file's bot it would cost the run
    # a process and the model's load a file.
    overrides = {"admins": [ADMIN_ID, ADMIN2_ID], "embed_ahead": False, **getattr(request.module, "TG_OVERRIDES", {})}
    return write_config(
        tmp_path_factory.mktemp("telegram"),
        stub,
        index_from=seed_index(tmp_path_factory),
        index=getattr(request.module, "INDEX_OVERRIDES", None),
        **overrides,
    )


@pytest.fixture(scope="module")
def logs():
    """Records of every WARNING and above (and INFO of the bot's own loggers)."""
    handler = Records()
    root = logging.getLogger()
    root.addHandler(handler)
    bot_logger = logging.getLogger("bot")
    old = bot_logger.level
    bot_logger.setLevel(logging.INFO)
    yield handler
    bot_logger.setLevel(old)
    root.removeHandler(handler)


@pytest.fixture(scope="module")
def bot(tg_config, logs, request):
    """The real bot on the stub; a file may set BUILD_KWARGS = {...} for build_application."""
    with BotRunner(tg_config, **getattr(request.module, "BUILD_KWARGS", {})) as runner:
        yield runner


def check_html(text: str) -> str:
    """Assert `text` is valid Telegram HTML within the limit; return its visible text."""
    visible = parse_telegram_html(text)
    assert visible.strip(), "empty message"
    assert utf16_len(visible) <= 4096 and utf16_len(text) <= 4096, f"too long: {utf16_len(text)}"
    return visible


def upload_result(stub, msg, timeout=60) -> str:
    """What the admin reads as an upload's result: the reply, or, when the upload waited
    its turn, what its "queued" note was edited into."""
    reply = stub.wait_reply(msg, timeout=timeout)
    text = reply.params["text"]
    if "排队中" in text:
        text = stub.wait(
            "editMessageText", lambda c: c.params["message_id"] == reply.result["message_id"], timeout=timeout
        ).params["text"]
    return check_html(text)


def ask(
    stub: StubBotApi,
    text: str,
    *,
    chat: dict | None = None,
    user_id: int = USER_ID,
    reply_to=None,
    timeout: float = 10.0,
):
    """Send `text` to the bot and return (question message, the reply's sendMessage call)."""
    chat = chat or stub.private(user_id)
    msg = stub.send(chat, text, user=stub.user(user_id), reply_to=reply_to)
    return msg, stub.wait_reply(msg, timeout=timeout)


def ask_stats(stub: StubBotApi, user_id: int = ADMIN_ID, timeout: float = 30.0):
    """An admin sends /stats: the sendPhoto of its reply (the chart, the numbers as caption)."""
    mark = stub.mark()
    stub.send(stub.private(user_id), "/stats", user=stub.user(user_id))
    return stub.wait("sendPhoto", lambda c: c.params["chat_id"] == user_id, since=mark, timeout=timeout)


def sent_message(stub: StubBotApi, call) -> dict:
    """The message a sendMessage call created, as the stub keeps it (for replies, buttons)."""
    result = call.result
    return stub.messages[(result["chat"]["id"], result["message_id"])]


def buttons(message: dict) -> dict[str, str]:
    """{button text: callback data} of a message's inline keyboard."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return {b["text"]: b.get("callback_data") for row in rows for b in row}


def eventually(fn, timeout: float = 5.0, interval: float = 0.02):
    """fn()'s first truthy value within `timeout` seconds (for what the bot writes just
    after it sends), else fn()'s last value."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)
