"""One change of the index, all or nothing, in plain steps:

    plan      which files are new or changed (by content hash), before the transaction
    tokenise  those files read, cleaned and tokenised, in worker processes when there is
              enough text to be worth starting them
    write     each document's rows written as it comes back, the gone ones dropped, the
              folder's moves promised, all in one transaction
    weigh     the next BM25 generation: the live one's counts reused, the new passages'
              added, saved beside the database
    swap      commit, serve the new generation, keep the folder's promises, drop the
              generations no one serves

The transaction is open while the workers tokenise: each document is written as it comes
back, so SQLite's work overlaps theirs. Readers (WAL) go on reading the previous state; a
failure anywhere rolls it all back and removes the half-written generation.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import partial
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from index.documents.unreadable import UnreadableDocument
from index.search import processing, store
from index.search.processing import Processed
from index.search.ranking import Bm25Index, TermCounts, counts_from_rows
from index.search.termcounts import Batch, Coder

if TYPE_CHECKING:
    from index.settings import Settings

log = logging.getLogger(__name__)

PIPELINE_VERSION = "12"  # bump when cleaning or tokenising changes: every document is redone
STAGED_SUFFIX = ".uploading"  # ".名字.txt.uploading": an upload not yet in place (a dot-file: no reindex reads it)


@dataclass
class ReindexSummary:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[tuple[str, UnreadableDocument]] = field(default_factory=list)  # (file, why)
    documents: int = 0
    passages: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict:
        out = asdict(self)
        out["skipped"] = [{"file": name, "code": why.code, "reason": str(why)} for name, why in self.skipped]
        return out


def generations_dir(db_path: Path) -> Path:
    """Where the BM25 generations of the database `db_path` live (`<db>.index/gen-N`)."""
    return db_path.with_name(db_path.name + ".index")


def keep_promises(db, corpus: Path) -> None:
    """Make the folder changes committed index changes promised, then drop staged
    files no promise names (uploads that crashed before their index change)."""
    for name, staged in store.pending_moves(db):
        target = corpus / name
        if staged is None:
            target.unlink(missing_ok=True)
        elif (corpus / staged).exists():  # not yet moved: the crash came first
            os.replace(corpus / staged, target)
        store.forget_move(db, name)
    if corpus.is_dir():
        for leftover in corpus.glob(f".*{STAGED_SUFFIX}"):
            log.warning("removing %s, left by an upload that did not finish", leftover.name)
            leftover.unlink(missing_ok=True)


class Reindex:
    """One index change in `db` (the writer's connection): `files` read when new or
    changed, `extra` (documents read already: an upload) written as they are, `remove`
    dropped, and (unless `keep_others`) every indexed document not in `files` dropped;
    `moves` promised with it and kept after the commit."""

    def __init__(
        self,
        db,
        settings: Settings,
        files: dict[str, Path],
        skipped: list[tuple[str, UnreadableDocument]],
        *,
        extra: dict[str, Processed] | None = None,
        remove: list[str] | None = None,
        keep_others: bool = False,
        progress: Callable[[int, int], None] | None = None,
        moves: dict[str, str | None] | None = None,
        publish: Callable | None = None,
    ):
        self.db = db
        self.settings = settings
        self.files = files
        self.extra = extra or {}
        self.remove = remove or []
        self.keep_others = keep_others
        self.progress = progress
        self.moves = moves or {}
        # publish(db, index, generation) -> shards.Built: the shards of the new generation,
        # built inside the transaction so that a failure there changes nothing either.
        self.publish = publish
        self.generations = generations_dir(settings.db_path)
        self.summary = ReindexSummary(skipped=list(skipped))
        self.batch = Batch()  # the term counts of the passages written, from the workers
        self.known: dict[str, str] = {}  # the indexed documents' content hashes, before the change

    def run(self, serve: Callable[[Bm25Index, int], None]) -> ReindexSummary:
        """Every step; `serve(index, generation)` is told the new index once committed."""
        started = time.perf_counter()
        todo = self._plan()
        directory = built = None
        try:
            with store.transaction(self.db):
                for p in self.extra.values():
                    self._write(p)
                self._tokenise(todo)
                self._drop_gone()
                for name, staged in self.moves.items():
                    store.promise_move(self.db, name, staged)
                store.set_meta(self.db, "pipeline_version", PIPELINE_VERSION)
                generation = int(store.get_meta(self.db, "generation", "0")) + 1
                index = self._weigh(generation)
                directory = self.generations / f"gen-{generation}"
                if directory.exists():
                    shutil.rmtree(directory)
                index.save(directory)
                if self.publish is not None:
                    built = self.publish(self.db, index, generation)
                store.set_meta(self.db, "generation", str(generation))
        except BaseException:
            if directory is not None:
                shutil.rmtree(directory, ignore_errors=True)
            if built is not None:
                built.discard()
            raise
        if built is not None:
            try:
                built.swap()  # before serving: a reader that follows the new generation reconnects to these
            except OSError as exc:  # committed all the same: the shards serve the generation before
                log.warning("shards not swapped in (%s): run `python -m bot shards build` again", exc)
        self._swap(serve, index, generation)
        counts = store.counts(self.db)
        self.summary.documents, self.summary.passages = counts["documents"], counts["passages"]
        self.summary.seconds = round(time.perf_counter() - started, 3)
        return self.summary

    # ---- plan -----------------------------------------------------------------------------

    def _plan(self) -> list[tuple[str, Path]]:
        """The files to read: new ones, and those whose content changed (every one after a
        pipeline upgrade); a file unchanged is counted, one unreadable now skipped."""
        self.known = store.document_hashes(self.db)
        redo_all = store.get_meta(self.db, "pipeline_version") != PIPELINE_VERSION
        todo: list[tuple[str, Path]] = []
        for name, path in list(self.files.items()):
            if redo_all or name not in self.known:  # new: read once, by the worker
                todo.append((name, path))
                continue
            try:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError as exc:  # gone or unreadable since the folder was listed
                self.summary.skipped.append((name, UnreadableDocument("cannot_read", detail=exc.strerror or str(exc))))
                del self.files[name]
                continue
            if self.known[name] != digest:
                todo.append((name, path))
            else:
                self.summary.unchanged += 1
        return todo

    # ---- tokenise -------------------------------------------------------------------------

    def _tokenise(self, todo: list[tuple[str, Path]]) -> None:
        """Read, clean and tokenise the files `todo`, in worker processes when there is
        enough text; each document written as it comes back, in `todo`'s order."""
        s = self.settings
        jobs = [(str(path), name, s.max_passage_chars, s.min_passage_chars) for name, path in todo]
        if self._worth_workers(jobs) and s.workers > 1 and len(jobs) > 1:
            with ProcessPoolExecutor(
                s.workers, mp_context=get_context("spawn"), initializer=processing.start_worker
            ) as pool:
                # Small chunks: results come back (and are written) while the rest is read.
                chunk = max(1, min(16, len(jobs) // (s.workers * 8)))
                results = pool.map(processing.process_file_in_worker, jobs, chunksize=chunk)
                for done, result in enumerate(results, 1):
                    self._collect(result, done, len(jobs))
        else:
            coder = Coder()
            for done, job in enumerate(jobs, 1):
                self._collect(processing.process_file(job, coder), done, len(jobs))

    def _worth_workers(self, jobs: list[tuple]) -> bool:
        """Is there enough text to be worth starting workers? (Sizes read only up to that.)"""
        size = 0
        for path, *_ in jobs:
            size += Path(path).stat().st_size
            if size >= self.settings.parallel_min_bytes:
                return True
        return False

    def _collect(self, result: Processed | tuple[str, UnreadableDocument], done: int, total: int) -> None:
        """A worker's result: a document to write, or a file it could not read; then the
        progress told."""
        if isinstance(result, Processed):
            self._write(result)
        else:
            name, reason = result
            log.warning("skipped %s: %s", name, reason)
            self.summary.skipped.append((name, reason))
        if self.progress:
            self.progress(done, total)

    # ---- write ----------------------------------------------------------------------------

    def _write(self, p: Processed) -> None:
        first = store.replace_document(self.db, p.name, p.sha256, p.title, p.chars, p.passages)
        self.batch.add(p.counts, first)
        (self.summary.changed if p.name in self.known else self.summary.added).append(p.name)

    def _drop_gone(self) -> None:
        """Drop the documents to remove, and (unless others are kept) those no longer in
        the folder."""
        gone = list(self.remove)
        if not self.keep_others:
            # A file still in the folder but skipped now (too large, unreadable)
            # keeps its last good version in the index.
            present = set(self.files) | {n for n, _ in self.summary.skipped}
            gone += [n for n in self.known if n not in present]
        for name in gone:
            if store.delete_document(self.db, name):
                self.summary.removed.append(name)

    # ---- weigh ----------------------------------------------------------------------------

    def _weigh(self, generation: int) -> Bm25Index:
        """The BM25 index of every passage now written. Only the new passages are counted:
        the rest come from the live generation."""
        s = self.settings
        ids = np.asarray(store.passage_ids(self.db), dtype=np.int64)
        previous = self.generations / f"gen-{generation - 1}"
        return Bm25Index.update(previous, ids, partial(self._counts_after, ids), s.k1, s.b)

    def _counts_after(self, ids: np.ndarray, after: int, vocab: dict[str, int]) -> TermCounts:
        """The term counts of the passages with an id above `after`: those written here,
        counted by the workers, unless more are needed (the previous generation is gone):
        those are read back."""
        if np.array_equal(self.batch.ids, ids[ids > after]):
            return self.batch.counts(vocab)
        return counts_from_rows(processing.stored_terms(store.iter_passage_tokens(self.db, after=after)), vocab)

    # ---- swap -----------------------------------------------------------------------------

    def _swap(self, serve: Callable[[Bm25Index, int], None], index: Bm25Index, generation: int) -> None:
        """After the commit: serve the new generation, make the folder's promised moves,
        drop every other generation."""
        serve(index, generation)
        try:
            keep_promises(self.db, self.settings.corpus_dir)
        except OSError as exc:  # committed all the same: the next writer tries again
            log.warning("corpus folder not yet in line with the index (%s); will retry", exc)
        for directory in self.generations.glob("gen-*"):
            if directory.name != f"gen-{generation}":
                shutil.rmtree(directory, ignore_errors=True)
