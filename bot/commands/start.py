"""/start and /help: what the bot knows (the documents and their titles), three example
questions from the corpus, and how to ask in a private chat, a group or inline."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import ContextTypes

from bot import state
from bot.telegram_html import fit, join_within_limit
from index import store

SHOWN_DOCUMENTS = 15
TITLES_PER_DOCUMENT = 3


def help_html(st: state.BotState, username: str, admin: bool) -> str:
    docs = st.engine.documents()
    titles: dict[str, list[str]] = {}
    for doc, title, _ in store.titles(st.engine.db, [d.name for d in docs[:SHOWN_DOCUMENTS]]):
        titles.setdefault(doc, []).append(title)
    lines = [f"你好！我根据下面 {len(docs)} 篇文档回答中文问题，并引用原文和出处。", ""]
    if docs:
        lines.append("<b>我知道的文档</b>")
        for d in docs[:SHOWN_DOCUMENTS]:
            articles = titles.get(d.name) or [d.title or d.name]
            shown = "；".join(fit(t, 60) for t in articles[:TITLES_PER_DOCUMENT])
            more = f" 等 {len(articles)} 篇文章" if len(articles) > TITLES_PER_DOCUMENT else ""
            lines.append(f"• <code>{fit(d.name, 80)}</code>：{shown}{more}")
        if len(docs) > SHOWN_DOCUMENTS:
            lines.append(f"…共 {len(docs)} 篇文档")
        lines.append("")
    examples = st.examples()
    if examples:
        lines.append("<b>可以这样问</b>")
        lines += [f"• {fit(q, 200)}" for q in examples]
        lines.append("")
    bot = f"@{username}" if username else "我"
    lines += [
        "<b>怎么问</b>",
        "私聊：直接发送问题。回复我的答案可以接着问，例如“那新田县呢？”。",
        f"群里：/ask 问题，回复我的消息，或 {fit(bot, 40)} 问题。",
        f"任意聊天：输入 {fit(bot, 40)} 问题，选一段出处发送。",
        "答案下的“更多”显示更多出处，👍 / 👎 告诉我答得好不好。",
    ]
    if admin:
        lines += ["", "<b>管理员</b>",
                  "/reindex 按语料文件夹更新索引；/docs 文档列表；/remove 文件名 删除文档；/stats 统计。",
                  "私聊发送 .txt .md .pdf .docx 文件即可加入资料。"]
    return join_within_limit(lines)


async def on_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start and /help."""
    st = state.get(context)
    user = update.effective_user
    text = await asyncio.to_thread(help_html, st, context.bot.username, st.is_admin(user.id if user else None))
    await update.effective_message.reply_html(text)
