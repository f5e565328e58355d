"""Keep the bot token out of every log line.

python-telegram-bot puts the token in every request URL (`.../bot<TOKEN>/sendMessage`),
httpx logs those URLs at INFO, and `repr(bot)` is `Bot[token=...]`. Rather than trust each
library's log level, `protect(token)` installs a log record factory that rewrites the
message, and any traceback text, of every record created afterwards, whatever logger,
handler or formatter ends up printing it.
"""

from __future__ import annotations

import logging
import threading
import traceback

MASK = "<TOKEN>"

_secrets: set[str] = set()
_lock = threading.Lock()
_installed = False


def redact(text: str) -> str:
    """`text` with every protected secret replaced by a mask."""
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def protect(secret: str | None) -> None:
    """Mask `secret` in every log record from now on. Safe to call more than once."""
    global _installed
    if not secret:
        return
    with _lock:
        _secrets.add(secret)
        if len(secret) > 12 and ":" in secret:
            _secrets.add(secret.split(":", 1)[1])  # the part after the bot id is the secret one
        if not _installed:
            previous = logging.getLogRecordFactory()
            logging.setLogRecordFactory(_factory(previous))
            _installed = True


def _factory(previous):
    def make(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if not _secrets:
            return record
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to logging to report
            return record
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[0] is not None:
            text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            record.exc_text = redact(text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return record

    return make
