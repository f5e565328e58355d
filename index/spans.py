"""The answer inside the answer sentence: the words shown in bold.

Candidates are runs of whole jieba words (index.span_features) that hold no word of the
question; a linear ranker trained on CMRC 2018 (training/train_span.py) scores them with
weights chosen by what the question asks for (a count, a date, a person...), and the best
one is bolded. The weights live in index/models/span_ranker.json, read once.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from index import answering, span_features

MODEL_FILE = Path(__file__).resolve().parent / "models" / "span_ranker.json"
_model: dict | None = None


def reload_model(path: str | Path = MODEL_FILE) -> dict:
    """Read the weights (again): the training script calls it after writing them."""
    global _model
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    if raw["features"] != list(span_features.FEATURES) or raw["kinds"] != list(span_features.KINDS):
        raise ValueError(f"{path} was trained on other features; rerun training/train_span.py")
    weights = np.asarray(raw["weights"], dtype=np.float64)
    # One vector per asked kind: the shared weights plus that kind's own.
    _model = {kind: weights[0] + weights[1 + k] for k, kind in enumerate(raw["kinds"])}
    return _model


def _weights(kind: str) -> np.ndarray:
    model = _model if _model is not None else reload_model()
    return model.get(kind, model["other"])


# Hand-set on top of the ranker, where CMRC's few examples of a kind teach it too little:
# a candidate that is, whole, the kind of thing asked for ("28家" for 多少家, "7月3日"
# for 哪天) beats one that only holds it; an enumeration answers 哪些.
SHAPE_BONUS = 2.0
UNIT_BONUS = 1.0
GAP_BONUS = 1.5
QUOTE_BONUS = 1.0
LIST_BONUS = 1.0
# A phrase does not end in 的, 了 or a preposition, nor start with one: CMRC's loose
# gold answers teach the ranker to allow "于1998年"; the reader wants "1998年".
LOOSE_END = 1.0
_COL = {name: k for k, name in enumerate(span_features.FEATURES)}


def _rules(profile: span_features.QuestionProfile, cands: span_features.Candidates) -> np.ndarray:
    x = cands.features
    bonus = SHAPE_BONUS * x[:, _COL["shape"]]
    if profile.unit:
        # 几个 is answered in 个 (or 家, 所...), not in 平方公里.
        agrees = 2 * x[:, _COL["any_unit_ok"]] - 1
        bonus += UNIT_BONUS * x[:, _COL["shape"]] * agrees
    # The gap the question word leaves: "X的主任叫什么" is answered right after 主任.
    # A candidate that says a word of the question is no gap.
    gap = np.maximum(x[:, _COL["gap_before"]], x[:, _COL["gap_after"]]) * (1 - x[:, _COL["any_qword"]])
    bonus += GAP_BONUS * gap
    bonus -= LOOSE_END * np.maximum(x[:, _COL["last_func"]], x[:, _COL["first_func"]])
    if profile.kind not in span_features.SHAPES:
        # A name given in quotes or 《》 is a name of a thing, whole.
        bonus += QUOTE_BONUS * np.maximum(x[:, _COL["quote_whole"]], x[:, _COL["quoted_exact"]])
    if profile.kind == "list":
        bonus += LIST_BONUS * x[:, _COL["any_enum"]]
    return bonus


def answer_span(query: answering.Query, sentence: str) -> tuple[int, int] | None:
    """(start, end) in `sentence` of the thing the question asks for, or None."""
    if not sentence or not sentence.strip():
        return None
    profile = span_features.profile(query.text)
    cands = span_features.candidates(profile, sentence)
    if cands is None:
        return None
    scores = cands.features @ _weights(profile.kind) + _rules(profile, cands)
    best = int(np.argmax(scores))  # the first of equal scores: the same span every time
    return cands.span(_refine(profile.kind, cands, scores, best))


def _refine(kind: str, cands: span_features.Candidates, scores: np.ndarray, best: int) -> int:
    """Within the ranker's choice, the part that is exactly the kind of thing asked for.

    CMRC's gold answers are loose ("于1998年", "张三的手上" would pass), so the ranker
    finds where the answer is better than where it ends: if a candidate inside its choice
    is, whole, a count, a date or a name as asked, that one is bolded; else the choice
    loses a particle or preposition at its edges."""
    x = cands.features
    inside = (cands.first >= cands.first[best]) & (cands.stop <= cands.stop[best])
    if kind in span_features.SHAPES:
        shaped = np.flatnonzero(inside & (x[:, _COL["shape"]] > 0))
    else:
        # jieba tags "史蒂芬·金" or "豫亲王多铎" as names only in part: a name is cut out
        # of the choice only where 的 or a verb ends it ("张三的手上").
        shaped = np.flatnonzero(inside & (x[:, _COL["shape"]] > 0) & (cands.first == cands.first[best])
                                & (cands.stop < cands.stop[best]) & (x[:, _COL["right_de"]] + x[:, _COL["right_verb"]] > 0))
    if len(shaped):
        # The longest: "68颗", not "68"; a range "2至23公尺", not its "2".
        lengths = x[shaped, _COL["chars_log"]]
        return int(shaped[np.lexsort((-scores[shaped], -lengths))[0]])
    loose = x[:, _COL["last_func"]] + x[:, _COL["first_func"]]
    tidy = np.flatnonzero(inside & (loose == 0))
    if loose[best] and len(tidy):
        # The longest tidy part: dropping "了" from "了苹果、香蕉" must not drop 苹果.
        lengths = cands.stop[tidy] - cands.first[tidy]
        return int(tidy[np.lexsort((-scores[tidy], -lengths))[0]])
    return best
