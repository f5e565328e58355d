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
from typing import NamedTuple

import numpy as np

from index.passages.tokenizer import SEP, CharPairs, pair_term

CHUNK = 100_000  # passages a numpy step works on: bounded temporaries


class TermCounts(NamedTuple):
    """Passages' distinct terms and their counts: what the weights are made from."""

    ids: np.ndarray  # passage ids, ascending (int64)
    indptr: np.ndarray  # passage i's terms are terms[indptr[i]:indptr[i + 1]] (int64)
    terms: np.ndarray  # term ids (int32)
    tf: np.ndarray  # how often each is in its passage
    lengths: np.ndarray  # terms a passage, repeats counted (int64)

    @classmethod
    def empty(cls) -> TermCounts:
        return cls(
            np.zeros(0, dtype=np.int64),
            np.zeros(1, dtype=np.int64),
            np.zeros(0, dtype=np.int32),
            np.zeros(0, dtype=np.uint16),
            np.zeros(0, dtype=np.int64),
        )


def count_terms(ids: np.ndarray, flat: np.ndarray, lens: np.ndarray, vocab_size: int) -> TermCounts:
    """Each passage's distinct terms and counts, from its terms in a row (`flat`, `lens`
    a passage; term ids below `vocab_size`)."""
    n = len(lens)
    starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lens, out=starts[1:])
    keys, tfs = [], []
    for lo in range(0, n, CHUNK):  # a slice of passages at a time: bounded temporaries
        hi = min(n, lo + CHUNK)
        key = np.repeat(np.arange(lo, hi, dtype=np.int64), lens[lo:hi]) * vocab_size + flat[starts[lo] : starts[hi]]
        uniq, tf = np.unique(key, return_counts=True)
        keys.append(uniq)
        tfs.append(tf.astype(np.uint16 if not len(tf) or tf.max() < 65535 else np.int32))
    # One slice (a document in a worker, any corpus under CHUNK passages): no copy.
    uniq = keys[0] if len(keys) == 1 else np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)
    tf = tfs[0] if len(tfs) == 1 else np.concatenate(tfs) if tfs else np.zeros(0, dtype=np.uint16)
    del keys, tfs
    doc_indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(uniq // vocab_size, minlength=n), out=doc_indptr[1:])
    return TermCounts(ids, doc_indptr, (uniq % vocab_size).astype(np.int32), tf, np.asarray(lens, dtype=np.int64))


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
        # document's words is one C-level map() call, not a Python step a word.
        self._ids: defaultdict[str, int] = defaultdict(count().__next__)
        self._told = 0
        # Character pairs by code: a sorted array (numpy's binary search is several times
        # faster than a large dict here), and the pairs seen since it was last sorted.
        self._pair_codes = np.zeros(0, dtype=np.int64)
        self._pair_ids = np.zeros(0, dtype=np.int64)
        self._new_pairs: dict[int, int] = {}

    def count(self, words: list[str], pairs: CharPairs, passages: list[list[int]]) -> Coded:
        """Count a document's passages. Its texts (sentences, headings) were tokenised
        together (`tokenizer.tokenize_many`: `words`, SEP between texts, and `pairs`);
        each passage is made of the texts `passages[i]` (by number, repeats allowed)."""
        n_texts = pairs.n
        # Numbered first in a small dict of this document's own (it stays in the CPU's
        # cache), then only its distinct words are looked up in the worker's large one.
        local: defaultdict[str, int] = defaultdict(count().__next__)
        local[SEP]  # number 0
        ids = np.fromiter(map(local.__getitem__, words), dtype=np.int64, count=len(words))
        known = np.fromiter(map(self._ids.__getitem__, islice(local, 1, None)), dtype=np.int64, count=len(local) - 1)
        is_sep = ids == 0
        word_text = np.cumsum(is_sep)[~is_sep]
        word_ids = known[ids[~is_sep] - 1]
        distinct, where = np.unique(pairs.codes, return_inverse=True)
        pair_ids = self._pair_terms(distinct)[where]
        # Each text's terms side by side (its words, then its pairs), then each passage's:
        # the terms of its texts gathered, a text used twice counted twice.
        per_text = np.bincount(word_text, minlength=n_texts) + np.bincount(pairs.text, minlength=n_texts)
        order = np.argsort(np.concatenate([word_text, pairs.text]), kind="stable")
        by_text = np.concatenate([word_ids, pair_ids])[order]
        text_start = np.zeros(n_texts + 1, dtype=np.int64)
        np.cumsum(per_text, out=text_start[1:])
        used = np.fromiter(chain.from_iterable(passages), dtype=np.int64)
        used_len = per_text[used]
        used_end = np.cumsum(used_len)
        gather = np.arange(int(used_end[-1]) if len(used) else 0, dtype=np.int64)
        gather += np.repeat(text_start[used] - (used_end - used_len), used_len)
        texts_a_passage = np.fromiter(map(len, passages), dtype=np.int64, count=len(passages))
        last_text = np.cumsum(texts_a_passage) - 1
        lengths = np.diff(np.concatenate([[0], used_end[last_text]])) if len(passages) else texts_a_passage
        n = len(passages)
        counts = count_terms(np.arange(n, dtype=np.int64), by_text[gather], lengths, max(1, len(self._ids)))
        told, self._told = self._told, len(self._ids)
        # A dict keeps insertion order, which is numbering order: the newest are at its end.
        new = list(islice(reversed(self._ids), self._told - told))[::-1]
        return Coded(
            self.key,
            told,
            new,
            counts.terms,
            counts.tf,
            np.diff(counts.indptr).astype(np.int32),
            lengths.astype(np.int32),
        )

    def _pair_terms(self, codes: np.ndarray) -> np.ndarray:
        """The term numbers of distinct pair codes (ascending); new pairs are numbered as
        the words they spell, so a pair and a two-character word are one term."""
        known = self._pair_codes
        at = np.minimum(np.searchsorted(known, codes), max(0, len(known) - 1))
        found = known[at] == codes if len(known) else np.zeros(len(codes), dtype=bool)
        out = np.where(found, self._pair_ids[at] if len(known) else 0, -1)
        new_pairs, ids = self._new_pairs, self._ids
        missing = np.flatnonzero(~found)
        for i, code in zip(missing.tolist(), codes[missing].tolist()):
            term = new_pairs.get(code)
            if term is None:
                term = new_pairs[code] = ids[pair_term(code)]
            out[i] = term
        if len(new_pairs) > max(8192, len(known) // 4):  # sorted again ever more rarely
            all_codes = np.concatenate([known, np.fromiter(new_pairs, dtype=np.int64, count=len(new_pairs))])
            all_ids = np.concatenate(
                [self._pair_ids, np.fromiter(new_pairs.values(), dtype=np.int64, count=len(new_pairs))]
            )
            order = np.argsort(all_codes)
            self._pair_codes, self._pair_ids = all_codes[order], all_ids[order]
            new_pairs.clear()
        return out


class Batch:
    """The term counts of the passages a reindex adds, in passage id order."""

    def __init__(self) -> None:
        # Numbered as an index numbers its terms ("" first, for bm25s's padding): a batch
        # that starts an index keeps its numbers.
        self._vocab: defaultdict[str, int] = defaultdict(count().__next__)
        self._vocab[""]
        self._maps: dict[str, array] = {}  # worker numbering -> this batch's
        self._ids: list[np.ndarray] = []
        self._parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []

    def add(self, coded: Coded, first_id: int) -> None:
        """A document's counts; its passages have the ids first_id, first_id + 1, ..."""
        mapping = self._maps.setdefault(coded.coder, array("i"))
        if coded.told != len(mapping):  # would number terms wrongly: a bug, not bad input
            raise ValueError(f"term counts out of order ({coded.told} != {len(mapping)})")
        mapping.extend(map(self._vocab.__getitem__, coded.new_terms))
        terms = np.frombuffer(mapping, dtype=np.int32)[coded.terms] if len(coded.terms) else coded.terms
        self._ids.append(np.arange(first_id, first_id + len(coded), dtype=np.int64))
        self._parts.append((terms, coded.tf, coded.sizes, coded.lengths))

    @property
    def ids(self) -> np.ndarray:
        if len(self._ids) != 1:  # joined once, however often asked
            self._ids = [np.concatenate(self._ids) if self._ids else np.zeros(0, dtype=np.int64)]
        return self._ids[0]

    def counts(self, vocab: dict[str, int]) -> TermCounts:
        """The counts with terms numbered in `vocab` (the index's); new terms join it."""
        if len(vocab) == 1 and vocab.get("") == 0:  # a new index: numbered as this batch
            vocab.update(self._vocab)
            to_index = None
        else:
            number = vocab.setdefault
            to_index = np.asarray([number(t, len(vocab)) for t in self._vocab], dtype=np.int32)
        if not self._parts:
            return TermCounts.empty()
        terms, tf, sizes, lengths = (np.concatenate(col) for col in zip(*self._parts))
        indptr = np.zeros(len(sizes) + 1, dtype=np.int64)
        np.cumsum(sizes, out=indptr[1:])
        terms = terms.astype(np.int32, copy=False) if to_index is None or not len(terms) else to_index[terms]
        return TermCounts(self.ids, indptr, terms, tf, lengths.astype(np.int64))
