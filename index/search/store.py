"""Every SQL statement of the index, on one SQLite file, through sqlite-utils (the question
log, a Telegram matter, has its own file and module: bot/question_log.py).

Tables:
  documents  one row a corpus file: name, content hash, title, when added and changed
  passages   one row a passage: document, order, paragraph number, title, section, text,
             place in the source (and on its page, when read from pages), and its tokens
             (so start-up never re-tokenises)
  meta       key/value: the live index generation, the tokenizer version
  folder_moves  the corpus folder's changes an index change promised and has not yet
             made: a staged upload to put in place, a removed document's file to delete
             (written in the index's transaction, done after it, then forgotten)

and, in a file of its own beside it (<db>.meaning.db, a cache that may be deleted):
  vectors    a sentence's meaning vector (float16) by its text's hash (index/answers/meaning.py)
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def connect(path: str | Path, cache_mb: int = 0) -> sqlite_utils.Database:
    """Open (and create) the database in WAL mode so readers never wait for a reindex.
    cache_mb: a page cache larger than SQLite's 2 MB (a reindex writes hundreds of MB in
    one transaction; with a small cache it writes the same pages out again and again)."""
    conn = _wal(path)
    db = sqlite_utils.Database(conn)
    if cache_mb:
        conn.execute(f"PRAGMA cache_size = {-1024 * int(cache_mb)}")
    for attempt in range(50):
        try:
            ensure_schema(db)
            break
        except sqlite3.OperationalError as exc:
            # Several threads creating one new file at once: the losers wait their turn.
            if "locked" not in str(exc) or attempt == 49:
                raise
            time.sleep(0.05)
    return db


def _wal(path: str | Path) -> sqlite3.Connection:
    """A connection in WAL mode, waiting up to 30 s for a lock, for any thread."""
    conn = sqlite3.connect(str(path), timeout=30, check_same_thread=False, isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 30000")
    if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


def close(db: sqlite_utils.Database) -> None:
    db.conn.close()


def data_version(db: sqlite_utils.Database) -> int:
    """A number that changes when another connection commits a change to the database:
    a reader's cue to follow a reindex made elsewhere."""
    return db.execute("PRAGMA data_version").fetchone()[0]


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One write transaction, all or nothing: taken at once (IMMEDIATE, so no other
    writer slips in between its reads and its writes), committed at the end, rolled back
    on any exception."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
        db.execute("COMMIT")
    except BaseException:
        # SQLite may have rolled back already (disk full): a second ROLLBACK
        # would raise and hide the reason.
        if db.conn.in_transaction:
            db.execute("ROLLBACK")
        raise


def ensure_schema(db: sqlite_utils.Database) -> None:
    if "documents" not in db.table_names():
        db["documents"].create(
            {
                "id": int,
                "name": str,
                "sha256": str,
                "title": str,
                "chars": int,
                "passages": int,
                "added_at": str,
                "updated_at": str,
            },
            pk="id",
            not_null={"name", "sha256"},
        )
        db["documents"].create_index(["name"], unique=True)
    if "passages" not in db.table_names():
        db["passages"].create(
            {
                "id": int,
                "doc_id": int,
                "ord": int,
                "paragraph": int,
                "title": str,
                "section": str,
                "text": str,
                "start": int,
                "end": int,
                "cuts": str,
                "tokens": str,
                "head_tokens": str,
                "place": str,
            },
            pk="id",
            foreign_keys=[("doc_id", "documents", "id")],
        )
        db["passages"].create_index(["doc_id", "ord"])
    if "place" not in db["passages"].columns_dict:  # an index from before places were kept
        db["passages"].add_column("place", str)
    if "meta" not in db.table_names():
        db["meta"].create({"key": str, "value": str}, pk="key")
    if "folder_moves" not in db.table_names():
        db["folder_moves"].create({"name": str, "staged": str}, pk="name")


# ---- meta -----------------------------------------------------------------------------


def get_meta(db: sqlite_utils.Database, key: str, default: str | None = None) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else default


def set_meta(db: sqlite_utils.Database, key: str, value: str) -> None:
    db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [key, value])


# ---- documents and passages -----------------------------------------------------------


@dataclass(frozen=True)
class DocumentRow:
    id: int
    name: str
    sha256: str
    title: str
    chars: int
    passages: int
    added_at: str
    updated_at: str


def documents(db: sqlite_utils.Database) -> list[DocumentRow]:
    rows = db.execute(
        "SELECT id, name, sha256, title, chars, passages, added_at, updated_at FROM documents ORDER BY name"
    ).fetchall()
    return [DocumentRow(*r) for r in rows]


def document_hashes(db: sqlite_utils.Database) -> dict[str, str]:
    return dict(db.execute("SELECT name, sha256 FROM documents").fetchall())


# A passage as `replace_document` takes it: these fields, in this order.
# place: its first line's page and box ("page x0 y0 x1 y1", index.documents.places.Place.column),
# NULL for text without pages.
PASSAGE_FIELDS = (
    "ord",
    "paragraph",
    "title",
    "section",
    "text",
    "start",
    "end",
    "cuts",
    "tokens",
    "head_tokens",
    "place",
)
_INSERT_PASSAGE = (
    f"INSERT INTO passages (id, doc_id, {', '.join(PASSAGE_FIELDS)}) "
    f"VALUES ({', '.join('?' * (len(PASSAGE_FIELDS) + 2))})"
)


def replace_document(
    db: sqlite_utils.Database, name: str, sha256: str, title: str, chars: int, passages: Iterable[tuple]
) -> int:
    """Insert or replace a document and all its passages (tuples of PASSAGE_FIELDS);
    call inside a transaction.
    Returns the first passage's id (the others follow it, one by one)."""
    stamp = now()
    old = db.execute("SELECT id, added_at FROM documents WHERE name = ?", [name]).fetchone()
    if old:
        db.execute("DELETE FROM passages WHERE doc_id = ?", [old[0]])
        db.execute("DELETE FROM documents WHERE id = ?", [old[0]])
    added = old[1] if old else stamp
    cur = db.execute(
        "INSERT INTO documents (name, sha256, title, chars, passages, added_at, updated_at) "
        "VALUES (?, ?, ?, ?, 0, ?, ?)",
        [name, sha256, title, chars, added, stamp],
    )
    doc_id = cur.lastrowid
    # Passage ids are never reused: a server still holding the previous index must not
    # find another passage under an old id.
    next_id = int(get_meta(db, "next_passage_id", "1"))
    rows = passages if isinstance(passages, list) else list(passages)
    set_meta(db, "next_passage_id", str(next_id + len(rows)))
    if rows:
        # Plain executemany: sqlite-utils' insert_all spent 4/5 of the time on its own
        # per-value checks (every value here is a str or an int).
        db.conn.executemany(_INSERT_PASSAGE, [(next_id + i, doc_id, *r) for i, r in enumerate(rows)])
    db.execute("UPDATE documents SET passages = ? WHERE id = ?", [len(rows), doc_id])
    return next_id


def delete_document(db: sqlite_utils.Database, name: str) -> bool:
    row = db.execute("SELECT id FROM documents WHERE name = ?", [name]).fetchone()
    if not row:
        return False
    db.execute("DELETE FROM passages WHERE doc_id = ?", [row[0]])
    db.execute("DELETE FROM documents WHERE id = ?", [row[0]])
    return True


# ---- the folder's pending changes --------------------------------------------------------


def promise_move(db: sqlite_utils.Database, name: str, staged: str | None) -> None:
    """Record, in the open transaction, that the corpus file `name` is to become the staged
    file `staged`, or (None) to be deleted."""
    db.execute("INSERT OR REPLACE INTO folder_moves (name, staged) VALUES (?, ?)", [name, staged])


def pending_moves(db: sqlite_utils.Database) -> list[tuple[str, str | None]]:
    """(corpus file, staged file or None to delete it) for every promise not yet kept."""
    return db.execute("SELECT name, staged FROM folder_moves ORDER BY name").fetchall()


def forget_move(db: sqlite_utils.Database, name: str) -> None:
    db.execute("DELETE FROM folder_moves WHERE name = ?", [name])


_LARGEST_ID = 2**63 - 1  # SQLite's largest integer


def _by_id(db: sqlite_utils.Database, sql: str, last: int, batch: int) -> Iterator[tuple]:
    """The rows of `sql` (id first; it takes the last id seen and a limit), a batch at a
    time from where the previous batch ended, however large the table."""
    while True:
        rows = db.execute(sql, [last, batch]).fetchall()
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


def iter_passage_texts_newest_first(db: sqlite_utils.Database, batch: int = 20000) -> Iterator[tuple[str, str]]:
    """(text, cuts) of every passage, the last added first: what the meaning model embeds
    ahead of questions, the document just added before the rest."""
    sql = "SELECT id, text, cuts FROM passages WHERE id < ? ORDER BY id DESC LIMIT ?"
    return ((text, cuts) for _, text, cuts in _by_id(db, sql, _LARGEST_ID, batch))


def iter_passage_tokens(
    db: sqlite_utils.Database, batch: int = 20000, after: int = -1
) -> Iterator[tuple[int, str, str, str, str]]:
    """(passage id, head_tokens, tokens, text, cuts) in id order, of the passages with an
    id above `after`: what its BM25 terms are made from (processing.stored_terms)."""
    sql = "SELECT id, head_tokens, tokens, text, cuts FROM passages WHERE id > ? ORDER BY id LIMIT ?"
    return _by_id(db, sql, after, batch)


def passage_ids(db: sqlite_utils.Database) -> list[int]:
    """Every passage id, ascending (the rows of the BM25 matrix)."""
    # Unordered, SQLite reads the ids from the small (doc_id, ord) index, not every page
    # of the table; sorting them here is cheaper.
    return sorted(r[0] for r in db.execute("SELECT id FROM passages"))


@dataclass(frozen=True)
class PassageRow:
    id: int
    doc: str
    doc_title: str
    ord: int
    paragraph: int
    title: str
    section: str
    text: str
    start: int
    end: int
    cuts: str
    tokens: str
    head_tokens: str
    place: str | None


def passages_by_id(db: sqlite_utils.Database, ids: list[int]) -> dict[int, PassageRow]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = db.execute(
        "SELECT p.id, d.name, coalesce(d.title, ''), p.ord, p.paragraph, p.title, p.section, p.text, p.start, p.end, p.cuts, p.tokens, p.head_tokens, p.place "
        f"FROM passages p JOIN documents d ON d.id = p.doc_id WHERE p.id IN ({marks})",
        ids,
    ).fetchall()
    return {r[0]: PassageRow(*r) for r in rows}


def passage_documents(db: sqlite_utils.Database) -> dict[int, str]:
    """Every passage id with its document's name: which shard a passage goes to."""
    rows = db.execute("SELECT p.id, d.name FROM passages p JOIN documents d ON d.id = p.doc_id")
    return dict(rows.fetchall())


def passage_texts(db: sqlite_utils.Database, doc_id: int, limit: int) -> list[str]:
    """The texts of a document's first `limit` passages, in order."""
    rows = db.execute("SELECT text FROM passages WHERE doc_id = ? ORDER BY ord LIMIT ?", [doc_id, limit])
    return [text for (text,) in rows.fetchall()]


def counts(db: sqlite_utils.Database) -> dict[str, int]:
    (docs,) = db.execute("SELECT count(*) FROM documents").fetchone()
    (passages,) = db.execute("SELECT count(*) FROM passages").fetchone()
    (chars,) = db.execute("SELECT coalesce(sum(chars), 0) FROM documents").fetchone()
    return {"documents": docs, "passages": passages, "chars": chars}


def first_titles(db: sqlite_utils.Database, limit: int) -> list[str]:
    """The first article titles of the corpus, without reading every passage."""
    rows = db.execute("SELECT title FROM passages WHERE title != '' ORDER BY id LIMIT ?", [limit * 20]).fetchall()
    return list(dict.fromkeys(r[0] for r in rows))[:limit]


def titles(db: sqlite_utils.Database, names: list[str]) -> list[tuple[str, str, int]]:
    """(document, article title, passages) for every article of these documents, in
    corpus order: only what is shown is read, however large the corpus."""
    marks = ",".join("?" * len(names))
    return db.execute(
        "SELECT d.name, p.title, count(*) FROM passages p JOIN documents d ON d.id = p.doc_id "
        f"WHERE p.title != '' AND d.name IN ({marks}) GROUP BY d.name, p.title "
        "ORDER BY d.name, min(p.ord)",
        names,
    ).fetchall()


# ---- sentence vectors ------------------------------------------------------------------


def connect_vectors(path: str | Path) -> sqlite3.Connection:
    """The vector cache: keyed by content, so it is never stale, only short of new texts."""
    conn = _wal(path)
    conn.execute("CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vec BLOB NOT NULL) WITHOUT ROWID")
    return conn


def _vector_rows(conn: sqlite3.Connection, columns: str, keys: list[bytes]) -> list[tuple]:
    rows: list[tuple] = []
    for start in range(0, len(keys), 500):  # under SQLite's limit of bound parameters
        part = keys[start : start + 500]
        marks = ",".join("?" * len(part))
        rows += conn.execute(f"SELECT {columns} FROM vectors WHERE key IN ({marks})", part).fetchall()
    return rows


def vectors(conn: sqlite3.Connection, keys: list[bytes]) -> dict[bytes, bytes]:
    return dict(_vector_rows(conn, "key, vec", keys))


def vector_keys(conn: sqlite3.Connection, keys: list[bytes]) -> set[bytes]:
    """Which of `keys` the cache holds, without reading their vectors."""
    return {row[0] for row in _vector_rows(conn, "key", keys)}


def add_vectors(conn: sqlite3.Connection, rows: list[tuple[bytes, bytes]]) -> None:
    with conn:
        conn.executemany("INSERT OR IGNORE INTO vectors (key, vec) VALUES (?, ?)", rows)
