"""One file's bytes to the rows a reindex stores and the term counts it indexes.

This is the part of a reindex that runs in worker processes, one document at a time:
reading, cleaning, tokenising, counting. Everything it returns is plain data, sent back
to the main process, which writes it (`index.engine`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import numpy as np

from index import lifeline
from index.documents.places import places_at
from index.documents.readers import read_with_places
from index.documents.unreadable import UnreadableDocument
from index.passages.cleaning import Passage, clean
from index.passages.tokenizer import SENTENCE_SEP, SEP, char_pairs_many, sentence_texts, tokenize_many
from index.search.termcounts import Coded, Coder


@dataclass
class Processed:
    name: str
    sha256: str
    title: str
    chars: int
    passages: list[tuple]  # the passages table's rows, as store.PASSAGE_FIELDS
    counts: Coded  # each passage's BM25 terms, counted
    ocr_pages: int = 0  # pages read by OCR (an image: 1)


def process_document(name: str, data: bytes, max_chars: int, min_chars: int, coder: Coder | None = None) -> Processed:
    """Bytes of one file to stored passage rows. Raises UnreadableDocument."""
    reading = read_with_places(name, data)
    text = reading.text
    passages = clean(text, max_chars, min_chars)
    if not passages:
        raise UnreadableDocument("no_text")
    # Where each passage's first line is on its page (an image, a PDF), for its source.
    places = [p.column if p else None for p in places_at(reading.places, [p.start for p in passages])]
    coder = coder or Coder()
    rows: list[tuple] = []
    counted = []
    # A long document is tokenised and counted a part at a time: their temporaries (word
    # lists, numpy arrays of every term) took 1.1 GB for 10 MB of text in one go.
    for lo, hi in _parts(passages):
        part_rows, part_counts = _rows_and_counts(passages[lo:hi], passages[lo - 1] if lo else None, coder)
        rows += [(lo + i, *row[1:], places[lo + i]) for i, row in enumerate(part_rows)]
        counted.append(part_counts)
    title = next((r[2] for r in rows if r[2]), Path(name).stem)
    return Processed(
        name, hashlib.sha256(data).hexdigest(), title, len(text), rows, _joined(counted), reading.ocr_pages
    )


PART_CHARS = 1_000_000  # characters of passages tokenised together


def _parts(passages: list[Passage]) -> Iterator[tuple[int, int]]:
    """(first, after last) of runs of passages of about PART_CHARS characters."""
    lo, size = 0, 0
    for i, p in enumerate(passages):
        size += len(p.text)
        if size >= PART_CHARS:
            yield lo, i + 1
            lo, size = i + 1, 0
    if lo < len(passages):
        yield lo, len(passages)


def _rows_and_counts(passages: list[Passage], previous: Passage | None, coder: Coder) -> tuple[list[tuple], Coded]:
    texts, made_of = passage_texts(passages, previous)
    words, pairs = tokenize_many(texts)
    words_of = [w.strip() for w in " ".join(words).split(SEP)]
    # Stored: each sentence's words, and the heading's and the context's words and pairs;
    # a sentence's pairs are counted from its text again (`stored_terms`).
    head_pairs = pairs.joined({k for parts in made_of for k in parts[:2]})
    rows = []
    for i, (p, parts) in enumerate(zip(passages, made_of)):
        cuts, acc = [], 0
        for s in p.sentences:
            acc += len(s)
            cuts.append(str(acc))
        head = " ".join(t for k in parts[:2] for t in (words_of[k], head_pairs[k]) if t)
        rows.append(
            (
                i,
                p.paragraph,
                p.title,
                p.section,
                p.text,
                p.start,
                p.end,
                ",".join(cuts),
                SENTENCE_SEP.join([words_of[k] for k in parts[2:]]),
                head,
            )
        )  # store.PASSAGE_FIELDS but the place
    return rows, coder.count(words, pairs, made_of)


def _joined(parts: list[Coded]) -> Coded:
    """One document's counts from its parts', counted one after another by one coder."""
    if len(parts) == 1:
        return parts[0]
    first = parts[0]
    return Coded(
        first.coder,
        first.told,
        [t for c in parts for t in c.new_terms],
        *(np.concatenate(col) for col in zip(*((c.terms, c.tf, c.sizes, c.lengths) for c in parts))),
    )


def passage_texts(passages: list[Passage], previous: Passage | None = None) -> tuple[list[str], list[list[int]]]:
    """A document's distinct texts, and each passage's as their numbers: its heading, the
    sentence before it, then its own sentences. Each text is tokenised once: a heading
    recurs on each passage of its article, and a context sentence closed the passage before.
    `previous`: the passage before the first, when these are part of a document."""
    texts: dict[str, int] = {}
    made_of = []
    for p in passages:
        # The sentence before a passage often names what it speaks of ("在浦沅社区，…"
        # then "“老口子”丁秋林…"): its words are indexed with the passage, unseen.
        context = previous.sentences[-1] if previous is not None and previous.title == p.title else ""
        previous = p
        made_of.append([texts.setdefault(t, len(texts)) for t in (p.heading, context, *p.sentences)])
    return list(texts), made_of


def stored_terms(rows: Iterable[tuple[int, str, str, str, str]], group: int = 2000) -> Iterator[tuple[int, str]]:
    """(passage id, BM25 terms) of stored passages (store.iter_passage_tokens): the terms
    a reindex counted for each, its stored words and its sentences' character pairs."""
    rows = iter(rows)
    while chunk := list(islice(rows, group)):
        sentences = [sentence_texts(text, cuts) for _, _, _, text, cuts in chunk]
        pairs = iter(char_pairs_many([s for ss in sentences for s in ss]).joined())
        for (pid, head, tokens, _, _), ss in zip(chunk, sentences):
            parts = [head, tokens.replace(SENTENCE_SEP, " "), *(next(pairs) for _ in ss)]
            yield pid, " ".join(t for t in parts if t)


def process_file(
    args: tuple[str, str, int, int], coder: Coder | None = None
) -> Processed | tuple[str, UnreadableDocument]:
    """`process_document` on a file, or (name, why it cannot be read)."""
    path, name, max_chars, min_chars = args
    try:
        data = Path(path).read_bytes()
        return process_document(name, data, max_chars, min_chars, coder)
    except UnreadableDocument as exc:
        return (name, exc)
    except OSError as exc:  # gone or unreadable since the folder was listed
        return (name, UnreadableDocument("cannot_read", detail=exc.strerror or str(exc)))
    except Exception as exc:  # a reader library choking on a broken file
        return (name, UnreadableDocument("cannot_read", detail=f"{type(exc).__name__}: {str(exc)[:200]}"))


# ---- in a worker process ----------------------------------------------------------------

_worker_coder: Coder | None = None


def start_worker() -> None:
    """A pool's initializer: the worker numbers terms afresh for this reindex, and ends
    with the process that started it."""
    global _worker_coder
    _worker_coder = Coder()
    lifeline.end_with_parent()


def process_file_in_worker(args: tuple[str, str, int, int]) -> Processed | tuple[str, UnreadableDocument]:
    return process_file(args, _worker_coder)
