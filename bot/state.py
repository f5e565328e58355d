"""What every handler shares: settings, the engine, the question log, the limits."""

from __future__ import annotations

import logging
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils
from telegram.ext import ContextTypes

from bot.config import Config, question_log_path
from bot.flood import FloodControl, Window
from bot.signing import Signer
from index import store
from index.engine import Engine

log = logging.getLogger(__name__)


@dataclass
class BotState:
    cfg: Config
    engine: Engine
    flood: FloodControl
    uploads: Window
    inline: Window  # inline queries come as the user types: a looser limit of their own
    signer: Signer
    log_path: Path
    _local: threading.local = field(default_factory=threading.local)
    _examples: list[str] | None = None

    @classmethod
    def create(cls, cfg: Config, engine: Engine) -> "BotState":
        t = cfg.telegram
        path = question_log_path(cfg)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Create the tables here, in one thread: connections that race to create them on
        # a fresh file get "database is locked".
        store.connect(path).conn.close()
        per_user = t.user_questions_per_minute
        inline = 0 if per_user <= 0 else max(60, 5 * per_user)
        return cls(cfg, engine, FloodControl(per_user, t.chat_questions_per_minute),
                   Window(t.uploads_per_hour, 3600.0), Window(inline, 60.0), Signer(t.token), path)

    @property
    def log_db(self) -> sqlite_utils.Database:
        """The question log: one connection a thread (handlers call it via to_thread)."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = store.connect(self.log_path)
        return db

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.cfg.telegram.admins

    def examples(self) -> list[str]:
        """Three questions the corpus answers (cached until the corpus changes)."""
        if self._examples is None:
            self._examples = self.engine.example_questions(3)
        return self._examples

    def corpus_changed(self) -> None:
        self._examples = None

    def log_question(self, *, chat_type: str, chat_id: int | None, user_id: int | None,
                     question: str, answered: bool, latency_ms: float) -> int | None:
        """Log a question; None (and a warning) when the log cannot be written."""
        try:
            return store.log_question(self.log_db, chat_type=chat_type, chat_id=chat_id, user_id=user_id,
                                      question=question, answered=answered, latency_ms=round(latency_ms, 1))
        except sqlite3.Error as exc:
            log.warning("question log not written: %s", exc)
            return None


def get(context: ContextTypes.DEFAULT_TYPE) -> BotState:
    return context.application.bot_data["state"]
