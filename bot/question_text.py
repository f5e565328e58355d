"""What a message asks, as the bot reads it: the text cleaned, and whether it holds
anything to search for (questions in chats and inline queries alike)."""

from __future__ import annotations

import re

from index.chars import CONTROLS_BUT_TAB_NEWLINE, INVISIBLE

MAX_QUESTION = 1000  # characters kept of a question (the engine reads the first 500)
_INVISIBLE = re.compile(f"[{CONTROLS_BUT_TAB_NEWLINE}{INVISIBLE}]")
_SPACES = re.compile(r"\s+")


def clean_question(text: str | None) -> str:
    """Control and invisible characters out, runs of whitespace made one space."""
    return _SPACES.sub(" ", _INVISIBLE.sub("", text or "")).strip()[:MAX_QUESTION]


def has_words(text: str) -> bool:
    """Anything to search for: a letter, a digit or a Chinese character."""
    return re.search(r"[^\W_]", text) is not None
