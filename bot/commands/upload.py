"""Admins: a .txt, .md, .pdf or .docx file sent in a private chat is added to the corpus
and the index. The engine reduces the file name to a plain name inside the corpus folder
and refuses what it cannot read; the size and the uploads per hour are capped."""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import access, state
from bot.telegram_html import esc, fit
from index.engine import DocumentRejected, ReindexBusy, safe_name

log = logging.getLogger("bot.upload")


@access.admin_command("upload")
async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Add the sent document to the corpus and the index."""
    st = state.get(context)
    message = update.effective_message
    document = message.document
    user_id = update.effective_user.id
    try:
        safe_name(document.file_name or "")
    except DocumentRejected as exc:
        await message.reply_text(str(exc), do_quote=True)
        return
    max_mb = st.cfg.index.max_file_mb
    if document.file_size and document.file_size > max_mb * 1024 * 1024:
        await message.reply_text(f"文件太大（{document.file_size / 1048576:.1f} MB），上限 {max_mb:g} MB。", do_quote=True)
        return
    if st.uploads.full(user_id):
        wait = max(1, round(st.uploads.retry_in(user_id) / 60))
        log.warning("upload cap: admin %s sent %s files this hour", user_id, st.uploads.limit)
        await message.reply_text(f"每小时最多上传 {st.uploads.limit} 个文件，请 {wait} 分钟后再试。", do_quote=True)
        return
    st.uploads.add(user_id)
    try:
        file = await document.get_file()
        data = bytes(await file.download_as_bytearray())
    except TelegramError as exc:
        log.warning("download of %s failed: %s", document.file_name, exc)
        await message.reply_text("无法下载这个文件（可能太大），请稍后再试。", do_quote=True)
        return
    try:
        name, processed, summary = await asyncio.to_thread(st.engine.add_document, document.file_name, data)
    except DocumentRejected as exc:
        await message.reply_text(str(exc), do_quote=True)
        return
    except ReindexBusy:
        await message.reply_text("正在更新索引，请稍后再发送。", do_quote=True)
        return
    st.corpus_changed()
    log.info("admin %s added %s (%d passages)", user_id, name, len(processed.passages))
    verb = "已更新" if summary.changed else "已加入"
    await message.reply_html(
        f"{verb}：<b>{fit(processed.title, 300)}</b>\n文件 <code>{esc(name)}</code>，{len(processed.passages)} 段。\n"
        f"现有 {summary.documents} 篇文档，{summary.passages} 段。", do_quote=True)
