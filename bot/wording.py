"""The bot's words that the Telegram replies and the plain-text rendering share: what it
says to small talk, and how it shows the closest sentence when it is unsure. Plain text
here; each renderer escapes and lays it out."""

from __future__ import annotations

UNSURE_HEAD = "最接近的内容"
UNSURE_NOTE = "资料里没有直接的答案，以下内容可能相关："
HINT = "请发一个问题给我"

# One line for each kind of small talk (index/answers/smalltalk.py's kinds), by where it is said.
_PRIVATE = {
    "greeting": "你好！我根据资料回答中文问题，直接把问题发给我就行，例如：",
    "thanks": "不客气！还有问题随时问我。",
    "goodbye": "再见！有问题随时再来问我。",
    "laugh": "😄 还有问题随时问我。",
    "ack": "好的，还有问题直接发给我。",
    "emoji": HINT + "，例如：",
}
_GROUP = {
    "greeting": "你好！在群里用 /ask 加问题问我，例如：",
    "emoji": HINT + "，例如：",  # a mention with nothing else: how to ask
}


def says_in_group(kind: str) -> bool:
    """Whether small talk of this kind gets a line in a group (see bot/commands/chat.py)."""
    return kind in _GROUP


def small_talk(kind: str, examples: list[str], group: bool = False) -> tuple[str, list[str]]:
    """The line that answers small talk of `kind`, and the example questions to list
    under it (none for a line that does not end by asking for them)."""
    line = (_GROUP if group else _PRIVATE).get(kind, _PRIVATE["ack"])
    if not line.endswith("例如："):
        return line, []
    if not examples:  # a corpus with no example to offer: end the sentence instead
        return line.removesuffix("，例如：").removesuffix("例如：") + "。", []
    shown = examples[:1] if kind == "greeting" else examples[:3]
    return line, [f"/ask {q}" for q in shown] if group else shown


def ocr_note(pages: int) -> str:
    """What an admin is told of a document added by OCR (an image, scanned pages): how many
    pages were read that way, to check against what they sent; nothing for other files."""
    return f"，{pages} 页由文字识别（OCR）读出" if pages else ""
