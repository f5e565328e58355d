"""Admins: /stats shows the corpus and the question log (answered today and in all, the
no-answer rate, and the questions that found nothing: what the corpus is missing), with a
chart of the last 30 days (bot/chart.py) as a photo whose caption is those numbers."""

from __future__ import annotations

import asyncio
import datetime as dt

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputMediaPhoto, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot import access, chart, state
from bot.telegram_html import fit

REFRESH = InlineKeyboardMarkup([[InlineKeyboardButton("刷新", callback_data="stats")]])
CHART_DAYS = 30
# The text is the photo's caption (Telegram: at most 1024 characters), so each question
# that found nothing is cut to this: five of them and the counts stay well within it.
QUESTION_CHARS = 60


def start_of_today(days_ago: int = 0) -> str:
    """The server's local midnight (`days_ago` days back), as the question log writes
    times (UTC, ISO 8601)."""
    local = dt.datetime.now().astimezone()
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0) - dt.timedelta(days=days_ago)
    return midnight.astimezone(dt.UTC).isoformat(timespec="seconds")


def last_days(st: state.BotState, n: int = CHART_DAYS) -> list[tuple[str, int, int, int, int]]:
    """(date, asked, answered, 👍, 👎) for each of the last `n` days, today last; days
    without questions are zeros."""
    first = dt.date.today() - dt.timedelta(days=n - 1)
    logged = {row[0]: tuple(row) for row in st.question_log.by_day(start_of_today(n - 1))}
    days = [(first + dt.timedelta(days=i)).isoformat() for i in range(n)]
    return [logged.get(day, (day, 0, 0, 0, 0)) for day in days]


def stats_html(st: state.BotState, days: list[tuple[str, int, int, int, int]] | None = None) -> str:
    """The numbers; with `days` (last_days), a line that sums them up as well."""
    s = st.engine.stats()
    today = start_of_today()
    q = st.question_log.stats(since=today)
    answered_today = st.question_log.answered_since(today)
    rate = 1 - q["answered"] / q["total"] if q["total"] else 0.0
    lines = [
        "<b>统计</b>",
        f"文档 {s['documents']} 篇，段落 {s['passages']} 段，{s['chars']} 字",
        f"今天提问 {q['today']} 个，答出 {answered_today} 个",
        f"累计提问 {q['total']} 个，答出 {q['answered']} 个，未找到答案 {rate:.0%}",
        f"反馈 👍 {q['thumbs_up']} / 👎 {q['thumbs_down']}",
    ]
    if days:
        lines.append(_recent_line(days))
    if q["unanswered_top"]:
        lines.append("最常找不到答案的问题：")
        lines += [f"• {fit(question, QUESTION_CHARS)}（{n} 次）" for question, n in q["unanswered_top"]]
    return "\n".join(lines)


def _recent_line(days: list[tuple[str, int, int, int, int]]) -> str:
    asked, answered, up, down = (sum(d[i] for d in days) for i in range(1, 5))
    share = f"{answered / asked:.0%}" if asked else "—"
    return f"近 {len(days)} 天提问 {asked} 个，答出 {answered} 个（{share}），👍 {up} / 👎 {down}"


async def _stats(st: state.BotState) -> tuple[str, bytes | None]:
    """The caption and the chart (None when it could not be drawn)."""
    days = await asyncio.to_thread(last_days, st)
    text = await asyncio.to_thread(stats_html, st, days)
    return text, await chart.draw(days)


async def on_stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Documents, passages, questions and what found no answer."""
    text, png = await _stats(state.get(context))
    message = update.effective_message
    if png is None:  # logged by chart.draw: the numbers alone
        await message.reply_html(text, reply_markup=REFRESH)
    else:
        await message.reply_photo(png, caption=text, reply_markup=REFRESH)


async def on_stats_refresh(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The 刷新 button under /stats (an admin path: checked like the command)."""
    query = update.callback_query
    if not await access.require_admin(update, context, "stats button"):
        return
    try:
        text, png = await _stats(state.get(context))
        if query.message.photo and png is not None:
            media = InputMediaPhoto(png, caption=text)
            await query.edit_message_media(media, reply_markup=REFRESH)
        elif query.message.photo:  # no new chart: the old one stays, with today's numbers
            await query.edit_message_caption(text, reply_markup=REFRESH)
        else:  # a /stats sent as text (before charts, or when the chart failed)
            await query.edit_message_text(text, reply_markup=REFRESH)
    except BadRequest as exc:  # nothing changed since the last refresh
        if "not modified" not in str(exc).lower():
            raise
    finally:
        await query.answer()
