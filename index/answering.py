"""From BM25 candidates to an answer: what the question asks for, which passage and which
sentence hold it, and whether the corpus answers it at all.

BM25 ranks by shared words; a question that asks 多少 wants a number, 谁 a person,
哪天 a date. Each candidate passage is re-scored by how much of the question's weight
(IDF) it covers, and by its best sentence: the one that covers the question and holds
the kind of thing asked for. When the best passage misses a place, name or number the
question names, or covers too little of it, there is no answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import jieba.posseg

from index.normalize import normalize
from index.tokenizer import NUMBER_RE, stopwords, tokenize

CN_NUM = "零一二两三四五六七八九十百千万亿"
# Measure words a question may ask a count of, and the ones an answer may use instead.
UNIT_SYNONYMS = {
    "人": "人名位余人人次",
    "名": "名人位",
    "位": "位名人",
    "个": "个家所支项条座",
    "家": "家个所",
    "次": "次场轮起",
    "天": "天日",
    "岁": "岁",
}
PERSON_TITLE = (
    "书记|副书记|主任|副主任|站长|局长|厅长|副厅长|主席|部长|市长|县长|区长|镇长|村长|"
    "院长|校长|经理|董事长|总经理|科长|队长|组长|委员|教授|医生|护士|记者|通讯员|志愿者|"
    "老人|居民|党员|民警|主持人|负责人|创始人|作者|导演|演员|选手"
)
PERSON_RE = re.compile(rf"(?:{PERSON_TITLE})[\u4e00-\u9fff]{{2,3}}|[\u4e00-\u9fff]{{2,3}}(?:说|表示|指出|介绍|认为|告诉)")
DATE_RE = re.compile(r"\d{1,2}月\d{1,2}[日号]|\d{1,2}[日号]|\d{4}年\d{1,2}月|[上下]旬|凌晨|上午|下午|晚上|当天|次日")
YEAR_RE = re.compile(r"\d{4}年|[一二〇零]{4}年")
PERCENT_RE = re.compile(r"\d+(?:\.\d+)?\s*%|百分之[\d一二三四五六七八九十百]+|[\d.]+成")
ORDINAL_RE = re.compile(r"第\s*[\d一二三四五六七八九十]+")
PLACE_RE = re.compile(r"[\u4e00-\u9fff]{2,8}(?:省|市|区|县|镇|乡|村|街道|社区|路|站|中心|广场|公园|大学|医院)")
QUOTED_RE = re.compile(r"[“「『《\"]([^”」』》\"]{1,30})[”」』》\"]")


@dataclass
class Query:
    text: str
    tokens: list[str]
    kind: str  # count | date | year | percent | ordinal | person | place | what | other
    unit: str | None = None
    entities: list[str] = field(default_factory=list)  # places, names, numbers it names


def _count_unit(norm: str) -> str | None:
    m = re.search(r"(?:多少|几)([\u4e00-\u9fff])", norm)
    if not m or re.search(r"哪几", norm):
        return None
    return m.group(1)


def classify(norm: str) -> tuple[str, str | None]:
    if re.search(r"第几|排名第|排第|排到第几", norm):
        return "ordinal", None
    if re.search(r"哪一?天|几号|几月几日|什么时候|何时|哪个时候|什么日子|哪一日|几点", norm):
        return "date", None
    if re.search(r"哪一?年|几几年|什么年份|哪个年份", norm):
        return "year", None
    if re.search(r"(?:多高|多大|比例|比率|百分之|增速|增长率|率是多少|占比)", norm):
        return "percent", None
    if re.search(r"多少|几[\u4e00-\u9fff]|多长|多久|多远|多重|多深", norm) and not re.search(r"哪几", norm):
        return "count", _count_unit(norm)
    if re.search(r"谁|叫什么名字|什么人|哪位|名字是", norm):
        return "person", None
    if re.search(r"哪里|哪儿|什么地方|在哪|何处|哪个地方", norm):
        return "place", None
    if re.search(r"什么|啥|哪些|哪种|哪个|哪几|哪家|何种", norm):
        return "what", None
    return "other", None


@lru_cache(maxsize=2048)
def analyze(question: str) -> Query:
    norm = normalize(question)
    tokens = tokenize(question)
    kind, unit = classify(norm)
    entities = []
    for word, flag in jieba.posseg.cut(norm):
        if flag in ("ns", "nr", "nt", "nz") and len(word) >= 2 and word not in stopwords():
            entities.extend(t for t in tokenize(word) if t not in entities)
    for m in NUMBER_RE.finditer(norm):
        tok = re.sub(r"\s+", "", m.group())
        if re.search(r"\d{4}年", tok) and tok not in entities:
            entities.append(tok)  # a year narrows the question: the answer must match it
    return Query(question, tokens, kind, unit, entities)


def _count_spans(text: str, unit: str | None) -> list[tuple[int, int]]:
    spans = []
    for m in NUMBER_RE.finditer(text):
        tok = m.group()
        if not re.search(r"\d", tok) or re.fullmatch(r"\d{4}年?", tok) or re.search(r"\d月|\d日", text[m.start(): m.end() + 2]):
            continue
        if unit:
            allowed = UNIT_SYNONYMS.get(unit, unit)
            tail = re.sub(r"[\d.,\-~～至到\s]", "", tok).lstrip("第")
            tail = tail.lstrip("万亿千百") or tail
            if not tail or not any(tail.startswith(u) for u in allowed) and tail not in allowed:
                continue
        spans.append(m.span())
    if not unit:
        return spans
    for m in re.finditer(rf"[{CN_NUM}]+(?:{unit})", text):
        if not re.search(rf"{m.group()}[{CN_NUM}]", text[m.start(): m.end() + 1]):
            spans.append(m.span())
    return spans


def answer_spans(query: Query, sentence: str) -> list[tuple[int, int]]:
    """Where, in the sentence, stands the kind of thing the question asks for."""
    kind = query.kind
    if kind == "count":
        return _count_spans(sentence, query.unit)
    if kind == "date":
        return [m.span() for m in DATE_RE.finditer(sentence)]
    if kind == "year":
        return [m.span() for m in YEAR_RE.finditer(sentence)]
    if kind == "percent":
        return [m.span() for m in PERCENT_RE.finditer(sentence)]
    if kind == "ordinal":
        return [m.span() for m in ORDINAL_RE.finditer(sentence)]
    if kind == "person":
        return [m.span() for m in PERSON_RE.finditer(sentence)]
    if kind == "place":
        return [m.span() for m in PLACE_RE.finditer(sentence)]
    if kind == "what":
        norm_q = normalize(query.text)
        return [m.span(1) for m in QUOTED_RE.finditer(sentence) if normalize(m.group(1)) not in norm_q]
    return []


@dataclass
class Candidate:
    pid: int
    bm25: float
    head_terms: set[str]
    sentence_terms: list[set[str]]
    sentences: list[str]
    score: float = 0.0
    coverage: float = 0.0
    best_sentence: int = 0
    sentence_score: float = 0.0


def _weights(query: Query, idf) -> dict[str, float]:
    return {t: idf(t) for t in dict.fromkeys(query.tokens)}


def score_candidates(query: Query, cands: list[Candidate], idf, *, w_bm25: float, w_cover: float,
                     w_sentence: float, w_type: float) -> None:
    """Give every candidate its score, coverage and best sentence, in place."""
    weights = _weights(query, idf)
    total = sum(weights.values()) or 1.0
    top_bm25 = max((c.bm25 for c in cands), default=1.0) or 1.0
    for c in cands:
        terms = c.head_terms.union(*c.sentence_terms) if c.sentence_terms else set(c.head_terms)
        c.coverage = sum(w for t, w in weights.items() if t in terms) / total
        best, best_i = -1.0, 0
        for i, (sterms, text) in enumerate(zip(c.sentence_terms, c.sentences)):
            cov = sum(w for t, w in weights.items() if t in sterms) / total
            typed = bool(answer_spans(query, normalize(text))) if cov > 0 else False
            s = cov + (w_type if typed else 0.0)
            if s > best:
                best, best_i = s, i
        c.best_sentence, c.sentence_score = best_i, max(best, 0.0)
        c.score = w_bm25 * c.bm25 / top_bm25 + w_cover * c.coverage + w_sentence * c.sentence_score
    cands.sort(key=lambda c: -c.score)


def missing_entities(query: Query, best: Candidate, known) -> list[str]:
    """Names, places and years of the question that the best passage does not hold."""
    terms = best.head_terms.union(*best.sentence_terms) if best.sentence_terms else best.head_terms
    return [e for e in query.entities if e not in terms and (not known(e) or re.search(r"\d", e))]


def has_typed_answer(query: Query, cands: list[Candidate]) -> bool:
    """A count of an explicit unit (多少户) must be stated as such somewhere near the top."""
    if query.kind != "count" or not query.unit or query.unit not in "户个家名人位次条所项件台辆座栋天岁元吨米亩":
        return True
    return any(answer_spans(query, normalize(s)) for c in cands for s in c.sentences)
