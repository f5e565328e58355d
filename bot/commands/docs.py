"""Admins: /docs lists the documents (a page at a time, with buttons), /remove NAME
removes one from the corpus folder and the index."""

from __future__ import annotations

import asyncio
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, MessageEntity, Update
from telegram.ext import ContextTypes

from bot import access, reasons, state
from bot.ingest_process import IngestFailed
from bot.telegram_html import MAX_MESSAGE, esc, fit, tg_len
from index.engine import ReindexBusy, ReindexFailed

log = logging.getLogger("bot.docs")

PAGE_SIZE = 20


def docs_html(st: state.BotState, page: int) -> str:
    """One page of the document list."""
    docs = st.engine.documents()
    pages = max(1, -(-len(docs) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    total = sum(d.passages for d in docs)
    lines = [f"<b>文档 {len(docs)} 篇，段落 {total} 段</b>（第 {page + 1}/{pages} 页）"]
    for i, d in enumerate(docs[page * PAGE_SIZE : (page + 1) * PAGE_SIZE], page * PAGE_SIZE + 1):
        lines.append(f"{i}. <code>{fit(d.name, 120)}</code> {fit(d.title or '', 80)}（{d.passages} 段）")
    if not docs:
        lines.append("（还没有文档：私聊发送 .txt .md .pdf .docx 文件即可加入。）")
    lines.append("删除一篇：/remove 文件名")
    out, used = [], 0
    for line in lines:  # whole lines only, within the limit
        if used + tg_len(line) + 1 > MAX_MESSAGE:
            break
        out.append(line)
        used += tg_len(line) + 1
    return "\n".join(out)


def docs_buttons(st: state.BotState, page: int) -> InlineKeyboardMarkup | None:
    pages = max(1, -(-len(st.engine.documents()) // PAGE_SIZE))
    row = []
    if page > 0:
        row.append(InlineKeyboardButton("◀ 上一页", callback_data=f"docs:{page - 1}"))
    if page + 1 < pages:
        row.append(InlineKeyboardButton("下一页 ▶", callback_data=f"docs:{page + 1}"))
    return InlineKeyboardMarkup([row]) if row else None


async def on_docs(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the indexed documents."""
    st = state.get(context)
    text = await asyncio.to_thread(docs_html, st, 0)
    markup = await asyncio.to_thread(docs_buttons, st, 0)
    await update.effective_message.reply_html(text, reply_markup=markup)


async def on_docs_page(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The 上一页 / 下一页 buttons of /docs (an admin path: checked like the command)."""
    query = update.callback_query
    if not await access.require_admin(update, context, "docs page button"):
        return
    st = state.get(context)
    try:
        page = int(query.data.split(":", 1)[1])
    except (ValueError, IndexError):
        page = 0
    text = await asyncio.to_thread(docs_html, st, page)
    markup = await asyncio.to_thread(docs_buttons, st, page)
    try:
        await query.edit_message_text(text, reply_markup=markup)
    finally:
        await query.answer()


async def on_remove(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/remove NAME: drop a document from the corpus folder and the index."""
    st = state.get(context)
    message = update.effective_message
    command = next((e for e in message.entities if e.type == MessageEntity.BOT_COMMAND and e.offset == 0), None)
    name = (message.text or "")[len(message.parse_entity(command)) if command else 0 :].strip()
    if not name:
        await message.reply_text("用法：/remove 文件名（/docs 查看文件名）")
        return
    try:
        async with st.ingest_turn():
            stats = await st.ingest("remove", name)
    except (ReindexBusy, ReindexFailed, IngestFailed) as exc:
        log.error("removal of %s failed: %s", name, exc)
        await message.reply_text(f"删除失败：{reasons.say(exc)}", parse_mode=None)
        return
    if stats is None:
        await message.reply_html(f"没有名为 <code>{esc(name[:200])}</code> 的文档。/docs 查看列表。")
        return
    log.info("admin %s removed %s", update.effective_user.id, name)
    await message.reply_html(
        f"已删除 <code>{esc(name)}</code>。现有 {stats['documents']} 篇文档，{stats['passages']} 段。"
    )
