"""BM25 over passages, scored by bm25s.

bm25s keeps every term's BM25 weights in a sparse matrix, so a query costs a few numpy
slices instead of rank-bm25's Python loop over every passage (see bench/ for the
measurement). The matrix is saved to a directory and memory-mapped back, so start-up
reads no text and re-tokenises nothing.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Iterable

import bm25s
import numpy as np
from bm25s.tokenization import Tokenized

from index.store import SENTENCE_SEP


def passage_terms(tokens: str, head_tokens: str) -> list[str]:
    """The bag of words a passage is indexed under: its title and section, then its text."""
    return head_tokens.split() + tokens.replace(SENTENCE_SEP, " ").split()


class Bm25Index:
    """Passage ids and the BM25 matrix over them."""

    def __init__(self, retriever: bm25s.BM25 | None, passage_ids: np.ndarray):
        self.retriever = retriever
        self.passage_ids = passage_ids
        if retriever is not None:
            indptr = np.asarray(retriever.scores["indptr"])
            self._df = np.diff(indptr)
            self._vocab = retriever.vocab_dict
        else:
            self._df = np.zeros(0, dtype=np.int64)
            self._vocab = {}

    def __len__(self) -> int:
        return len(self.passage_ids)

    @classmethod
    def build(cls, rows: Iterable[tuple[int, str, str]], k1: float = 1.2, b: float = 0.75) -> Bm25Index:
        """Index (passage id, tokens, head tokens) rows, as stored by `index.store`."""
        vocab: dict[str, int] = {"": 0}  # bm25s wants an empty token id for padding
        ids: list[int] = []
        docs: list[list[int]] = []
        for pid, tokens, head in rows:
            ids.append(pid)
            docs.append([vocab.setdefault(t, len(vocab)) for t in passage_terms(tokens, head)])
        passage_ids = np.asarray(ids, dtype=np.int64)
        if not docs:
            return cls(None, passage_ids)
        retriever = bm25s.BM25(k1=k1, b=b, method="lucene")
        retriever.index(Tokenized(ids=docs, vocab=vocab), show_progress=False, create_empty_token=False)
        return cls(retriever, passage_ids)

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        np.save(directory / "passage_ids.npy", self.passage_ids)
        if self.retriever is not None:
            self.retriever.save(str(directory), show_progress=False)
        (directory / "complete.json").write_text(json.dumps({"passages": len(self.passage_ids)}))

    @classmethod
    def load(cls, directory: Path) -> Bm25Index:
        if not (directory / "complete.json").exists():
            raise FileNotFoundError(f"incomplete index in {directory}")
        passage_ids = np.load(directory / "passage_ids.npy", mmap_mode="r")
        if len(passage_ids) == 0:
            return cls(None, passage_ids)
        retriever = bm25s.BM25.load(str(directory), mmap=True, show_progress=False, verbosity=0)
        return cls(retriever, passage_ids)

    def idf(self, token: str) -> float:
        """Lucene's IDF; a word the corpus never uses gets the rarest word's weight."""
        n = len(self.passage_ids)
        tid = self._vocab.get(token)
        df = int(self._df[tid]) if tid is not None and tid < len(self._df) else 0
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def known(self, token: str) -> bool:
        tid = self._vocab.get(token)
        return tid is not None and tid < len(self._df) and self._df[tid] > 0

    def scores(self, query: list[str]) -> np.ndarray:
        if self.retriever is None:
            return np.zeros(0, dtype=np.float32)
        tids = [self._vocab[t] for t in query if t in self._vocab]
        if not tids:
            return np.zeros(len(self.passage_ids), dtype=np.float32)
        return self.retriever.get_scores_from_ids(tids)

    def top(self, query: list[str], k: int) -> list[tuple[int, float]]:
        """The k best (passage id, BM25 score) pairs with a score above zero, best first."""
        scores = self.scores(query)
        if scores.size == 0:
            return []
        k = min(k, scores.size)
        idx = np.argpartition(-scores, k - 1)[:k]
        idx = idx[np.argsort(-scores[idx], kind="stable")]
        return [(int(self.passage_ids[i]), float(scores[i])) for i in idx if scores[i] > 0]
