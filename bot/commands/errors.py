"""The application's error handler: log the error (the token is masked by bot.redact),
tell the user briefly, keep running."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import NetworkError, TelegramError
from telegram.ext import ContextTypes

from bot import reasons
from index.engine import SearchUnavailable

log = logging.getLogger("bot.errors")

APOLOGY = "抱歉，处理这条消息时出了点问题，请稍后再试。"


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log any exception a handler raised and apologise to the chat it came from."""
    error = context.error
    where = ""
    if isinstance(update, Update):
        chat = update.effective_chat
        where = f" (update {update.update_id}, chat {chat.id if chat else None})"
    reply = APOLOGY
    if isinstance(error, NetworkError):  # Telegram unreachable even after retries
        log.warning("Bot API request failed%s: %s", where, error)
    elif isinstance(error, SearchUnavailable):  # a shard down or slow: no traceback, it is no bug
        log.warning("question not answered%s: %s", where, error)
        reply = reasons.say(error)
    else:
        log.error("handler failed%s", where, exc_info=error)
    if not isinstance(update, Update):
        return
    try:
        if update.callback_query:
            await update.callback_query.answer(reply)
        elif update.inline_query:
            await update.inline_query.answer([], cache_time=0)
        elif update.effective_message and update.effective_chat:
            await update.effective_message.reply_text(reply)
    except TelegramError as exc:  # already answered, or Telegram still unreachable
        log.info("could not apologise%s: %s", where, exc)
