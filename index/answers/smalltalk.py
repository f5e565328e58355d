"""Small talk (greetings, thanks, goodbyes, 好的/收到, 哈哈, emoji): not a question to search.

A message is small talk when, after normalising (full-width, traditional, case), all of
it is made of the phrases below, a few filler words (你, 呀, 非常…), punctuation, emoji
and spaces: "好的，谢谢！", "谢谢你", "thank you 🙏". Anything else in it, a question word
or a single word of content ("你好，雨花区有多少红色之家？", "谢谢，那新田县呢"), makes it
a question, so a question is never taken for small talk; 吗 appears only inside the
phrases that are greetings (在吗, 你好吗).

Checked against the public questions (CMRC 2018 dev and trial, the seeds' set): none of
the 4,278 is small talk.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from index.normalize import normalize

# Kinds of small talk and their phrases, in order of precedence: "好的，谢谢" is thanks,
# "好的，再见" a goodbye. Phrases are written normalised (simplified, lower case). Emoji
# are not phrases: alone they are the kind "emoji" whatever they show (👍, 🙏 or 🎉).
PHRASES: dict[str, tuple[str, ...]] = {
    "thanks": (
        "谢谢",
        "多谢",
        "感谢",
        "谢了",
        "谢啦",
        "谢",
        "辛苦了",
        "辛苦",
        "麻烦了",
        "3q",
        "thx",
        "thanks",
        "thank",
        "ty",
    ),
    "goodbye": ("再见", "拜拜", "拜", "回见", "下次见", "晚安", "88", "bye", "byebye", "goodbye", "see"),
    "greeting": (
        "你好",
        "您好",
        "你好吗",
        "大家好",
        "你们好",
        "嗨",
        "哈喽",
        "哈啰",
        "在吗",
        "在不在",
        "早上好",
        "上午好",
        "中午好",
        "下午好",
        "晚上好",
        "早安",
        "早",
        "hi",
        "hello",
        "hey",
        "morning",
    ),
    "laugh": ("哈哈", "呵呵", "嘿嘿", "嘻嘻", "笑死", "haha", "hehe", "lol", "hh"),
    "ack": (
        "好的",
        "好",
        "好吧",
        "好嘞",
        "好滴",
        "收到",
        "明白",
        "懂了",
        "知道",
        "了解",
        "嗯",
        "恩",
        "哦",
        "噢",
        "ok",
        "okay",
        "行",
        "可以",
        "没问题",
        "是的",
        "对",
        "不错",
        "厉害",
        "棒",
        "赞",
        "原来如此",
    ),
}

# Words that go with a phrase but say nothing by themselves ("谢谢你", "你好呀", "非常感谢").
FILLERS = (
    "你",
    "您",
    "我",
    "啦",
    "了",
    "呀",
    "啊",
    "哦",
    "喔",
    "哈",
    "嘛",
    "哟",
    "哒",
    "的",
    "吧",
    "~",
    "非常",
    "太",
    "十分",
    "真",
    "很",
    "多",
    "大家",
    "各位",
    "老师",
    "亲",
    "机器人",
    "you",
    "u",
    "so",
    "much",
    "very",
    "all",
    "bot",
    "there",
    "good",
)

MAX_CHARS = 200
_KIND_OF = {p: kind for kind in reversed(PHRASES) for p in PHRASES[kind]}  # earlier kinds win
_TOKENS = {**{f: "" for f in FILLERS}, **_KIND_OF}
_LENGTHS = sorted({len(t) for t in _TOKENS}, reverse=True)
_REPEATS = re.compile(r"(.{1,2}?)\1{2,}")  # "哈哈哈哈", "hahaha": one phrase said twice
_LATIN = re.compile(r"[a-z0-9]")
_JOINERS = {"\ufe0e", "\ufe0f", "\u20e3"}  # emoji variation selectors and the keycap


def kind(text: str) -> str | None:
    """The kind of small talk `text` is ("thanks", "goodbye", "greeting", "laugh", "ack",
    or "emoji" for emoji and punctuation alone); None for a question (or nothing)."""
    # A long message is never small talk: no cut-off tail can hide a question.
    return _kind(text) if text and len(text) <= MAX_CHARS else None


def is_small_talk(text: str) -> bool:
    """Is `text` small talk rather than a question?"""
    return kind(text) is not None


@lru_cache(maxsize=4096)
def _kind(text: str) -> str | None:
    norm = _REPEATS.sub(r"\1\1", normalize(text)).strip()
    if not norm:
        return None
    kinds = _phrases(norm)
    if kinds is None:
        return None
    if kinds:
        return next(k for k in PHRASES if k in kinds)
    # Only fillers ("你", "啊") say too little to be either, and invisible characters
    # alone say nothing: the engine says so.
    if all(_is_mark(ch) for ch in norm) and any(unicodedata.category(ch)[0] in "PS" for ch in norm):
        return "emoji"
    return None


def _phrases(text: str) -> set[str] | None:
    """The kinds of the phrases that make up all of `text`, or None when something else
    is in it. Every way of cutting it is tried (a phrase may be the start of another)."""
    reach: list[set[str] | None] = [None] * (len(text) + 1)
    reach[0] = set()
    for i in range(len(text)):
        if reach[i] is None:
            continue
        for j, k in _tokens_at(text, i):
            if reach[j] is None:
                reach[j] = reach[i] | ({k} if k else set())
    return reach[len(text)]


def _tokens_at(text: str, i: int):
    """(end, kind) of each phrase or filler at `i` ("" for a filler, a space, a mark)."""
    for n in _LENGTHS:
        token = text[i : i + n]
        if len(token) == n and token in _TOKENS and _whole_word(text, i, i + n):
            yield i + n, _TOKENS[token]
    if _is_mark(text[i]):
        yield i + 1, ""


def _whole_word(text: str, start: int, end: int) -> bool:
    """A Latin phrase is a word of its own: "hi" is not inside "this"."""
    before = start > 0 and _LATIN.match(text[start - 1]) and _LATIN.match(text[start])
    after = end < len(text) and _LATIN.match(text[end]) and _LATIN.match(text[end - 1])
    return not before and not after


def _is_mark(ch: str) -> bool:
    """Punctuation, symbols (emoji), spaces and invisible characters."""
    return ch in _JOINERS or unicodedata.category(ch)[0] in "PSZC"
