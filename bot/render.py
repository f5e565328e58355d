"""Answers and summaries as plain text for the terminal."""

from __future__ import annotations

from index.engine import Answer, ReindexSummary


def source_line(hit) -> str:
    title = hit.title or hit.doc
    return f"{title}（{hit.doc}，第{hit.paragraph}段）"


def format_answer_text(answer: Answer) -> str:
    if not answer.found:
        lines = ["没有找到答案。"]
        if answer.suggestions:
            lines.append("语料涉及的相关主题：" + "；".join(answer.suggestions))
        return "\n".join(lines)
    best = answer.passages[0]
    lines = [f"答：{answer.sentence}", "", f"「{best.text}」", f"—— {source_line(best)}"]
    return "\n".join(lines)


def format_summary_text(s: ReindexSummary) -> str:
    lines = [
        f"documents: {len(s.added)} added, {len(s.changed)} changed, {len(s.removed)} removed, "
        f"{s.unchanged} unchanged, {len(s.skipped)} skipped",
    ]
    lines += [f"  skipped {name}: {reason}" for name, reason in s.skipped]
    lines.append(f"index: {s.documents} documents, {s.passages} passages, {s.seconds:.2f} s")
    return "\n".join(lines)
