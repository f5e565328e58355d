"""Small talk (greetings, thanks, goodbyes, 好的/收到, emoji): not a question to search."""

from __future__ import annotations


def is_small_talk(text: str) -> bool:
    """Is `text` small talk rather than a question?"""
    return False
