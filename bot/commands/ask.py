"""Questions: every text in a private chat; `/ask 问题`, a reply to the bot, or a message
mentioning @botname in a group. Everything else said in a group is none of its business.

The answer is sent as a reply to the question. A reply to one of the bot's answers is a
follow-up, searched in the light of the question that answer answered ("那新田县呢？").
Small talk ("谢谢", "你好") is not searched: bot/commands/chat.py answers it, or not.

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

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageEntity, Update
from telegram.ext import ContextTypes

from bot import script, signing, state
from bot.commands import chat as chat_replies
from bot.telegram_html import answer_html, hint_html
from index import smalltalk, store

log = logging.getLogger("bot.ask")

MAX_QUESTION = 1000  # characters kept of a question (the engine reads the first 500)
_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_SPACES = re.compile(r"\s+")


def clean_question(text: str | None) -> str:
    """Control and invisible characters out, runs of whitespace made one space."""
    return _SPACES.sub(" ", _INVISIBLE.sub("", text or "")).strip()[:MAX_QUESTION]


def has_words(text: str) -> bool:
    """Anything to search for: a letter, a digit or a Chinese character."""
    return re.search(r"[^\W_]", text) is not None


def answer_buttons(st: state.BotState, chat_id: int, qid: int | None, more_offset: int | None = 1):
    """更多 (when there is more) and 👍 / 👎, signed for this chat and question."""
    if qid is None:
        return None
    row = []
    if more_offset is not None:
        row.append(InlineKeyboardButton("更多", callback_data=st.signer.more(chat_id, qid, more_offset)))
    row.append(InlineKeyboardButton("👍", callback_data=st.signer.vote(chat_id, qid, True)))
    row.append(InlineKeyboardButton("👎", callback_data=st.signer.vote(chat_id, qid, False)))
    return InlineKeyboardMarkup([row])


async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str) -> None:
    """Answer `question` (from the update's message) as a reply to that message."""
    st = state.get(context)
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    question = clean_question(question)
    # Small talk, or nothing to search at all (said like an emoji): no question to ask.
    kind = smalltalk.kind(question) or (None if has_words(question) else "emoji")
    if kind:
        await chat_replies.reply_in_kind(update, context, kind, replying_to_bot=replies_to(message, context.bot.id))
        return
    user_id = user.id if user else None
    if not st.flood.allow(user_id, chat.id):
        log.info("flood control: user %s in chat %s", user_id, chat.id)
        if st.flood.first_refusal(user_id, chat.id):
            wait = max(1, round(st.flood.retry_in(user_id, chat.id)))
            await message.reply_text(f"提问太频繁了，请 {wait} 秒后再问。", do_quote=True)
        return
    result, qid = await _ask_and_log(st, context.bot.id, message, question)
    more = 1 if len(result.passages) > 1 else None
    markup = answer_buttons(st, chat.id, qid, more) if result.outcome in ("answer", "unsure") else None
    html = script.answer_in_users_script(answer_html(result), question, result)
    sent = await message.reply_html(html, reply_markup=markup, do_quote=True)
    if qid is not None:  # queued on the answering thread: a follow-up looked up there later sees it
        st.later(_remember, st, chat.id, sent.message_id, qid, result.asked or question)


async def _ask_and_log(st: state.BotState, bot_id: int, message: Message, question: str):
    """The engine's answer (a follow-up completed from the question it replies to) and the
    question's log id (None if the log could not be written)."""
    previous = await st.run(previous_question, st, bot_id, message) if replies_to(message, bot_id) else None
    started = time.perf_counter()
    result = await st.ask(question, previous=previous)
    latency = (time.perf_counter() - started) * 1000
    chat, user = message.chat, message.from_user
    qid = await st.run(functools.partial(
        st.log_question, chat_type=chat.type, chat_id=chat.id, user_id=user.id if user else None,
        question=question, answered=result.outcome == "answer", latency_ms=latency))
    return result, qid


def _remember(st: state.BotState, chat_id: int, message_id: int, qid: int, asked: str) -> None:
    try:
        store.remember_answer(st.log_db, chat_id=chat_id, message_id=message_id, question_id=qid, asked=asked)
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
    row = store.answer_message(st.log_db, chat_id, reply.message_id)
    if row:
        return row["asked"]
    for line in (reply.reply_markup.inline_keyboard if reply.reply_markup else ()):
        for button in line:  # not remembered: the buttons name the question, signed
            data = signing.parse(button.callback_data if isinstance(button.callback_data, str) else None)
            if data and st.signer.check(chat_id, data):
                q = store.question(st.log_db, data.qid)
                if q and q["chat_id"] == chat_id:
                    return q["question"]
    return None


async def on_private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Private chat: every text message is a question."""
    await answer(update, context, update.effective_message.text)


async def on_ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ask 问题 (or /ask@botname 问题), in any chat."""
    message = update.effective_message
    command = next((e for e in message.entities if e.type == MessageEntity.BOT_COMMAND and e.offset == 0), None)
    text = message.text or ""
    question = text[len(message.parse_entity(command)):] if command else " ".join(context.args or [])
    if not has_words(clean_question(question)):
        await message.reply_text("用法：/ask 问题，例如 /ask 雨花区有多少红色之家？", do_quote=True)
        return
    await answer(update, context, question)


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

