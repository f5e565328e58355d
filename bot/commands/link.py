"""Admins: a private message that is a link (the whole message one http(s) address) has
its page fetched and indexed, as a sent file is (bot/adding.py: the hourly cap,
the queue, the reply). The fetch runs in the ingest process (index/documents/fetch.py), never in
the bot's event loop.

Only a message that is nothing but the link: "这篇报道 https://… 说了什么？" is a question,
and so is any link a non-admin sends (it goes on to the question handler, as before).
"""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import ContextTypes, filters

from bot import state
from bot.adding import add_in_turn
from bot.commands import ask
from index.documents.fetch import is_url


class _Link(filters.MessageFilter):
    def filter(self, message: Message) -> bool:
        return bool(message.text) and is_url(message.text)


LINK = _Link(name="link")


async def on_link(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An admin's link: fetch the page and add it; anyone else's: a question."""
    user = update.effective_user
    if not state.get(context).is_admin(user.id if user else None):
        await ask.on_private_text(update, context)
        return
    url = update.effective_message.text.strip()

    async def the_url(_queued) -> tuple:
        return (url,)

    await add_in_turn(update, context, url, "add_url", the_url)
