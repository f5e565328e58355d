"""The bot's handlers, a small module each; the one table of its commands; and the one
function that wires them."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import BotCommand
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot import access
from bot.commands import ask, buttons, docs, errors, inline, link, reindex, start, stats, upload
from bot.state import BotState


@dataclass(frozen=True)
class Command:
    name: str
    handler: Callable[..., Awaitable[None]]
    menu: str | None  # its line in Telegram's command menu; None: not in the menu
    admin: bool = False  # admins only, in a private chat (access.admin_command)
    help: str = ""  # how /help lists it to an admin
    inline: Callable[[BotState], str] | None = None  # typed inline (`@bot /stats`): the HTML offered to send


# Every command, in menu order: the handlers, the menus, the admin line of /help and the
# admin check are all made from this table.
COMMANDS = (
    Command("start", start.on_help, None),
    Command("ask", ask.on_ask, "提问：/ask 加问题"),
    Command("help", start.on_help, "我知道什么、怎么问"),
    Command("reindex", reindex.on_reindex, "按语料文件夹更新索引", admin=True, help="/reindex 按语料文件夹更新索引"),
    Command(
        "docs",
        docs.on_docs,
        "文档列表",
        admin=True,
        help="/docs 文档列表",
        inline=functools.partial(docs.docs_html, page=0),
    ),
    Command("remove", docs.on_remove, "删除文档：/remove 文件名", admin=True, help="/remove 文件名 删除文档"),
    Command(
        "stats",
        stats.on_stats,
        "统计：提问、答出率、找不到答案的问题",
        admin=True,
        help="/stats 统计",
        inline=stats.stats_html,
    ),
)
ADMIN_COMMANDS = {c.name: c for c in COMMANDS if c.admin}


def menu(admin: bool) -> list[BotCommand]:
    """The command menu everyone sees, or (admin) the one shown in admins' chats."""
    return [BotCommand(c.name, c.menu) for c in COMMANDS if c.menu and (admin or not c.admin)]


def admin_help() -> str:
    """The admin commands as /help lists them, on one line."""
    return "；".join(c.help for c in ADMIN_COMMANDS.values()) + "。"


def _command_handler(command: Command) -> Callable[..., Awaitable[None]]:
    return access.admin_command(f"/{command.name}")(command.handler) if command.admin else command.handler


def add_handlers(app: Application) -> None:
    """Wire every handler into `app`. Order matters within the group: the first match wins."""
    new = filters.UpdateType.MESSAGE  # an edited message is on_edited's alone
    private = new & filters.ChatType.PRIVATE
    for command in COMMANDS:
        app.add_handler(CommandHandler(command.name, _command_handler(command), filters=new))
    app.add_handler(MessageHandler(private & (filters.Document.ALL | filters.PHOTO), upload.on_document))
    app.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND & link.LINK, link.on_link))
    app.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, ask.on_private_text))
    app.add_handler(MessageHandler(new & filters.ChatType.GROUPS & filters.TEXT & ~filters.COMMAND, ask.on_group_text))
    app.add_handler(MessageHandler(private, ask.on_other_private))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE & filters.TEXT, ask.on_edited))
    app.add_handler(CallbackQueryHandler(buttons.on_answer_button, pattern=r"^(more|up|down):"))
    app.add_handler(CallbackQueryHandler(docs.on_docs_page, pattern=r"^docs:"))
    app.add_handler(CallbackQueryHandler(stats.on_stats_refresh, pattern=r"^stats$"))
    app.add_handler(CallbackQueryHandler(on_unknown_button))
    app.add_handler(InlineQueryHandler(inline.on_inline_query))
    app.add_handler(ChatMemberHandler(start.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_error_handler(errors.on_error)


async def on_unknown_button(update, context) -> None:
    """Any other callback data (old or made up): answer it, so the button stops spinning."""
    await update.callback_query.answer(buttons.STALE)
