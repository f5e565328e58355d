"""Answers as Telegram HTML (parse_mode="HTML").

Every piece of user or corpus text goes through `esc`; markup is added only around text
that is already escaped, and long text is cut *before* it is escaped and marked up, so a
message is never cut inside a tag or an entity. Every message stays within Telegram's
4096-character limit, counted in UTF-16 code units as Telegram counts them (and counting
the markup too, which is stricter than Telegram's count after parsing).
"""

from __future__ import annotations

import html

from bot import render, wording
from index.answers import smalltalk
from index.chars import HAN_CHAR
from index.engine import Answer, Hit

MAX_MESSAGE = 4096  # sendMessage / editMessageText
QUOTE_EXPANDABLE_FROM = 160  # passages longer than this are shown as expandable quotes
ELLIPSIS = "…"


def tg_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def esc(text: str) -> str:
    """Escape text for Telegram HTML (& < > and quotes)."""
    return html.escape(text, quote=True)


def marked(text: str, spans: list[tuple[int, int]], tag: str = "u") -> str:
    """`text` escaped, with each (start, end) span wrapped in <tag>."""
    out, pos = [], 0
    for a, b in sorted(spans):
        a, b = max(a, pos), min(b, len(text))
        if a >= b:
            continue
        out.append(esc(text[pos:a]))
        out.append(f"<{tag}>{esc(text[a:b])}</{tag}>")
        pos = b
    out.append(esc(text[pos:]))
    return "".join(out)


def join_within_limit(lines: list[str]) -> str:
    """Lines joined into one message, dropping the last ones that would pass the limit."""
    out, used = [], 0
    for line in lines:
        if used + tg_len(line) + 1 > MAX_MESSAGE:
            break
        out.append(line)
        used += tg_len(line) + 1
    return "\n".join(out)


def fit(text: str, budget: int, spans: list[tuple[int, int]] = (), tag: str = "u") -> str:
    """`marked(text)`, cut with an ellipsis so that it is at most `budget` long."""
    spans = list(spans)
    full = marked(text, spans, tag)
    if tg_len(full) <= budget:
        return full
    lo, hi = 0, len(text)  # the longest prefix whose rendering (plus …) fits
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if tg_len(marked(text[:mid], spans, tag)) + 1 <= budget:
            lo = mid
        else:
            hi = mid - 1
    return marked(text[:lo], spans, tag) + ELLIPSIS if budget >= 1 else ""


def quote(hit: Hit, budget: int) -> str:
    """The passage as a blockquote, question terms underlined; expandable when long."""
    open_tag = "<blockquote expandable>" if len(hit.text) > QUOTE_EXPANDABLE_FROM else "<blockquote>"
    inner = fit(hit.text, max(1, budget - len(open_tag) - len("</blockquote>")), hit.marks)
    return f"{open_tag}{inner}</blockquote>"


def source_line(hit: Hit) -> str:
    """ "出处：" and the console's source line (bot/render.py), its names escaped and kept short."""
    return "出处：" + render.source_line(hit, fit)


def answer_html(answer: Answer, limit: int = MAX_MESSAGE) -> str:
    """The reply to a question, by the engine's outcome: the answer sentence (the answer in
    bold), the quote behind it and where it comes from; the closest sentence, with no
    claim that it answers; or an honest "not found" with the closest topics."""
    if answer.found and answer.passages:
        return _with_source(_answer_line(answer), answer.quoted, limit)
    if answer.outcome == "unsure" and answer.closest and answer.passages:
        head = f"<b>{wording.UNSURE_HEAD}</b>\n{wording.UNSURE_NOTE}\n" + fit(answer.closest, 800)
        return _with_source(head, answer.quoted, limit)
    if answer.outcome == "chat":
        return small_talk_html(smalltalk.kind(answer.question) or "ack", [])
    return not_found_html(answer, limit)


def _answer_line(answer: Answer) -> str:
    """ "答：" and the answer sentence, the answer in bold."""
    spans = [answer.span] if answer.span else []
    return "<b>答：</b>" + fit(answer.sentence or "", 800, spans, tag="b")


def answers_from(answer: Answer, hit: Hit) -> bool:
    """Is `hit` the passage the answer sentence comes from?"""
    return answer.found and answer.quoted is not None and answer.quoted.id == hit.id


def clip(text: str, most: int) -> str:
    """Plain text (a field Telegram does not parse: an inline result's title) cut to at
    most `most` characters, with an ellipsis when cut."""
    return text if len(text) <= most else text[: most - 1] + ELLIPSIS


def _with_source(head: str, best: Hit, limit: int) -> str:
    """`head`, then the passage it comes from as a quote, then the source line."""
    source = source_line(best)
    room = limit - tg_len(head) - tg_len(source) - 2
    return f"{head}\n{quote(best, room)}\n{source}"


def small_talk_html(kind: str, examples: list[str], group: bool = False) -> str:
    """The reply to small talk: a line of its kind, and example questions after a greeting."""
    line, shown = wording.small_talk(kind, examples, group)
    return "\n".join([esc(line)] + [f"• {fit(q, 200)}" for q in shown])


def not_found_html(answer: Answer, limit: int = MAX_MESSAGE) -> str:
    lines = ["没有找到能回答这个问题的内容。"]
    if answer.suggestions:
        lines.append("资料里相近的主题：")
        lines += [f"• {fit(title, 300)}" for title in answer.suggestions[:5]]
    if _no_chinese(answer.question):
        lines.append("请用中文提问。")
    lines.append("可以换个说法再问，或发送 /help 看看我知道什么。")
    return _join_within(lines, limit)


def passages_html(hits: list[Hit], first: int, limit: int = MAX_MESSAGE) -> str:
    """Passages `first`+1… of an answer, for the "更多" button."""
    head = f"<b>更多出处</b>（第{first + 1}–{first + len(hits)}条）"
    if not hits:
        return "没有更多出处了。"
    sources = [source_line(h) for h in hits]
    fixed = tg_len(head) + sum(tg_len(s) + 2 for s in sources) + 1
    room = max(40, (limit - fixed) // len(hits))
    parts = [head] + [f"{quote(h, room)}\n{s}" for h, s in zip(hits, sources)]
    return _join_within(parts, limit)


def inline_quote_html(answer: Answer, hit: Hit, limit: int = MAX_MESSAGE) -> str:
    """What an inline result sends into the chat: the question, the answer when `hit` is
    the passage it comes from, the quote, the source; when the engine is unsure, a line
    saying the quote may not answer it."""
    head = "<b>问：</b>" + fit(answer.question, 300)
    if answer.outcome == "unsure":
        head += f"\n<b>{wording.UNSURE_HEAD}</b>（{wording.UNSURE_NOTE.rstrip('：')}）"
    elif answers_from(answer, hit):
        head += "\n" + _answer_line(answer)
    return _with_source(head, hit, limit)


def hint_html(examples: list[str]) -> str:
    """The reply to a message with no question in it."""
    return small_talk_html("emoji", examples)


def _join_within(parts: list[str], limit: int) -> str:
    """Join whole (well-formed) parts with newlines, dropping the ones that do not fit."""
    out: list[str] = []
    used = 0
    for part in parts:
        extra = tg_len(part) + (1 if out else 0)
        if used + extra > limit:
            break
        out.append(part)
        used += extra
    return "\n".join(out)


def _no_chinese(text: str) -> bool:
    has_latin = any("a" <= ch.lower() <= "z" for ch in text)
    has_han = HAN_CHAR.search(text) is not None
    return has_latin and not has_han
