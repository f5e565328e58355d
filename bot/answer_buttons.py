"""The buttons under an answer (更多, 👍, 👎): sent with it (bot/commands/ask.py), and again
when 更多 is pressed (bot/commands/buttons.py)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.signing import Signer


def answer_buttons(
    signer: Signer, chat_id: int, qid: int | None, more_offset: int | None = 1
) -> InlineKeyboardMarkup | None:
    """更多 (when there is more) and 👍 / 👎, signed for this chat and question; none for a
    question the log could not keep (no id to name it by)."""
    if qid is None:
        return None
    row = []
    if more_offset is not None:
        row.append(InlineKeyboardButton("更多", callback_data=signer.more(chat_id, qid, more_offset)))
    row.append(InlineKeyboardButton("👍", callback_data=signer.vote(chat_id, qid, True)))
    row.append(InlineKeyboardButton("👎", callback_data=signer.vote(chat_id, qid, False)))
    return InlineKeyboardMarkup([row])
