"""Character classes, each defined once: what counts as a Chinese character, what as an
invisible or control character that no text means to carry.

Each class is the body of a regular expression's character class (no brackets), so they
combine: `re.compile(f"[{HAN}·]")`.
"""

from __future__ import annotations

import re

# A Chinese character: CJK Extension A (U+3400–4DBF), the Unified Ideographs (U+4E00–9FFF)
# and the Compatibility Ideographs (U+F900–FAFF), which PDFs and old encodings still carry
# (NFKC folds them into the unified block, so normalised text holds none). The Yijing
# hexagram symbols between Extension A and the unified block (U+4DC0–4DFF) are symbols,
# not characters.
HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_CHAR = re.compile(f"[{HAN}]")


def is_han(ch: str) -> bool:
    return HAN_CHAR.match(ch) is not None


# The unified block alone: where GBK's two-byte Chinese decodes to, so where bytes of
# another encoding read as GBK land (plain_text.py's test of GB2312 commonness counts these).
UNIFIED = r"\u4e00-\u9fff"

# The part of the unified block assigned since Unicode 11: every Python's unicodedata knows
# these, so plain_text.py may skip asking it whether they are unassigned.
UNIFIED_ASSIGNED = r"\u4e00-\u9fef"

# The characters the tokenizer makes character pairs of, as code points: one contiguous
# range, so numpy tests a whole sentence with two comparisons (tokenizer._char_pairs), and
# a pair is numbered by its two code points. Text is normalised first, so no compatibility
# ideograph is left outside it; the hexagram symbols inside it never occur in prose. The
# index's pairs depend on it: changing it needs a reindex.
PAIR_FIRST, PAIR_LAST = 0x3400, 0x9FFF

# Control characters (C0, DEL and C1). A file name keeps none of them.
CONTROLS = r"\x00-\x1f\x7f-\x9f"
# ... but tab and line feed, which a question's whitespace becomes one space of.
CONTROLS_BUT_TAB_NEWLINE = r"\x00-\x08\x0b-\x1f\x7f-\x9f"
# ... but tab, line and page breaks and carriage return, which text keeps or makes "\n".
CONTROLS_BUT_BREAKS = r"\x00-\x08\x0e-\x1f\x7f-\x9f"

# Invisible characters that hide, join or reorder what is shown: zero-width space,
# non-joiner and joiner, direction marks, direction embeddings and overrides, word joiner
# and invisible operators, direction isolates, the byte-order mark.
INVISIBLE = r"\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff"

# What no text file holds on purpose, and binary data decodes to: controls (but breaks),
# the replacement character, lone surrogates, private use (BMP, planes 15 and 16).
NOT_TEXT = CONTROLS_BUT_BREAKS + r"\ufffd\ud800-\udfff\ue000-\uf8ff\U000f0000-\U0010ffff"

# What ends a sentence, and the closing quotes and brackets that may follow it there.
TERMINAL = "。！？!?…；;"
CLOSERS = "”’」』）)》】\"'"
