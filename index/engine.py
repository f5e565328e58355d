"""The answer engine's front door: open an index, ask it questions, keep it current.

    engine = Engine.open(Settings(corpus_dir=Path("seeds"), db_path=Path("index.db")))
    answer = engine.ask("雨花区有多少红色之家?")
    answer.sentence   # "目前，全区“红色之家”已建成28家。"
    engine.reindex()  # incremental by content hash; atomic

The BM25 matrix lives in a generation directory beside the database; the database's
meta table names the live generation. A reindex writes a new generation, then switches
to it in the same SQLite transaction that changes the passages, so a reindex that fails
or is killed leaves the previous generation whole and serving.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import sqlite3
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

from index.answers import answer_features, answer_model, answering, meaning, smalltalk, spans
from index.answers.examples import question_from_text
from index.answers.followup import follow_up, new_entity
from index.answers.highlight import mark_terms
from index.chars import HAN
from index.documents.places import Place
from index.documents.unreadable import DocumentRejected, UnreadableDocument, safe_name, too_large, unsupported
from index.normalize import normalize
from index.passages.tokenizer import char_bigrams, general_total, sentence_texts
from index.reasons import Reason
from index.search import processing, shards, store
from index.search.processing import Processed
from index.search.ranking import Bm25Index
from index.search.reindex import (
    PIPELINE_VERSION,
    STAGED_SUFFIX,
    Reindex,
    ReindexSummary,
    generations_dir,
    keep_promises,
)

# Re-exported: what ask raises when the shard servers cannot answer (the bot says it in Chinese).
from index.search.shards import SearchUnavailable as SearchUnavailable
from index.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Hit:
    """One passage as shown to a user."""

    id: int
    doc: str
    title: str
    section: str
    text: str
    paragraph: int
    start: int
    end: int
    score: float
    marks: list[tuple[int, int]] = field(default_factory=list)  # question terms in text
    ord: int = 0  # the passage's place in its document, from 0 (a long paragraph is several passages)
    doc_title: str = ""  # the document's own title (documents.title); "" when it has none
    best: str = ""  # the sentence saying most of the question's words (what a list of passages shows)
    page: int | None = None  # the page its first line is on (read from pages: an image, a PDF)
    box: tuple[float, float, float, float] | None = None  # that line's box there, in pixels

    @property
    def number(self) -> int:
        """N of "第N段": the passage's place in its document, from 1, so that no two passages
        of a document share it (paragraph numbers do: a long paragraph is cut in several)."""
        return self.ord + 1


# What an answer says: the sentence that answers, with the answer in bold ("answer"); the
# closest sentence, quoted without a claim, when the engine is unsure ("unsure"); nothing
# found ("none"); or small talk, not a question at all ("chat").
OUTCOMES = ("answer", "unsure", "none", "chat")


@dataclass
class Answer:
    question: str
    sentence: str | None  # the answer sentence; None unless outcome is "answer"
    span: tuple[int, int] | None  # the thing asked for, inside `sentence`
    passages: list[Hit]
    suggestions: list[str] = field(default_factory=list)  # closest article titles
    asked: str = ""  # the question actually searched (a follow-up, completed)
    reason: str = ""  # why there is no answer, for the log
    outcome: str = ""  # one of OUTCOMES; empty: "answer" when there is a sentence, else "none"
    confidence: float | None = None  # probability that the best sentence answers the question
    closest: str | None = None  # outcome "unsure": the best sentence, shown without a claim
    source: Hit | None = None  # the passage that sentence comes from (not always the top one)

    def __post_init__(self):
        if not self.outcome:
            self.outcome = "answer" if self.sentence is not None else "none"

    @property
    def found(self) -> bool:
        return self.sentence is not None

    @property
    def quoted(self) -> Hit | None:
        """The passage a reply quotes: the one its sentence comes from."""
        return self.source or (self.passages[0] if self.passages else None)

    @property
    def span_text(self) -> str | None:
        if self.sentence is None or self.span is None:
            return None
        return self.sentence[self.span[0] : self.span[1]]

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "kind": "chat" if self.outcome == "chat" else "question",
            "outcome": self.outcome,
            "answer": self.sentence,
            "span": self.span_text,
            "confidence": None if self.confidence is None else round(self.confidence, 4),
            "closest": self.closest,
            "reason": self.reason or None,  # why not answered (what the model weighed), for logs
            "passages": [
                {
                    "doc": h.doc,
                    "doc_title": h.doc_title,
                    "title": h.title,
                    "section": h.section,
                    "text": h.text,
                    "paragraph": h.paragraph,
                    "number": h.number,
                    "score": round(h.score, 4),
                    "page": h.page,
                    "box": h.box,
                }
                for h in self.passages
            ],
        }


@dataclass
class Reading:
    """The answer model's reading of the candidates: its best sentence, the candidate that
    holds it, and how sure it is that the sentence answers."""

    sentence: str
    passage: int
    confidence: float
    reason: str = ""  # why the question cannot be answered at all, if it cannot
    doubts: str = ""  # what the model weighed against answering (Engine.doubts)


class ReindexBusy(Exception):
    """Another reindex of the same database is running."""


_KEPT = "; nothing was changed and the previous index is still serving"


class ReindexFailed(Reason):
    """A reindex (or an upload, a removal) could not write the new index: the database is
    read-only, the disk is full. Nothing was changed and the previous index keeps serving."""

    SENTENCES = {
        "readonly": "reindex failed: the index database is read-only" + _KEPT,
        "disk_full": "reindex failed: the disk is full" + _KEPT,
        "no_permission": "reindex failed: no permission to write {path}" + _KEPT,
        "write_error": "reindex failed: could not write the index ({detail})" + _KEPT,
    }


def _write_failure(exc: BaseException) -> ReindexFailed:
    import errno

    text = str(exc)
    code = getattr(exc, "errno", None)
    if isinstance(exc, sqlite3.Error) and "readonly" in text.replace("-", "").replace(" ", ""):
        return ReindexFailed("readonly")
    if code == errno.ENOSPC or "disk is full" in text or "database or disk is full" in text:
        return ReindexFailed("disk_full")
    if code in (errno.EACCES, errno.EPERM, errno.EROFS):
        return ReindexFailed("no_permission", path=str(getattr(exc, "filename", None) or "the index"))
    return ReindexFailed("write_error", detail=f"{type(exc).__name__}: {text[:200]}")


class CorpusMissing(Reason):
    """The corpus folder is not there."""

    SENTENCES = {"corpus_missing": "corpus folder {folder} does not exist"}


def _write_synced(path: Path, data: bytes) -> None:
    """Write and flush to disk: a promise to move it must never find it half written."""
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _flock(lock_file, wait: float) -> None:
    """The exclusive lock on `lock_file`, waiting up to `wait` seconds; ReindexBusy after."""
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise ReindexBusy("a reindex is already running") from None
            time.sleep(0.1)


class Engine:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.settings.db_path.parent.mkdir(parents=True, exist_ok=True)
        self._ranking_weights = answering.RankingWeights(
            w_bm25=settings.w_bm25,
            w_cover=settings.w_cover,
            w_sentence=settings.w_sentence,
            w_type=settings.w_type,
            w_entity=settings.w_entity,
        )
        self._local = threading.local()
        self._meaning: meaning.Meaning | None = None  # set by open(); None: words alone
        self._index: Bm25Index | None = None
        self._generation = -1
        self._data_version = None
        self._reindex_lock = threading.Lock()
        self._swap_lock = threading.Lock()
        # "xapian": `top` asked of the shard servers; idf, known and presence stay local.
        self._shards = (
            shards.ShardClient(settings.shards, settings.shard_timeout) if settings.search_backend == "xapian" else None
        )

    # ---- opening ------------------------------------------------------------------------

    @classmethod
    def open(cls, settings: Settings, build_if_empty: bool = True, models: bool = True) -> Engine:
        """The engine on `settings`' index, built or brought up to date when it is a writer;
        ModelUnavailable first when a learned model file (or the meaning model, installed)
        cannot be used; `models` False: neither is read (the training scripts make them),
        and the answers are read on words alone."""
        engine = cls(settings)
        if models:
            check_models()
            engine._meaning = meaning.load(settings.db_path)
        if build_if_empty:  # a writer, not a read-only mirror (the answering process)
            engine.recover()
        if build_if_empty and not store.counts(engine.db)["documents"]:
            engine.reindex()
        elif build_if_empty and store.get_meta(engine.db, "pipeline_version") != PIPELINE_VERSION:
            # Stored tokens from an older cleaning or tokenising would not match new
            # questions: redo every document once, after an upgrade.
            log.warning("index built by an older version of the pipeline: reindexing")
            engine.reindex()
        engine._load()
        return engine

    @property
    def reads_meaning(self) -> bool:
        """Are answers read with the meaning model, or on words alone (not installed)?"""
        return self._meaning is not None

    @property
    def db(self):
        """One SQLite connection a thread: reads never see a running reindex's writes."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = store.connect(self.settings.db_path)
        return db

    def _load(self) -> None:
        gen = int(store.get_meta(self.db, "generation", "0"))
        directory = generations_dir(self.settings.db_path) / f"gen-{gen}"
        try:
            index = Bm25Index.load(directory)
        except (FileNotFoundError, ValueError, OSError):
            # The matrix went missing (or never was): rebuild it from the stored tokens.
            log.warning("index generation %s not found; rebuilding from stored tokens", gen)
            index = Bm25Index.build(
                processing.stored_terms(store.iter_passage_tokens(self.db)), self.settings.k1, self.settings.b
            )
        self._serve(index, gen)
        self._data_version = store.data_version(self.db)

    def _serve(self, index: Bm25Index, generation: int) -> None:
        """Answer from now on with `index`, the database's generation `generation`."""
        with self._swap_lock:
            self._index, self._generation = index, generation
        if self._shards is not None:
            self._shards.follow(generation)
        # Checked again on the next question: a reindex made here changed the database.
        self._data_version = None

    def _current_index(self) -> Bm25Index:
        # Another process (the command line) may have reindexed: follow it.
        if self._data_version != store.data_version(self.db):
            gen = int(store.get_meta(self.db, "generation", "0"))
            if gen != self._generation:
                self._load()
            self._data_version = store.data_version(self.db)
        assert self._index is not None
        return self._index

    # ---- asking -------------------------------------------------------------------------

    def warm_up(self) -> None:
        """Load now what answering loads on first use (the models, jieba's counts), so that
        the first question is answered as fast as the rest: one of the corpus's own example
        questions is asked, whatever the corpus holds."""
        self.example_questions(1)
        general_total()

    def ask(self, question: str, top_k: int | None = None, offset: int = 0, previous: str | None = None) -> Answer:
        """The answer sentence and the passages behind it, best first."""
        s = self.settings
        top_k = top_k or s.top_k
        if smalltalk.is_small_talk(question):
            return Answer(question, None, None, [], asked=question, reason="small talk", outcome="chat")
        asked = follow_up(question, previous) if previous else question
        found = self.retrieve(asked, max(s.candidates, offset + top_k))
        if found is None:
            return Answer(question, None, None, [], self.suggestions([]), asked, "no passage shares a word with it")
        query, cands, rows, index = found
        reading = self.read(query, cands, index)
        out = [self._hit(rows[c.pid], c.score, query.tokens) for c in cands[offset : offset + top_k]]
        held = cands[reading.passage]
        source = self._hit(rows[held.pid], held.score, query.tokens)
        sentence = span = closest = None
        reason = reading.reason
        sure, near = self.thresholds()
        if reading.confidence >= sure:
            outcome, sentence = "answer", reading.sentence
            span = spans.answer_span(query, sentence)
        elif reading.confidence >= near and not reason:
            outcome, closest = "unsure", reading.sentence
            reason = _joined(f"confidence {reading.confidence:.2f} < {sure}", reading.doubts)
        else:
            outcome = "none"
            reason = reason or _joined(f"confidence {reading.confidence:.2f} < {near}", reading.doubts)
        named = new_entity(question, previous) if previous else None
        if outcome != "none" and named and normalize(named) not in normalize(rows[held.pid].text):
            outcome, sentence, span, closest = "none", None, None, None
            reason = f"a follow-up on {named}, which the passage does not name"
        suggestions = [] if sentence else self.suggestions([rows[c.pid].title for c in cands[:10]])
        return Answer(
            question,
            sentence,
            span,
            out,
            suggestions,
            asked,
            reason,
            outcome,
            reading.confidence,
            closest,
            source if outcome != "none" else None,
        )

    def thresholds(self) -> tuple[float, float]:
        """The confidence an answer needs, and the confidence the closest content needs."""
        s, trained = self.settings, answer_model.load(meaning=self.reads_meaning).thresholds
        sure = s.answer_confidence if s.answer_confidence is not None else trained["answer"]
        near = s.closest_confidence if s.closest_confidence is not None else trained["closest"]
        return sure, min(near, sure)

    def retrieve(self, asked: str, pool: int):
        """The question analysed and its BM25 candidates re-ranked, best first, with their
        stored rows and the index that found them; None when no passage shares a word."""
        query = answering.analyze(asked[:500])
        index = self._current_index()
        hits = (self._shards or index).top(query.terms, pool)
        rows = store.passages_by_id(self.db, [pid for pid, _ in hits]) if hits else {}
        cands = [
            answering.Candidate(pid, score, row.head_tokens, row.tokens, row.text, row.cuts)
            for pid, score in hits
            if (row := rows.get(pid)) is not None
        ]  # None: removed since
        if not cands:
            return None
        answering.score_candidates(query, cands, index.idf, index.known, index.presence, self._ranking_weights)
        return query, cands, rows, index

    def read(self, query: answering.Query, cands: list[answering.Candidate], index: Bm25Index) -> Reading:
        """The answer model's best sentence of the best passages, and its confidence that
        the sentence answers the question (0 when the question cannot be searched)."""
        model = answer_model.load(meaning=self.reads_meaning)
        sents = answer_features.sentence_candidates(
            query, cands, index.idf, index.known, max(1, self.settings.answer_passages)
        )
        if self._meaning is not None:
            texts = [cands[r].sentences[i].strip() for r, i in sents.where]
            question, sentences = self._meaning.question(query.text, texts), self._meaning.sentences(texts)
            sents = answer_features.with_meaning(sents, question, sentences, model.head)
        scores = model.sentence_scores(sents.features)
        best = answer_features.best_sentence(query, sents, scores, model.tie_margin)
        passage, i = sents.where[best]
        reason = self.refusal(query, index)
        confidence = (
            0.0
            if reason
            else model.confidence(
                answer_features.question_features(query, cands, sents, scores, best, index.idf, index.known)
            )
        )
        return Reading(
            cands[passage].sentences[i].strip(), passage, confidence, reason, self.doubts(query, sents, index)
        )

    @staticmethod
    def doubts(query: answering.Query, sents: answer_features.Sentences, index: Bm25Index) -> str:
        """What the model weighed against answering that a log reader should see: names the
        corpus never uses, a form no sentence read holds (once refusals, now features)."""
        notes = []
        if names := answering.unknown_names(query, index.known):
            notes.append(f"not in the corpus: {' '.join(names)}")  # 芙蓉区, of a corpus on 雨花区
        if answer_features.exact_form_missing(query, sents):
            notes.append(f"no {query.unit or query.kind} in the passages read")  # 多少户, of counts in 人
        return "; ".join(notes)

    @staticmethod
    def refusal(query: answering.Query, index: Bm25Index) -> str:
        """Why nothing can be searched for, whatever the model says; empty when it can."""
        if _content_chars(query.tokens) < 2:
            return "the question says too little to answer"  # "红", "OR 1=1 --"
        # Its words or its character pairs: jieba may cut the question otherwise than the
        # text ("清/河流/过" of 清河流过, against 清河 in the corpus).
        known = [t for t in query.terms if index.known(t) or any(index.known(p) for p in char_bigrams(t))]
        if _content_chars(known) < 2:
            return "the corpus knows too few of the question's words"  # "火星上有几个县"
        # A name the corpus never uses, a form no sentence read holds: features the model
        # weighs (answer_features), not refusals, since people name things their own way.
        return ""

    def _hit(self, row: store.PassageRow, score: float, terms: list[str]) -> Hit:
        marks = mark_terms(row.text, terms)
        place = Place.from_column(row.place)
        return Hit(
            row.id,
            row.doc,
            row.title,
            row.section,
            row.text,
            row.paragraph,
            row.start,
            row.end,
            score,
            marks,
            row.ord,
            row.doc_title,
            _most_marked(row.text, row.cuts, marks),
            place.page if place else None,
            place.box if place else None,
        )

    def suggestions(self, near: list[str], limit: int = 3) -> list[str]:
        """The closest topics the corpus covers: the distinct titles of the passages nearest
        to the question (`near`, best first); the corpus's first titles only when nothing
        matched at all. Not padded with those: the same first titles then ended nearly
        every question's list, whatever it asked about."""
        out = list(dict.fromkeys(t for t in near if t))[:limit]
        return out or store.first_titles(self.db, limit)

    # ---- keeping the index current ------------------------------------------------------
    #
    # The index and the corpus folder change together, and must agree after a crash at any
    # point. A change to the folder (an upload put in place, a removed file deleted) is
    # promised in the index's own transaction (store.promise_move), made after the commit,
    # then forgotten. Whoever writes next, or opens the engine to serve, first keeps the
    # promises a crash left (`reindex.keep_promises`): a crash before the commit leaves only a
    # staged file, which no promise names, and which goes; one after it leaves a promise.

    def reindex(self, progress: Callable[[int, int], None] | None = None, wait: float = 0.0) -> ReindexSummary:
        """Bring the index in line with the corpus folder: new, changed and removed files."""
        with self._writing(wait) as db:
            files, skipped = self._scan_folder()
            return Reindex(db, self.settings, files, skipped, progress=progress, publish=self._publisher()).run(
                self._serve
            )

    def _scan_folder(self) -> tuple[dict[str, Path], list[tuple[str, UnreadableDocument]]]:
        corpus = self.settings.corpus_dir
        if not corpus.is_dir():
            raise CorpusMissing("corpus_missing", folder=str(corpus))
        files = {}
        skipped: list[tuple[str, UnreadableDocument]] = []
        for path in sorted(corpus.iterdir()):
            if path.is_file() and not path.name.startswith("."):
                # A file too large is never read into memory.
                why = unsupported(path.name) or too_large(path.stat().st_size, self.settings.max_file_mb)
                if why is not None:
                    skipped.append((path.name, why))
                else:
                    files[path.name] = path
        return files, skipped

    def add_document(self, filename: str, data: bytes, wait: float = 0.0) -> tuple[str, Processed, ReindexSummary]:
        """Save an uploaded file into the corpus folder and index it; nothing is written
        outside the folder, and a file that cannot be read is neither saved nor indexed."""
        name = safe_name(filename)
        if (why := too_large(len(data), self.settings.max_file_mb)) is not None:
            raise DocumentRejected(why.code, **why.details)
        try:
            processed = processing.process_document(
                name, data, self.settings.max_passage_chars, self.settings.min_passage_chars
            )
        except UnreadableDocument as exc:
            raise DocumentRejected(exc.code, **exc.details) from exc
        except Exception as exc:
            raise DocumentRejected("cannot_read", detail=type(exc).__name__) from exc
        corpus = self.settings.corpus_dir.resolve()
        corpus.mkdir(parents=True, exist_ok=True)
        if (corpus / name).resolve().parent != corpus:
            raise DocumentRejected("bad_name")
        with self._writing(wait) as db:
            staged = corpus / f".{name}{STAGED_SUFFIX}"
            try:
                _write_synced(staged, data)
                summary = Reindex(
                    db,
                    self.settings,
                    {},
                    [],
                    extra={name: processed},
                    keep_others=True,
                    moves={name: staged.name},
                    publish=self._publisher(),
                ).run(self._serve)
            except BaseException:
                staged.unlink(missing_ok=True)  # no promise names it: the upload never was
                raise
        return name, processed, summary

    def remove_document(self, name: str, wait: float = 0.0) -> bool:
        """Drop a document from the index and its file from the corpus folder (also a file
        the index skipped); False when there is neither."""
        corpus = self.settings.corpus_dir.resolve()
        path = corpus / name
        in_folder = not name.startswith(".") and path.resolve().parent == corpus and path.is_file()
        with self._writing(wait) as db:
            indexed = name in store.document_hashes(db)
            if not indexed and not in_folder:
                return False
            Reindex(
                db,
                self.settings,
                {},
                [],
                remove=[name] if indexed else [],
                keep_others=True,
                moves={name: None} if in_folder else {},
                publish=self._publisher(),
            ).run(self._serve)
        return True

    def _publisher(self):
        """What rebuilds the shards after an index change, when this writer keeps a shard
        folder (`shards_dir` with shards built in it); None otherwise. Every shard is
        rebuilt: a change of one document re-weighs every passage (N, the average length
        and the document frequencies move), so every stored weight changes."""
        out = self.settings.shards_dir
        count = shards.count_in(out) if out is not None else 0
        if not count:
            return None
        gens = generations_dir(self.settings.db_path)
        return lambda db, index, generation: shards.build(
            gens / f"gen-{generation}", store.passage_documents(db), count, out, generation, self.settings.workers
        )

    def build_shards(self, count: int, out: Path, wait: float = 0.0) -> shards.Built:
        """Split the live generation into `count` Xapian shard databases under `out`, and
        put them in place there (index/search/shards.py)."""
        with self._writing(wait) as db:
            generation = int(store.get_meta(db, "generation", "0"))
            directory = generations_dir(self.settings.db_path) / f"gen-{generation}"
            built = shards.build(directory, store.passage_documents(db), count, out, generation, self.settings.workers)
            built.swap()
            return built

    def recover(self) -> None:
        """Finish what a crashed writer left half done (see above), unless another writer
        is at work now (it does the same first) or the index cannot be written (a
        read-only copy still answers)."""
        try:
            with self._writing(0.0):
                pass
        except ReindexBusy:
            pass
        except ReindexFailed as exc:
            log.warning("cannot check for unfinished changes: %s", exc)

    @contextmanager
    def _writing(self, wait: float):
        """The right to change the index and the folder, one writer per database (a thread
        lock here, a file lock across processes), waiting up to `wait` seconds for it; a
        connection of its own for the writer, and the promises a crash left kept first."""
        taken = self._reindex_lock.acquire(timeout=wait) if wait > 0 else self._reindex_lock.acquire(blocking=False)
        if not taken:
            raise ReindexBusy("a reindex is already running")
        lock_file = db = None
        try:
            lock_path = self.settings.db_path.with_name(self.settings.db_path.name + ".lock")
            try:
                lock_file = open(lock_path, "a")
                _flock(lock_file, wait)
                db = store.connect(self.settings.db_path, cache_mb=64)
                keep_promises(db, self.settings.corpus_dir)
                yield db
            except (sqlite3.Error, OSError) as exc:
                raise _write_failure(exc) from exc
        finally:
            if db is not None:
                store.close(db)
            if lock_file is not None:
                lock_file.close()
            self._reindex_lock.release()

    def embed_sentences(self, progress: Callable[[int, int], None] | None = None, batch: int = 2000) -> int:
        """Embed now every sentence of the index the meaning model has not read yet, the
        newest passages first (each is otherwise embedded when a question first reads its
        passage): answers to questions on new passages then cost no more than the rest.
        The number of sentences embedded; 0 on words alone. An engine not opened (a writer's,
        as in the bot's ingest process) loads the model for it."""
        reader = self._meaning if self._meaning is not None else meaning.load(self.settings.db_path)
        if reader is None:
            return 0
        total, texts, done = store.counts(self.db)["passages"], [], 0
        for n, (text, cuts) in enumerate(store.iter_passage_texts_newest_first(self.db), 1):
            texts += [t.strip() for t in sentence_texts(text, cuts)]
            if len(texts) >= batch:
                done, texts = done + reader.embed_missing(texts), []
                if progress:
                    progress(n, total)
        done += reader.embed_missing(texts)
        if progress:
            progress(total, total)
        return done

    # ---- looking at it ------------------------------------------------------------------

    def documents(self) -> list[store.DocumentRow]:
        return store.documents(self.db)

    def stats(self) -> dict:
        counts = store.counts(self.db)
        counts["generation"] = self._generation
        counts["db_bytes"] = self.settings.db_path.stat().st_size if self.settings.db_path.exists() else 0
        return counts

    def example_questions(self, n: int = 3) -> list[str]:
        """Questions this corpus can answer, made from its own sentences with numbers."""
        out: list[str] = []
        per_doc = [store.passage_texts(self.db, doc.id, 200) for doc in self.documents()[:20]]
        # One from each document in turn, so that the examples show the corpus's range.
        for round_ in range(max((len(rows) for rows in per_doc), default=0)):
            for rows in per_doc:
                if round_ >= len(rows) or len(out) >= n:
                    continue
                text = rows[round_]
                q = question_from_text(text)
                # Offer only what the engine really answers, from the sentence it came from.
                try:
                    if q and q not in out and (a := self.ask(q)).found and a.sentence in text:
                        out.append(q)
                except SearchUnavailable as exc:  # examples are a nicety: a bot still starts with shards down
                    log.warning("no example questions now: %s", exc)
                    return out
            if len(out) >= n:
                break
        return out


def _most_marked(text: str, cuts: str, marks: list[tuple[int, int]]) -> str:
    """Of a passage's sentences, the one holding most of the question's words, each counted
    once by its length (a word said twice does not make a sentence better); the first on
    a tie, or when none holds any."""
    sentences = sentence_texts(text, cuts)
    ends = list(accumulate(len(s) for s in sentences))
    starts = [0, *ends[:-1]]

    def said(i: int) -> int:
        return sum(len(w) for w in {text[a:b] for a, b in marks if starts[i] <= a and b <= ends[i]})

    best = max(range(len(sentences)), key=lambda i: (said(i), -i), default=None)
    return "" if best is None else sentences[best].strip()


def _joined(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def check_models() -> None:
    """Read the learned models now (each is read once): a missing or damaged file is one
    clear reason at start-up, not a traceback at the first question. Both answer models,
    whichever reads: a damaged install is said when it is installed, not when the meaning
    model is turned off one day."""
    answer_model.load(meaning=False)
    answer_model.load(meaning=True)
    spans.reload_model()


def _content_chars(tokens: list[str]) -> int:
    """Chinese characters and Latin words in these (distinct) tokens; a bare number says
    nothing by itself."""
    return len(re.findall(rf"[{HAN}]|[a-z]+", " ".join(set(tokens))))
