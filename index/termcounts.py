"""Passages' term counts, made where the text is tokenised.

BM25 weights need each passage's distinct terms, their counts and its length. Counting
and numbering terms is per-term Python work: done in the worker processes that tokenise,
it runs in parallel, and the main process (which writes SQLite meanwhile) is left with
numpy work. Each worker numbers terms in a vocabulary of its own (`Coder`) and sends,
with every document, the terms it has not sent before; `Batch` in the main process maps
each worker's numbers onto one vocabulary for the reindex, then onto the index's.
"""

from __future__ import annotations

import os
from array import array
from collections import defaultdict
from dataclasses import dataclass
from itertools import chain, count, islice

import numpy as np

from index.ranking import TermCounts, count_terms


@dataclass
class Coded:
    """One document's passages counted, in the numbering of the worker that read it."""

    coder: str  # which worker's numbering
    told: int  # terms of that numbering sent before this document
    new_terms: list[str]  # numbers told .. told + len - 1
    terms: np.ndarray  # each passage's distinct terms, passage after passage
    tf: np.ndarray  # their counts
    sizes: np.ndarray  # distinct terms a passage
    lengths: np.ndarray  # terms a passage (BM25's document length)

    def __len__(self) -> int:
        return len(self.sizes)


class Coder:
    """A worker's term numbering."""

    def __init__(self) -> None:
        self.key = os.urandom(8).hex()
        # A new term gets the next number inside dict lookup itself: numbering a
        # passage's terms is one C-level map() call, not a Python step a term.
        self._ids: defaultdict[str, int] = defaultdict(count().__next__)
        self._told = 0

    def count(self, passages: list[list[str]]) -> Coded:
        n = len(passages)
        lengths = np.fromiter(map(len, passages), dtype=np.int64, count=n)
        total = int(lengths.sum())
        # Numbered first in a small dict of this document's own (it stays in the CPU's
        # cache), then only its distinct terms are looked up in the worker's large one.
        local: defaultdict[str, int] = defaultdict(count().__next__)
        ids = np.fromiter(map(local.__getitem__, chain.from_iterable(passages)), dtype=np.int64, count=total)
        known = np.fromiter(map(self._ids.__getitem__, local), dtype=np.int64, count=len(local))
        ids = known[ids] if total else ids
        counts = count_terms(np.arange(n, dtype=np.int64), ids, lengths, max(1, len(self._ids)))
        told, self._told = self._told, len(self._ids)
        # A dict keeps insertion order, which is numbering order: the newest are at its end.
        new = list(islice(reversed(self._ids), self._told - told))[::-1]
        return Coded(self.key, told, new, counts.terms, counts.tf, np.diff(counts.indptr).astype(np.int32),
                     lengths.astype(np.int32))


class Batch:
    """The term counts of the passages a reindex adds, in passage id order."""

    def __init__(self) -> None:
        self._vocab: dict[str, int] = {}
        self._maps: dict[str, array] = {}  # worker numbering -> this batch's
        self._ids: list[np.ndarray] = []
        self._parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []

    def add(self, coded: Coded, first_id: int) -> None:
        """A document's counts; its passages have the ids first_id, first_id + 1, ..."""
        mapping = self._maps.setdefault(coded.coder, array("i"))
        if coded.told != len(mapping):  # would number terms wrongly: a bug, not bad input
            raise ValueError(f"term counts out of order ({coded.told} != {len(mapping)})")
        vocab = self._vocab
        number = vocab.setdefault
        mapping.extend([number(t, len(vocab)) for t in coded.new_terms])
        terms = np.frombuffer(mapping, dtype=np.int32)[coded.terms] if len(coded.terms) else coded.terms
        self._ids.append(np.arange(first_id, first_id + len(coded), dtype=np.int64))
        self._parts.append((terms, coded.tf, coded.sizes, coded.lengths))

    @property
    def ids(self) -> np.ndarray:
        return np.concatenate(self._ids) if self._ids else np.zeros(0, dtype=np.int64)

    def counts(self, vocab: dict[str, int]) -> TermCounts:
        """The counts with terms numbered in `vocab` (the index's); new terms join it."""
        number = vocab.setdefault
        to_index = np.asarray([number(t, len(vocab)) for t in self._vocab], dtype=np.int32)
        if not self._parts:
            return TermCounts.empty()
        terms, tf, sizes, lengths = (np.concatenate(col) for col in zip(*self._parts))
        indptr = np.zeros(len(sizes) + 1, dtype=np.int64)
        np.cumsum(sizes, out=indptr[1:])
        return TermCounts(self.ids, indptr, to_index[terms] if len(terms) else terms.astype(np.int32),
                          tf, lengths.astype(np.int64))
