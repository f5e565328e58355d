"""Questions: every text in a private chat; `/ask 问题`, a reply to the bot, or a message
mentioning @botname in a group. Everything else said in a group is none of its business.

The answer is sent as a reply to the question. A reply to one of the bot's answers is a
follow-up, searched in the light of the question that answer answered ("那新田县呢？"); in
a private chat so is an elliptic question sent within `followup_minutes` of an answer
(index/answers/followup.py tells it from a whole question, which is read alone). `/ask` alone, as
a reply to someone's message, asks that message. An edited question edits its answer.
Small talk ("谢谢", "你好") is not searched: bot/commands/chat.py answers it, or not.

Over the flood limit, a user's next few questions are queued and answered when it frees
(bot/flood.py: Backlog), the user told once; beyond the queue, told once that those are
not answered.

The log counts a question as answered only for the outcome "answer": the closest
sentence shown when the engine is unsure is no answer, and such questions are among
those /stats lists as finding nothing (what the corpus may be missing).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import time

from telegram import Message, MessageEntity, Update
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot import script, signing, state
from bot.answer_buttons import answer_buttons
from bot.commands import chat as chat_replies
from bot.question_text import clean_question, has_words
from bot.telegram_html import answer_html, hint_html
from index.answers import smalltalk

log = logging.getLogger("bot.ask")


async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str, *, edited: bool = False) -> None:
    """Answer `question` (from the update's message) as a reply to that message; an edited
    question, by editing the answer it had (a new reply if it had none)."""
    st = state.get(context)
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    question = clean_question(question)
    # Small talk, or nothing to search at all (said like an emoji): no question to ask.
    kind = smalltalk.kind(question) or (None if has_words(question) else "emoji")
    if kind:
        if not edited:
            await chat_replies.reply_in_kind(update, context, kind, replying_to_bot=replies_to(message, context.bot.id))
        return
    answer_id = await st.run(st.question_log.answer_to, chat.id, message.message_id) if edited else None
    job = functools.partial(_answer_now, st, context, message, question, answer_id, edited)
    user_id = user.id if user else None
    if st.backlog.waiting(user_id, chat.id) or not st.flood.allow(user_id, chat.id):
        await _over_the_limit(st, message, user_id, job)
    else:
        await job()


async def _over_the_limit(st: state.BotState, message: Message, user_id: int | None, job) -> None:
    """Queue the question for when the limit frees; say so once, or once that it is full."""
    chat_id = message.chat.id
    queued, first = st.backlog.offer(user_id, chat_id, job)
    log.info("flood control: user %s in chat %s, %s", user_id, chat_id, "queued" if queued else "not answered")
    if first:
        wait = max(1, round(st.flood.retry_in(user_id, chat_id)))
        text = (
            f"提问太频繁了。这个问题会在约 {wait} 秒后回答，在那之前再问的也会依次回答（连这个最多 {st.backlog.size} 个）。"
            if queued
            else f"提问太频繁了，排队的问题已满：这个问题和 {wait} 秒内再问的都不会回答，请到时再问。"
        )
        await message.reply_text(
            script.to_user_script(text, script.for_user(message.text, message.from_user)), do_quote=True
        )


async def _answer_now(
    st: state.BotState,
    context: ContextTypes.DEFAULT_TYPE,
    message: Message,
    question: str,
    answer_id: int | None,
    edited: bool,
) -> None:
    """Search, log, and send the answer (or edit `answer_id` into it)."""
    chat = message.chat
    previous = await _previous(st, context, message, edited)
    result, qid = await _ask_and_log(st, message, question, previous)
    asked = result.asked or question
    if chat.type == ChatType.PRIVATE and not edited:  # before the reply: the user's next message may come at once
        context.chat_data["last_asked"] = (asked, time.monotonic())
    more = 1 if len(result.passages) > 1 else None
    markup = answer_buttons(st.signer, chat.id, qid, more) if result.outcome in ("answer", "unsure") else None
    html = script.answer_in_users_script(answer_html(result), question, result)
    if answer_id is None:
        answer_id = (await message.reply_html(html, reply_markup=markup, do_quote=True)).message_id
    else:
        await _edit(context, chat.id, answer_id, html, markup)
    if qid is not None:  # queued on the answering thread: a follow-up looked up there later sees it
        st.later(_remember, st, chat.id, answer_id, qid, asked, message.message_id)


async def _edit(context: ContextTypes.DEFAULT_TYPE, chat_id: int, message_id: int, html: str, markup) -> None:
    try:
        await context.bot.edit_message_text(html, chat_id, message_id, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in str(exc):  # the edit changed nothing the answer says
            raise


async def _previous(
    st: state.BotState, context: ContextTypes.DEFAULT_TYPE, message: Message, edited: bool
) -> str | None:
    """The question a follow-up is read with: the one the bot message it replies to
    answered; in a private chat, else, the last one answered, if lately (not for an edit:
    the last answer may be to a question asked after it)."""
    bot_id = context.bot.id
    if replies_to(message, bot_id):
        return await st.run(previous_question, st, bot_id, message)
    last = context.chat_data.get("last_asked") if message.chat.type == ChatType.PRIVATE and not edited else None
    if last and st.cfg.telegram.follows_up(last[1]):
        return last[0]
    return None


async def _ask_and_log(st: state.BotState, message: Message, question: str, previous: str | None):
    """The engine's answer (a follow-up completed from `previous`) and the question's log
    id (None if the log could not be written)."""
    started = time.perf_counter()
    result = await st.ask(question, previous=previous)
    latency = (time.perf_counter() - started) * 1000
    chat, user = message.chat, message.from_user
    qid = await st.run(
        functools.partial(
            st.question_log.log_question,
            chat_type=chat.type,
            chat_id=chat.id,
            user_id=user.id if user else None,
            question=question,
            answered=result.outcome == "answer",
            latency_ms=latency,
        )
    )
    return result, qid


def _remember(
    st: state.BotState, chat_id: int, message_id: int, qid: int, asked: str, question_message_id: int
) -> None:
    try:
        st.question_log.remember_answer(
            chat_id=chat_id,
            message_id=message_id,
            question_id=qid,
            asked=asked,
            question_message_id=question_message_id,
        )
    except Exception as exc:  # a follow-up then falls back on the buttons
        log.warning("answer message not remembered: %s", exc)


def replies_to(message: Message, bot_id: int) -> bool:
    """Is the message a reply to one of the bot's own?"""
    reply = message.reply_to_message
    return reply is not None and reply.from_user is not None and reply.from_user.id == bot_id


def previous_question(st: state.BotState, bot_id: int, message: Message) -> str | None:
    """The question a follow-up refers to: the one answered by the bot message it replies to."""
    if not replies_to(message, bot_id):
        return None
    reply = message.reply_to_message
    chat_id = message.chat.id
    row = st.question_log.answer_message(chat_id, reply.message_id)
    if row:
        return row["asked"]
    for line in reply.reply_markup.inline_keyboard if reply.reply_markup else ():
        for button in line:  # not remembered: the buttons name the question, signed
            data = signing.parse(button.callback_data if isinstance(button.callback_data, str) else None)
            if data and st.signer.check(chat_id, data):
                q = st.question_log.question(data.qid)
                if q and q["chat_id"] == chat_id:
                    return q["question"]
    return None


async def on_private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Private chat: every text message is a question."""
    await answer(update, context, update.effective_message.text)


async def on_ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ask 问题 (or /ask@botname 问题), in any chat; /ask alone as a reply to someone's
    message asks that message."""
    message = update.effective_message
    question = ask_text(message, context.bot.id)
    if not has_words(clean_question(question)):
        examples = await asyncio.to_thread(state.get(context).examples)
        example = f"，例如 /ask {examples[0]}" if examples else ""
        await message.reply_text(
            f"用法：/ask 问题{example}；或用 /ask 回复别人的问题。", do_quote=True, parse_mode=None
        )
        return
    await answer(update, context, question)


def ask_text(message: Message, bot_id: int) -> str:
    """What /ask asks: its own words, or (none) those of the message it replies to, unless
    that is the bot's own."""
    command = next((e for e in message.entities if e.type == MessageEntity.BOT_COMMAND and e.offset == 0), None)
    text = message.text or ""
    own = text[len(message.parse_entity(command)) :] if command else ""
    reply = message.reply_to_message
    if has_words(clean_question(own)) or reply is None or replies_to(message, bot_id):
        return own
    return reply.text or reply.caption or ""


async def on_edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edited message that asks the bot something (as a new one would): answered again,
    the earlier answer edited."""
    message, bot = update.effective_message, context.bot
    text = message.text or ""
    command = next((e for e in message.entities if e.type == MessageEntity.BOT_COMMAND and e.offset == 0), None)
    if command:
        name, _, to = message.parse_entity(command)[1:].partition("@")
        if name.lower() != "ask" or (to and to.lower() != (bot.username or "").lower()):
            return
        question = ask_text(message, bot.id)
    elif message.chat.type == ChatType.PRIVATE:
        question = text
    elif replies_to(message, bot.id) or mentions(message, bot.username, bot.id):
        question = strip_mention(text, bot.username)
    else:
        return
    await answer(update, context, question, edited=True)


async def on_group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Group: answer a reply to the bot, or a message that mentions it; ignore the rest."""
    message = update.effective_message
    bot = context.bot
    if replies_to(message, bot.id) or mentions(message, bot.username, bot.id):
        await answer(update, context, strip_mention(message.text or "", bot.username))


def mentions(message: Message, username: str, bot_id: int) -> bool:
    """Does the message name the bot (@username, or a text mention of its account)?"""
    for entity in message.entities or ():
        if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot_id:
            return True
    return bool(username) and _mention_re(username).search(message.text or "") is not None


def strip_mention(text: str, username: str) -> str:
    return _mention_re(username).sub(" ", text) if username else text


def _mention_re(username: str) -> re.Pattern:
    return re.compile(rf"@{re.escape(username)}(?![A-Za-z0-9_])", re.IGNORECASE)


async def on_other_private(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Private chat, but no text (a sticker, a photo, an unknown command): say what to do."""
    st = state.get(context)
    examples = await asyncio.to_thread(st.examples)
    await update.effective_message.reply_html(hint_html(examples) + "\n发送 /help 查看说明。")
