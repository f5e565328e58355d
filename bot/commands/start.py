"""/start and /help: what the bot knows (the documents and their titles), three example
questions from the corpus, and how to ask in a private chat, a group or inline; and the
short welcome when the bot is added to a group: how to ask there, with an example."""

from __future__ import annotations

import asyncio

from telegram import ChatMember, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot import script, state
from bot.telegram_html import fit, join_within_limit
from index.search import store

SHOWN_DOCUMENTS = 15
TITLES_PER_DOCUMENT = 3


def help_html(st: state.BotState, username: str, admin: bool, traditional: bool = False) -> str:
    """The help, in traditional characters when `traditional` (the documents' names and
    titles as written)."""
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
    lines += [
        "<b>怎么问</b>",
        "私聊：直接发送问题。刚答完时可以接着问，例如“那新田县呢？”“那辖区面积呢？”。",
        f"群里：{group_how(username)}",
        f"任意聊天：输入 {_mention(username)} 问题，选一段出处发送。",
        "答案下的“更多”显示更多出处，👍 / 👎 告诉我答得好不好。",
    ]
    if admin:
        from bot.commands import admin_help  # the table of commands names this module's handlers

        lines += ["", "<b>管理员</b>", admin_help(), "私聊发送 .txt .md .pdf .docx 文件即可加入资料。"]
    shown = [d.name for d in docs] + [t for ts in titles.values() for t in ts] + [d.title for d in docs]
    return script.to_user_script(join_within_limit(lines), traditional, keep=shown)


async def on_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start and /help."""
    st = state.get(context)
    user = update.effective_user
    message = update.effective_message
    text = await asyncio.to_thread(
        help_html, st, context.bot.username, st.is_admin(user.id if user else None), script.for_user(message.text, user)
    )
    await message.reply_html(text)


def _mention(username: str) -> str:
    return fit(f"@{username}", 40) if username else "我"


def group_how(username: str) -> str:
    """How to ask in a group (one place: /help and the welcome both say it)."""
    return f"/ask 问题，回复我的消息，或 {_mention(username)} 问题。"


def welcome_html(username: str, examples: list[str]) -> str:
    lines = ["大家好！我根据资料回答中文问题，并引用原文和出处。", f"在群里这样问我：{group_how(username)}"]
    if examples:
        lines.append(f"例如：/ask {fit(examples[0], 200)}")
    lines.append("发送 /help 看看我知道哪些文档。")
    return "\n".join(lines)


ABSENT = (ChatMember.LEFT, ChatMember.BANNED)


async def on_my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The bot's own membership changed: when that is being added to a group, say hello
    once (Telegram also sends a new_chat_members message then; that one is let be)."""
    change = update.my_chat_member
    if change.chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
        return
    if change.old_chat_member.status not in ABSENT or change.new_chat_member.status in ABSENT:
        return  # promoted, restricted, or leaving: not a welcome
    st = state.get(context)
    examples = await asyncio.to_thread(st.examples)
    await context.bot.send_message(change.chat.id, welcome_html(context.bot.username, examples))
