"""Admins: /reindex brings the index in line with the corpus folder.

The work runs in a process of its own (bot/ingest_process.py); the engine builds the new
index beside the old one and swaps it in when complete, so questions keep being answered
meanwhile."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot import chat_action, reasons, state
from bot.telegram_html import fit, join_within_limit
from index.engine import ReindexSummary

log = logging.getLogger("bot.reindex")


def summary_html(s: ReindexSummary) -> str:
    lines = [
        f"<b>索引已更新</b>（{s.seconds:.1f} 秒）",
        f"新增 {len(s.added)} · 更新 {len(s.changed)} · 删除 {len(s.removed)} · 未变 {s.unchanged} · 跳过 {len(s.skipped)}",
        f"现有 {s.documents} 篇文档，{s.passages} 段。",
    ]
    for label, names in (("新增", s.added), ("更新", s.changed), ("删除", s.removed)):
        if names:
            shown = "、".join(fit(n, 80) for n in names[:10])
            lines.append(f"{label}：{shown}" + (f" 等 {len(names)} 篇" if len(names) > 10 else ""))
    if s.skipped:
        lines.append("跳过的文件：")
        lines += [f"• {fit(name, 80)}：{fit(reasons.unreadable(why), 160)}" for name, why in s.skipped[:20]]
        if len(s.skipped) > 20:
            lines.append(f"…共 {len(s.skipped)} 个")
    return join_within_limit(lines)


async def on_reindex(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Rebuild the index from the corpus folder; reply with what changed."""
    st = state.get(context)
    progress = await update.effective_message.reply_text("正在更新索引…")
    if st.reindex_pending:  # a second one would find nothing more to do
        await progress.edit_text("已有一次索引更新正在进行，完成后会回复结果。")
        return
    st.reindex_pending = True
    try:
        async with st.ingest_turn(), chat_action.showing(context.bot, progress.chat_id):
            summary = await st.ingest("reindex")
    except Exception as exc:  # busy, disk full, read-only database, corpus folder gone...
        log.error("reindex failed: %s", exc)
        await progress.edit_text(f"索引更新失败：{reasons.say(exc)}", parse_mode=None)
        return
    finally:
        st.reindex_pending = False
    log.info("reindex by %s: %s", update.effective_user.id, summary.to_json())
    await progress.edit_text(summary_html(summary))
