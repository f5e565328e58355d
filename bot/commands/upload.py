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

from bot import access, reasons, state
from bot.adding import add_in_turn, say
from index.documents.unreadable import too_large
from index.engine import DocumentRejected, safe_name

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
            await say(message, queued, "无法下载这个文件（可能太大），请稍后再试。")
            return None

    await add_in_turn(update, context, file_name, "add", download)


def _sent_file(message) -> tuple[str, int, object]:
    """(file name, size, what to download) of the document or the photo sent. A photo has
    no name: it is named by when it was sent (and its message, as an album's photos share
    a second), a .jpg as Telegram stores every photo; of its sizes, the largest (last)."""
    if message.document is not None:
        return message.document.file_name or "", message.document.file_size or 0, message.document
    photo = message.photo[-1]
    return f"图片-{message.date.astimezone():%Y%m%d-%H%M%S}-{message.message_id}.jpg", photo.file_size or 0, photo
