"""Admins: a .txt, .md, .pdf, .docx, .html or image file, or a photo, sent in a private
chat is added to the corpus and the index (an image read by OCR; a link, in
bot/commands/link.py, the same way). The engine reduces the file name to a plain name
inside the corpus folder and refuses what it cannot read; the size and the uploads per
hour are capped."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import access, chat_action, reasons, state
from bot.telegram_html import esc, fit
from bot.wording import ocr_note
from bot.ingest_process import IngestFailed
from index.engine import DocumentRejected, ReindexBusy, ReindexFailed, safe_name
from index.readers import too_large

log = logging.getLogger("bot.upload")


@access.admin_command("upload")
async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Add the sent document or photo to the corpus and the index."""
    st = state.get(context)
    message = update.effective_message
    file_name, file_size, sent = _sent_file(message)
    try:
        safe_name(file_name)
    except DocumentRejected as exc:
        await message.reply_text(reasons.say(exc), do_quote=True, parse_mode=None)
        return
    if (why := too_large(file_size, st.cfg.index.max_file_mb)) is not None:
        await message.reply_text(reasons.say(why), do_quote=True, parse_mode=None)
        return

    async def download(queued) -> tuple | None:
        try:
            file = await sent.get_file()
            return file_name, bytes(await file.download_as_bytearray())
        except TelegramError as exc:
            log.warning("download of %s failed: %s", file_name, exc)
            await _say(message, queued, "无法下载这个文件（可能太大），请稍后再试。")
            return None

    await add_in_turn(update, context, file_name, "add", download)


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
            await _say(message, queued, _cap_text(st, user_id))
            return
        args = await job_args(queued)
        if args is None:
            return
        try:
            added = await st.ingest(job, *args)
        except DocumentRejected as exc:
            log.info("%s of %s refused: %s", job, label, exc)
            await _say(message, queued, f"未加入 {label}：{reasons.say(exc)}")
            return
        except (ReindexBusy, ReindexFailed, IngestFailed) as exc:
            log.error("%s of %s failed: %s", job, label, exc)
            await _say(message, queued, f"未加入 {label}：{reasons.say(exc)}")
            return
        st.uploads.add(user_id)  # the hourly cap counts documents added, not attempts
    summary = added["summary"]
    log.info("admin %s added %s (%d passages)", user_id, added["name"], added["passages"])
    verb = "已更新" if summary.changed else "已加入"
    await _say(message, queued,
               f"{verb}：<b>{fit(added['title'], 300)}</b>\n文件 <code>{esc(added['name'])}</code>，"
               f"{added['passages']} 段{ocr_note(added.get('ocr_pages', 0))}。\n"
               f"现有 {summary.documents} 篇文档，{summary.passages} 段。", html=True)


def _sent_file(message) -> tuple[str, int, object]:
    """(file name, size, what to download) of the document or the photo sent. A photo has
    no name: it is named by when it was sent (and its message, as an album's photos share
    a second), a .jpg as Telegram stores every photo; of its sizes, the largest (last)."""
    if message.document is not None:
        return message.document.file_name or "", message.document.file_size or 0, message.document
    photo = message.photo[-1]
    return f"图片-{message.date.astimezone():%Y%m%d-%H%M%S}-{message.message_id}.jpg", photo.file_size or 0, photo


def _capped(st, user_id: int) -> bool:
    if st.uploads.full(user_id):
        log.warning("upload cap: admin %s added %s files this hour", user_id, st.uploads.limit)
        return True
    return False


def _cap_text(st, user_id: int) -> str:
    wait = max(1, round(st.uploads.retry_in(user_id) / 60))
    return f"每小时最多加入 {st.uploads.limit} 个文件，请 {wait} 分钟后再试。"


async def _say(message, queued, text: str, html: bool = False) -> None:
    """The upload's result: in place of its "queued" note when it had one, else a reply."""
    mode = "HTML" if html else None
    if queued is not None:
        await queued.edit_text(text, parse_mode=mode)
    else:
        await message.reply_text(text, parse_mode=mode, do_quote=True)
