"""Traditional or simplified characters: the bot talks back in the script the user writes.

    traditional = is_traditional("雨花區有多少紅色之家？")        # True
    html = to_user_script(answer_html(result), traditional, keep=corpus_texts(result))

The bot's own words are written simplified; for a user who writes traditional characters
they are converted (opencc's s2t, phrase-aware), while what the corpus says (the answer
sentence, the quote, titles, file names) stays as the corpus wrote it: a quote is checked
against its source. The engine already reads traditional questions (index/normalize.py).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from index.chars import HAN
from index.engine import Answer

_HAN_RUN = re.compile(f"[{HAN}]+")


@functools.cache
def _converter(config: str):
    import opencc  # its dictionaries load on first use: a bot with no traditional user never pays

    return opencc.OpenCC(config)


def _changed(text: str, config: str) -> int:
    return sum(a != b for a, b in zip(text, _converter(config).convert(text)))


def is_traditional(text: str) -> bool:
    """Whether `text` is written in traditional characters: more of its characters change
    when made simplified than when made traditional (most characters are the same in both
    scripts; a text with none that differ counts as simplified)."""
    return _changed(text, "t2s") > _changed(text, "s2t")


# Telegram's language_code of a user whose app is set to traditional Chinese.
TRADITIONAL_LOCALES = ("zh-hant", "zh-tw", "zh-hk", "zh-mo")


def for_user(text: str | None, user) -> bool:
    """Whether to talk to `user` in traditional characters: by what they wrote, when its
    script shows (a question, 謝謝); else (/help, 你好, 👍) by their app's language."""
    if text and _changed(text, "t2s") != _changed(text, "s2t"):
        return is_traditional(text)
    return (getattr(user, "language_code", None) or "").lower().startswith(TRADITIONAL_LOCALES)


def corpus_texts(answer: Answer) -> list[str]:
    """What of an answer's reply is the corpus's own text, to be left as it is."""
    texts = [answer.sentence or "", answer.closest or "", *answer.suggestions]
    for hit in [*answer.passages, *([answer.source] if answer.source else [])]:
        texts += [hit.text, hit.title or "", hit.doc]
    return [t for t in texts if t]


def to_user_script(text: str, traditional: bool, keep: Iterable[str] = ()) -> str:
    """`text` (plain or HTML) with its Chinese made traditional when `traditional`, except
    the runs of Chinese characters found in `keep` (the corpus's text). Runs end at any
    other character (punctuation, a tag, a digit), which is what separates the bot's words
    from what it quotes in every reply it composes."""
    if not traditional:
        return text
    keep = list(keep)

    def convert(run: re.Match) -> str:
        word = run.group()
        return word if any(word in k for k in keep) else _converter("s2t").convert(word)

    return _HAN_RUN.sub(convert, text)


def answer_in_users_script(html: str, question: str, answer: Answer) -> str:
    """An answer's reply in the script of the question it answers."""
    return to_user_script(html, is_traditional(question), corpus_texts(answer))
