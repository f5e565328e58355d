"""Check the fast index against bm25s and against itself, on a built database.

    .venv/bin/python bench/check_index.py bench/out/run-10000/index.db [questions.json]

1. `Bm25Index.build` gives bm25s's matrix (lucene BM25, same k1 and b, same vocabulary
   order): indices and indptr equal, weights within a 16-bit step.
2. `Bm25Index.top` returns what bm25s's scores give (argpartition + stable sort over all
   passages), up to scores closer than the steps' error.
3. `Bm25Index.update` from a generation holding 80% of the passages, with some of them
   removed, gives the same postings and weights as a full build (terms compared by name,
   since the vocabulary ids differ), the same top-30 and idf; and save/load round-trips.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))


def main() -> None:
    import bm25s
    from bm25s.tokenization import Tokenized

    from bot import config
    from index.answers import answering
    from index.search.processing import stored_terms
    from index.search.ranking import Bm25Index, counts_from_rows

    db = sqlite3.connect(sys.argv[1])
    rows = list(stored_terms(db.execute("SELECT id, head_tokens, tokens, text, cuts FROM passages ORDER BY id")))
    qfile = sys.argv[2] if len(sys.argv) > 2 else str(ROOT / "bench" / "out" / "questions-10000.json")
    queries = [answering.analyze(q).terms for q in json.loads(Path(qfile).read_text())[:1000]]
    s = config.load().index
    k1, b = s.k1, s.b

    ours = Bm25Index.build(rows, k1, b)
    vocab = {"": 0}
    docs = [[vocab.setdefault(t, len(vocab)) for t in text.split()] for _, text in rows]
    ref = bm25s.BM25(k1=k1, b=b, method="lucene")
    ref.index(Tokenized(ids=docs, vocab=vocab), show_progress=False, create_empty_token=False)
    assert ours._vocab == vocab
    for name, arr in (("indices", ours._indices), ("indptr", ours._indptr)):
        assert np.array_equal(np.asarray(ref.scores[name]), arr), name
    # Weights are stored in 16-bit steps of the largest: each within a step of bm25s's
    # (half a step of rounding; a weight under half a step is kept as one step, not 0).
    step = ours.scale
    err = np.abs(ours._data.astype(np.float64) * step - np.asarray(ref.scores["data"], dtype=np.float64))
    assert err.max() <= step, err.max()
    print(
        f"1. matrix is bm25s's ({len(ours._data):,} postings; weights within a step, {step:.2e}; "
        f"max error {err.max():.2e}, mean {err.mean():.2e})"
    )

    ids = ours.passage_ids
    same = near = 0
    overlap: list[float] = []
    for q in queries:
        tids = [vocab[t] for t in q if t in vocab]
        got = ours.top(q, 30)
        if not tids:
            assert got == []
            continue
        sc = ref.get_scores_from_ids(tids)
        idx = np.argpartition(-sc, 29)[:30]
        idx = idx[np.argsort(-sc[idx], kind="stable")]
        want = [(int(ids[i]), float(sc[i])) for i in idx if sc[i] > 0]
        bound = len(q) * step + 1e-5
        # The k-th best score is the same up to the steps; a passage differs only where
        # another one's score is that close to it.
        assert len(got) == len(want) and all(abs(a - b) <= 2 * bound for (_, a), (_, b) in zip(got, want)), q
        if [p for p, _ in got] == [p for p, _ in want]:
            same += 1
        else:
            near += 1
        overlap.append(len({p for p, _ in got[:10]} & {p for p, _ in want[:10]}) / max(1, len(want[:10])))
    print(
        f"2. top-30 as bm25s's for {len(queries)} questions: {same} in the same order, {near} differ only "
        f"among scores within the steps' error (equal scores: the older passage first); top-10 sets "
        f"{100 * sum(overlap) / len(overlap):.1f}% the same"
    )

    work = Path(tempfile.mkdtemp())
    first = rows[: int(len(rows) * 0.8)]
    Bm25Index.build(first, k1, b).save(work / "g1")
    drop = {pid for pid, _ in first[100:140]} | {pid for pid, _ in first[len(first) // 2 : len(first) // 2 + 20]}
    final = [r for r in rows if r[0] not in drop]
    fids = np.array([r[0] for r in final])
    up = Bm25Index.update(
        work / "g1", fids, lambda after, vocab: counts_from_rows([r for r in final if r[0] > after], vocab), k1, b
    )
    full = Bm25Index.build(final, k1, b)
    assert np.array_equal(up.passage_ids, full.passage_ids)
    for term, tid in full._vocab.items():
        u = up._vocab[term]
        a, z = slice(full._indptr[tid], full._indptr[tid + 1]), slice(up._indptr[u], up._indptr[u + 1])
        assert np.array_equal(full._indices[a], up._indices[z]) and np.array_equal(full._data[a], up._data[z]), term
    assert all(up.top(q, 30) == full.top(q, 30) for q in queries)
    assert all(up.idf(t) == full.idf(t) and up.known(t) == full.known(t) for q in queries for t in q)
    up.save(work / "g2")
    loaded = Bm25Index.load(work / "g2")
    again = Bm25Index.update(
        work / "g2", fids, lambda after, vocab: counts_from_rows([r for r in final if r[0] > after], vocab), k1, b
    )
    assert all(loaded.top(q, 30) == full.top(q, 30) == again.top(q, 30) for q in queries)
    print(f"3. update (80% + rest, {len(drop)} removed) == full build; save/load and a no-change update too")


if __name__ == "__main__":
    main()
