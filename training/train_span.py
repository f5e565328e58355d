"""Train the answer-span ranker of index/answers/spans.py and write index/answers/models/span_ranker.json.

    .venv/bin/python training/train_span.py \
        --train ../shared/data/cmrc2018_trial.json --dev ../shared/data/cmrc2018_dev.json \
        [--qa ../shared/eval/qa_public.jsonl]

Data: CMRC 2018 (ymcui/cmrc2018), trial and development sets, SQuAD format, simplified
Chinese from Wikipedia, licence CC BY-SA 4.0. Only the trial set is trained on; the dev
set (and, with --qa, the seed questions' evidence sentences) is only measured.

For each question the input is the sentence of its paragraph that holds the gold answer
and the target is the gold answer text. A candidate span (index.answers.span_features) of that
sentence is "right" when it is tight in the sense of ../shared/eval/evaluate.py (it holds
a gold answer and is at most twice as long plus 4); the shortest right ones weigh most. The model is a conditional
logistic regression: a softmax over one question's candidates, trained to put its mass
on the right ones, with one weight vector shared by all asked kinds plus one per kind.
It is fitted with L-BFGS (scipy), so the same data gives the same file.

Printed: how often the span chosen on the gold sentence is tight on the dev set, for the
regex spans the bot used before and for the ranker; and how often any candidate is
(the most the ranker could do).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.answers import answering, span_features, spans  # noqa: E402
from index.answers.highlight import nearest_span  # noqa: E402
from index.normalize import normalize  # noqa: E402

OUT = spans.MODEL_FILE
SENTENCE = re.compile(r"[^。！？!?；;\n]*[。！？!?；;\n]*")
WS = re.compile(r"\s+")
# Few questions per asked kind: the kind's own weights are held closer to zero than the
# shared ones, so a kind seen a handful of times leans on what all kinds share.
SHORTER_WEIGHT = 1.0  # a tight candidate longer than the shortest, as a target
L2_SHARED = 0.01
L2_KIND = 0.1


def strip(s: str | None) -> str:
    return WS.sub("", s or "")


def tight(span: str | None, golds: list[str]) -> bool:
    span = strip(span)
    return bool(span) and any(g in span and len(span) <= 2 * len(g) + 4 for g in golds)


def squad_items(path: str) -> list[tuple[str, str, list[str]]]:
    """(question, the sentence holding its gold answer, gold answers) for every question
    whose first gold answer lies inside one sentence of its paragraph."""
    items = []
    for article in json.load(open(path, encoding="utf-8"))["data"]:
        for para in article["paragraphs"]:
            context = para["context"]
            bounds = []
            for m in SENTENCE.finditer(context):
                if m.group():
                    bounds.append((m.start(), m.end()))
            for qa in para["qas"]:
                answers = [a for a in qa.get("answers", []) if strip(a["text"])]
                if not answers:
                    continue
                text = answers[0]["text"]
                start = answers[0].get("answer_start", -1)
                if context[start : start + len(text)] != text:
                    start = context.find(text)
                if start < 0:
                    continue
                sentence = next((context[a:b] for a, b in bounds if a <= start and start + len(text) <= b), None)
                if sentence is None:
                    continue
                items.append((qa["question"], sentence, list(dict.fromkeys(strip(a["text"]) for a in answers))))
    return items


def qa_items(path: str) -> list[tuple[str, str, list[str]]]:
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    return [(r["q"], r["evidence"], [strip(r["answer"])]) for r in rows if r.get("answer") and r.get("evidence")]


def build(items):
    """Candidate features, labels, kind of each row and where each question's rows start."""
    xs, ys, kinds, starts, used = [], [], [], [], []
    rows = 0
    for question, sentence, golds in items:
        q = span_features.profile(question)
        cands = span_features.candidates(q, sentence)
        if cands is None:
            continue
        texts = [strip(sentence[a:b]) for a, b in map(cands.span, range(len(cands.first)))]
        ok = np.array([tight(t, golds) for t in texts])
        if not ok.any():
            continue
        # Of the tight candidates, the shortest count most: "于1998年" is tight for
        # "1998年" too, but the bold had better not carry the preposition.
        lengths = np.array([len(t) for t in texts])
        labels = np.where(ok, np.where(lengths == lengths[ok].min(), 1.0, SHORTER_WEIGHT), 0.0)
        xs.append(cands.features)
        ys.append(labels)
        kinds.append(
            np.full(len(labels), span_features.KINDS.index(q.kind if q.kind in span_features.KINDS else "other"))
        )
        starts.append(rows)
        rows += len(labels)
        used.append(question)
    return np.vstack(xs), np.concatenate(ys), np.concatenate(kinds), np.array(starts), used


def fit(x, y, kind, starts):
    n_kinds, dim = len(span_features.KINDS), x.shape[1]
    group = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, len(y))))
    by_kind = [np.flatnonzero(kind == k) for k in range(n_kinds)]

    def loss(flat):
        w = flat.reshape(n_kinds + 1, dim)
        score = np.einsum("ij,ij->i", x, w[0] + w[1 + kind])
        top = np.maximum.reduceat(score, starts)[group]
        e = np.exp(score - top)
        z_all = np.add.reduceat(e, starts)
        z_pos = np.add.reduceat(e * y, starts)
        nll = -np.sum(np.log(z_pos) - np.log(z_all))
        # d nll / d score: the softmax over all candidates less the one over right ones.
        d = e / z_all[group] - e * y / z_pos[group]
        grad = np.zeros_like(w)
        grad[0] = x.T @ d
        for k, rows in enumerate(by_kind):
            if len(rows):
                grad[1 + k] = x[rows].T @ d[rows]
        m = len(starts)
        reg = np.full((n_kinds + 1, 1), L2_KIND)
        reg[0] = L2_SHARED
        return nll / m + np.sum(reg * w**2), (grad / m + 2 * reg * w).ravel()

    result = minimize(loss, np.zeros((n_kinds + 1) * dim), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return result.x.reshape(n_kinds + 1, dim)


def regex_span(question: str, sentence: str) -> tuple[int, int] | None:
    """The span the bot showed before the ranker: answering's regexes, nearest the question."""
    query = answering.analyze(question)
    norm = normalize(sentence)
    if len(norm) != len(sentence):
        return None
    found = answering.answer_spans(query, norm)
    return nearest_span(found, sentence, query.tokens) if found else None


def measure(name: str, items) -> None:
    before = after = reachable = 0
    by_kind: Counter = Counter()
    right_by_kind: Counter = Counter()
    t0 = time.perf_counter()
    for question, sentence, golds in items:
        old = regex_span(question, sentence)
        before += old is not None and tight(sentence[old[0] : old[1]], golds)
        q = span_features.profile(question)
        cands = span_features.candidates(q, sentence)
        reachable += cands is not None and any(
            tight(sentence[a:b], golds) for a, b in map(cands.span, range(len(cands.first)))
        )
        new = spans.answer_span(answering.analyze(question), sentence)
        ok = new is not None and tight(sentence[new[0] : new[1]], golds)
        after += ok
        by_kind[q.kind] += 1
        right_by_kind[q.kind] += ok
    n = len(items) or 1
    print(
        f"{name}: {len(items)} questions with a gold sentence; tight span before (regex) {before / n:.3f}, "
        f"after (ranker) {after / n:.3f}, any candidate tight {reachable / n:.3f} "
        f"({(time.perf_counter() - t0) / n * 1000:.2f} ms a question, both ways)"
    )
    print(
        "  by asked kind: "
        + ", ".join(f"{k} {right_by_kind[k]}/{by_kind[k]}" for k in span_features.KINDS if by_kind[k])
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--train", default=str(ROOT.parent / "shared/data/cmrc2018_trial.json"))
    parser.add_argument("--dev", default=str(ROOT.parent / "shared/data/cmrc2018_dev.json"))
    parser.add_argument("--qa", help="also measure on a --qa question set's evidence sentences (never trained on)")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args()

    train = squad_items(args.train)
    x, y, kind, starts, used = build(train)
    print(
        f"train: {len(train)} questions with a gold sentence, {len(used)} with a tight candidate, "
        f"{len(y)} candidates, {x.shape[1]} features x {len(span_features.KINDS) + 1} weight vectors"
    )
    w = fit(x, y, kind, starts)
    model = {
        "about": "answer-span ranker of index/answers/spans.py, written by training/train_span.py from CMRC 2018 trial "
        "(CC BY-SA 4.0); score = features . (weights[0] + weights[1 + kind])",
        "features": list(span_features.FEATURES),
        "kinds": list(span_features.KINDS),
        "weights": [[round(float(v), 5) for v in row] for row in w],
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(model, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    spans.reload_model(args.out)
    print(f"wrote {args.out}")
    measure("train (trial)", train)
    measure("dev", squad_items(args.dev))
    if args.qa:
        measure("seeds (evidence sentences)", qa_items(args.qa))


if __name__ == "__main__":
    main()
