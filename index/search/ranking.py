"""BM25 over passages, in bm25s's layout (lucene BM25, the files bm25s saves and loads).

Every term's BM25 weights sit in a sparse matrix, one column a term, so a query costs a
few numpy slices instead of rank-bm25's Python loop over every passage (see bench/ for the
measurement). The matrix is saved to a directory and memory-mapped back, so start-up
reads no text and re-tokenises nothing.

The weights are computed here with numpy, bm25s's Lucene IDF function and its term-frequency
formula in its float32 arithmetic (the same bits: bench/check_index.py compares), without
its per-passage Python loop, then stored as 16-bit steps of the largest weight
(`weight_scale` in complete.json; params.index.json stays the arguments bm25s.BM25.load
passes on, so bm25s reads a generation, its scores in steps). Each generation also keeps
its per-passage term counts, so the next one (`Bm25Index.update`) converts only the new
passages' terms and re-weights the rest in numpy: a one-document change does not read
every stored passage again. A query adds the postings of its terms into a per-thread
score buffer and selects the top k among the passages it touched.
"""

from __future__ import annotations

import json
import math
import threading
from array import array
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np

from index.search.termcounts import TermCounts, count_terms

FORMAT = 2  # complete.json's "format": bm25s's CSC files plus per-passage term counts


def _score_idf_lucene(df: int, N: int) -> float:
    # bm25s.scoring's, word for word: importing bm25s imports scipy, ~23 MB in every
    # process that answers. tests/search/test_ranking.py holds the scores to bm25s's own.
    return math.log(1 + (N - df + 0.5) / (df + 0.5))


class Bm25Index:
    """Passage ids and the BM25 matrix over them."""

    def __init__(
        self,
        passage_ids: np.ndarray,
        vocab: dict[str, int] | None = None,
        csc: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
        counts: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None,
        k1: float = 1.6,
        b: float = 0.6,
        scale: float = 1.0,
    ):
        self.passage_ids = passage_ids
        self.scale = scale  # a stored weight times this is its BM25 weight
        self._ids = np.asarray(passage_ids)  # a plain view: cheaper to index than a memmap
        self.k1, self.b = k1, b
        self._counts = counts  # (doc_indptr, doc_terms, doc_tf, doc_len), kept for save()
        self._local = threading.local()
        if csc is not None and vocab:
            self._data, self._indices, self._indptr = (np.asarray(a) for a in csc)
            self._df = np.diff(self._indptr)
            self._vocab = vocab
        else:
            self._data = self._indices = self._indptr = None
            self._df = np.zeros(0, dtype=np.int64)
            self._vocab = {}

    def __len__(self) -> int:
        return len(self.passage_ids)

    @classmethod
    def build(cls, rows: Iterable[tuple[int, str]], k1: float = 1.6, b: float = 0.6) -> Bm25Index:
        """Index (passage id, space-separated terms) rows, as stored by `index.search.store`."""
        vocab: dict[str, int] = {"": 0}  # bm25s wants an empty token id for padding
        return cls.from_counts(counts_from_rows(rows, vocab), vocab, k1, b)

    @classmethod
    def from_counts(cls, counts: TermCounts, vocab: dict[str, int], k1: float = 1.6, b: float = 0.6) -> Bm25Index:
        """Index passages already counted, their terms numbered in `vocab`."""
        if not len(counts.ids):
            return cls(counts.ids)
        return cls._weighted(counts.ids, vocab, counts[1:], k1, b)

    @classmethod
    def update(
        cls,
        previous: Path,
        ids: np.ndarray,
        new_counts: Callable[[int, dict[str, int]], TermCounts],
        k1: float = 1.6,
        b: float = 0.6,
    ) -> Bm25Index:
        """The index of the passages `ids` (ascending), reusing the generation saved in
        `previous`: its term counts of the passages still there, plus the counts of the
        new ones, which `new_counts(last, vocab)` gives (every passage with an id above
        `last`, the previous generation's highest: ids are never reused; new terms join
        `vocab`). The same matrix as counting every passage afresh, which is what happens
        (`new_counts(-1, {"": 0})`) when the previous generation cannot be reused."""
        ids = np.asarray(ids, dtype=np.int64)

        def afresh() -> Bm25Index:
            vocab = {"": 0}
            return cls.from_counts(new_counts(-1, vocab), vocab, k1, b)

        try:
            old_ids, vocab, (indptr0, terms0, tf0, len0) = _load_counts(previous)
        except (FileNotFoundError, ValueError, OSError, KeyError):
            return afresh()
        last = int(old_ids[-1]) if len(old_ids) else -1
        cut = int(np.searchsorted(ids, last, side="right"))
        keep = np.isin(old_ids, ids[:cut], assume_unique=True)
        if int(keep.sum()) != cut:  # the previous generation lacks some passage: start over
            return afresh()
        new = new_counts(last, vocab)
        if not np.array_equal(new.ids, ids[cut:]):
            return afresh()
        if not len(ids):
            return cls(ids)
        per_doc = np.diff(indptr0)
        if keep.all():  # nothing removed (a document added): no filtering pass
            kept_terms, kept_tf, kept_len, kept_sizes = terms0, tf0, len0, per_doc
        else:
            nnz_keep = np.repeat(keep, per_doc)
            kept_terms, kept_tf, kept_len, kept_sizes = terms0[nnz_keep], tf0[nnz_keep], len0[keep], per_doc[keep]
        sizes = np.concatenate([kept_sizes, np.diff(new.indptr)])
        doc_indptr = np.zeros(len(ids) + 1, dtype=np.int64)
        np.cumsum(sizes, out=doc_indptr[1:])
        tf_dtype = np.promote_types(tf0.dtype, new.tf.dtype)
        counts = (
            doc_indptr,
            np.concatenate([kept_terms, new.terms]).astype(np.int32, copy=False),
            np.concatenate([kept_tf.astype(tf_dtype, copy=False), new.tf.astype(tf_dtype)]),
            np.concatenate([kept_len, new.lengths]).astype(np.int64, copy=False),
        )
        return cls._weighted(ids, vocab, counts, k1, b)

    @classmethod
    def _weighted(cls, passage_ids: np.ndarray, vocab: dict[str, int], counts, k1: float, b: float) -> Bm25Index:
        """BM25 weights from term counts: Lucene's, as bm25s computes them."""
        import scipy.sparse as sp

        doc_indptr, terms, tf, doc_len = counts
        n, v = len(passage_ids), len(vocab)
        # The matrix's shape first, a column a term: its column lengths are the document
        # frequencies, and a column's weights are computed side by side.
        matrix = sp.csr_matrix((tf, terms, doc_indptr), shape=(n, v)).tocsc()
        df = np.diff(matrix.indptr)
        # bm25s's IDF function, once for each document frequency that occurs.
        freqs, which = np.unique(df, return_inverse=True)
        idf = np.asarray([_score_idf_lucene(d, N=n) if d else 0.0 for d in freqs.tolist()], dtype=np.float32)[which]
        # bm25s's term-frequency part, tf / (k1 * ((1 - b) + b * l_d / l_avg) + tf), in
        # float32 as bm25s does it, with the passage's share worked out once a passage.
        f32 = np.float32
        length_part = f32(k1) * ((1 - f32(b)) + f32(b) * doc_len.astype(f32) / f32(doc_len.astype(np.int64).mean()))
        slices = _column_slices(matrix.indptr)
        # Two passes over cache-sized slices instead of a float32 weight for every posting
        # in memory: the first finds the largest weight, the second stores the steps.
        largest = max(
            (float(w.max()) for w in _slice_weights(matrix, slices, length_part, idf, df) if len(w)), default=0.0
        )
        # Stored as 16-bit steps of the largest weight: a quarter less matrix to hold in
        # memory than float32 (at 1M passages: 1.0 GB instead of 1.3), and a question's
        # score is off by at most a step (1/65,535 of the largest weight) a term: half a
        # step of rounding, or a weight under half a step kept as one step, not 0.
        # The sums of whole steps stay exact in float32 (below 2**24 for 256 terms).
        scale = largest / 65535 if largest > 0 else 1.0
        steps = np.empty(len(matrix.data), dtype=np.uint16)
        for (lo, hi), w in zip(slices, _slice_weights(matrix, slices, length_part, idf, df)):
            w /= f32(scale)
            np.rint(w, out=w)
            np.maximum(w, 1, out=w)  # a posting never weighs 0
            steps[matrix.indptr[lo] : matrix.indptr[hi]] = w
        return cls(passage_ids, vocab, (steps, matrix.indices, matrix.indptr), counts, k1, b, scale)

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        np.save(directory / "passage_ids.npy", self.passage_ids)
        if self._indptr is not None:
            for name, arr in (("data", self._data), ("indices", self._indices), ("indptr", self._indptr)):
                np.save(directory / f"{name}.csc.index.npy", arr)
            (directory / "vocab.index.json").write_text(json.dumps(self._vocab, ensure_ascii=False), encoding="utf-8")
            (directory / "params.index.json").write_text(
                json.dumps(
                    {
                        "k1": self.k1,
                        "b": self.b,
                        "delta": 0.5,
                        "method": "lucene",
                        "idf_method": "lucene",
                        "dtype": "float32",
                        "int_dtype": "int32",
                        "num_docs": len(self.passage_ids),
                        "backend": "numpy",
                    },
                    indent=4,
                )
            )
            if self._counts is not None:
                for name, arr in zip(("doc_indptr", "doc_terms", "doc_tf", "doc_len"), self._counts):
                    np.save(directory / f"{name}.npy", arr)
        (directory / "complete.json").write_text(
            json.dumps(
                {
                    "passages": len(self.passage_ids),
                    "format": FORMAT if self._counts is not None else 1,
                    "weight_scale": self.scale,
                }
            )
        )

    @classmethod
    def load(cls, directory: Path) -> Bm25Index:
        if not (directory / "complete.json").exists():
            raise FileNotFoundError(f"incomplete index in {directory}")
        meta = json.loads((directory / "complete.json").read_text())
        passage_ids = np.load(directory / "passage_ids.npy", mmap_mode="r")
        if len(passage_ids) == 0:
            return cls(passage_ids)
        csc = tuple(
            np.load(directory / f"{name}.csc.index.npy", mmap_mode="r") for name in ("data", "indices", "indptr")
        )
        vocab = json.loads((directory / "vocab.index.json").read_text(encoding="utf-8"))
        params = json.loads((directory / "params.index.json").read_text())
        return cls(
            passage_ids, vocab, csc, None, params.get("k1", 1.6), params.get("b", 0.6), meta.get("weight_scale", 1.0)
        )  # 1.0: a generation of float32 weights

    def idf(self, token: str) -> float:
        """Lucene's IDF; a word the corpus never uses gets the rarest word's weight."""
        n = len(self.passage_ids)
        tid = self._vocab.get(token)
        df = int(self._df[tid]) if tid is not None and tid < len(self._df) else 0
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def known(self, token: str) -> bool:
        tid = self._vocab.get(token)
        return tid is not None and tid < len(self._df) and self._df[tid] > 0

    def _postings(self, query: list[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        """(passage positions, weights) of each query term the index knows, in query order."""
        vocab, indptr = self._vocab, self._indptr
        out = []
        for t in query:
            tid = vocab.get(t)
            if tid is not None:
                start, end = indptr[tid], indptr[tid + 1]
                if end > start:
                    out.append((self._indices[start:end], self._data[start:end]))
        return out

    def scores(self, query: list[str]) -> np.ndarray:
        if self._indptr is None:
            return np.zeros(0, dtype=np.float32)
        scores = np.zeros(len(self.passage_ids), dtype=np.float32)
        for rows, weights in self._postings(query):
            scores[rows] += weights  # a term's rows are distinct: the same sums as bm25s's add.at
        return scores * np.float32(self.scale)

    def top(self, query: list[str], k: int) -> list[tuple[int, float]]:
        """The k best (passage id, BM25 score) pairs with a score above zero, best first
        (equal scores: the older passage first)."""
        if self._indptr is None or k <= 0:
            return []
        postings = self._postings(query)
        if not postings:
            return []
        n = len(self._ids)
        buf = getattr(self._local, "buf", None)
        if buf is None or len(buf) != n:
            buf = self._local.buf = np.zeros(n, dtype=np.float32)
        touched = sum(len(rows) for rows, _ in postings)
        try:
            for rows, weights in postings:
                # Cast first: add.at has a fast path for float32 into float32 only (16-bit
                # steps straight in: 1 ms a question at 100k instead of 0.07). Whole
                # steps: exact sums, whatever the order.
                np.add.at(buf, rows, weights.astype(np.float32))
            if 2 * touched >= n:  # most passages touched: select over all of them
                kk = min(k, n)
                # kth counted from the top: numpy's introselect crawls over the many equal
                # zeros when asked for the (n - k)th smallest instead
                pos = np.argpartition(-buf, kk - 1)[:kk]
                val = buf[pos]
            else:  # select among the touched rows; a passage is there once a term it has
                rows = postings[0][0] if len(postings) == 1 else np.concatenate([r for r, _ in postings])
                vals = buf[rows]
                kk = min(len(rows), k * len(postings))
                part = np.argpartition(-vals, kk - 1)[:kk] if len(rows) > kk else slice(None)
                pos, first = np.unique(rows[part], return_index=True)
                val = vals[part][first]
        finally:
            if 16 * touched >= n:
                buf.fill(0)
            else:
                for rows, _ in postings:
                    buf[rows] = 0
        order = np.lexsort((pos, -val))[:k]
        order = order[val[order] > 0]
        return list(zip(self._ids[pos[order]].tolist(), (val[order] * self.scale).tolist()))

    def passage_terms(self) -> Iterator[tuple[int, list[str], np.ndarray]]:
        """Each passage's (id, terms, stored 16-bit weights), in id order: what a Xapian shard
        holds of it (index/search/shards.py), so that it ranks there as it does here."""
        if self._indptr is None:
            return
        import scipy.sparse as sp

        n, v = len(self._ids), len(self._indptr) - 1
        rows = sp.csc_matrix((self._data, self._indices, self._indptr), shape=(n, v)).tocsr()
        names = [""] * v
        for term, tid in self._vocab.items():
            if tid < v:
                names[tid] = term
        for i, pid in enumerate(self._ids.tolist()):
            a, z = rows.indptr[i], rows.indptr[i + 1]
            yield pid, [names[t] for t in rows.indices[a:z].tolist()], rows.data[a:z]

    def presence(self, terms: list[str], pids: list[int]) -> np.ndarray:
        """Which of the passages `pids` hold each term: a (terms x passages) bool array,
        read off the matrix's postings instead of the passages' stored text."""
        out = np.zeros((len(terms), len(pids)), dtype=bool)
        if self._indptr is None or not pids:
            return out
        rows = np.searchsorted(self._ids, np.asarray(pids, dtype=np.int64))
        for i, t in enumerate(terms):
            tid = self._vocab.get(t)
            if tid is None:
                continue
            post = self._indices[self._indptr[tid] : self._indptr[tid + 1]]
            if len(post):
                at = np.minimum(np.searchsorted(post, rows), len(post) - 1)
                out[i] = post[at] == rows
        return out


def counts_from_rows(rows: Iterable[tuple[int, str]], vocab: dict[str, int]) -> TermCounts:
    """Count (passage id, space-separated terms) rows; new terms join `vocab`."""
    ids: list[int] = []
    flat, lens = array("i"), array("q")
    number = vocab.setdefault
    for pid, text in rows:
        terms = text.split()
        ids.append(pid)
        flat.extend([number(t, len(vocab)) for t in terms])
        lens.append(len(terms))
    return count_terms(
        np.asarray(ids, dtype=np.int64),
        np.frombuffer(flat, dtype=np.int32),
        np.frombuffer(lens, dtype=np.int64),
        len(vocab),
    )


def _slice_weights(matrix, slices, length_part: np.ndarray, idf: np.ndarray, df: np.ndarray):
    """The float32 weights of each slice of columns in turn, in one reused buffer."""
    size = max((int(matrix.indptr[hi] - matrix.indptr[lo]) for lo, hi in slices), default=0)
    buffer, tf_buffer = np.empty(size, dtype=np.float32), np.empty(size, dtype=np.float32)
    for lo, hi in slices:
        a, z = int(matrix.indptr[lo]), int(matrix.indptr[hi])
        w, tf = buffer[: z - a], tf_buffer[: z - a]
        np.take(length_part, matrix.indices[a:z], out=w, mode="clip")  # "raise" would buffer
        tf[:] = matrix.data[a:z]
        w += tf
        np.divide(tf, w, out=w)
        w *= np.repeat(idf[lo:hi], df[lo:hi])
        yield w


def _column_slices(indptr: np.ndarray, entries: int = 1_000_000):
    """(first, last + 1) column ranges of about `entries` postings each."""
    cols = len(indptr) - 1
    cuts = np.searchsorted(indptr, np.arange(entries, int(indptr[-1]), entries)) if cols else []
    edges = [0, *sorted(set(int(c) for c in cuts) - {0, cols}), cols]
    return list(zip(edges[:-1], edges[1:]))


def _load_counts(directory: Path):
    meta = json.loads((directory / "complete.json").read_text())
    if meta.get("format") != FORMAT:
        raise ValueError(f"{directory} has no term counts")
    ids = np.load(directory / "passage_ids.npy", mmap_mode="r")
    vocab = json.loads((directory / "vocab.index.json").read_text(encoding="utf-8"))
    counts = tuple(
        np.load(directory / f"{name}.npy", mmap_mode="r") for name in ("doc_indptr", "doc_terms", "doc_tf", "doc_len")
    )
    if len(counts[0]) != len(ids) + 1 or len(counts[3]) != len(ids):
        raise ValueError(f"{directory}: term counts do not match its passages")
    return ids, vocab, counts
