"""Answers and summaries as plain text for the terminal."""

from __future__ import annotations

from collections.abc import Callable

from bot import reasons, wording
from index.answers import smalltalk
from index.engine import Answer, Hit, ReindexSummary


def source_line(hit: Hit, name: Callable[[str, int], str] = lambda text, most: text) -> str:
    """Where a passage comes from, worded once for the console and the bot: its article,
    then its document (the document's own title, its file name only when it has none) and
    第N段, N the passage's place in the document (`Hit.number`: no two passages share it),
    after 第P页 when it was read from a page (an image, a PDF). The document is named once
    when the article bears its title. `name(text, most)` shortens a name to at most `most`
    characters (and, for the bot, escapes it)."""
    doc = hit.doc_title or hit.doc
    where = f"第{hit.page}页，第{hit.number}段" if hit.page else f"第{hit.number}段"
    if hit.title and hit.title != doc:
        return f"{name(hit.title, 200)}（{name(doc, 120)}，{where}）"
    return f"{name(doc, 200)}，{where}"


def format_answer_text(answer: Answer, examples: list[str] = ()) -> str:
    """An answer as the console and `ask` print it, by the engine's outcome; `examples`:
    questions to offer after a greeting."""
    if answer.outcome == "chat":
        line, shown = wording.small_talk(smalltalk.kind(answer.question) or "ack", list(examples))
        return "\n".join([line] + [f"  • {q}" for q in shown])
    if answer.found and answer.passages:
        head = [f"答：{answer.sentence}"]
    elif answer.outcome == "unsure" and answer.closest and answer.passages:
        head = [f"{wording.UNSURE_HEAD}：", wording.UNSURE_NOTE, answer.closest]
    else:
        lines = ["没有找到答案。"]
        if answer.suggestions:
            lines.append("语料涉及的相关主题：" + "；".join(answer.suggestions))
        return "\n".join(lines)
    best = answer.quoted
    return "\n".join(head + ["", f"「{best.text}」", f"—— {source_line(best)}"])


def format_summary_text(s: ReindexSummary) -> str:
    lines = [
        f"文档：新增 {len(s.added)} · 更新 {len(s.changed)} · 删除 {len(s.removed)} · "
        f"未变 {s.unchanged} · 跳过 {len(s.skipped)}",
    ]
    lines += [f"  跳过 {name}：{reasons.unreadable(why)}" for name, why in s.skipped]
    lines.append(f"索引：{s.documents} 篇文档，{s.passages} 段，用时 {s.seconds:.2f} 秒")
    return "\n".join(lines)
