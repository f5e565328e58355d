"""The buttons under an answer: 更多 (the next passages, in a new message replying to it)
and 👍 / 👎 (feedback into the question log).

The data names the question by its log id, so the buttons work after a restart; it is
signed for the chat the answer was sent to, and the log row must belong to that chat, so
data copied or made up elsewhere opens nothing. Every callback query is answered.
"""

from __future__ import annotations

import functools
import logging

from telegram import ReplyParameters, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot import signing, state
from bot.answer_buttons import answer_buttons
from bot.telegram_html import passages_html

log = logging.getLogger("bot.buttons")

PAGE = 2  # passages a press of 更多 shows
MAX_OFFSET = 12  # past this the passages have little to do with the question
STALE = "这个按钮已失效，请重新提问。"


async def on_answer_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """更多 / 👍 / 👎 pressed under an answer."""
    query = update.callback_query
    notice = None
    try:
        notice = await _handle(update, context)
    finally:
        await query.answer(notice)


async def _handle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    st = state.get(context)
    query = update.callback_query
    data = signing.parse(query.data)
    message = query.message
    if data is None or message is None:
        return STALE
    chat_id = message.chat.id
    row = await st.run(st.question_log.question, data.qid) if st.signer.check(chat_id, data) else None
    if row is None or row["chat_id"] != chat_id:
        log.warning(
            "refused button %r from user %s in chat %s: not this chat's question",
            query.data,
            query.from_user.id,
            chat_id,
        )
        return STALE
    if data.action in ("up", "down"):
        await st.run(st.question_log.set_feedback, data.qid, 1 if data.action == "up" else -1)
        return "谢谢反馈！"
    return await _more(update, context, st, data, chat_id, row)


async def _more(update, context, st: state.BotState, data: signing.ButtonData, chat_id: int, row: dict):
    query = update.callback_query
    if data.offset > MAX_OFFSET:
        return "没有更多出处了。"
    if not st.flood.allow(query.from_user.id, chat_id):
        return "操作太频繁了，请稍后再试。"
    pressed = query.message.message_id
    # On the answering thread, after the record of the message pressed was written there.
    remembered = await st.run(st.question_log.answer_message, chat_id, pressed)
    asked = remembered["asked"] if remembered else row["question"]
    result = await st.ask(asked, PAGE + 1, data.offset)
    hits = result.passages[:PAGE]
    if not hits:
        return "没有更多出处了。"
    next_offset = data.offset + PAGE
    more = next_offset if len(result.passages) > PAGE and next_offset <= MAX_OFFSET else None
    # A new message replying to the one pressed: the answer stays as everyone in the chat read it.
    sent = await context.bot.send_message(
        chat_id,
        passages_html(hits, data.offset),
        reply_markup=answer_buttons(st.signer, chat_id, data.qid, more),
        reply_parameters=ReplyParameters(pressed, allow_sending_without_reply=True),
    )
    # It answers the same question: its 更多, and a follow-up replying to it, go on from there.
    st.later(
        functools.partial(
            st.question_log.remember_answer,
            chat_id=chat_id,
            message_id=sent.message_id,
            question_id=data.qid,
            asked=asked,
        )
    )
    await _drop_more(query, st, chat_id, data.qid)
    return None


async def _drop_more(query, st: state.BotState, chat_id: int, qid: int) -> None:
    """The pressed message keeps 👍 / 👎 but loses 更多, its passages being shown below it:
    a second press (someone else's, in a group) would only repeat them."""
    try:
        await query.edit_message_reply_markup(answer_buttons(st.signer, chat_id, qid, None))
    except BadRequest as exc:  # pressed twice at once: "message is not modified"
        if "not modified" not in str(exc).lower():
            raise
