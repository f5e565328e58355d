"""One normalisation for both sides of the index: what a question and a passage are
compared as. The quoted text itself is never changed; only its tokens are."""

import unicodedata
from functools import lru_cache

import opencc

_T2S = opencc.OpenCC("t2s")
_S2T = opencc.OpenCC("s2t")


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """Full-width to half-width (NFKC), traditional to simplified, lower case.

    NFKC also folds full-width digits ("２８") and compatibility forms, so "２８家" and
    "28家" become the same token; opencc maps 雨花區 to 雨花区 with phrase awareness.
    """
    # U+0000 and U+0001 mark texts and numbers while tokenising (tokenizer.SEP, NUMBER):
    # never one of a text's own.
    return fold(text.replace("\x00", "\ufffd").replace("\x01", "\ufffd"))


def fold(text: str) -> str:
    """`normalize` without its cache, and U+0000 and U+0001 left as they are."""
    return _T2S.convert(unicodedata.normalize("NFKC", encodable(text))).lower()


def encodable(text: str) -> str:
    """`text` with each lone surrogate (bytes that were not UTF-8, passed through) as "?":
    opencc, SQLite and the meaning model take UTF-8 only."""
    return text.encode("utf-8", "replace").decode("utf-8")


def in_script_of(text: str, others: list[str]) -> str:
    """`text` in the script, simplified or traditional, that most of `others` are written
    in (opencc, phrase by phrase); as it is when it is written so already, or they are
    alike. Only what opencc would change tells: a text of characters both scripts share
    is of neither."""
    text, others = encodable(text), [encodable(t) for t in others]
    traditional = sum(_T2S.convert(t) != t for t in others)
    simplified = sum(_S2T.convert(t) != t for t in others)
    as_simplified = _T2S.convert(text)
    if simplified > traditional and as_simplified != text:
        return as_simplified
    if traditional > simplified and as_simplified == text:
        return _S2T.convert(text)
    return text
