"""One normalisation for both sides of the index: what a question and a passage are
compared as. The quoted text itself is never changed; only its tokens are."""

import unicodedata
from functools import lru_cache

import opencc

_T2S = opencc.OpenCC("t2s")


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
    # A lone surrogate (bytes that were not UTF-8, passed through) would crash opencc.
    folded = unicodedata.normalize("NFKC", text.encode("utf-8", "replace").decode("utf-8"))
    return _T2S.convert(folded).lower()
