"""Inline mode: `@botname 问题` in any chat offers up to 5 passages, each titled by what
tells it from the others: "答：" and the answer sentence for the passage it comes from
(offered first), else the passage's section and first words; the description holds the answer
sentence, or the passage's sentence saying most of the question. Choosing one sends the
question, the answer (for the answering passage), the quote and its source into that chat.
When the engine is unsure, the passages come under a "没有直接的答案" heading and the quote
sent says so; small talk offers nothing.

Inline queries arrive as the user types, so they are not written to the question log
(the partial "雨花区有" would swamp it). Admin words (`/stats`, `/docs`) typed inline go
through the same admin check as the commands.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import InlineQueryResultArticle, InlineQueryResultsButton, InputTextMessageContent, Update
from telegram.ext import ContextTypes

from bot import access, state
from bot.question_text import clean_question, has_words
from bot.telegram_html import answers_from, clip, inline_quote_html
from bot.wording import UNSURE_HEAD
from index.answers import smalltalk
from index.engine import Answer, Hit

log = logging.getLogger("bot.inline")

MAX_RESULTS = 5
TITLE_CHARS = 40  # a title is one line on a phone
SECTION_CHARS = 12  # so that the passage's first words show after it
DESCRIPTION_CHARS = 120
UNSURE_BUTTON = f"没有直接的答案，{UNSURE_HEAD}："


async def on_inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer the passages that answer the typed question."""
    st = state.get(context)
    query = update.inline_query
    text = clean_question(query.query)
    if text.startswith("/"):
        await _admin_inline(update, context, text)
        return
    if not has_words(text) or smalltalk.is_small_talk(text):  # "你好" typed inline: nothing to look up
        examples = await asyncio.to_thread(st.examples)
        hint = f"输入问题，例如：{examples[0]}" if examples else "输入问题"
        await query.answer([], cache_time=300, button=InlineQueryResultsButton(hint[:64], start_parameter="help"))
        return
    if st.inline.full(query.from_user.id):
        await query.answer(
            [],
            cache_time=0,
            is_personal=True,
            button=InlineQueryResultsButton("提问太频繁了，请稍后再试", start_parameter="help"),
        )
        return
    st.inline.add(query.from_user.id)
    result = await st.ask(text, MAX_RESULTS)
    if result.outcome not in ("answer", "unsure") or not result.passages:
        await query.answer(
            [], cache_time=30, button=InlineQueryResultsButton("没有找到，点此私聊查看相近主题", start_parameter="help")
        )
        return
    # The answering passage on top, the rest as ranked.
    first = [result.quoted] if result.found else []
    hits = (first + [hit for hit in result.passages if not answers_from(result, hit)])[:MAX_RESULTS]
    # Unsure: the passages are offered under a heading that makes no claim.
    button = InlineQueryResultsButton(UNSURE_BUTTON, start_parameter="help") if result.outcome == "unsure" else None
    await query.answer([_offer(result, hit) for hit in hits], cache_time=30, button=button)


def _offer(result: Answer, hit: Hit) -> InlineQueryResultArticle:
    """One passage as an inline result: a title and a description that set it apart."""
    answering = answers_from(result, hit)
    return InlineQueryResultArticle(
        id=str(hit.id),
        title=clip(f"答：{result.sentence}" if answering else _opening(hit), TITLE_CHARS),
        description=clip(_telling_sentence(result, hit), DESCRIPTION_CHARS),
        input_message_content=InputTextMessageContent(inline_quote_html(result, hit)),
    )


def _opening(hit: Hit) -> str:
    """Where the passage stands and how it begins: the passages of one article share its title."""
    return f"{clip(hit.section or hit.title or hit.doc_title or hit.doc, SECTION_CHARS)}：{hit.text}"


def _telling_sentence(result: Answer, hit: Hit) -> str:
    """The answer sentence (or, unsure, the closest one) for the passage it comes from; of
    any other passage, its sentence saying most of the question."""
    said_here = result.quoted is not None and result.quoted.id == hit.id
    return (said_here and (result.sentence or result.closest)) or hit.best or hit.text


async def _admin_inline(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """`/stats` or `/docs` typed inline: for admins, a result to send; others are refused."""
    st = state.get(context)
    query = update.inline_query
    from bot.commands import ADMIN_COMMANDS  # the table of commands names this module's handler

    name = text[1:].split(maxsplit=1)[0].split("@")[0].lower() if len(text) > 1 else ""
    command = ADMIN_COMMANDS.get(name)
    if command is None:
        await query.answer([], cache_time=300)
        return
    if not await access.require_admin(update, context, f"inline /{name}"):
        return
    if command.inline is None:
        await query.answer(
            [],
            cache_time=0,
            is_personal=True,
            button=InlineQueryResultsButton(f"请在私聊中使用 /{name}", start_parameter="help"),
        )
        return
    body = await asyncio.to_thread(command.inline, st)
    article = InlineQueryResultArticle(
        id=name,
        title=f"/{name}",
        description="管理员：发送到当前聊天",
        input_message_content=InputTextMessageContent(body),
    )
    await query.answer([article], cache_time=0, is_personal=True)
