"""What the answer model reads: numbers describing each candidate answer sentence, and the
question against its best sentence.

A sentence answers when it says what the question says, word for word where it can, and
holds the kind of thing asked for next to it. What matters is how it compares with the
other sentences of its passage (the passage is found; which of its sentences answers?)
and how much of the question the corpus does not say at all (a near miss speaks of the
same thing, not of that fact). The names of the features are the model file's columns:
`SENTENCE_FEATURES` and `QUESTION_FEATURES` are their one definition.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from index.answers.answering import (
    ASKS_OTHER_NAME,
    GIVES_A_NAME,
    PLACE_SUFFIX,
    RARE_IN_GENERAL,
    RUNS,
    WH_RE,
    Candidate,
    Query,
    asks_exact,
    bare,
    general_rarity,
    missing_entities,
    names_in,
    pair_stats,
    phrase_match,
    term_weight,
    unknown_names,
)
from index.answers.meaning import pair_features
from index.normalize import normalize
from index.passages.tokenizer import tokenize

TYPED_KINDS = ("count", "date", "year", "percent", "ordinal", "person", "place", "time", "money", "area", "phone")
KINDS = TYPED_KINDS + ("what", "other")

SENTENCE_FEATURES = (
    "cover",
    "cover_minus_best",
    "cover_is_best",
    "context",
    "window_gain",
    "pairs_found",
    "pairs_run",
    "pairs_minus_best",
    "words_found",
    "focus_found",
    "typed_any",
    "typed_near",
    "asks_typed_missing",
    "position",
    "is_first",
    "passage_rank",
    "passage_is_top",
    "passage_score_gap",
    "passage_bm25_share",
    "passage_cover",
    "heuristic",
    "run",
    "run_minus_best",
    "phrases",
    "phrases_minus_best",
    "asked_phrase",
    "frame",
)
# What the answer sentence is about against what the question names (_subject).
SUBJECT_FEATURES = ("names_missing_window", "names_missing_passage", "other_place_sentence", "wider_scope_sentence")
QUESTION_FEATURES = (
    "best_score",
    "score_margin",
    "cover",
    "window_cover",
    "passage_cover",
    "words_missing",
    "words_missing_passage",
    "rarest_missing",
    "entities_missing",
    "pairs_found",
    "pairs_run",
    "typed_any",
    "typed_near",
    "asks_typed",
    "typed_missing_window",
    "typed_missing_passage",
    "specific_sentence",
    "specific_window",
    "specific_passage",
    "missing_words",
    "chars_window",
    "chars_passage",
    "longest_run_passage",
    "typed_missing_read",
    "unknown_rare",
    "triples_window",
    "triples_passage",
    "segments_missing",
    "longest_segment_missing",
    "rarest_pair_missing",
    "rare_pairs_missing",
    "focus_window",
    "focus_passage",
    "frame",
    "bm25_self",
    "log_tokens",
    "unknown_names",
    "exact_form_missing",
    "asks_other_name",
    "other_name_missing_sentence",
    "other_name_missing_window",
    *SUBJECT_FEATURES,
) + tuple(f"kind_{k}" for k in KINDS)
# What the meaning model (index/answers/meaning.py) says, when it reads: each sentence's
# similarity to the question and the head's reading of their two vectors, against the
# best of those read and of its passage's...
MEANING_SENTENCE_FEATURES = (
    "meaning",
    "meaning_minus_best",
    "meaning_passage_minus_best",
    "meaning_head",
    "meaning_head_minus_best",
)
# ...and the chosen sentence's, against the others, its neighbours' and its passage's.
MEANING_QUESTION_FEATURES = (
    "meaning_best",
    "meaning_max",
    "meaning_margin",
    "meaning_window",
    "meaning_passage",
    "meaning_head_best",
    "meaning_head_max",
    "meaning_head_margin",
)


def sentence_feature_names(meaning: bool) -> tuple[str, ...]:
    return SENTENCE_FEATURES + (MEANING_SENTENCE_FEATURES if meaning else ())


def question_feature_names(meaning: bool) -> tuple[str, ...]:
    return QUESTION_FEATURES + (MEANING_QUESTION_FEATURES if meaning else ())


@dataclass
class Sentences:
    """The candidate answer sentences of a question: (passage index, sentence index) and
    their features, one row each."""

    where: list[tuple[int, int]]
    features: np.ndarray
    weights: dict[str, float]  # the question's terms and their weights
    total: float
    meaning: np.ndarray | None = None  # each sentence's similarity to the question, when read
    head: np.ndarray | None = None  # and the answer model's head's reading of the two vectors


def with_meaning(sents: Sentences, question: np.ndarray, sentences: np.ndarray, head) -> Sentences:
    """`sents` with the meaning model's columns (MEANING_SENTENCE_FEATURES) appended, from
    the question's vector and its sentences' (rows of `sentences`, in the order of
    `sents.where`); `head` (weights, bias) is the answer model's logistic regression on
    their pair features (meaning.pair_features), learned with it."""
    sim = (sentences @ question).astype(np.float64)
    weights, bias = head
    read = pair_features(question, sentences) @ weights + bias if len(sim) else sim
    passage = np.array([r for r, _ in sents.where])
    best = sim.max() if len(sim) else 0.0
    passage_best = np.array([sim[passage == r].max() for r in passage]) if len(sim) else sim
    columns = np.column_stack([sim, sim - best, passage_best - best, read, read - (read.max() if len(read) else 0.0)])
    return Sentences(
        sents.where, np.hstack([sents.features, columns.reshape(len(sim), 5)]), sents.weights, sents.total, sim, read
    )


def meaning_question_features(sents: Sentences, best: int) -> np.ndarray:
    """MEANING_QUESTION_FEATURES of the chosen sentence (row `best`)."""
    sim, read = sents.meaning, sents.head
    rank, i = sents.where[best]
    others = np.delete(sim, best)
    other_reads = np.delete(read, best)
    window = [k for k, (r, j) in enumerate(sents.where) if r == rank and abs(j - i) <= 1]
    passage = np.sort([sim[k] for k, (r, _) in enumerate(sents.where) if r == rank])[::-1]
    return np.array(
        [
            sim[best],
            sim.max(),
            sim[best] - others.max() if len(others) else 0.1,
            sim[window].max(),
            passage[:2].mean(),  # what the passage says of it, beyond one sentence
            read[best],
            read.max(),
            read[best] - other_reads.max() if len(other_reads) else 1.0,
        ],
        dtype=np.float64,
    )


def term_weights(query: Query, idf, known) -> tuple[dict[str, float], float]:
    """The question's terms, their weights, and the weights' sum."""
    weights = {t: term_weight(t, idf, known) for t in dict.fromkeys(query.terms)}
    return weights, sum(weights.values()) or 1.0


def _cover(terms: set[str], weights: dict[str, float], total: float) -> float:
    return sum(w for t, w in weights.items() if t in terms) / total


def _typed(query: Query, c: Candidate, i: int) -> tuple[float, float]:
    """Does sentence `i` of `c` hold the kind of thing asked for, and next to what is asked
    about? Only for the kinds a pattern or a tag finds."""
    if query.kind not in TYPED_KINDS:
        return 0.0, 0.0
    held, near = c.typed(query, i)
    return float(held), float(near)


def sentence_candidates(query: Query, cands: list[Candidate], idf, known, passages: int = 3) -> Sentences:
    """Every sentence of the best `passages` candidates (ranked already), with features."""
    weights, total = term_weights(query, idf, known)
    words = [t for t in dict.fromkeys(query.tokens)]
    pairs = query.pairs
    top = cands[0] if cands else None
    top_bm25 = max((c.bm25 for c in cands), default=1.0) or 1.0
    segments, asked, gap = _segments(query), _asked_phrase(query), _gap_words(query.text)
    rows, where = [], []
    for rank, c in enumerate(cands[:passages]):
        terms = c.sentence_terms(pairs)
        n = len(terms)
        covers = [_cover(t, weights, total) for t in terms]
        pairs_held = [pair_stats(query.bigrams, t) for t in terms]
        best_cover = max(covers, default=0.0)
        best_pairs = max((p[0] for p in pairs_held), default=0.0)
        for i, (sterms, norm) in enumerate(zip(terms, c.normalized_sentences)):
            near = (terms[i - 1] if i else set()) | (terms[i + 1] if i + 1 < n else set()) | c.head_terms
            context = _cover(near - sterms, weights, total)
            nxt = terms[i + 1] if i + 1 < n else set()
            typed_any, typed_near = _typed(query, c, i) if covers[i] > 0 else (0.0, 0.0)
            found, run = pairs_held[i]
            rows.append(
                {
                    "cover": covers[i],
                    "cover_minus_best": covers[i] - best_cover,
                    "cover_is_best": covers[i] >= best_cover,
                    "context": context,
                    "window_gain": _cover(sterms | nxt, weights, total) - covers[i],
                    "pairs_found": found,
                    "pairs_run": run,
                    "pairs_minus_best": found - best_pairs,
                    "words_found": sum(w in sterms for w in words) / max(len(words), 1),
                    "focus_found": sum(f in sterms for f in query.focus) / max(len(query.focus), 1),
                    "typed_any": typed_any,
                    "typed_near": typed_near,
                    "asks_typed_missing": query.kind in TYPED_KINDS and not typed_any,
                    "position": i / max(n - 1, 1),
                    "is_first": i == 0,
                    "passage_rank": rank,
                    "passage_is_top": rank == 0,
                    "passage_score_gap": c.score - top.score,
                    "passage_bm25_share": c.bm25 / top_bm25,
                    "passage_cover": c.coverage,
                    # The hand-tuned score this model replaced, as one of its inputs.
                    "heuristic": covers[i] + 0.3 * context + 0.5 * phrase_match(query.bigrams, sterms) + typed_near,
                    # The longest stretch of the question said word for word, its phrases said
                    # whole, and the end of the phrase by the question word ("社区党总支书记"
                    # of "…的党总支书记是谁" in "社区党总支书记丁玲", only "书记" in "党总支副书记").
                    "run": _longest_run(query, norm),
                    "phrases": _phrases_found(segments, norm),
                    "asked_phrase": _suffix_found(asked, norm),
                    "frame": _frame(gap, norm),
                }
            )
            where.append((rank, i))
    # Against the best of all the sentences read.
    best_run = max((r["run"] for r in rows), default=0.0)
    best_phrases = max((r["phrases"] for r in rows), default=0.0)
    for r in rows:
        r["run_minus_best"], r["phrases_minus_best"] = r["run"] - best_run, r["phrases"] - best_phrases
    features = np.array([[float(r[name]) for name in SENTENCE_FEATURES] for r in rows], dtype=np.float64).reshape(
        len(rows), len(SENTENCE_FEATURES)
    )
    return Sentences(where, features, weights, total)


def question_features(
    query: Query, cands: list[Candidate], chosen: Sentences, scores: np.ndarray, best: int, idf, known
) -> np.ndarray:
    """The question against its best sentence (row `best` of `chosen`) and that sentence's
    passage: how much of the question they leave unsaid, and how sure the ranking is."""
    weights, total = chosen.weights, chosen.total
    rank, i = chosen.where[best]
    c = cands[rank]
    terms = c.sentence_terms(query.pairs)
    sterms = terms[i]
    window = sterms | (terms[i - 1] if i else set()) | (terms[i + 1] if i + 1 < len(terms) else set())
    words = [t for t in dict.fromkeys(query.tokens)]
    word_w = {t: weights.get(t, 0.0) for t in words}
    word_total = sum(word_w.values()) or 1.0
    window_words = window | c.head_terms
    words_missing = sum(w for t, w in word_w.items() if t not in window_words) / word_total
    passage_terms = c.terms | {p for t in terms for p in t}
    words_missing_passage = sum(w for t, w in word_w.items() if t not in passage_terms) / word_total
    top_idf = max(word_w.values(), default=0.0) or 1.0
    rarest_missing = max((w for t, w in word_w.items() if t not in window_words), default=0.0) / top_idf
    others = np.delete(scores, best)
    margin = float(scores[best] - others.max()) if len(others) else 5.0
    f = chosen.features[best]
    col = {name: k for k, name in enumerate(SENTENCE_FEATURES)}
    # What the question asks beyond its topic (the words of the passage's heading, most
    # often the article's title): a near miss speaks of the topic, not of the fact.
    specific = {t: w for t, w in weights.items() if t not in c.head_terms}
    specific_total = sum(specific.values())

    def said(terms: set[str]) -> float:
        return sum(w for t, w in specific.items() if t in terms) / specific_total if specific_total else 1.0

    # A word the corpus never uses may be a paraphrase ("拿到" for "获评") or the fact the
    # corpus lacks (a name, a term): how rare it is in Chinese at large tells them apart.
    # (How many common words a corpus lacks depends on its size: they are not counted.)
    unknown_rare = sum(general_rarity(t) >= RARE_IN_GENERAL for t in words if not known(t))
    content = [t for t in words if len(t) >= 2]
    missing = [t for t in content if t not in passage_terms]
    window_text = normalize("".join(c.sentences[max(i - 1, 0) : i + 2]))
    passage_text = normalize(c.text)
    # The question's phrases between its function words ("银纹笛鲷", "俗名"), each said
    # whole or not: a near miss names a neighbour ("川纹笛鲷") of what was asked about.
    segments = _segments(query)
    missing_segments = [g for g in segments if g not in passage_text]
    seg_chars = sum(map(len, segments))
    segments_missing = sum(map(len, missing_segments)) / seg_chars if seg_chars else 0.0
    longest_segment_missing = max(map(len, missing_segments), default=0)
    # The question's rarest character pairs (a pair the corpus never uses is rarest of
    # all): what it is about. Said in the passage, or not.
    pair_idf = sorted(((idf(p), p) for p in set(query.bigrams)), reverse=True)
    top_pair = pair_idf[0][0] if pair_idf else 1.0
    rarest_pair_missing = max((w for w, p in pair_idf if p not in passage_text), default=0.0) / top_pair
    rare_pairs_missing = sum(p not in passage_text for _, p in pair_idf[:3]) / max(min(len(pair_idf), 3), 1)
    asks_typed = query.kind in TYPED_KINDS
    around = range(max(i - 1, 0), min(i + 2, len(c.sentences)))
    typed_window = any(_typed(query, c, j)[0] for j in around)
    typed_passage = typed_window or any(_typed(query, c, j)[0] for j in range(len(c.sentences)))
    # What the passage would score holding every term of the question once.
    bm25_self = sum(idf(t) for t in dict.fromkeys(query.terms) if known(t))
    asks_other_name = bool(ASKS_OTHER_NAME.search(normalize(query.text)))
    values = {
        "best_score": float(scores[best]),
        "score_margin": margin,
        "cover": f[col["cover"]],
        "window_cover": _cover(window, weights, total),
        "passage_cover": c.coverage,
        "words_missing": words_missing,
        "words_missing_passage": words_missing_passage,
        "rarest_missing": rarest_missing,
        "entities_missing": len(missing_entities(query, c, known)),
        "pairs_found": f[col["pairs_found"]],
        "pairs_run": f[col["pairs_run"]],
        "typed_any": f[col["typed_any"]],
        "typed_near": f[col["typed_near"]],
        "asks_typed": asks_typed,
        "typed_missing_window": asks_typed and not typed_window,
        "typed_missing_passage": asks_typed and not typed_passage,
        "specific_sentence": said(sterms),
        "specific_window": said(window),
        "specific_passage": said(passage_terms),
        "missing_words": len(missing),
        "chars_window": _chars_found(query, window_text),
        "chars_passage": _chars_found(query, passage_text),
        "longest_run_passage": _longest_run(query, passage_text),
        "typed_missing_read": asks_typed and not chosen.features[:, col["typed_any"]].any(),
        "unknown_rare": unknown_rare,
        "triples_window": _triples_found(query, window_text),
        "triples_passage": _triples_found(query, passage_text),
        "segments_missing": segments_missing,
        "longest_segment_missing": longest_segment_missing,
        "rarest_pair_missing": rarest_pair_missing,
        "rare_pairs_missing": rare_pairs_missing,
        # The words by the question word name what is asked of the topic (俗名, 成立):
        # a near miss has the topic without them.
        "focus_window": _share_in(query.focus, window_text),
        "focus_passage": _share_in(query.focus, passage_text),
        "frame": f[col["frame"]],
        "bm25_self": c.bm25 / bm25_self if bm25_self > 0 else 0.0,
        "log_tokens": math.log1p(len(words)),
        # Once rules that refused outright: a name the corpus never uses may be a spoken
        # word for one it does, and a form may be said otherwise; the model weighs them.
        "unknown_names": len(unknown_names(query, known)),
        "exact_form_missing": exact_form_missing(query, chosen),
        "asks_other_name": asks_other_name,
        "other_name_missing_sentence": asks_other_name and not GIVES_A_NAME.search(c.normalized_sentences[i]),
        "other_name_missing_window": asks_other_name and not GIVES_A_NAME.search(window_text),
    } | {f"kind_{k}": query.kind == k for k in KINDS}
    values |= _subject(query, c.normalized_sentences[i], window_text, c.head_tokens.replace(" ", "") + passage_text)
    lexical = np.array([float(values[name]) for name in QUESTION_FEATURES], dtype=np.float64)
    if chosen.meaning is None:
        return lexical
    return np.concatenate([lexical, meaning_question_features(chosen, best)])


def _subject(query: Query, sentence: str, window: str, passage: str) -> dict[str, float]:
    """Is the answer about what the question names? The question's names said near the
    sentence or only elsewhere in its passage and heading; another place named in the
    sentence; the sentence speaking of a whole district or city (全区, 全市) where the
    question names a smaller place ("全区已建成28家" for a community's count)."""
    names = [g[0] for g in query.entities if not re.search(r"\d", g[0])]
    if not names:
        return dict.fromkeys(SUBJECT_FEATURES, 0.0)
    forms = [{name, bare(name)} for name in names]  # 郴州市 is said as 郴州 too

    def share_missing(text: str) -> float:
        # The whole name: 西湖社区 is not said where only 社区 is.
        return sum(not any(f in text for f in said) for said in forms) / len(names)

    def asked(place: str) -> bool:
        return any(f in place or place in f for said in forms for f in said)

    others = [g[0] for g, is_place in names_in(sentence) if is_place and not asked(g[0])]
    levels = {m.group(1) for m in _LEVEL.finditer("".join(names))}
    wider = bool(query.places) and any(level not in levels for level in _SCOPE.findall(sentence))
    return {
        "names_missing_window": share_missing(window),
        "names_missing_passage": share_missing(passage),
        "other_place_sentence": float(bool(others)),
        "wider_scope_sentence": float(wider),
    }


# 全区, 全市...: the sentence speaks of the whole of a place of that level.
_SCOPE = re.compile(f"全({PLACE_SUFFIX})")
_LEVEL = re.compile(f"({PLACE_SUFFIX})")


@lru_cache(maxsize=4096)
def _gap_words(question: str) -> tuple[str, str]:
    """The words either side of the question word: what frames the answer's place."""
    norm = normalize(question)
    m = WH_RE.search(norm)
    if not m:
        return "", ""
    before, after = tokenize(norm[: m.start()]), tokenize(norm[m.end() :])
    return (before[-1] if before else ""), (after[0] if after else "")


FRAME_REACH = 20  # characters between the two framing words, at most


def _frame(gap: tuple[str, str], text: str) -> float:
    """The question's words around its question word stand in `text` around a gap where an
    answer fits ("X的首都是哪里" / "X的首都是Y，"): 1 in the question's order, 0.5 the other
    way round, 0.25 for one of them alone, 0 for neither."""
    left, right = gap
    at_left = text.find(left) if left else -1
    at_right = text.find(right, at_left + len(left) if at_left >= 0 else 0) if right else -1
    if at_left >= 0 and at_right >= 0 and at_right - (at_left + len(left)) <= FRAME_REACH:
        return 1.0
    if left and right and 0 <= text.find(right) < text.find(left) <= text.find(right) + len(right) + FRAME_REACH:
        return 0.5
    return 0.25 if (left and left in text) or (right and right in text) else 0.0


def _share_in(words: set[str], text: str) -> float:
    return sum(w in text for w in words) / len(words) if words else 1.0


def _question_chars(query: Query) -> str:
    """The question's Chinese characters and alphanumerics, less its question words."""
    return "".join(query.runs)


SEGMENT_BREAK = re.compile(r"[的是在了和与及或有被把对从为将于也都就还又很最更这那其叫]+")


def _segments(query: Query) -> list[str]:
    """The question's runs of words between question words and function characters, of
    two characters or more."""
    return [g for run in query.runs for g in SEGMENT_BREAK.split(run) if len(g) >= 2]


def _phrases_found(segments: list[str], text: str) -> float:
    """Share of the question's phrases' characters in phrases said whole in `text`."""
    total = sum(map(len, segments))
    return sum(len(g) for g in segments if g in text) / total if total else 0.0


def _asked_phrase(query: Query) -> str:
    """The question's phrase right before its question word: what is asked of the topic
    ("党总支书记" of "高塘岭社区的党总支书记是谁")."""
    norm = normalize(query.text)
    m = WH_RE.search(norm)
    runs = RUNS.findall(norm[: m.start()]) if m else []
    phrases = [g for g in SEGMENT_BREAK.split(runs[-1]) if len(g) >= 2] if runs else []
    return phrases[-1] if phrases else ""


def _suffix_found(phrase: str, text: str) -> float:
    """The longest end of `phrase` said in `text`, as a share of it: "社区党总支书记" of
    "高塘岭社区党总支书记" in "社区党总支书记丁玲", only "书记" in "党总支副书记"."""
    for start in range(len(phrase) - 1):
        if phrase[start:] in text:
            return (len(phrase) - start) / len(phrase)
    return 0.0


def _triples_found(query: Query, text: str) -> float:
    """Share of the question's three-character runs (question words left out) in `text`."""
    triples = {run[i : i + 3] for run in query.runs for i in range(len(run) - 2)}
    return sum(t in text for t in triples) / len(triples) if triples else 0.0


def _chars_found(query: Query, text: str) -> float:
    """Share of the question's characters that stand in `text`: blind to how jieba cuts."""
    chars = _question_chars(query)
    return sum(ch in text for ch in chars) / len(chars) if chars else 0.0


def _longest_run(query: Query, text: str) -> float:
    """The longest stretch of the question said word for word in `text`, as a share of it."""
    best = 0
    for run in query.runs:
        for a in range(len(run)):
            b = a + best + 1
            while b <= len(run) and run[a:b] in text:
                best, b = b - a, b + 1
    chars = _question_chars(query)
    return best / len(chars) if chars else 0.0


def exact_form_missing(query: Query, chosen: Sentences) -> bool:
    """The question asks for a form that cannot be paraphrased (a count in its unit, a
    clock time, money, an area, a telephone number) and no sentence read holds one:
    whatever the passages say, they do not say that."""
    return asks_exact(query) and not chosen.features[:, SENTENCE_FEATURES.index("typed_any")].any()


# Kinds whose form a pattern finds reliably: a sentence without one cannot hold the answer.
FORMED_KINDS = ("count", "year", "percent", "ordinal", "time", "money", "area", "phone")


def best_sentence(query: Query, chosen: Sentences, scores: np.ndarray, tie_margin: float = 0.0) -> int:
    """The row of the answer sentence: the best scored, among the sentences holding the
    form asked for when the question asks for a number, a year, a time... and some do.
    Of the sentences scored within `tie_margin` of the best (the ranker cannot tell them
    apart), the one saying more of the question's phrase by its question word wins:
    "社区党总支书记丁玲" over "社区党总支副书记王泽" for 党总支书记是谁."""
    if query.kind in FORMED_KINDS:
        typed = chosen.features[:, SENTENCE_FEATURES.index("typed_any")] > 0
        if typed.any():
            scores = np.where(typed, scores, -np.inf)
    close = scores >= scores.max() - tie_margin
    asked = chosen.features[:, SENTENCE_FEATURES.index("asked_phrase")]
    return int(np.lexsort((-scores, -np.where(close, asked, -1.0)))[0])
