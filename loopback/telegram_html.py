"""Telegram HTML as the Bot API checks it: the tags and entities it accepts, and a
message's length limit (4096 characters of visible text, in UTF-16 units; a caption's
1024 is loopback.server's check_caption)."""

from __future__ import annotations

import html
import re

ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "tg-emoji",
    "code",
    "pre",
    "blockquote",
}
_TAG = re.compile(r'<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:="[^"<>]*")?)*)\s*>')
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});")
_PLAIN = re.compile(r"[^<&>]+")
MAX_TEXT = 4096


class HtmlError(ValueError):
    pass


def parse_telegram_html(text: str) -> str:
    """The visible text of a Telegram HTML message; HtmlError where Telegram would answer
    "can't parse entities": an unknown tag, unbalanced tags, a bare < > or &, a bad entity."""
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    while pos < len(text):
        ch = text[pos]
        if ch == "<":
            m = _TAG.match(text, pos)
            if not m:
                raise HtmlError(f"unescaped '<' at {pos}: {text[pos : pos + 20]!r}")
            closing, name, _attrs = m.group(1), m.group(2).lower(), m.group(3)
            if name not in ALLOWED_TAGS:
                raise HtmlError(f"unsupported tag <{name}> at {pos}")
            if closing:
                if not stack or stack[-1] != name:
                    raise HtmlError(f"</{name}> at {pos} closes {stack[-1] if stack else 'nothing'}")
                stack.pop()
            else:
                stack.append(name)
            pos = m.end()
        elif ch == "&":
            m = _ENTITY.match(text, pos)
            if not m:
                raise HtmlError(f"bare '&' at {pos}: {text[pos : pos + 12]!r}")
            out.append(html.unescape(m.group()))
            pos = m.end()
        elif ch == ">":
            raise HtmlError(f"unescaped '>' at {pos}")
        else:  # a run of plain text, at once: a character at a time was the stub's largest cost
            plain = _PLAIN.match(text, pos)
            out.append(plain.group())
            pos = plain.end()
    if stack:
        raise HtmlError(f"unclosed tags: {stack}")
    return "".join(out)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def check_message_text(text: str, parse_mode: str | None) -> str:
    """The visible text, or HtmlError for what Telegram refuses."""
    visible = parse_telegram_html(text) if (parse_mode or "").upper() == "HTML" else text
    if not visible.strip():
        raise HtmlError("message text is empty")
    if utf16_len(visible) > MAX_TEXT or utf16_len(text) > 4 * MAX_TEXT:
        raise HtmlError("message is too long")
    return visible
