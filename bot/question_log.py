"""The question log: what was asked of the bot, and which of its messages answer what.

It is the bot's, keyed by Telegram's chat and message ids, and lives in a SQLite file of
its own (`[telegram] question_log`, bot.config.question_log_path), so that logging a
question never waits while a reindex holds the index database's write lock.

Tables:
  questions  one row a question asked: when, chat type, chat, user, text, answered,
             latency, feedback (kept for `retention_days`)
  answer_messages  one row an answer the bot sent: its chat and message, the question's
             log id, the question as searched (for follow-ups asked as replies) and the
             message that asked it (an edited question edits its answer)

Times are UTC, ISO 8601 to the second, so that they sort as text.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import threading
from pathlib import Path

import sqlite_utils

log = logging.getLogger(__name__)


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _connect(path: Path) -> sqlite_utils.Database:
    """WAL, so that /stats reading the log never waits for a question being logged."""
    conn = sqlite3.connect(str(path), timeout=30, check_same_thread=False, isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 30000")
    if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    return sqlite_utils.Database(conn)


def _ensure_schema(db: sqlite_utils.Database) -> None:
    if "questions" not in db.table_names():
        db["questions"].create(
            {
                "id": int,
                "asked_at": str,
                "chat_type": str,
                "chat_id": int,
                "user_id": int,
                "question": str,
                "answered": int,
                "latency_ms": float,
                "feedback": int,
            },
            pk="id",
        )
        db["questions"].create_index(["asked_at"])
    if "answer_messages" not in db.table_names():
        db["answer_messages"].create(
            {"chat_id": int, "message_id": int, "question_id": int, "asked": str, "sent_at": str},
            pk=("chat_id", "message_id"),
        )
        db["answer_messages"].create_index(["sent_at"])
    if "question_message_id" not in db["answer_messages"].columns_dict:  # a log from before edits were followed
        db["answer_messages"].add_column("question_message_id", int)
        db["answer_messages"].create_index(["chat_id", "question_message_id"])


class QuestionLog:
    """The log in its file, with one connection a thread (the answering thread, to_thread's)."""

    def __init__(self, path: Path):
        self.path = path
        self._local = threading.local()
        path.parent.mkdir(parents=True, exist_ok=True)
        # The tables are made here, in one thread: connections that race to create them on
        # a fresh file get "database is locked".
        _ensure_schema(self.db)

    @property
    def db(self) -> sqlite_utils.Database:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = _connect(self.path)
        return db

    # ---- questions ------------------------------------------------------------------------

    def log_question(
        self,
        *,
        chat_type: str,
        chat_id: int | None,
        user_id: int | None,
        question: str,
        answered: bool,
        latency_ms: float,
    ) -> int | None:
        """The new question's id; None (and a warning) when the log cannot be written: the
        question is answered all the same, without buttons."""
        try:
            cur = self.db.execute(
                "INSERT INTO questions (asked_at, chat_type, chat_id, user_id, question, answered, latency_ms) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [now(), chat_type, chat_id, user_id, question, int(answered), round(latency_ms, 1)],
            )
        except sqlite3.Error as exc:
            log.warning("question log not written: %s", exc)
            return None
        return cur.lastrowid

    def question(self, qid: int) -> dict | None:
        row = self.db.execute(
            "SELECT id, asked_at, chat_type, chat_id, user_id, question, answered, latency_ms, feedback "
            "FROM questions WHERE id = ?",
            [qid],
        ).fetchone()
        if not row:
            return None
        keys = ["id", "asked_at", "chat_type", "chat_id", "user_id", "question", "answered", "latency_ms", "feedback"]
        return dict(zip(keys, row))

    def set_feedback(self, qid: int, value: int) -> bool:
        return self.db.execute("UPDATE questions SET feedback = ? WHERE id = ?", [value, qid]).rowcount > 0

    def stats(self, since: str, top: int = 5) -> dict:
        """Questions in all and since `since`, answered, 👍 / 👎, and the `top` questions
        most often asked that found nothing."""
        total, answered = self.db.execute("SELECT count(*), coalesce(sum(answered), 0) FROM questions").fetchone()
        (today,) = self.db.execute("SELECT count(*) FROM questions WHERE asked_at >= ?", [since]).fetchone()
        up, down = self.db.execute(
            "SELECT coalesce(sum(feedback = 1), 0), coalesce(sum(feedback = -1), 0) FROM questions"
        ).fetchone()
        missing = self.db.execute(
            "SELECT question, count(*) AS n FROM questions WHERE answered = 0 "
            "GROUP BY question ORDER BY n DESC, max(asked_at) DESC LIMIT ?",
            [top],
        ).fetchall()
        return {
            "total": total,
            "answered": answered,
            "today": today,
            "thumbs_up": up,
            "thumbs_down": down,
            "unanswered_top": missing,
        }

    def by_day(self, since: str) -> list[tuple[str, int, int, int, int]]:
        """(local date, asked, answered, 👍, 👎) for each day since `since` that has questions,
        oldest first; days by the server's local time, as "today" is."""
        return self.db.execute(
            "SELECT date(asked_at, 'localtime') AS day, count(*), coalesce(sum(answered), 0), "
            "coalesce(sum(feedback = 1), 0), coalesce(sum(feedback = -1), 0) "
            "FROM questions WHERE asked_at >= ? GROUP BY day ORDER BY day",
            [since],
        ).fetchall()

    def answered_since(self, since: str) -> int:
        """How many questions asked at or after `since` found an answer."""
        (n,) = self.db.execute(
            "SELECT count(*) FROM questions WHERE asked_at >= ? AND answered = 1", [since]
        ).fetchone()
        return n

    def prune_questions(self, before: str) -> int:
        return self.db.execute("DELETE FROM questions WHERE asked_at < ?", [before]).rowcount

    # ---- the bot's answer messages ------------------------------------------------------------

    def remember_answer(
        self, *, chat_id: int, message_id: int, question_id: int, asked: str, question_message_id: int | None = None
    ) -> None:
        """Note which question a message the bot sent answers, for replies, buttons and edits."""
        self.db.execute(
            "INSERT OR REPLACE INTO answer_messages "
            "(chat_id, message_id, question_id, asked, sent_at, question_message_id) VALUES (?, ?, ?, ?, ?, ?)",
            [chat_id, message_id, question_id, asked, now(), question_message_id],
        )

    def answer_to(self, chat_id: int, question_message_id: int) -> int | None:
        """The id of the bot's message that answers the user's message `question_message_id`."""
        row = self.db.execute(
            "SELECT message_id FROM answer_messages WHERE chat_id = ? AND question_message_id = ? "
            "ORDER BY sent_at DESC LIMIT 1",
            [chat_id, question_message_id],
        ).fetchone()
        return row[0] if row else None

    def answer_message(self, chat_id: int, message_id: int) -> dict | None:
        """The question a bot message in this chat answers: {"question_id", "asked"} or None."""
        row = self.db.execute(
            "SELECT question_id, asked FROM answer_messages WHERE chat_id = ? AND message_id = ?", [chat_id, message_id]
        ).fetchone()
        return {"question_id": row[0], "asked": row[1]} if row else None

    def prune_answer_messages(self, before: str) -> int:
        return self.db.execute("DELETE FROM answer_messages WHERE sent_at < ?", [before]).rowcount
