"""Candidate answer spans of a sentence, and what a ranker needs to know of each.

A candidate is a run of 1..MAX_WORDS consecutive jieba words of the sentence that stays
inside one clause (an enumeration "A、B、C" or a quote “…” may be one candidate) and holds
no word of the question: the answer is what the question leaves out. Each candidate gets
a row of features; the ranker (index/answers/spans.py, weights trained by training/train_span.py)
weighs them once per asked kind, so "a number followed by a unit" can count for 多少 and
against 谁.

Everything per candidate is computed with numpy from per-word flags and their running
sums: a sentence has a few hundred candidates and answer_span runs once per answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import rjieba

from index.answers.answering import PERSON_TITLE, UNIT_SYNONYMS, classify
from index.chars import HAN, is_han
from index.normalize import fold, normalize
from index.passages.tokenizer import UNITS, stopwords

MAX_WORDS = 10
MAX_CHARS = 40

# The asked kinds answering.classify tells apart, and two more the ranker finds useful:
# an organisation (哪个单位) and a list (哪些), both "what" to answering.
KINDS = ("count", "date", "year", "percent", "ordinal", "person", "place", "org", "list", "what", "other")

_ORG_Q = re.compile(
    r"(?:哪|什么)(?:个|家|所)?(?:单位|公司|机构|组织|部门|企业|学校|大学|医院|政府|团体|队|俱乐部|银行|媒体|出版社)"
)
_LIST_Q = re.compile(r"哪些|哪几")
# Words that ask: never a word of the answer's context, and what follows them is a unit.
_WH_WORD = re.compile(r"^(?:多少|几|什么|啥|哪|谁|何|怎|如何|为何|为什么|多[长久远重深高大])")
_BREAK = set("，,。；;！？!?：:（）()[]【】\n\r\t…|")
_OPEN = set("“‘《「『\"'")
_CLOSE = set("”’》」』\"'")
_PUNCT = re.compile(r"^[\W_]+$")
_CN_NUM = set("零〇一二两三四五六七八九十百千万亿")
_CN_LEAD = re.compile(r"^[零〇一二两三四五六七八九十百千万亿]+")
_DIGIT = re.compile(r"\d")
_LATIN = re.compile(r"[a-z]")
_DATE_WORD = re.compile(
    r"^(?:\d{1,2}[月日号]|[一二三四五六七八九十]{1,3}[月日号]|[月日号]|[上中下]旬|"
    r"凌晨|早上|上午|中午|下午|傍晚|晚上|当天|次日|\d{1,2}[点时]|[点时]|[一二三四五六七八九十]+点)$"
)
_YEAR_WORD = re.compile(r"^(?:\d{4}|\d{4}年|[一二三四五六七八九〇零]{2,4}年|年)$")
_PERCENT_WORD = re.compile(r"%|‰|百分之|百分点|^[\d.]+成$|^成$")
_UNIT_SET = frozenset(UNITS) | frozenset(u for syn in UNIT_SYNONYMS.values() for u in syn)
_CUE = frozenset("是 为 叫 叫做 称 称为 有 共有 达 达到 约 共 于 在 至 到 由 被 即 名为 位于 包括 如 是为".split())
_FUNC_TAGS = ("u", "p", "c", "y", "e", "o")
_TITLE_RE = re.compile(rf"^(?:{PERSON_TITLE})$")
_PLACE_SUFFIX = re.compile(r"(?:省|市|区|县|镇|乡|村|街道|社区|州|国|岛|山|河|湖|江|路|街|站|港|洲)$")
_ORG_SUFFIX = re.compile(
    r"(?:公司|集团|大学|学院|学校|医院|银行|协会|委员会|部|局|厅|院|所|中心|政府|队|社|会|党|组织|机构)$"
)


_BARE_COUNT = ("多少", "几")
# Verbs too common to point at an object: "是什么", "有哪些", "叫什么", "在哪".
_GENERIC_VERBS = frozenset("是 有 叫 在 为 做 要 会 能 可以 到 去 来 说 让 给 把 被 对 向 从 由 按 以".split())
# 什么, 哪个, 哪几种...: a question word that a noun phrase after it completes.
_BARE_WHAT = re.compile(r"^(?:什么|什么样|啥|何|何种|哪[一几]?[个种类家些位项款所条只件]?)$")
_TYPE_TAGS = ("n", "a", "b", "j", "vn", "l")


def _names_type(wh: str, word: str, tag: str) -> bool:
    """Whether `word`, after the question word `wh` (and any type words before it),
    names the answer's type."""
    if _PUNCT.match(word) or word in ("是", "的", "了", "呢", "吗"):
        return False
    if wh in _BARE_COUNT:
        return word in _UNIT_SET or tag == "q" or len(word) == 1 or word in ("时间", "年")
    # The noun phrase after 哪个 or 什么: "哪几种肠道病毒", "哪个短视频平台".
    return bool(_BARE_WHAT.match(wh)) and tag.startswith(_TYPE_TAGS)


@dataclass(frozen=True)
class QuestionProfile:
    kind: str
    unit: str | None
    words: frozenset[str]  # its content words, normalised: never part of the answer
    chars: frozenset[str]  # its Chinese characters and digits
    before: str | None  # the content word just before the question word ("书记" of 书记是谁)
    after: str | None  # the content word just after it ("出来" of 哪天出来)
    norm: str  # the question, normalised, its question words and the word after them blanked
    asks_day: bool = False  # 哪天, 几号: a year alone does not answer it
    # The words after 什么/哪个 that name the answer's type ("模式" of 按什么模式, "便民",
    # "设施" of 哪些便民设施): in the sentence the answer often stands right before them.
    types: tuple[str, ...] = ()
    # Whether the question has content words before its question word, and after it: the
    # answer stands next to the words it matches, on the side the question word stands.
    words_before: bool = False
    words_after: bool = False
    # The verb right before the question word ("用" of 用什么餐具, "注意" of 注意什么): its
    # object in the sentence is what is asked.
    verb: str | None = None


@lru_cache(maxsize=2048)
def profile(question: str) -> QuestionProfile:
    norm = normalize(question)
    kind, unit = classify(norm)
    if kind == "what" and _ORG_Q.search(norm):
        kind = "org"
    elif kind == "what" and _LIST_Q.search(norm):
        kind = "list"
    tagged = rjieba.tag(norm)
    words: list[str] = []
    wh_at = -1
    stop = stopwords()
    # What stands after a question word names the answer's type, not its context: the unit
    # of 多少分钟 ("4分钟"), the head of 哪个车站 ("田心车站"), 时候 of 什么时候.
    plain = list(norm)
    at = 0
    asker = None  # the question word the words being read may complete
    types: list[str] = []
    prev_word = None
    prev_tag = ""
    last_tagged = None  # the last word before this one that is no particle
    verb = None
    for word, tag in tagged:
        tagged_prev, prev_word = prev_word, word
        if tagged_prev is not None and not prev_tag.startswith(("u", "y")) and not _PUNCT.match(tagged_prev):
            last_tagged = (tagged_prev, prev_tag)
        prev_tag = tag
        span = (at, at + len(word))
        at += len(word)
        if _WH_WORD.match(word):
            if words and words[-1] == "第" and tagged_prev == "第":
                words.pop()  # 第几: the 第 is the answer's, not the context's
            if last_tagged is not None and last_tagged[1][:1] in ("v", "p") and last_tagged[0] not in _GENERIC_VERBS:
                verb = last_tagged[0]
            wh_at = wh_at if wh_at >= 0 else len(words)
            plain[span[0] : span[1]] = " " * len(word)
            asker = word
            continue
        if asker is not None and _names_type(asker, word, tag):
            plain[span[0] : span[1]] = " " * len(word)
            if asker not in _BARE_COUNT and len(word) >= 2:
                types.append(word)
            # Only 什么/哪个 take a phrase of several words; a count takes one unit.
            asker = asker if asker not in _BARE_COUNT else None
            continue
        asker = None
        if _PUNCT.match(word) or word in stop or (len(word) == 1 and tag.startswith(_FUNC_TAGS)):
            continue
        if word in ("是", "叫", "有", "在", "为"):
            continue
        words.append(word)
    if wh_at < 0:
        before = after = None
    else:
        before = words[wh_at - 1] if wh_at > 0 else None
        after = words[wh_at] if wh_at < len(words) else None
    chars = frozenset(c for w in words for c in w if is_han(c) or c.isdigit())
    return QuestionProfile(
        kind,
        unit,
        frozenset(words),
        chars,
        before,
        after,
        "".join(plain),
        bool(_ASKS_DAY.search(norm)),
        tuple(types),
        wh_at > 0,
        0 <= wh_at < len(words),
        verb,
    )


def _normalised_with_offsets(sentence: str) -> tuple[str, list[int]]:
    """The sentence as the index reads it, and for each of its characters the character
    of `sentence` it comes from. NFKC may expand one character into several ("㎡" -> "m2"):
    then each is folded alone, so every offset maps back."""
    norm = normalize(sentence)
    if len(norm) == len(sentence):
        return norm, list(range(len(sentence) + 1))
    parts, owner = [], []
    for i, c in enumerate(sentence):
        f = fold(c) or c
        parts.append(f)
        owner.extend([i] * len(f))
    owner.append(len(sentence))
    return "".join(parts), owner


@dataclass
class Words:
    """The sentence cut into jieba words: text (normalised), tag, and where each starts
    and ends in the original sentence."""

    words: list[str]
    tags: list[str]
    starts: np.ndarray
    ends: np.ndarray


def cut(sentence: str) -> Words:
    norm, owner = _normalised_with_offsets(sentence)
    words, tags, starts, ends = [], [], [], []
    at = 0
    for word, tag in rjieba.tag(norm):
        a, b = at, at + len(word)
        at = b
        start, end = owner[a], owner[b - 1] + 1
        if starts and start < ends[-1]:
            # Two words out of one original character ("㎡" cut as "m", "2"): one word.
            words[-1] += word
            ends[-1] = max(ends[-1], end)
            continue
        words.append(word)
        tags.append(tag)
        starts.append(start)
        ends.append(end)
    return Words(words, tags, np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64))


def _word_flags(ws: Words, q: QuestionProfile) -> dict[str, np.ndarray]:
    """Per word, the yes/no facts the candidate features sum up."""
    n = len(ws.words)
    f = {name: np.zeros(n, dtype=bool) for name in WORD_FLAGS}
    allowed_units = set(UNIT_SYNONYMS.get(q.unit, q.unit)) | {q.unit} if q.unit else set()
    for i, (w, t) in enumerate(zip(ws.words, ws.tags)):
        punct = bool(_PUNCT.match(w))
        f["punct"][i] = punct
        f["brk"][i] = punct and any(c in _BREAK for c in w)
        f["open"][i] = punct and w[0] in _OPEN and w not in ('"', "'")
        f["close"][i] = punct and w[-1] in _CLOSE and w not in ('"', "'")
        f["enum"][i] = w == "、"
        has_digit = bool(_DIGIT.search(w))
        cn_num = all(c in _CN_NUM for c in w) and t == "m"
        lead = _CN_LEAD.match(w) if t == "m" and not has_digit and not cn_num else None
        if lead and w[lead.end() :] in _UNIT_SET:
            cn_num = True  # "三天", "两名": jieba keeps a Chinese numeral and its unit one word
        f["num"][i] = has_digit or cn_num
        f["year"][i] = bool(_YEAR_WORD.match(w))
        f["date"][i] = bool(_DATE_WORD.match(w)) or t == "t"
        f["percent"][i] = bool(_PERCENT_WORD.search(w))
        f["ordinal"][i] = w.startswith("第") or w.endswith("第")
        tail = (
            re.sub(r"^[\d.,\-~～至到万亿千百余多第%零〇一二两三四五六七八九十]+", "", w) if has_digit or cn_num else w
        )
        tail = tail.lstrip("万亿千百余多") or tail
        f["unit"][i] = t == "q" or tail in _UNIT_SET or (t == "m" and not has_digit and not cn_num)
        f["unit_ok"][i] = bool(allowed_units) and any(tail.startswith(u) for u in allowed_units)
        f["nr"][i] = t.startswith("nr")
        f["ns"][i] = t == "ns" or (len(w) >= 2 and bool(_PLACE_SUFFIX.search(w)) and t.startswith("n"))
        f["nt"][i] = t == "nt" or (len(w) >= 3 and bool(_ORG_SUFFIX.search(w)) and t.startswith("n"))
        f["nz"][i] = t in ("nz", "j", "i", "l")
        f["noun"][i] = t.startswith("n") or t in ("vn", "an", "eng")
        f["verb"][i] = t.startswith("v") and t != "vn"
        f["adj"][i] = t.startswith("a")
        f["func"][i] = t.startswith(_FUNC_TAGS) or w in ("的", "了", "和", "与", "及", "或")
        f["de"][i] = w in ("的", "之")
        f["title"][i] = bool(_TITLE_RE.match(w))
        f["latin"][i] = bool(_LATIN.search(w))
        f["cue"][i] = w in _CUE
        # A word of the question, or one made of its characters only ("协会会长" of
        # 协会的会长).
        f["qword"][i] = not punct and (
            w in q.words or (len(w) >= 2 and not has_digit and (w in q.norm or all(c in q.chars for c in w)))
        )
        # A one-character word of the question ("家" of 农家乐) may still be the
        # answer's unit ("28家"): only longer ones bar a candidate.
        f["qword_long"][i] = f["qword"][i] and (len(w) >= 2 or f["num"][i])
        f["qpart"][i] = not punct and len(w) >= 2 and any(c in q.chars for c in w) and not f["qword"][i]
        f["before"][i] = q.before is not None and (w == q.before or (len(w) >= 2 and w.endswith(q.before)))
        f["after"][i] = q.after is not None and (w == q.after or (len(w) >= 2 and w.startswith(q.after)))
        f["single"][i] = len(w) == 1 and not punct
    return f


WORD_FLAGS = (
    "punct",
    "brk",
    "open",
    "close",
    "enum",
    "num",
    "year",
    "date",
    "percent",
    "ordinal",
    "unit",
    "unit_ok",
    "nr",
    "ns",
    "nt",
    "nz",
    "noun",
    "verb",
    "adj",
    "func",
    "de",
    "title",
    "latin",
    "cue",
    "qword",
    "qword_long",
    "qpart",
    "before",
    "after",
    "single",
)
# Facts of the words a candidate holds: any of them, the share of them, the first, the last.
_ANY = (
    "qword",
    "num",
    "year",
    "date",
    "percent",
    "ordinal",
    "unit",
    "unit_ok",
    "nr",
    "ns",
    "nt",
    "nz",
    "noun",
    "verb",
    "adj",
    "func",
    "latin",
    "enum",
    "open",
    "qpart",
    "title",
    "punct",
)
_SHARE = ("noun", "verb", "nr", "ns", "nt", "num", "func", "qpart", "single")
_FIRST = ("num", "ordinal", "func", "de", "verb", "noun", "nr", "ns", "nt", "open", "date", "year", "cue", "adj")
_LAST = (
    "num",
    "unit",
    "unit_ok",
    "noun",
    "func",
    "de",
    "verb",
    "nr",
    "ns",
    "nt",
    "close",
    "date",
    "year",
    "percent",
    "title",
    "adj",
)
_LEFT = ("qword", "before", "after", "cue", "de", "title", "num", "open", "brk", "verb", "func", "noun", "ordinal")
_RIGHT = ("qword", "after", "before", "de", "num", "unit", "close", "brk", "verb", "noun", "func", "title")

FEATURES = (
    [
        "bias",
        "len1",
        "len2",
        "len3",
        "len4_5",
        "len6+",
        "chars_log",
        "chars_over_12",
        "quoted_exact",
        "quote_whole",
        "in_quote",
        "near_q",
        "adjacent_q",
        "no_q_in_sentence",
        "clause_q_share",
        "clause_start",
        "clause_end",
        "sentence_first_clause",
        "all_nr",
        "num_then_unit",
        "cut_number",
        "cut_unit",
        "enum_whole",
        "shape",
        "shape_part",
        "year_pair",
        "date_pair",
        "same_clause_as_before",
        "gap_before",
        "gap_after",
    ]
    + [f"any_{x}" for x in _ANY]
    + [f"share_{x}" for x in _SHARE]
    + [f"first_{x}" for x in _FIRST]
    + [f"last_{x}" for x in _LAST]
    + [f"left_{x}" for x in _LEFT]
    + [f"right_{x}" for x in _RIGHT]
)


_NUM = r"(?:\d+(?:[.,]\d+)*(?:[-~～至到]\d+(?:\.\d+)*)?|[零〇一二两三四五六七八九十百千]+)"
_APPROX = r"(?:约|近|共|达|超过|逾|将近|大约|仅|只有|多达|高达)?"
_UNIT_ALT = "|".join(re.escape(u) for u in sorted(_UNIT_SET, key=len, reverse=True))
# A reign year: "崇宁五年", "万历十一年".
_ERA_YEAR = rf"[{HAN}]{{2}}[元一二三四五六七八九十]{{1,3}}年"
# What a whole answer of each asked kind looks like, as normalised text.
SHAPES = {
    # Any measure word: "18趟", "22代", "14.2光年" are counts whose units no list holds.
    "count": re.compile(
        rf"{_APPROX}{_NUM}(?:[至到~～-]{_NUM})?(?:[万亿千百]|余|多)*"
        rf"(?:(?:{_UNIT_ALT})+|[{HAN}]{{1,2}})?(?:余|多)?"
    ),
    "date": re.compile(
        r"(?:\d{4}年)?(?:\d{1,2}|[一二三四五六七八九十]{1,3})月(?:\d{1,2}|[一二三四五六七八九十]{1,3})?[日号]?"
        r"(?:凌晨|上午|中午|下午|晚上)?(?:\d{1,2}[点时:](?:\d{1,2}分?)?)?|\d{1,2}[日号]|"
        r"(?:凌晨|早上|上午|中午|下午|傍晚|晚上)?\d{1,2}[点时:](?:\d{1,2}分?|半)?|[上中下]旬|\d{4}年\d{1,2}月"
    ),
    "year": re.compile(rf"(?:公元前?)?\d{{1,4}}年(?:代)?|[一二三四五六七八九〇零]{{4}}年|\d{{4}}|{_ERA_YEAR}"),
    "percent": re.compile(
        rf"{_APPROX}(?:[\d.]+%|[\d.]+‰|百分之[\d.一二三四五六七八九十百]+|[\d.]+个?百分点|[\d一二三四五六七八九十]成)"
    ),
    "ordinal": re.compile(rf"(?:排名|排|列|位列|居)?第{_NUM}(?:{_UNIT_ALT}|名|位)?"),
}
_SHAPE_HINT = re.compile(r"[\d零〇一二两三四五六七八九十百千月日号年%点时旬第]")


# 什么时候 may be answered with a year ("1955年", "崇宁五年"); 哪天 and 几号 with a day.
_WHEN = re.compile(rf"(?:{SHAPES['year'].pattern})(?:{SHAPES['date'].pattern})?|{SHAPES['date'].pattern}")
_ASKS_DAY = re.compile(r"哪一?天|几号|几月几|几点|哪一日")


def _shape(q: QuestionProfile, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Whether each candidate is, whole, the kind of thing asked for, or holds one."""
    whole = np.zeros(len(texts), dtype=bool)
    part = np.zeros(len(texts), dtype=bool)
    kind = q.kind
    pattern = _WHEN if kind == "date" and not q.asks_day else SHAPES.get(kind)
    if pattern is None:
        return whole, part
    for k, text in enumerate(texts):
        if _SHAPE_HINT.search(text):
            whole[k] = pattern.fullmatch(text) is not None
            part[k] = whole[k] or pattern.search(text) is not None
    return whole, part


@dataclass
class Candidates:
    words: Words
    first: np.ndarray  # index of each candidate's first word
    stop: np.ndarray  # one past its last word
    features: np.ndarray  # (candidates, len(FEATURES))
    flags: dict[str, np.ndarray] | None = None  # the per-word flags (_word_flags), for the rules

    def span(self, k: int) -> tuple[int, int]:
        return int(self.words.starts[self.first[k]]), int(self.words.ends[self.stop[k] - 1])


def _cumsum(x: np.ndarray) -> np.ndarray:
    out = np.zeros(len(x) + 1, dtype=np.int64)
    np.cumsum(x, out=out[1:])
    return out


def candidates(q: QuestionProfile, sentence: str) -> Candidates | None:
    ws = cut(sentence)
    n = len(ws.words)
    if not n:
        return None
    f = _word_flags(ws, q)
    cs = {k: _cumsum(v) for k, v in f.items()}
    lengths = ws.ends - ws.starts
    cs_chars = _cumsum(lengths)
    first = np.repeat(np.arange(n), MAX_WORDS)
    stop = first + np.tile(np.arange(1, MAX_WORDS + 1), n)
    keep = stop <= n
    first, stop = first[keep], stop[keep]
    # A quote longer than MAX_WORDS words is still one candidate, whole: "“A、B、C、D”的模式".
    opened = None
    long_first, long_stop = [], []
    for i in range(n):
        if f["open"][i] and not f["close"][i]:
            opened = i
        elif f["close"][i] and opened is not None:
            if i + 1 - opened > MAX_WORDS:
                long_first.append(opened)
                long_stop.append(i + 1)
            opened = None
        elif f["brk"][i]:
            opened = None
    if long_first:
        first = np.concatenate([first, np.array(long_first, dtype=first.dtype)])
        stop = np.concatenate([stop, np.array(long_stop, dtype=stop.dtype)])

    def count(name: str) -> np.ndarray:
        return cs[name][stop] - cs[name][first]

    last = stop - 1
    opens, closes = count("open"), count("close")
    quote_whole = f["open"][first] & f["close"][last] & (opens == 1) & (closes == 1)
    chars = cs_chars[stop] - cs_chars[first]
    keep = (
        (count("brk") == 0)
        & (count("qword_long") == 0)
        & (chars <= MAX_CHARS)
        & (opens == closes)
        & ((~f["punct"][first] & ~f["punct"][last]) | quote_whole)
    )
    first, stop, last = first[keep], stop[keep], last[keep]
    if not len(first):
        return None
    quote_whole, opens, chars = quote_whole[keep], opens[keep], chars[keep]
    nwords = stop - first
    left = np.maximum(first - 1, 0)
    right = np.minimum(stop, n - 1)
    has_left = first > 0
    has_right = stop < n

    def at(name: str, idx: np.ndarray, valid: np.ndarray | None = None) -> np.ndarray:
        v = f[name][idx]
        return v & valid if valid is not None else v

    # Clauses: a word's clause is the number of breaks before it.
    clause = cs["brk"][:-1]
    q_in_clause = np.bincount(clause, weights=f["qword"].astype(float), minlength=clause.max() + 1)
    total_q = max(float(f["qword"].sum()), 1.0)
    # Nearest question word on either side, in words.
    idx = np.arange(n)
    prev_q = np.maximum.accumulate(np.where(f["qword"], idx, -(10**6)))  # last qword at or before i
    next_q = np.minimum.accumulate(np.where(f["qword"], idx, 10**6)[::-1])[::-1]  # first at or after i
    gap_l = np.where(has_left, first - prev_q[left], 10**6)
    gap_r = np.where(has_right, next_q[right] - stop + 1, 10**6)
    gap = np.minimum(gap_l, gap_r).astype(float)
    near = 1.0 / np.minimum(gap, 50.0)
    # Between the word before the question word and the candidate stand at most a cue or 的.
    before_l = f["before"][left] & has_left
    before_l2 = (
        (first >= 2) & f["before"][np.maximum(first - 2, 0)] & (f["cue"][left] | f["de"][left] | f["title"][left])
    )
    after_r = f["after"][right] & has_right
    after_r2 = (stop + 1 < n) & f["after"][np.minimum(stop + 1, n - 1)] & (f["func"][right] | f["cue"][right])
    cl = clause[first]
    clause_start = (first == 0) | f["brk"][left]
    clause_end = (stop == n) | f["brk"][right]
    in_quote = f["open"][left] & f["close"][right] & has_left & has_right
    before_clause = np.zeros(n, dtype=bool)
    if q.before is not None:
        before_clause_ids = set(clause[f["before"]].tolist())
        before_clause = np.isin(clause, list(before_clause_ids)) if before_clause_ids else before_clause

    norm_words = ws.words
    texts = ["".join(norm_words[a:b]) for a, b in zip(first.tolist(), stop.tolist())]
    shape, shape_part = _shape(q, texts)
    # A person, place or organisation is a name, or names only, in jieba's tags.
    name_tag = {"person": "nr", "place": "ns", "org": "nt"}.get(q.kind)
    if name_tag:
        names = count(name_tag)
        shape = names == nwords - count("enum")
        shape_part = names > 0
    cols = {
        "shape": shape,
        "shape_part": shape_part & ~shape,
        "bias": np.ones(len(first)),
        "len1": nwords == 1,
        "len2": nwords == 2,
        "len3": nwords == 3,
        "len4_5": (nwords >= 4) & (nwords <= 5),
        "len6+": nwords >= 6,
        "chars_log": np.log1p(chars),
        "chars_over_12": chars > 12,
        "quoted_exact": in_quote,
        "quote_whole": quote_whole,
        "in_quote": (opens > 0) & ~quote_whole,
        "near_q": near,
        "adjacent_q": gap == 1,
        "no_q_in_sentence": np.full(len(first), not f["qword"].any()),
        "clause_q_share": q_in_clause[cl] / total_q,
        "clause_start": clause_start,
        "clause_end": clause_end,
        "sentence_first_clause": cl == 0,
        "all_nr": count("nr") == nwords,
        "num_then_unit": f["num"][first] & f["unit"][last] & (nwords <= 3),
        "cut_number": (f["num"][right] & has_right & f["num"][last]) | (f["num"][left] & has_left & f["num"][first]),
        "cut_unit": f["num"][last] & f["unit"][right] & has_right & ~f["unit"][last],
        "enum_whole": (count("enum") > 0) & clause_start & clause_end,
        "year_pair": f["year"][last] & f["num"][first],
        "date_pair": f["date"][last] & (f["num"][first] | f["date"][first]),
        "same_clause_as_before": before_clause[first],
        "gap_before": before_l | before_l2,
        "gap_after": after_r | after_r2,
    }
    for x in _ANY:
        cols[f"any_{x}"] = count(x) > 0
    for x in _SHARE:
        cols[f"share_{x}"] = count(x) / nwords
    for x in _FIRST:
        cols[f"first_{x}"] = f[x][first]
    for x in _LAST:
        cols[f"last_{x}"] = f[x][last]
    for x in _LEFT:
        cols[f"left_{x}"] = at(x, left, has_left)
    for x in _RIGHT:
        cols[f"right_{x}"] = at(x, right, has_right)
    features = np.column_stack([np.asarray(cols[name], dtype=np.float64) for name in FEATURES])
    return Candidates(ws, first, stop, features, f)
