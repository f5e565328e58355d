"""Admins: /stats shows the corpus and the question log (answered today and in all, the
no-answer rate, and the questions that found nothing: what the corpus is missing)."""

from __future__ import annotations

import asyncio
import datetime as dt

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot import access, state
from bot.telegram_html import fit
from index import store

REFRESH = InlineKeyboardMarkup([[InlineKeyboardButton("刷新", callback_data="stats")]])


def start_of_today() -> str:
    """The server's local midnight, as the question log writes times (UTC, ISO 8601)."""
    local = dt.datetime.now().astimezone()
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


def stats_html(st: state.BotState) -> str:
    s = st.engine.stats()
    today = start_of_today()
    q = store.question_stats(st.log_db, since=today)
    answered_today = store.questions_answered_since(st.log_db, today)
    rate = 1 - q["answered"] / q["total"] if q["total"] else 0.0
    lines = [
        "<b>统计</b>",
        f"文档 {s['documents']} 篇，段落 {s['passages']} 段，{s['chars']} 字",
        f"今天提问 {q['today']} 个，答出 {answered_today} 个",
        f"累计提问 {q['total']} 个，答出 {q['answered']} 个，未找到答案 {rate:.0%}",
        f"反馈 👍 {q['thumbs_up']} / 👎 {q['thumbs_down']}",
    ]
    if q["unanswered_top"]:
        lines.append("最常找不到答案的问题：")
        lines += [f"• {fit(question, 200)}（{n} 次）" for question, n in q["unanswered_top"]]
    return "\n".join(lines)


@access.admin_command("/stats")
async def on_stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Documents, passages, questions and what found no answer."""
    text = await asyncio.to_thread(stats_html, state.get(context))
    await update.effective_message.reply_html(text, reply_markup=REFRESH)


async def on_stats_refresh(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The 刷新 button under /stats (an admin path: checked like the command)."""
    query = update.callback_query
    if not await access.require_admin(update, context, "stats button"):
        return
    try:
        text = await asyncio.to_thread(stats_html, state.get(context))
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=REFRESH)
    except BadRequest as exc:  # nothing changed since the last refresh
        if "not modified" not in str(exc).lower():
            raise
    finally:
        await query.answer()
