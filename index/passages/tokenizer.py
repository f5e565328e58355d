"""jieba tokenising with numbers kept whole with their units.

jieba alone splits "2.18万名" into "2.18" + "万名" and "5-7天" into "5" "-" "7" "天内";
a question asks for "多少名", so the number and its unit must stay one token.

Words are cut by rjieba, jieba's algorithm and dictionary in Rust: the same words as
jieba (its own tests: identical cuts of the questions here), about 20 times as fast
(19 MB/s against 0.8 MB/s on this machine), which is what lets a reindex keep up with a
growing corpus, and tags the questions' places and names. Of jieba itself only its
dictionary file is read, for its counts of words in Chinese at large (`general_count`):
importing and initialising jieba took ~135 MB a process, its counts here ~6 MB.
"""

import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from importlib.util import find_spec
from pathlib import Path
from typing import NamedTuple

import numpy as np
import rjieba

from index.chars import HAN, PAIR_FIRST, PAIR_LAST
from index.normalize import fold, normalize

# Measure words and units that follow a number. Longest first so "平方公里" beats "公里".
UNITS = sorted(
    """个 家 名 人 位 次 户 所 项 件 台 辆 条 座 栋 套 间 张 本 篇 份 支 只 头 种 类 批 届 期 场 轮 起
    年 月 日 号 天 周 时 小时 分 分钟 秒 岁 元 块 角 亿元 万元 美元 米 千米 公里 平方公里 平方米
    亩 公顷 吨 千克 公斤 克 斤 升 毫升 度 倍 成 % ‰ ℃ 人次 余人 余家 余起 余 多 强 级 层 楼 版 码""".split(),
    key=len,
    reverse=True,
)
_UNIT_RE = "|".join(re.escape(u) for u in UNITS)
# 1,234.5 / 5-7 / 2.18万 / 3万毫升 / 第5位: digits with an optional range and magnitude.
NUMBER_RE = re.compile(rf"第?\d+(?:[.,]\d+)*(?:\s*[-~～至到]\s*\d+(?:\.\d+)*)?(?:\s?[万亿千百])?(?:\s?(?:{_UNIT_RE}))?")
_SPACE = re.compile(r"\s+")
_WORDLIKE = re.compile(rf"[\w{HAN}]", re.UNICODE)


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    text = resources.files("index.passages").joinpath("stopwords.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.split() if w.strip())


# Between texts tokenised together (`tokenize_many`): no word, number or pair spans it.
SEP = "\x00"
# Where a number stood in the text jieba cuts: a symbol, so jieba cuts the words around it
# as it would cut them apart, in one call for the whole text.
NUMBER = "\x01"
# Between the terms of a passage's sentences, as stored (index.search.store reads it as char(9)).
SENTENCE_SEP = "\t"

# Words already judged worth indexing, or not: a set lookup a word instead of a regular
# expression and a stop-word test (a reindex asks about the same few words millions of times).
_kept: set[str] = {SEP, NUMBER}  # markers; no text has its own (normalize() maps them)
_dropped: set[str] = set()


def _judge(word: str) -> bool:
    if len(_kept) + len(_dropped) > 2_000_000:  # bounded memory over a long-lived process
        _kept.clear()
        _dropped.clear()
        _kept.update((SEP, NUMBER))
    keep = _WORDLIKE.search(word) is not None and word not in stopwords()
    (_kept if keep else _dropped).add(word)
    return keep


def tokenize(text: str) -> list[str]:
    """Normalised index tokens of `text`: numbers with units, then jieba words, in order.

    Stop words, punctuation and white space are dropped. Questions and passages both go
    through here, so they always meet in the same form.
    """
    return _tokens(normalize(text))


def _tokens(norm: str) -> list[str]:
    numbers = iter([_SPACE.sub("", n).replace(",", "") for n in NUMBER_RE.findall(norm)])
    kept, dropped = _kept, _dropped
    return [
        next(numbers) if w == NUMBER else w
        for w in rjieba.cut(NUMBER_RE.sub(NUMBER, norm))
        if w in kept or (w not in dropped and _judge(w))
    ]


# The pattern and the numeric test in _char_pairs must agree: both read chars.PAIR_FIRST..PAIR_LAST.
_CJK = f"[{chr(PAIR_FIRST)}-{chr(PAIR_LAST)}]"
_CJK_RUN = re.compile(_CJK + "{2,}")
CHINESE_PAIR = re.compile(_CJK + "{2}")  # a string that can be one of char_bigrams's pairs


def char_bigrams(text: str) -> list[str]:
    """Pairs of adjacent Chinese characters: they match where jieba cut the question and
    the passage differently ("望城" in "望城区", "网约" in "开网约车")."""
    out: list[str] = []
    for run in _CJK_RUN.findall(normalize(text)):
        out += [a + b for a, b in zip(run, run[1:])]
    return out


def index_terms(text: str) -> list[str]:
    """What BM25 counts: the words, then the character pairs (measured on CMRC 2018:
    jieba words alone 0.974 hit@1 a document, words and pairs 0.981)."""
    return tokenize(text) + char_bigrams(text)


class CharPairs(NamedTuple):
    """The character pairs of several texts, as numbers: (first << 16) | second."""

    codes: np.ndarray  # int64, in text order
    text: np.ndarray  # which text each is from
    n: int  # texts

    def joined(self, texts: Iterable[int] | None = None) -> list[str]:
        """Each text's pairs as char_bigrams gives them, space-separated: of every text,
        or only of `texts` (by number; the others are left "")."""
        keep = np.ones(len(self.codes), dtype=bool) if texts is None else np.isin(self.text, list(texts))
        codes, text = self.codes[keep], self.text[keep]
        # Made in one piece by numpy: "ab bc cd" a text, SEP between texts.
        chars = np.empty((len(codes), 3), dtype=np.uint32)
        chars[:, 0], chars[:, 1], chars[:, 2] = codes >> 16, codes & 0xFFFF, 32
        chars[:-1, 2][text[1:] != text[:-1]] = 0
        chars[-1:, 2] = 0
        out = [""] * self.n
        if len(codes):
            pieces = chars.tobytes().decode("utf-32-le").split(SEP)
            for i, piece in zip(np.unique(text).tolist(), pieces):
                out[i] = piece
        return out


def pair_term(code: int) -> str:
    return chr(code >> 16) + chr(code & 0xFFFF)


def tokenize_many(texts: list[str]) -> tuple[list[str], CharPairs]:
    """`index_terms` of each text, in one pass for all of them: their words in a row, SEP
    after each text's but the last, and their character pairs.

    A reindex tokenises a document's sentences this way: one normalisation and a few cuts a
    document instead of several a sentence, and the pairs (half the terms) are counted as
    numbers, never made into strings one by one. SEP cannot join two texts' words: jieba
    and the number pattern both stop at it, and so do NFKC, opencc and lower-casing.
    """
    norm = _fold_joined(texts)
    return _tokens(norm), _char_pairs(norm, len(texts))


def char_pairs_many(texts: list[str]) -> CharPairs:
    """The character pairs of each text (`tokenize_many` without the words)."""
    return _char_pairs(_fold_joined(texts), len(texts))


def _fold_joined(texts: list[str]) -> str:
    # A marker of the text's own would be read as one: it becomes a symbol, cut and dropped.
    return fold(SEP.join(t.replace(SEP, "\ufffd").replace(NUMBER, "\ufffd") for t in texts))


def sentence_texts(text: str, cuts: str) -> list[str]:
    """A stored passage's sentences: `cuts` says where each ends (store.PASSAGE_FIELDS)."""
    ends = [int(c) for c in cuts.split(",")] if cuts else [len(text)]
    return [text[a:b] for a, b in zip([0, *ends[:-1]], ends)]


def _char_pairs(norm: str, n: int) -> CharPairs:
    cp = np.frombuffer(norm.encode("utf-32-le"), dtype=np.uint32)
    cjk = (cp >= PAIR_FIRST) & (cp <= PAIR_LAST)
    at = np.flatnonzero(cjk[:-1] & cjk[1:])
    codes = (cp[at].astype(np.int64) << 16) | cp[at + 1]
    return CharPairs(codes, np.cumsum(cp == 0)[at].astype(np.int64), n)  # SEP is U+0000


class _Counts(NamedTuple):
    keys: np.ndarray  # _key() of each word of the dictionary, sorted
    counts: np.ndarray  # its count, in the same order
    total: int  # the counts' sum, as jieba sums them (a word listed twice counts twice)


@lru_cache(maxsize=1)
def _general_counts() -> _Counts:
    """jieba's dictionary (dict.txt; rjieba cuts by the same words) as numbers: the words'
    hashes and counts (~0.2 s to read). A word keeps its last count, as in jieba's own
    table. Hashes differ between processes, so the table is made in each one; a word it
    does not list taking the 64-bit hash of one of its 350,000 is a chance of about 1 in
    10^13 a word looked up."""
    spec = find_spec("jieba")  # its folder, without importing it (that alone is ~70 MB)
    path = Path(next(iter(spec.submodule_search_locations))) / "dict.txt"
    # Line by line into numpy: lists of 350,000 words or numbers left ~25 MB resident.
    with open(path, encoding="utf-8", newline="\n") as lines:  # "\n" alone: "\x85" is in words
        rows = np.fromiter(
            ((_key(w), int(n)) for w, n, *_ in (line.strip().split(" ") for line in lines)),
            dtype=[("key", np.int64), ("count", np.int64)],
        )
    # Reversed: np.unique keeps a key's first row, jieba a word's last count.
    keys, first = np.unique(rows["key"][::-1], return_index=True)
    return _Counts(keys, rows["count"][::-1][first], int(rows["count"].sum()))


def _key(word: str) -> int:
    # The hash of its UTF-8 bytes: str's own hash reads the characters' storage, so "nm"
    # (bytes 6E 6D) and "浮" (U+6D6E, stored 6E 6D) hash alike.
    return hash(word.encode("utf-8"))


def general_count(word: str) -> int:
    """How often jieba's dictionary says `word` occurs in Chinese at large (0: not listed)."""
    table, key = _general_counts(), _key(word)
    at = int(np.searchsorted(table.keys, key))
    return int(table.counts[at]) if at < len(table.keys) and table.keys[at] == key else 0


def general_total() -> int:
    return _general_counts().total
