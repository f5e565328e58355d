"""Adding a document from Telegram, what an admin's upload (bot/commands/upload.py) and
link (bot/commands/link.py) share: the hourly cap, the queue, the index write in its
turn, and the reply that says how it went."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot import chat_action, reasons, state
from bot.ingest_process import IngestFailed
from bot.telegram_html import esc, fit
from bot.wording import ocr_note
from index.engine import DocumentRejected, ReindexBusy, ReindexFailed

log = logging.getLogger("bot.upload")


async def add_in_turn(update: Update, context: ContextTypes.DEFAULT_TYPE, label: str, job: str, job_args) -> None:
    """What an upload and a link share: the hourly cap, a "queued" note when others are
    ahead, `job` run in its turn on what `await job_args(queued)` gives (None: it said
    why not), and the result said. `label` names it in a refusal (a file name, a link)."""
    st = state.get(context)
    message = update.effective_message
    user_id = update.effective_user.id
    if _capped(st, user_id):
        await message.reply_text(_cap_text(st, user_id), do_quote=True)
        return
    queued = None
    if st.ingest_jobs:
        queued = await message.reply_text(f"已收到，排队中（前面还有 {st.ingest_jobs} 个任务）…", do_quote=True)
    # Downloaded in its turn: a queue of uploads holds messages, not their files' bytes.
    # "typing…" while its turn runs (not while it waits: the queued note says so).
    async with st.ingest_turn(), chat_action.showing(context.bot, message.chat_id):
        if _capped(st, user_id):  # the uploads queued before it filled the hour's cap
            await say(message, queued, _cap_text(st, user_id))
            return
        args = await job_args(queued)
        if args is None:
            return
        try:
            added = await st.ingest(job, *args)
        except DocumentRejected as exc:
            log.info("%s of %s refused: %s", job, label, exc)
            await say(message, queued, f"未加入 {label}：{reasons.say(exc)}")
            return
        except (ReindexBusy, ReindexFailed, IngestFailed) as exc:
            log.error("%s of %s failed: %s", job, label, exc)
            await say(message, queued, f"未加入 {label}：{reasons.say(exc)}")
            return
        st.uploads.add(user_id)  # the hourly cap counts documents added, not attempts
    summary = added["summary"]
    log.info("admin %s added %s (%d passages)", user_id, added["name"], added["passages"])
    verb = "已更新" if summary.changed else "已加入"
    await say(
        message,
        queued,
        f"{verb}：<b>{fit(added['title'], 300)}</b>\n文件 <code>{esc(added['name'])}</code>，"
        f"{added['passages']} 段{ocr_note(added.get('ocr_pages', 0))}。\n"
        f"现有 {summary.documents} 篇文档，{summary.passages} 段。",
        html=True,
    )


def _capped(st, user_id: int) -> bool:
    if st.uploads.full(user_id):
        log.warning("upload cap: admin %s added %s files this hour", user_id, st.uploads.limit)
        return True
    return False


def _cap_text(st, user_id: int) -> str:
    wait = max(1, round(st.uploads.retry_in(user_id) / 60))
    return f"每小时最多加入 {st.uploads.limit} 个文件，请 {wait} 分钟后再试。"


async def say(message, queued, text: str, html: bool = False) -> None:
    """The result (or a refusal): in place of its "queued" note when it had one, else a reply."""
    mode = "HTML" if html else None
    if queued is not None:
        await queued.edit_text(text, parse_mode=mode)
    else:
        await message.reply_text(text, parse_mode=mode, do_quote=True)
