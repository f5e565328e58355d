"""One file's bytes to the rows a reindex stores and the term counts it indexes.

This is the part of a reindex that runs in worker processes, one document at a time:
reading, cleaning, tokenising, counting. Everything it returns is plain data, sent back
to the main process, which writes it (`index.engine`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from index.cleaning import clean
from index.readers import UnreadableDocument, read_document
from index.termcounts import Coded, Coder
from index.tokenizer import SENTENCE_SEP, SEP, tokenize_many


@dataclass
class Processed:
    name: str
    sha256: str
    title: str
    chars: int
    passages: list[tuple]  # the passages table's rows, as store.PASSAGE_FIELDS
    counts: Coded  # each passage's BM25 terms, counted


def process_document(name: str, data: bytes, max_chars: int, min_chars: int,
                     coder: Coder | None = None) -> Processed:
    """Bytes of one file to stored passage rows. Raises UnreadableDocument."""
    text = read_document(name, data)
    passages = clean(text, max_chars, min_chars)
    if not passages:
        raise UnreadableDocument("no readable text in the file")
    # Each distinct text once: a heading recurs on each passage of its article, and a
    # context sentence closed the passage before.
    texts: dict[str, int] = {}
    made_of = []
    previous = None
    for p in passages:
        # The sentence before a passage often names what it speaks of ("在浦沅社区，…"
        # then "“老口子”丁秋林…"): its words are indexed with the passage, unseen.
        context = previous.sentences[-1] if previous is not None and previous.title == p.title else ""
        previous = p
        made_of.append([texts.setdefault(t, len(texts)) for t in (p.heading, context, *p.sentences)])
    words, pairs = tokenize_many(list(texts))
    # A text's stored terms: its words, then its pairs (as index_terms gives them).
    terms = [f"{w} {p}" if w and p else w or p
             for w, p in zip(map(str.strip, " ".join(words).split(SEP)), pairs.joined)]
    rows = []
    for i, (p, parts) in enumerate(zip(passages, made_of)):
        cuts, acc = [], 0
        for s in p.sentences:
            acc += len(s)
            cuts.append(str(acc))
        head, context = terms[parts[0]], terms[parts[1]]
        rows.append((i, p.paragraph, p.title, p.section, p.text, p.start, p.end, ",".join(cuts),
                     SENTENCE_SEP.join([terms[k] for k in parts[2:]]),
                     f"{head} {context}" if head and context else head or context))  # store.PASSAGE_FIELDS
    title = next((r[2] for r in rows if r[2]), Path(name).stem)
    counts = (coder or Coder()).count(words, pairs, made_of)
    return Processed(name, hashlib.sha256(data).hexdigest(), title, len(text), rows, counts)


def process_file(args: tuple[str, str, int, int], coder: Coder | None = None) -> Processed | tuple[str, str]:
    """`process_document` on a file, or (name, why it cannot be read)."""
    path, name, max_chars, min_chars = args
    try:
        data = Path(path).read_bytes()
        return process_document(name, data, max_chars, min_chars, coder)
    except (UnreadableDocument, OSError) as exc:
        return (name, str(exc))
    except Exception as exc:  # a reader library choking on a broken file
        return (name, f"{type(exc).__name__}: {exc}")


# ---- in a worker process ----------------------------------------------------------------

_worker_coder: Coder | None = None


def start_worker() -> None:
    """A pool's initializer: the worker numbers terms afresh for this reindex."""
    global _worker_coder
    _worker_coder = Coder()


def process_file_in_worker(args: tuple[str, str, int, int]) -> Processed | tuple[str, str]:
    return process_file(args, _worker_coder)
