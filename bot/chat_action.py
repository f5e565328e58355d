""" "typing…" at the top of the chat while long work runs (an upload indexed, /reindex).

    async with chat_action.showing(context.bot, chat_id):
        await long_work()

Nothing is sent for work done within DELAY_SECONDS (a reply comes soon enough); then
sendChatAction is sent every REPEAT_SECONDS, since Telegram clears the action after 5 s or
at the bot's next message. It is cosmetic: a failure to send it is logged, never raised.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import Bot
from telegram.constants import ChatAction
from telegram.error import TelegramError

log = logging.getLogger("bot.chat_action")

DELAY_SECONDS = 0.5
REPEAT_SECONDS = 4.0


@contextlib.asynccontextmanager
async def showing(bot: Bot, chat_id: int, action: str = ChatAction.TYPING):
    """Show `action` in `chat_id` for as long as the block runs (after DELAY_SECONDS)."""
    task = asyncio.create_task(_repeat(bot, chat_id, action))
    try:
        yield
    finally:
        task.cancel()


async def _repeat(bot: Bot, chat_id: int, action: str) -> None:
    await asyncio.sleep(DELAY_SECONDS)
    while True:
        try:
            await bot.send_chat_action(chat_id, action)
        except TelegramError as exc:
            log.info("chat action not shown in %s: %s", chat_id, exc)
        await asyncio.sleep(REPEAT_SECONDS)
