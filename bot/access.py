"""The one admin check. Every admin path goes through `require_admin`: commands, document
uploads, admin buttons (callback queries) and admin words typed in inline mode. Which
commands are admins' is said in the table of commands (bot/commands/__init__.py).

Admins are the Telegram user ids in `[telegram] admins`. A refusal is polite, answers on
the path the request came from (so a button never keeps spinning), and is logged.
"""

from __future__ import annotations

import functools
import logging

from telegram import InlineQueryResultsButton, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot import state

log = logging.getLogger("bot.access")

REFUSAL = "抱歉，这个操作只有管理员可以使用。"
PRIVATE_ONLY = "管理命令请在与我的私聊中使用。"


async def require_admin(update: Update, context: ContextTypes.DEFAULT_TYPE, action: str) -> bool:
    """True if the user behind `update` is an admin; otherwise refuse politely and log it."""
    user = update.effective_user
    if state.get(context).is_admin(user.id if user else None):
        return True
    chat = update.effective_chat
    log.warning(
        "refused %s: user %s (@%s) is not an admin (chat %s)",
        action,
        user.id if user else None,
        user.username if user else None,
        chat.id if chat else None,
    )
    if update.callback_query:
        await update.callback_query.answer(REFUSAL, show_alert=True)
    elif update.inline_query:
        await update.inline_query.answer(
            [], cache_time=0, is_personal=True, button=InlineQueryResultsButton(REFUSAL, start_parameter="help")
        )
    elif update.effective_message:
        await update.effective_message.reply_text(REFUSAL)
    return False


def admin_command(action: str):
    """Decorate a command handler: admins only, and only in a private chat (admin replies
    show the corpus and the question log, which a group should not see)."""

    def decorate(handler):
        @functools.wraps(handler)
        async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE):
            if not await require_admin(update, context, action):
                return None
            chat = update.effective_chat
            if chat is not None and chat.type != ChatType.PRIVATE:
                await update.effective_message.reply_text(PRIVATE_ONLY)
                return None
            return await handler(update, context)

        return wrapper

    return decorate
