"""The BM25 index served by Xapian remote shards (`[search] backend = "xapian"`): the shard
databases built from a BM25 generation, and the client that asks them for the top passages.

A shard holds, for each of its passages, our own terms with our own stored 16-bit BM25
weights as their wdf, and Xapian scores them with TfIdfWeight("nnn") (wdf x query-term
count, no idf, no length norm): a passage's score on the shards is its weight here, to the
bit, whichever shard holds it and however many there are. Xapian's document id is our
passage id; its combined id over K shards, (pid - 1) x K + shard + 1, keeps passage order,
so equal scores come back oldest first, as they do locally. Passages are split by
document (a stable hash of its name), so a document's passages share a shard.

The texts stay in SQLite beside the bot, as do the idf, known and presence the re-ranker
reads (the local generation): only `top` goes to the shards. Fetching the texts from the
shards' document data would be one more round trip a question and a second copy to keep
in step, for no gain while one writer keeps SQLite anyway.

Layout of a shard folder: `shard-I` (a symlink the servers serve) -> `shard-I.G.T`, the
databases built for generation G; `shards.json` says how many there are. A rebuild writes
new folders, then swaps every link (an atomic rename each): a server's connections opened
after it read the new databases.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import time
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import numpy as np

from index import lifeline
from index.reasons import Reason
from index.search.ranking import Bm25Index

log = logging.getLogger(__name__)

SHARDS_FILE = "shards.json"
MAX_TERM_BYTES = 240  # Xapian's glass backend refuses terms over 245 bytes


class SearchUnavailable(Reason):
    """The shards cannot answer now: one is down, slow, or not the shard it should be.
    The question is not answered (rather than answered from part of the index)."""

    SENTENCES = {
        "shard_down": "search unavailable: a shard did not answer ({detail})",
        "shard_slow": "search unavailable: a shard did not answer within {seconds:g} s ({detail})",
        "wrong_shard": "search unavailable: {address} serves shard {found} of {count}, expected {expected} of {total}",
        "no_client": "search unavailable: the xapian Python module is not installed (pip install -e '.[shards]')",
    }


def _xapian():
    try:
        import xapian
    except ImportError:
        raise SearchUnavailable("no_client") from None
    return xapian


def shard_of(name: str, count: int) -> int:
    """The shard of a document: crc32 of its name, the same in every process and release."""
    return zlib.crc32(name.encode("utf-8")) % count


def count_in(out: Path) -> int:
    """How many shards the folder `out` holds (0: none built there)."""
    try:
        return int(json.loads((out / SHARDS_FILE).read_text())["shards"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0


def _usable(term: str) -> bool:
    return bool(term) and len(term.encode("utf-8")) <= MAX_TERM_BYTES


@dataclass
class Built:
    """Shard databases written, not yet served: `swap` puts them in place, `discard` drops them."""

    out: Path
    generation: int
    folders: list[Path]
    passages: list[int] = field(default_factory=list)  # by shard

    def swap(self) -> None:
        previous = set()
        for i, folder in enumerate(self.folders):
            link = self.out / f"shard-{i}"
            if link.is_symlink():
                previous.add(os.readlink(link))
            tmp = self.out / f".shard-{i}.link"
            tmp.unlink(missing_ok=True)
            tmp.symlink_to(folder.name)
            os.replace(tmp, link)
        tmp = self.out / f".{SHARDS_FILE}"
        tmp.write_text(json.dumps({"shards": len(self.folders), "generation": self.generation}))
        os.replace(tmp, self.out / SHARDS_FILE)
        # The generation before stays: a server's connection opened before the swap may
        # still read it. Older ones go.
        keep = previous | {f.name for f in self.folders}
        for folder in self.out.glob("shard-*.*"):
            if folder.is_dir() and not folder.is_symlink() and folder.name not in keep:
                shutil.rmtree(folder, ignore_errors=True)

    def discard(self) -> None:
        for folder in self.folders:
            shutil.rmtree(folder, ignore_errors=True)


def build(
    generation_dir: Path, documents: dict[int, str], count: int, out: Path, generation: int, workers: int = 2
) -> Built:
    """Write the BM25 generation saved in `generation_dir` (generation `generation`) as
    `count` shard databases in new folders under `out`, each passage in its document's
    shard (`documents`: passage id -> name), one worker process a shard (up to `workers`).
    Nothing served changes until the result's `swap`."""
    _xapian()  # no client, no workers started for nothing
    if count < 1:
        raise ValueError("at least one shard")
    out.mkdir(parents=True, exist_ok=True)
    stamp = f"{generation}.{time.time_ns()}"
    folders = [out / f"shard-{i}.{stamp}" for i in range(count)]
    built = Built(out, generation, folders)
    ids = np.load(generation_dir / "passage_ids.npy")
    which: dict[str, int] = {}

    def shard_at(pid: int) -> int:
        name = documents[pid]
        if name not in which:
            which[name] = shard_of(name, count)
        return which[name]

    assign = np.fromiter(map(shard_at, ids.tolist()), dtype=np.int32, count=len(ids))
    jobs = [(str(generation_dir), assign, i, count, str(folder), generation) for i, folder in enumerate(folders)]
    try:
        # Xapian's writing (~0.3 ms a passage) is most of the time: the shards side by side.
        if workers > 1 and count > 1 and len(ids) >= PARALLEL_MIN_PASSAGES:
            with ProcessPoolExecutor(
                min(workers, count), mp_context=get_context("spawn"), initializer=lifeline.end_with_parent
            ) as pool:
                built.passages = list(pool.map(_build_shard, jobs))
        else:
            built.passages = [_build_shard(job) for job in jobs]
    except BaseException:
        built.discard()
        raise
    return built


PARALLEL_MIN_PASSAGES = 20_000  # below this, starting processes costs more than it saves


def _build_shard(job: tuple[str, np.ndarray, int, int, str, int]) -> int:
    """One shard's database: the passages `assign` gives shard `shard`; how many there are."""
    generation_dir, assign, shard, count, folder, generation = job
    xapian = _xapian()
    index = Bm25Index.load(Path(generation_dir))
    db = xapian.WritableDatabase(folder, xapian.DB_CREATE_OR_OVERWRITE)
    written = 0
    try:
        for row, (pid, terms, steps) in enumerate(index.passage_terms()):
            if assign[row] != shard:
                continue
            doc = xapian.Document()
            for term, weight in zip(terms, steps.tolist()):
                if _usable(term):
                    doc.add_term(term, weight)
            db.replace_document(pid, doc)
            written += 1
        db.set_metadata("generation", str(generation))
        db.set_metadata("scale", repr(float(index.scale)))
        db.set_metadata("shard", str(shard))
        db.set_metadata("shards", str(count))
        db.commit()
    finally:
        db.close()
    return written


@dataclass
class _Handle:
    enquire: object
    scale: float
    generation: int
    epoch: int


class ShardClient:
    """`top(terms, k)` over the shard servers `addresses` ("host:port", shard 0 first), with
    a connection a thread (a Xapian database is not to be shared between threads)."""

    def __init__(self, addresses: list[str] | tuple[str, ...], timeout: float = 2.0):
        self.addresses = list(addresses)
        self.timeout = timeout
        self._local = threading.local()
        self._epoch = 0
        self.expected: int | None = None  # the generation the engine serves

    def follow(self, generation: int) -> None:
        """The engine serves `generation` now: every thread connects afresh on its next
        question, to the shards as rebuilt (a connection keeps the databases it opened)."""
        self.expected = generation
        self._epoch += 1

    def top(self, terms: list[str], k: int) -> list[tuple[int, float]]:
        """The k best (passage id, BM25 score) pairs, best first, as Bm25Index.top gives them."""
        counts: dict[str, int] = {}
        for t in terms:
            if _usable(t):
                counts[t] = counts.get(t, 0) + 1
        if k <= 0 or not counts:
            return []
        xapian = _xapian()
        query = xapian.Query(xapian.Query.OP_OR, [xapian.Query(t, n) for t, n in counts.items()])
        # Once again on a fresh connection: the server closes an idle one (its
        # --idle-timeout), or restarted, and a handle that saw that never recovers
        # (reopen() does not). Not after a time-out: the shard is slow, waiting again
        # would double the wait.
        for attempt in (1, 2):
            try:
                handle = self._handle()
                handle.enquire.set_query(query)
                mset = handle.enquire.get_mset(0, k)
                n = len(self.addresses)
                ids = [(m.docid - 1) // n + 1 for m in mset]
                scores = np.asarray([m.weight for m in mset], dtype=np.float32) * handle.scale
                return list(zip(ids, scores.tolist()))
            except xapian.NetworkTimeoutError as exc:
                self._local.handle = None
                log.warning("shard search timed out after %g s: %s", self.timeout, exc)
                raise SearchUnavailable("shard_slow", seconds=self.timeout, detail=str(exc)) from None
            except xapian.Error as exc:
                self._local.handle = None
                # The first failure is routine (a connection closed when idle): told quietly.
                log.log(
                    logging.INFO if attempt == 1 else logging.WARNING,
                    "shard search failed (attempt %d of 2): %s: %s",
                    attempt,
                    type(exc).__name__,
                    exc,
                )
                if attempt == 2:
                    raise SearchUnavailable("shard_down", detail=f"{type(exc).__name__}: {exc}") from None
        raise AssertionError("unreachable")

    def _handle(self) -> _Handle:
        handle = getattr(self._local, "handle", None)
        if handle is not None and handle.epoch == self._epoch:
            return handle
        handle = self._local.handle = self._connect()
        return handle

    def _connect(self) -> _Handle:
        xapian = _xapian()
        ms = max(1, int(self.timeout * 1000))
        combined = xapian.Database()
        scale = generation = None
        for i, address in enumerate(self.addresses):
            host, _, port = address.rpartition(":")
            remote = xapian.remote_open(host, int(port), ms, ms)
            found, total = remote.get_metadata("shard").decode(), remote.get_metadata("shards").decode()
            if found != str(i) or total != str(len(self.addresses)):
                raise SearchUnavailable(
                    "wrong_shard", address=address, found=found, count=total, expected=i, total=len(self.addresses)
                )
            if scale is None:
                scale = float(remote.get_metadata("scale").decode() or 1.0)
                generation = int(remote.get_metadata("generation").decode() or -1)
            combined.add_database(remote)
        if self.expected is not None and generation != self.expected:
            # Served all the same: the re-ranker's local statistics differ slightly, but
            # every passage it is given is read back from SQLite (one removed since is dropped).
            log.warning("shards hold generation %s, the index serves %s: rebuild them", generation, self.expected)
        enquire = xapian.Enquire(combined)
        enquire.set_weighting_scheme(xapian.TfIdfWeight("nnn"))
        enquire.set_docid_order(xapian.Enquire.ASCENDING)
        return _Handle(enquire, scale if scale is not None else 1.0, generation or -1, self._epoch)
