"""From BM25 candidates to an answer: what the question asks for, which passage and which
sentence hold it, and whether the corpus answers it at all.

BM25 ranks by shared words; a question that asks 多少 wants a number, 谁 a person,
哪天 a date. Each candidate passage is re-scored by how much of the question's weight
(IDF) it covers, and by its best sentence: the one that covers the question and holds
the kind of thing asked for. When the best passage misses a place, name or number the
question names, or covers too little of it, there is no answer.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np
import rjieba

from index.chars import HAN, HAN_CHAR, is_han
from index.normalize import normalize
from index.passages.tokenizer import (
    CHINESE_PAIR,
    NUMBER_RE,
    SENTENCE_SEP,
    UNITS,
    char_bigrams,
    general_count,
    general_total,
    sentence_texts,
    stopwords,
    tokenize,
)

CN_NUM = "零一二两三四五六七八九十百千万亿"
# Measure words a question may ask a count of, and the ones an answer may use instead.
UNIT_SYNONYMS = {
    "人": ("人", "名", "位", "人次"),
    "名": ("名", "人", "位"),
    "位": ("位", "名", "人"),
    "个": ("个", "家", "所", "支", "项", "条", "座", "队", "间", "名", "位"),
    "家": ("家", "个", "所", "间"),
    "只": ("只", "支", "队", "个"),
    "次": ("次", "场", "轮", "起"),
    "天": ("天", "日"),
    "岁": ("岁", "周岁"),
    "度": ("度", "℃", "°C"),
    "米": ("米", "公尺", "千米", "公里", "厘米", "公分", "km", "m", "cm"),
    "公里": ("公里", "千米", "km"),
    "年": ("年", "载"),
}
PERSON_TITLE = (
    "书记|副书记|主任|副主任|站长|局长|厅长|副厅长|主席|部长|市长|县长|区长|镇长|村长|"
    "院长|校长|经理|董事长|总经理|科长|队长|组长|委员|教授|医生|护士|记者|通讯员|志愿者|"
    "老人|居民|党员|民警|主持人|负责人|创始人|作者|导演|演员|选手"
)
PERSON_RE = re.compile(rf"(?:{PERSON_TITLE})[{HAN}]{{2,3}}|[{HAN}]{{2,3}}(?:说|表示|指出|介绍|认为|告诉)")
DATE_RE = re.compile(r"\d{1,2}月\d{1,2}[日号]|\d{1,2}[日号]|\d{4}年\d{1,2}月|[上下]旬|凌晨|上午|下午|晚上|当天|次日")
YEAR_RE = re.compile(r"\d{3,4}\s*年|[一二〇零]{4}年")
PERCENT_RE = re.compile(r"\d+(?:\.\d+)?\s*[%％]|百分之[\d一二三四五六七八九十百]+|[\d.一二三四五六七八九十]+成")
ORDINAL_RE = re.compile(r"第\s*[\d一二三四五六七八九十]+")
# What ends the name of an administrative place (a county, a town, a community).
PLACE_SUFFIX = "省|市|区|县|镇|乡|村|街道|社区"
PLACE_RE = re.compile(rf"[{HAN}]{{2,8}}(?:{PLACE_SUFFIX}|路|站|中心|广场|公园|大学|医院)")
PLACE_WORD = re.compile(rf"^[{HAN}]{{2,6}}(?:{PLACE_SUFFIX})$")
_PLACE_LEVEL = re.compile(PLACE_SUFFIX)
_PLACE_NAME = re.compile(rf"[{HAN}]{{1,6}}")
# A clock time (几点), an amount of money (多少钱), an area (多大面积), a telephone number.
TIME_RE = re.compile(r"\d{1,2}[:：]\d{2}|\d{1,2}\s*[点时](?:\d{1,2}分|半|整)?|[一二三四五六七八九十]{1,3}点(?:半|整)?")
MONEY_RE = re.compile(
    r"\d[\d.,]*\s*[万亿千百]?\s*(?:元|块钱|美元|欧元|英镑|日元|港元|卢布|人民币)|[一二两三四五六七八九十百千万亿]+(?:元|块钱)"
)
AREA_RE = re.compile(
    r"\d[\d.,]*\s*[万亿千百]?\s*(?:平方米|平方公里|平方千米|平方英里|平方英尺|亩|公顷|㎡|[km]m²|[km]m2)"
)
PHONE_RE = re.compile(r"\d{3,4}[-－—]?\d{7,8}|1\d{10}|\d{5,}")
PATTERNS = {
    "date": DATE_RE,
    "year": YEAR_RE,
    "percent": PERCENT_RE,
    "ordinal": ORDINAL_RE,
    "person": PERSON_RE,
    "place": PLACE_RE,
    "time": TIME_RE,
    "money": MONEY_RE,
    "area": AREA_RE,
    "phone": PHONE_RE,
}
# Measure words a count question may ask in beyond the units numbers take in the index.
COUNT_WORDS = "针剂颗粒枚株棵匹架艘部首幅集章节门口双对瓶杯碗包盒袋箱趟遍回票"
# 多少, or 几 before a measure word, a magnitude or the end: not 几乎, 几内亚, 那几天, 哪几种.
COUNT_WORD_RE = re.compile(
    "多少|(?<![那这哪])几(?=[" + COUNT_WORDS + "".join(u for u in UNITS if len(u) == 1) + "十百千万]|[？?。]*$)"
)
QUOTED_RE = re.compile(r"[“「『《\"]([^”」』》\"]{1,30})[”」』》\"]")


@dataclass
class Query:
    text: str
    tokens: list[str]
    kind: str  # count | date | year | percent | ordinal | person | place | what | other
    unit: str | None = None
    # Places, names and years it names: each a group of the tokens one name makes.
    entities: list[list[str]] = field(default_factory=list)
    places: set[str] = field(default_factory=set)  # the entities that are places
    focus: set[str] = field(default_factory=set)  # the words next to the question word
    bigrams: tuple[str, ...] = ()  # its character pairs in order, question words left out
    runs: tuple[str, ...] = ()  # its runs of characters and digits, question words left out
    terms: list[str] = field(default_factory=list)  # what BM25 looks up: words and pairs

    @property
    def pairs(self) -> set[str]:
        """Every two Chinese characters it looks for, as a term (a word or a pair) or as
        phrase evidence: what a sentence's character pairs can match."""
        return {t for t in set(self.bigrams).union(self.terms) if CHINESE_PAIR.fullmatch(t)}


def _count_unit(norm: str) -> str | None:
    """The measure word a count question asks in: 多少户 -> 户; 多少红色之家 -> None;
    多少人口 -> None (人口 is a noun, not 人 as a measure word)."""
    m = COUNT_WORD_RE.search(norm)
    if not m:
        return None
    rest = norm[m.end() :]
    unit = (
        rest[:1]
        if rest[:1] in COUNT_WORDS
        else next((u for u in UNITS if rest.startswith(u) and len(u) == 1 and is_han(u)), None)
    )
    if unit and len(next(iter(rjieba.cut(rest[:6])), unit)) > 1:
        return None
    return unit


_COUNTED = object()  # the unit of a count question: the measure word it asks in
# What a question asks for, by the words it asks with; the first that matches wins.
ASKED = (
    (re.compile(r"第几|排名第|排第|排到第几"), "ordinal", None),
    (re.compile(r"多大年纪|多少岁|几岁|年龄多大|多大岁数|年龄是多少"), "count", "岁"),
    (re.compile(r"几点|几时(?!候)"), "time", None),
    (
        re.compile(
            r"多少钱|多少元|多少块|价格是多少|票价|多少资金|多少经费|多少补贴|补贴多少|多少工资|多少费用|花了多少|售价"
        ),
        "money",
        None,
    ),
    (re.compile(r"多大面积|面积(?:有|是)?多[大少]|占地多|多少平方|多少亩|多少公顷"), "area", None),
    (re.compile(r"(?:电话|号码|热线|手机号)(?:是|为)?(?:多少|什么)"), "phone", None),
    (re.compile(r"哪一?天|几号|几月几日|什么时候|何时|哪个时候|什么日子|哪一日"), "date", None),
    (re.compile(r"哪一?年|几几年|什么年份|哪个年份"), "year", None),
    (re.compile(r"比例|比率|百分之|百分比|增速|增长率|率(?:是|为|有)?多[少高大]|占比"), "percent", None),
    (re.compile(COUNT_WORD_RE.pattern + "|多长|多久|多远|多重|多深"), "count", _COUNTED),
    (re.compile(rf"谁|叫什么名字|什么人|哪位|名字是|(?:{PERSON_TITLE})(?:是|叫)(?:什么|啥)"), "person", None),
    (re.compile(r"哪里|哪儿|什么地方|在哪|何处|哪个地方"), "place", None),
    (re.compile(r"什么|啥|哪些|哪种|哪个|哪几|哪家|何种"), "what", None),
)


def classify(norm: str) -> tuple[str, str | None]:
    """The kind of thing the (normalised) question asks for, and for a count its unit."""
    for pattern, kind, unit in ASKED:
        if pattern.search(norm):
            return kind, _count_unit(norm) if unit is _COUNTED else unit
    return "other", None


# log(jieba's total count / a word's count): ~6 in a million words. A name is rarer than
# that; a word the corpus lacks that is rarer than that is a fact, not a paraphrase.
RARE_IN_GENERAL = 12.0


@lru_cache(maxsize=65536)
def general_rarity(word: str) -> float:
    """How rare a word is in Chinese at large, by jieba's dictionary counts (a word it does
    not list, a name or a term, is rarest)."""
    return math.log(general_total() / (general_count(word) + 1))


def names_in(norm: str) -> list[tuple[list[str], bool]]:
    """The names of places, people and organisations in a normalised text, each as its
    group (the name, then its parts) and whether it is a place."""
    out = []
    # rjieba's tags, as jieba.posseg's without HMM gave them (the same words and tags on
    # the 4,278 public questions and CMRC's paragraphs, but for numbers: "m", not "eng").
    tagged = rjieba.tag(norm, False)
    for k, (word, flag) in enumerate(tagged):
        if name := _name_before_level(tagged, k):
            # A name and its level cut apart (东湖 社区, 高塘 岭 社区): the place is the two together.
            group = list(dict.fromkeys([name + tagged[k + 1][0], name] + [t for t in tokenize(name) if len(t) >= 2]))
        elif (
            # jieba tags common words as names too ("东西", "上台"): a name is rare in Chinese.
            (PLACE_WORD.match(word) or flag in ("ns", "nr", "nt") and general_rarity(word) >= RARE_IN_GENERAL)
            and len(word) >= 2
            and word not in stopwords()
        ):
            group = list(dict.fromkeys([word] + tokenize(word)))
        else:
            continue
        out.append((group, flag == "ns" or PLACE_WORD.match(group[0]) is not None))
    return out


@lru_cache(maxsize=2048)
def analyze(question: str) -> Query:
    norm = normalize(question)
    tokens = [t for t in tokenize(question) if not WH_TOKEN.match(t)]
    kind, unit = classify(norm)
    entities: list[list[str]] = []
    places: set[str] = set()
    for group, is_place in names_in(norm):
        if group not in entities and not any(group[0] in g[0] for g in entities):
            entities.append(group)
        if is_place:
            places.add(group[0])
    for m in NUMBER_RE.finditer(norm):
        tok = re.sub(r"\s+", "", m.group())
        if re.search(r"\d{4}年", tok) and [tok] not in entities:
            entities.append([tok])  # a year narrows the question: the answer must match it
    # Character pairs: phrase evidence that survives jieba cutting the question and the
    # passage differently. Question words are left out of them.
    plain = WH_RE.sub(" ", norm)
    runs = tuple(RUNS.findall(plain))
    pairs = tuple(dict.fromkeys(p for run in runs for p in _pairs(run)))
    terms = tokens + char_bigrams(plain)
    return Query(question, tokens, kind, unit, entities, places, _focus(norm), pairs, runs, terms)


WH_RE = re.compile(rf"多少|几[{HAN}]?|什么|啥|哪[{HAN}]?|谁|何时|如何|怎么")
WH_TOKEN = re.compile(r"^(?:哪|几|多少|什么|啥|谁|何时|如何|怎么)")
RUNS = re.compile(rf"[{HAN}a-z0-9]+")
# A question for another name of what it names (又叫什么, 简称, 俗名, 别名, 被称为), and the
# words a sentence gives one with (又称, 简称, 名为, 叫做, 译作): a sentence about the thing
# that gives no other name does not answer it.
ASKS_OTHER_NAME = re.compile(r"(?:又|也|亦|还|别|俗|简|全|原|本|外|昵|绰|学|英文|英语)(?:叫|称|名|号)|被称[为作]")
GIVES_A_NAME = re.compile(
    r"(?:又|也|亦|或|别|俗|简|全|原|本|外|昵|绰|学|通|统|旧|古|英文|英语|中文)(?:称|名|叫|号)"
    r"|称为|称作|叫做|叫作|名为|名叫|命名|译名|译为|译作"
)


def _pairs(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def pair_stats(pairs: tuple[str, ...], text_pairs: set[str]) -> tuple[float, float]:
    """The share of the question's character pairs found, and the longest run of them in
    order, as a share ("社区党总支书记丁玲" holds "党总支书记" whole; "党总支副书记王泽"
    does not)."""
    if not pairs:
        return 0.0, 0.0
    found = longest = run = 0
    for p in pairs:
        if p in text_pairs:
            found += 1
            run += 1
            longest = max(longest, run)
        else:
            run = 0
    return found / len(pairs), longest / len(pairs)


def phrase_match(pairs: tuple[str, ...], text_pairs: set[str]) -> float:
    """How much of the question the sentence says, and how much of it word for word."""
    found, longest = pair_stats(pairs, text_pairs)
    return 0.5 * found + 0.5 * longest


def _focus(norm: str) -> set[str]:
    """The words on either side of the question word: "中考成绩哪天出来" -> 成绩, 出来."""
    m = WH_RE.search(norm)
    if not m:
        return set()
    before = tokenize(norm[: m.start()])
    after = tokenize(norm[m.end() :])
    return set(before[-1:] + after[:1])


# A number as a count: digits (a range, a magnitude) or Chinese numerals, "余"/"多" after it.
COUNT_NUMBER = (
    r"(?:\d+(?:[.,]\d+)*(?:\s*[-~～至到]\s*\d+(?:\.\d+)*)?|[零一二两三四五六七八九十百千]+)\s*[万亿千百]?\s*[余多]?\s*"
)


CN_COUNT_RE = re.compile(
    "(?<![\\d.零一二两三四五六七八九十百千万亿])[一两三四五六七八九十百千][零一二两三四五六七八九十百千万亿]*(?:"
    + "|".join(re.escape(u) for u in UNITS if HAN_CHAR.match(u))
    + "|["
    + COUNT_WORDS
    + "])"
)


def _count_spans(text: str, unit: str | None) -> list[tuple[int, int]]:
    """Counts in `text`: in the unit asked for (or one that stands for it), else any
    number that is not a date or a year."""
    if unit:
        units = "|".join(re.escape(u) for u in sorted(UNIT_SYNONYMS.get(unit, (unit,)), key=len, reverse=True))
        spans = []
        # "150万": a large round number stands alone for a count of anything.
        pattern = rf"{COUNT_NUMBER}(?:{units})|\d[\d.,]*\s*[万亿](?![{HAN}])"
        for m in re.finditer(pattern, text):
            after = text[m.end() : m.end() + 1]
            # "一户户上门" repeats a word; "一对一" is not a count; "2023年" is a year.
            if after and (after in CN_NUM or after == text[m.end() - 1]) or re.fullmatch(r"\d{4}年", m.group()):
                continue
            spans.append(m.span())
        return spans
    spans = []
    for m in NUMBER_RE.finditer(text):
        tok = m.group()
        if (
            not re.search(r"\d", tok)
            or re.fullmatch(r"\d{4}年?", tok)
            or re.search(r"\d月|\d日", text[m.start() : m.end() + 2])
        ):
            continue
        spans.append(m.span())
    # "十五路", "一分钟", "三年": Chinese numerals before a measure word.
    spans += [m.span() for m in CN_COUNT_RE.finditer(text)]
    return spans


# Measure words that say nothing of what is counted: the noun after the count does
# ("多少个社区" is not answered by "1000个红色网格"). A count of people may name them
# otherwise ("多少人" / "500名选手"), a weight or an age needs no noun.
CLASSIFIERS = "个家所项条座支只件台辆栋套间张本篇份种类批届场轮起次户" + COUNT_WORDS
TIME_UNITS = ("年", "个月", "月", "周", "天", "日", "小时", "分钟", "秒")
DURATION_ASKED = re.compile(r"多久|多长|时间|期限|周期|时长|寿命|年龄")
# Units a number may take beyond those the index keeps with it: not things counted.
MEASURES = tuple(UNITS) + (
    "公尺",
    "公分",
    "厘米",
    "毫米",
    "英寸",
    "英尺",
    "英里",
    "海里",
    "港元",
    "日元",
    "欧元",
    "英镑",
    "秒钟",
    "周岁",
    "平方",
)


def _counts_another(text: str, end: int, asked: str) -> bool:
    """Is the count ending at `end` a count of something the question does not name?
    "多少红色之家" is not answered by "约3万名新就业群体": the noun after a number is what
    it counts."""
    after = re.match(rf"[{HAN}]{{0,4}}", text[end:]).group()
    if len(after) < 2 or after.startswith(MEASURES):
        return False  # the clause ends, or the number's own unit follows: "4公分", "3小时"
    return not any(after[i : i + 2] in asked for i in range(len(after) - 1))


def answer_spans(query: Query, sentence: str) -> list[tuple[int, int]]:
    """Where, in the (normalised) sentence, stands the kind of thing the question asks
    for; what the question itself says ("7台采血车…多少血") is not an answer."""
    kind = query.kind
    if kind == "count":
        spans = _count_spans(sentence, query.unit)
        asked = normalize(query.text)
        # A number inside quotation marks is a name or a slogan ("“13580，有事我帮您”").
        quoted = [m.span() for m in QUOTED_RE.finditer(sentence)]
        spans = [sp for sp in spans if not any(a <= sp[0] and sp[1] <= b for a, b in quoted)]
        if query.unit is None or query.unit in CLASSIFIERS:
            spans = [sp for sp in spans if not _counts_another(sentence, sp[1], asked)]
        if query.unit is None and not DURATION_ASKED.search(asked):
            # "为期三天" is how long, not how many of what the question counts.
            spans = [sp for sp in spans if not re.search(rf"(?:{'|'.join(TIME_UNITS)})$", sentence[sp[0] : sp[1]])]
    elif kind in ("person", "place"):
        # A name jieba tags as a person's (nr) or a place's (ns), or one the patterns find.
        spans = [m.span() for m in PATTERNS[kind].finditer(sentence)] + _tagged(sentence, NAME_TAGS[kind])
    elif kind == "date":
        spans = [m.span() for m in DATE_RE.finditer(sentence)]
        if not re.search(r"哪一?天|几号|几月几日|哪一日", normalize(query.text)):
            spans += [m.span() for m in WHEN_RE.finditer(sentence)]  # 什么时候: a year or an era will do
    elif kind in PATTERNS:
        spans = [m.span() for m in PATTERNS[kind].finditer(sentence)]
    elif kind == "what":
        spans = [m.span(1) for m in QUOTED_RE.finditer(sentence)]
    else:
        return []
    asked = normalize(query.text)
    return [(a, b) for a, b in spans if sentence[a:b] not in asked]


NAME_TAGS = {"person": ("nr", "nrfg", "nrt"), "place": ("ns", "nsf")}
WHEN_RE = re.compile(rf"\d{{2,4}}\s*年(?:代)?|[一二三四五六七八九十]+世纪|\d+\s*世纪|[{HAN}]{{1,2}}(?:朝|时期|年间)")


def _tagged(sentence: str, tags: tuple[str, ...]) -> list[tuple[int, int]]:
    """Spans of the words jieba tags with one of `tags`."""
    out, at = [], 0
    for word, tag in rjieba.tag(sentence):
        if tag in tags and len(word) >= 2:
            out.append((at, at + len(word)))
        at += len(word)
    return out


@dataclass
class Candidate:
    """A passage BM25 found, as stored: its sentences are split only if it gets close."""

    pid: int
    bm25: float
    head_tokens: str
    tokens: str  # the sentences' words, SENTENCE_SEP between sentences
    text: str
    cuts: str  # where its sentences end, in characters
    score: float = 0.0
    coverage: float = 0.0
    _terms_for: tuple[frozenset[str], list[set[str]]] | None = field(default=None, repr=False)
    _typed_for: tuple[Query, dict[int, tuple[bool, bool]]] | None = field(default=None, repr=False)

    @cached_property
    def head_terms(self) -> set[str]:
        return set(self.head_tokens.split())

    @cached_property
    def terms(self) -> set[str]:
        return self.head_terms.union(self.tokens.replace(SENTENCE_SEP, " ").split())

    @cached_property
    def sentence_words(self) -> list[set[str]]:
        return [set(g.split()) for g in self.tokens.split(SENTENCE_SEP)]

    def sentence_terms(self, pairs: set[str]) -> list[set[str]]:
        """Each sentence's words and those of `pairs` it holds. A sentence's character
        pairs are not stored; a pair of Chinese characters is one of them just when it
        stands in the sentence's normalised text."""
        key = frozenset(pairs)
        if self._terms_for is None or self._terms_for[0] != key:
            self._terms_for = (
                key,
                [
                    words | {p for p in pairs if p in norm}
                    for words, norm in zip(self.sentence_words, self.normalized_sentences)
                ],
            )
        return self._terms_for[1]

    def typed(self, query: Query, i: int) -> tuple[bool, bool]:
        """Does sentence `i` hold the kind of thing asked for, and does it stand by what is
        asked about? Worked out once a sentence, for the re-ranking and the answer model."""
        if self._typed_for is None or self._typed_for[0] is not query:
            self._typed_for = (query, {})
        memo = self._typed_for[1]
        if i not in memo:
            norm = self.normalized_sentences[i]
            spans = answer_spans(query, norm)
            close = counts_focus if query.kind == "count" else near_focus
            memo[i] = (bool(spans), bool(spans) and close(spans, norm, query.focus))
        return memo[i]

    @cached_property
    def normalized_sentences(self) -> list[str]:
        return [normalize(s) for s in self.sentences]

    @cached_property
    def sentences(self) -> list[str]:
        return sentence_texts(self.text, self.cuts)


UNKNOWN_WEIGHT = 0.35  # a word the corpus never uses is likely a paraphrase, not the point


def term_weight(term: str, idf, known) -> float:
    """A term's weight in the question (words and character pairs): its IDF, less for a
    word the corpus never uses."""
    return idf(term) if known(term) else UNKNOWN_WEIGHT * idf(term)


@dataclass(frozen=True)
class RankingWeights:
    """What each part of a candidate's score weighs in `score_candidates`. The first five
    are settings (index.settings.Settings); the rest were tuned with them and are fixed."""

    w_bm25: float  # its BM25 score, as a share of the best candidate's
    w_cover: float  # the share of the question's weight it covers
    w_sentence: float  # its best sentence's score
    w_type: float  # that sentence holds the kind of thing asked for (times the `typed_` weights)
    w_entity: float  # the places and names of the question it does not hold (a penalty)
    w_phrase: float = 0.5  # the sentence says the question's character pairs, in order
    w_context: float = 0.3  # the question's words in the sentences beside it, or in the headline
    w_focus: float = 1.5  # a word by the question word, against 1 for the others
    typed_beside: float = 1.0  # the thing asked for, next to what is asked about
    typed_held: float = 0.5  # the thing asked for, elsewhere in the sentence
    missing_place: float = 1.0  # a place of the question the passage lacks
    missing_name: float = 0.5  # a name (or a year) of the question the passage lacks


def _weights(query: Query, idf, known, w_focus: float) -> dict[str, float]:
    """The question's terms and their weights, the words by the question word weighing more."""
    return {t: term_weight(t, idf, known) * (w_focus if t in query.focus else 1.0) for t in dict.fromkeys(query.terms)}


def score_candidates(
    query: Query, cands: list[Candidate], idf, known, presence, weights: RankingWeights, deep: int = 8
) -> None:
    """Give every candidate its score, coverage and best sentence, in place, best first.

    A passage ranks by BM25, by how much of the question's weight it covers, by the
    places and names of the question it holds, and by its best sentence; that sentence
    is the one that says most of the question and holds the kind of thing asked for,
    best right by the word the question turns on. Sentences are read only for the
    `deep` passages ranked best without them: the rest cannot catch up."""
    term_weights = _weights(query, idf, known, weights.w_focus)
    total = sum(term_weights.values()) or 1.0
    top_bm25 = max((c.bm25 for c in cands), default=1.0) or 1.0
    # Which candidate holds which term, from the index: no stored text is split for it.
    group_terms = [t for group in query.entities for t in group]
    words = list(term_weights) + group_terms
    held = presence(words, [c.pid for c in cands])
    term_vector = np.fromiter(term_weights.values(), dtype=np.float64, count=len(term_weights))
    coverage = term_vector @ held[: len(term_weights)] / total
    entity_missing = np.zeros(len(cands))
    row = len(term_weights)
    for group in query.entities:
        has = held[row : row + len(group)].any(axis=0)
        entity_missing += (~has) * (weights.missing_place if group[0] in query.places else weights.missing_name)
        row += len(group)
    for i, c in enumerate(cands):
        c.coverage = float(coverage[i])
        c.score = weights.w_bm25 * c.bm25 / top_bm25 + weights.w_cover * c.coverage
        if weights.w_entity and query.entities:
            # A passage on 新田县 does not answer a question on 雨花区.
            c.score -= weights.w_entity * float(entity_missing[i]) / len(query.entities)
    cands.sort(key=lambda c: -c.score)
    pairs = query.pairs
    for c in cands[:deep]:
        best = -1.0
        sentence_terms = c.sentence_terms(pairs)
        n = len(sentence_terms)
        for i, sterms in enumerate(sentence_terms):
            cov = sum(tw for t, tw in term_weights.items() if t in sterms) / total
            # Words of the sentences around it count a little: "中考顺利落幕。中考成绩将于
            # 7月3日公布。" answers "长沙2022年中考成绩哪天出来" in its second sentence.
            near = (
                (sentence_terms[i - 1] if i else set()) | (sentence_terms[i + 1] if i + 1 < n else set()) | c.head_terms
            )
            ctx = sum(tw for t, tw in term_weights.items() if t in near and t not in sterms) / total
            typed, phrase = 0.0, 0.0
            if cov > 0:
                holds, beside = c.typed(query, i)
                typed = weights.typed_beside if beside else weights.typed_held if holds else 0.0
                phrase = phrase_match(query.bigrams, sterms)
            lexical = cov + weights.w_context * ctx + weights.w_phrase * phrase
            best = max(best, lexical + weights.w_type * typed)
        c.score += weights.w_sentence * max(best, 0.0)
    cands.sort(key=lambda c: -c.score)


def near_focus(spans: list[tuple[int, int]], text: str, focus: set[str], reach: int = 12) -> bool:
    """The thing asked for stands close to the word the question turns on: "中考成绩将于
    7月3日公布" answers 中考成绩哪天出来; a date far from 成绩 is another day's."""
    if not focus:
        return True
    at = [(i, i + len(f)) for f in focus for i in _find_all(text, f)]
    return any(a - reach <= e and s <= b + reach for s, e in spans for a, b in at)


def counts_focus(spans: list[tuple[int, int]], text: str, focus: set[str]) -> bool:
    """A count counts the noun after it ("100余家爱心商家"), or, ending its clause, the
    clause's subject ("“红色之家”已建成28家。"): is that the thing the question counts?"""
    if not focus:
        return True
    for s, e in spans:
        after = re.match(rf"[{HAN}“”\"a-z]{{1,8}}", text[e:])
        if after:
            window = after.group()
        else:
            window = re.split(r"[，,。；;！？!?]", text[:s])[-1]
        if any(f in window for f in focus):
            return True
    return False


def _find_all(text: str, word: str) -> list[int]:
    out, i = [], text.find(word)
    while i >= 0:
        out.append(i)
        i = text.find(word, i + 1)
    return out


EXACT_KINDS = ("time", "money", "area", "phone")


def asks_exact(query: Query) -> bool:
    """Does the question ask for a thing of a form that cannot be paraphrased: a count in a
    stated unit (多少户), a clock time, an amount of money, an area, a telephone number?"""
    return query.kind in EXACT_KINDS or (query.kind == "count" and query.unit is not None)


def unknown_names(query: Query, known) -> list[str]:
    """Names and places of the question the corpus never mentions ("芙蓉区" of a corpus on
    雨花区): no passage can say anything of them. A name is known when any of its
    words or character pairs is (望城 from 望城区)."""
    return [
        group[0]
        for group in query.entities
        if not re.search(r"\d", group[0]) and not any(known(t) for t in group + char_bigrams(bare(group[0])))
    ]


def _name_before_level(tagged: list[tuple[str, str]], k: int) -> str:
    """The name that ends at word `k` when a place's level follows it (社区, 街道, 区...):
    up to three words of Chinese with no verb, pronoun, preposition or number among them,
    two to six characters in all; "" when there is none."""
    if k + 1 >= len(tagged) or not _PLACE_LEVEL.fullmatch(tagged[k + 1][0]):
        return ""
    name = ""
    for word, flag in reversed(tagged[max(0, k - 2) : k + 1]):
        if not _PLACE_NAME.fullmatch(word) or flag[:1] in _NOT_NAME or word in stopwords() or WH_TOKEN.match(word):
            break
        if len(word + name) > 6:
            break
        name = word + name
    return name if len(name) >= 2 else ""


_NOT_NAME = set("vrpcudmqy")  # verbs, pronouns, prepositions, conjunctions, particles, adverbs, numbers


def bare(name: str) -> str:
    """A place's name without its level (芙蓉区 -> 芙蓉): 社区 and 区 are known anywhere."""
    bare = _LEVEL_END.sub("", name)
    return bare if len(bare) >= 2 else name


_LEVEL_END = re.compile(f"(?:{PLACE_SUFFIX})$")


def missing_entities(query: Query, best: Candidate, known) -> list[str]:
    """Names and places the corpus never mentions, and years the best passage does not
    hold ("2023年" of a 2024 report)."""
    years = [
        group[0] for group in query.entities if re.search(r"\d", group[0]) and not any(t in best.terms for t in group)
    ]
    return unknown_names(query, known) + years
