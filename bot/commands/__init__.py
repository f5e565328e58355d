"""The bot's handlers, a small module each, and the one function that wires them."""

from __future__ import annotations

from telegram import BotCommand
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, InlineQueryHandler, MessageHandler, filters
from telegram.ext import ChatMemberHandler

from bot.commands import ask, buttons, docs, errors, inline, link, reindex, start, stats, upload

PUBLIC_COMMANDS = [
    BotCommand("ask", "提问：/ask 加问题"),
    BotCommand("help", "我知道什么、怎么问"),
]
ADMIN_COMMANDS = PUBLIC_COMMANDS + [
    BotCommand("reindex", "按语料文件夹更新索引"),
    BotCommand("docs", "文档列表"),
    BotCommand("remove", "删除文档：/remove 文件名"),
    BotCommand("stats", "统计：提问、答出率、找不到答案的问题"),
]


def add_handlers(app: Application) -> None:
    """Wire every handler into `app`. Order matters within the group: the first match wins."""
    new = filters.UpdateType.MESSAGE  # an edited message is on_edited's alone
    private = new & filters.ChatType.PRIVATE
    app.add_handler(CommandHandler(["start", "help"], start.on_help, filters=new))
    app.add_handler(CommandHandler("ask", ask.on_ask, filters=new))
    app.add_handler(CommandHandler("reindex", reindex.on_reindex, filters=new))
    app.add_handler(CommandHandler("docs", docs.on_docs, filters=new))
    app.add_handler(CommandHandler("remove", docs.on_remove, filters=new))
    app.add_handler(CommandHandler("stats", stats.on_stats, filters=new))
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
