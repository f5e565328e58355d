"""The answer inside the answer sentence: the words shown in bold.

Candidates are runs of whole jieba words (index.answers.span_features) that hold no word of the
question; a linear ranker trained on CMRC 2018 (training/train_span.py) scores them with
weights chosen by what the question asks for (a count, a date, a person...), and the best
one is bolded. The weights live in index/answers/models/span_ranker.json, read once.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from index.answers import answering, span_features
from index.answers.model_files import ModelMismatch, read_model
from index.chars import HAN

MODEL_FILE = Path(__file__).resolve().parent / "models" / "span_ranker.json"
_model: dict | None = None


def reload_model(path: str | Path | None = None) -> dict:
    """Read the weights (again): the training script calls it after writing them.
    ModelUnavailable when the file is missing, damaged or made for other features."""
    global _model
    _model = read_model(Path(path or MODEL_FILE), "training/train_span.py", _parse)
    return _model


def _parse(raw: dict) -> dict:
    if raw["features"] != list(span_features.FEATURES) or raw["kinds"] != list(span_features.KINDS):
        raise ModelMismatch("model_mismatch", detail="its features or kinds are not the code's")
    weights = np.asarray(raw["weights"], dtype=np.float64)
    # One vector per asked kind: the shared weights plus that kind's own.
    return {kind: weights[0] + weights[1 + k] for k, kind in enumerate(raw["kinds"])}


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


# Hand rules for what news sentences say plainly and CMRC's few examples teach too little.
# A candidate of the asked shape (a count in the asked unit, a date, a name for 谁) beats
# any that is not, when the sentence holds one: the shape is a constraint, not a hint.
HARD_SHAPE = 4.0
# The gap the question leaves: next to the words it matches in the sentence, on the side
# the question word stands ("X是Y的什么职务": the word after Y; "有几个Y": next to Y).
ADJACENT = 1.0
ADJACENT_RUN = 0.25  # per further matched word in the run it is next to ("楼盘小区", not "小区")
BETWEEN = 1.5  # between two matched words: "Y主席X" for "X是Y的什么职务"
# Right before the type the question names ("按“…”的模式" for 按什么模式, "A、B、C等设施"
# for 哪些设施).
TYPE_BONUS = 3.0
COPULA = 1.5
OBJECT = 3.0  # the object of the question's own verb
ROLE_NAME = 6.0  # a name right after a role ("工作人员张三") is surely a name
# Between a word and its neighbour that stands for it: "的", "是", a closing quote,
# ", 就是"...
_SKIP = frozenset("的 之 是 就是 即 为 乃 叫 叫做 称 称为 名为 系".split())
_COPULA = frozenset("是 就是 即 为 乃 系".split())
_SKIP_RIGHT = frozenset("的 之 等 等等 之类 这样 这些 是".split())
_ENUM_SEP = frozenset("、 和 及 与 以及 或".split())
_PERSON_ROLE = re.compile(rf"(?:{answering.PERSON_TITLE}|人员|员|者|长|师|生|工|手|家)$")
_UNKNOWN_NAME = re.compile(rf"^[{HAN}]{{2,3}}$")
_DAY_OF_MONTH = re.compile(r"^\d{1,2}[日号]$")


def _anchors(f: dict[str, np.ndarray], words: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each word, the word its left (right) side leans on: the nearest word to the
    left (right) past at most two words that stand between ("的", "是", a closing quote, a
    comma before 就是), or -1; and whether a copula stood between on the left."""
    n = len(words)
    left = np.full(n, -1, dtype=np.int64)
    right = np.full(n, -1, dtype=np.int64)
    copula = np.zeros(n, dtype=bool)
    for i in range(n):
        j, skips = i - 1, 0
        while (
            j >= 0
            and skips < 2
            and (
                words[j] in _SKIP
                or (f["close"][j] and f["punct"][j])
                or (words[j] in ("，", ",") and i - j > 1 and words[j + 1] in _SKIP)
            )
        ):
            copula[i] |= words[j] in _COPULA
            j -= 1
            skips += 1
        left[i] = j
        j, skips = i + 1, 0
        while j < n and skips < 2 and (words[j] in _SKIP_RIGHT or (f["open"][j] and f["punct"][j])):
            j += 1
            skips += 1
        right[i] = j if j < n else -1
    return left, right, copula


def _qrun(q: np.ndarray, at: int, step: int) -> int:
    """How many matched words run on from `at` in direction `step`."""
    k = 0
    while 0 <= at < len(q) and q[at]:
        k += 1
        at += step
    return k


def _names(cands: span_features.Candidates) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per word: whether it is (part of) a person's name: tagged nr, or an unknown two or
    three character word right after a role ("工作人员", "主任", "书记"); whether it goes on
    the name of the word before (jieba's "李/nr 海文/nz"); whether the name follows a role."""
    ws, f = cands.words, cands.flags
    words, tags = ws.words, ws.tags
    n = len(words)
    out = f["nr"].copy()
    cont = np.zeros(n, dtype=bool)
    role = np.zeros(n, dtype=bool)
    for i in range(1, n):
        w = words[i]
        if (
            len(words[i - 1]) == 1
            and tags[i - 1].startswith("nr")
            and 1 <= len(w) <= 2
            and not f["punct"][i]
            and not f["func"][i]
            and not f["verb"][i]
            and tags[i][:1] in ("n", "x")
        ):
            out[i] = cont[i] = True
            role[i] = role[i - 1]
            continue
        after_role = (
            bool(_PERSON_ROLE.search(words[i - 1])) and tags[i - 1][:1] in ("n", "b") and len(words[i - 1]) >= 2
        )
        if (
            not out[i]
            and after_role
            and _UNKNOWN_NAME.match(w)
            and tags[i] in ("x", "n", "nz", "nrt", "nrfg", "j")
            and not f["qword"][i]
        ):
            out[i] = True
        role[i] = out[i] and after_role
    return out, cont, role


def _type_stretches(profile: span_features.QuestionProfile, cands: span_features.Candidates) -> list[tuple[int, int]]:
    """(start, end) word ranges that stand right before the type the question names: the
    quote, or the noun phrase or enumeration, ending where "的", "等" and the type word follow."""
    if not profile.types:
        return []
    ws, f = cands.words, cands.flags
    words = ws.words
    out = []
    for t, w in enumerate(words):
        if not any(w == ty or (len(w) >= 2 and (w.endswith(ty) or ty.endswith(w))) for ty in profile.types):
            continue
        e = t
        while e > 0 and words[e - 1] in _SKIP_RIGHT:
            e -= 1
        if e == 0 or e == t and t > 0 and any(words[t - 1] == ty for ty in profile.types):
            continue  # the type word's own first half ("便民" of 便民设施)
        if f["close"][e - 1] and f["punct"][e - 1]:
            s = e - 1
            while s > 0 and not (f["open"][s] and f["punct"][s]):
                s -= 1
            out.append((s, e))
            continue
        # An enumeration runs back to the verb before its first "、" (its items may hold
        # verbs: "寄存柜"); a noun phrase back to the nearest verb, particle or matched word.
        c0 = e
        while c0 > 0 and not f["brk"][c0 - 1]:
            c0 -= 1
        seps = [i for i in range(c0, e) if words[i] == "、"]
        s = seps[0] if seps else e
        while (
            s > c0
            and not f["verb"][s - 1]
            and not f["qword_long"][s - 1]
            and not ws.tags[s - 1].startswith(("p", "u", "d"))
        ):
            s -= 1
        if s < e:
            out.append((s, e))
    return out


def _extra(
    profile: span_features.QuestionProfile,
    cands: span_features.Candidates,
    objects: list[tuple[int, int]] | None = None,
) -> np.ndarray:
    """The hand rules' bonus per candidate; `objects` gets the (first, stop) words of the
    objects of the question's verb."""
    objects = [] if objects is None else objects
    x, f, ws = cands.features, cands.flags, cands.words
    first, stop = cands.first, cands.stop
    n = len(ws.words)
    bonus = np.zeros(len(first))
    clean = 1 - x[:, _COL["any_qword"]]
    # The asked shape, as a constraint.
    kind = profile.kind
    if (kind in span_features.SHAPES and (kind != "count" or profile.unit)) or kind == "person":
        if kind == "person":
            names, cont, role = _names(cands)
            cs = np.zeros(n + 1, dtype=np.int64)
            np.cumsum(names, out=cs[1:])
            # Whole names, or a list of them ("A、B及C", "约翰·史密斯"), never cut: not a
            # surname from its given name, not a name from the name or "·" next to it.
            dot = np.array([w in ("·", "•", "-") for w in ws.words])
            sep = np.array([w in _ENUM_SEP for w in ws.words]) | dot
            np.cumsum(names | sep, out=cs[1:])
            last = stop - 1
            nxt = np.minimum(stop, n - 1)
            prv = np.maximum(first - 1, 0)
            shaped = (
                (cs[stop] - cs[first] == stop - first)
                & names[first]
                & names[last]
                & (stop - first <= 7)
                & ~cont[first]
                & ~((stop < n) & (cont[nxt] | dot[nxt] | names[nxt]))
                & ~((first > 0) & (dot[prv] | names[prv]))
            )
            # jieba's nr is too loose on names of other languages to be a constraint; a
            # name right after a role ("检验员张三") is surely one.
            bonus += ROLE_NAME * (shaped & role[first] & (clean > 0))
            shaped = np.zeros_like(shaped)
        else:
            shaped = x[:, _COL["shape"]] > 0
            if profile.unit:
                shaped &= x[:, _COL["any_unit_ok"]] > 0
                if profile.unit in ("天", "日"):
                    # "20日" after "6月" is a date, not a number of days.
                    for k in np.flatnonzero(shaped):
                        a = int(first[k])
                        text = "".join(ws.words[a : int(stop[k])])
                        if "月" in text or (_DAY_OF_MONTH.match(text) and a > 0 and ws.words[a - 1].endswith("月")):
                            shaped[k] = False
        shaped &= clean > 0
        if shaped.any():
            bonus += HARD_SHAPE * shaped
    # Next to the matched words, on the question word's side.
    if n:
        left, right, copula = _anchors(f, ws.words)
        q = f["qword_long"]
        la = left[first]
        ra = right[stop - 1]
        l_ok = (la >= 0) & q[np.maximum(la, 0)]
        r_ok = (ra >= 0) & q[np.maximum(ra, 0)]
        side_l = 1.0 if profile.words_before or not profile.words_after else 0.5
        side_r = 1.0 if profile.words_after or not profile.words_before else 0.5
        runs_l = np.array([_qrun(q, int(a), -1) if ok else 0 for a, ok in zip(la, l_ok)])
        runs_r = np.array([_qrun(q, int(a), 1) if ok else 0 for a, ok in zip(ra, r_ok)])
        near = (
            ADJACENT * (side_l * l_ok + side_r * r_ok)
            + ADJACENT_RUN * (np.minimum(runs_l, 4) - 1).clip(0) * side_l
            + ADJACENT_RUN * (np.minimum(runs_r, 4) - 1).clip(0) * side_r
            + BETWEEN * (l_ok & r_ok) * (x[:, _COL["any_verb"]] == 0)
            # "X是Y。", "X，就是Y。": Y says what X is, whole to the clause's end.
            + COPULA * (l_ok & copula[first] & (x[:, _COL["clause_end"]] > 0))
        )
        # A particle or a verb alone is no answer, wherever it stands.
        pron = np.array([t.startswith("r") for t in ws.tags])
        content = (x[:, _COL["share_func"]] < 1) & ~(pron[first] & (stop - first == 1))
        bonus += near * clean * content
    # The object of the question's verb: "用什么餐具" - "使用公筷公勺进行分餐", the nouns
    # right after 使用. And the word the question word stands next to ("“老口子”叫什么").
    if n and profile.verb and kind in ("what", "other", "list"):
        vb = profile.verb
        noun = f["noun"] | f["nz"] | np.array([w in _ENUM_SEP or w == "、" for w in ws.words])
        cs = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(noun, out=cs[1:])
        for v in range(n - 1):
            w = ws.words[v]
            if not (w == vb or (len(w) >= 2 and len(vb) == 1 and w.endswith(vb) and f["verb"][v])):
                continue
            run = v + 1
            while run < n and noun[run]:
                run += 1
            # The whole noun phrase, up to the next verb or clause end.
            if run > v + 1 and (run == n or f["verb"][run] or f["brk"][run]):
                bonus += OBJECT * ((first == v + 1) & (stop == run) & (clean > 0))
                objects.append((v + 1, run))
    if n:
        before_w = f["before"][np.maximum(la, 0)] & l_ok & (x[:, _COL["gap_before"]] == 0)
        after_w = f["after"][np.maximum(ra, 0)] & r_ok & (x[:, _COL["gap_after"]] == 0)
        bonus += ADJACENT * (before_w | after_w) * clean * content
    # Right before the type word.
    for s, e in _type_stretches(profile, cands):
        starts = first == s
        ends = (stop == e) | (
            (stop < e)
            & np.isin(
                np.minimum(stop, n - 1), [i for i in range(s, e) if ws.words[i] in _ENUM_SEP or ws.words[i] == "、"]
            )
        )
        bonus += TYPE_BONUS * (starts & ends & (stop <= e)) * clean
    return bonus


def score(
    profile: span_features.QuestionProfile,
    cands: span_features.Candidates,
    objects: list[tuple[int, int]] | None = None,
) -> np.ndarray:
    """Each candidate's score: the ranker's, plus the hand rules."""
    return cands.features @ _weights(profile.kind) + _rules(profile, cands) + _extra(profile, cands, objects)


def answer_span(query: answering.Query, sentence: str) -> tuple[int, int] | None:
    """(start, end) in `sentence` of the thing the question asks for, or None."""
    if not sentence or not sentence.strip():
        return None
    profile = span_features.profile(query.text)
    cands = span_features.candidates(profile, sentence)
    if cands is None:
        return None
    objects: list[tuple[int, int]] = []
    scores = score(profile, cands, objects)
    best = int(np.argmax(scores))  # the first of equal scores: the same span every time
    best = _respectively(cands, scores, best)
    a, b = int(cands.first[best]), int(cands.stop[best])
    for c, d in objects:
        # The choice holds the object of the question's verb and more ("时尽量使用公筷公勺
        # 进行分餐" for 用什么): the object, without the verbs and adverbs around it.
        if a <= c and d <= b and (c, d) != (a, b):
            k = np.flatnonzero((cands.first == c) & (cands.stop == d))
            if len(k):
                return cands.span(int(k[0]))
    return cands.span(_refine(profile.kind, cands, scores, best))


def _respectively(cands: span_features.Candidates, scores: np.ndarray, best: int) -> int:
    """ "A、B和C…分别…X、Y、Z": the question names B, the answer is Y. When the choice is an
    item of a list after 分别 and a list of as many items before it holds the question's
    words in one item, that item's partner is chosen."""
    ws, f = cands.words, cands.flags
    words = ws.words
    if "分别" not in words:
        return best
    at = words.index("分别")
    a0, b0 = int(cands.first[best]), int(cands.stop[best])
    if a0 <= at:
        return best
    # The list the choice is an item of: candidates of the same kind side by side, 、 between.
    key = cands.features[best]
    same = np.flatnonzero(
        (np.abs(cands.features[:, _COL["shape"]] - key[_COL["shape"]]) < 1e-9)
        & (cands.first > at)
        & (scores > scores[best] - 4.0)
    )
    items = {(int(cands.first[k]), int(cands.stop[k])): k for k in same}

    def neighbour(a: int, b: int, step: int) -> tuple[int, int] | None:
        for c, d in items:
            if step > 0 and c == b + 1 and words[b] in _ENUM_SEP and d - c == b - a:
                return c, d
            if step < 0 and d == a - 1 and words[d] in _ENUM_SEP and d - c == b - a:
                return c, d
        return None

    chain = [(a0, b0)]
    while (prev := neighbour(*chain[0], -1)) is not None and len(chain) < 12:
        chain.insert(0, prev)
    while (nxt := neighbour(*chain[-1], 1)) is not None and len(chain) < 12:
        chain.append(nxt)
    if len(chain) < 2:
        return best
    # The list before 分别: the stretch of its clause, items cut at 、 和 及 与.
    brk = f["brk"]
    start = at
    while start > 0 and not brk[start - 1]:
        start -= 1
    sep = [i for i in range(start, at) if words[i] in _ENUM_SEP]
    if len(sep) != len(chain) - 1:
        # The list may stand in an earlier clause of the sentence ("在A、B和C中，分别…").
        start2 = start - 1
        while start2 > 0 and not brk[start2 - 1]:
            start2 -= 1
        sep = [i for i in range(max(start2, 0), start - 1) if words[i] in _ENUM_SEP]
        if start2 < 0 or len(sep) != len(chain) - 1:
            return best
        start, at = start2, start - 1
    bounds = [start] + [i + 1 for i in sep] + [at]
    held = [k for k in range(len(chain)) if f["qword_long"][bounds[k] : (sep[k] if k < len(sep) else at)].any()]
    if len(held) > 1:
        held = held[:-1]  # the words after the last item belong to all of them ("…中")
    if len(held) != 1:
        return best
    return items[chain[held[0]]]


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
        shaped = np.flatnonzero(
            inside
            & (x[:, _COL["shape"]] > 0)
            & (cands.first == cands.first[best])
            & (cands.stop < cands.stop[best])
            & (x[:, _COL["right_de"]] + x[:, _COL["right_verb"]] > 0)
        )
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
