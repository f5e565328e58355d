"""Small talk (index/answers/smalltalk.py): answered in kind in a private chat, mostly left alone
in a group.

Small talk is not a question: it is never searched and never written to the question log,
so it does not count in /stats' questions or its no-answer rate.

In a group, a 谢谢, 好的, 再见, 哈哈 or 👍 (most often a reply to the bot's answer) is said
to the room as much as to the bot: a reply from the bot would be one more message for
every member to read, and says nothing, so the bot stays silent. It says one line only
when someone turns to it with nothing to ask: a greeting ("@bot 你好") or a mention with
only emoji or punctuation gets how to ask in a group, with an example. An emoji sent as a
reply to its answer is a reaction, and gets nothing.
"""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot import script, state, wording
from bot.telegram_html import small_talk_html


async def reply_in_kind(
    update: Update, context: ContextTypes.DEFAULT_TYPE, kind: str, *, replying_to_bot: bool
) -> None:
    """Answer small talk of `kind` as a reply, or say nothing where that is kinder."""
    message = update.effective_message
    group = message.chat.type != ChatType.PRIVATE
    if group and (not wording.says_in_group(kind) or (kind == "emoji" and replying_to_bot)):
        return
    examples = await asyncio.to_thread(state.get(context).examples)
    html = script.to_user_script(
        small_talk_html(kind, examples, group), script.for_user(message.text, message.from_user)
    )
    await message.reply_html(html, do_quote=True)
