"""Check the fast index against bm25s and against itself, on a built database.

    .venv/bin/python bench/check_index.py bench/out/run-10000/index.db [questions.json]

1. `Bm25Index.build` gives bit-for-bit bm25s's matrix (lucene BM25, same k1 and b, same
   vocabulary order): data, indices, indptr equal.
2. `Bm25Index.top` returns what bm25s's scores give (argpartition + stable sort over all
   passages), up to the order of exactly equal scores.
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
    from index import answering
    from index.ranking import Bm25Index, counts_from_rows

    db = sqlite3.connect(sys.argv[1])
    rows = db.execute("SELECT id, head_tokens || ' ' || replace(tokens, char(9), ' ') FROM passages ORDER BY id").fetchall()
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
    for name, arr in (("data", ours._data), ("indices", ours._indices), ("indptr", ours._indptr)):
        assert np.array_equal(np.asarray(ref.scores[name]), arr), name
    print(f"1. matrix identical to bm25s's ({len(ours._data):,} postings)")

    ids = ours.passage_ids
    ties = 0
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
        assert [x for _, x in got] == [x for _, x in want], q
        ties += got != want
    print(f"2. top-30 scores identical to bm25s's for {len(queries)} questions ({ties} differ only in the order of equal scores)")

    work = Path(tempfile.mkdtemp())
    first = rows[: int(len(rows) * 0.8)]
    Bm25Index.build(first, k1, b).save(work / "g1")
    drop = {pid for pid, _ in first[100:140]} | {pid for pid, _ in first[len(first) // 2: len(first) // 2 + 20]}
    final = [r for r in rows if r[0] not in drop]
    fids = np.array([r[0] for r in final])
    up = Bm25Index.update(work / "g1", fids, lambda after, vocab: counts_from_rows([r for r in final if r[0] > after], vocab), k1, b)
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
    again = Bm25Index.update(work / "g2", fids, lambda after, vocab: counts_from_rows([r for r in final if r[0] > after], vocab), k1, b)
    assert all(loaded.top(q, 30) == full.top(q, 30) == again.top(q, 30) for q in queries)
    print(f"3. update (80% + rest, {len(drop)} removed) == full build; save/load and a no-change update too")


if __name__ == "__main__":
    main()
