"""What every handler shares: settings, the engine, the question log, the limits."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from telegram.ext import ContextTypes

from bot import ingest_process
from bot.answer_process import AnswerProcess, AnswerProcessGone
from bot.config import Config, question_log_path
from bot.flood import Backlog, FloodControl, Window
from bot.question_log import QuestionLog
from bot.signing import Signer
from index.engine import Answer, Engine

log = logging.getLogger(__name__)


@dataclass
class BotState:
    cfg: Config
    engine: Engine
    flood: FloodControl
    uploads: Window
    inline: Window  # inline queries come as the user types: a looser limit of their own
    signer: Signer
    question_log: QuestionLog
    backlog: Backlog  # questions over the flood limit, answered when it frees
    _examples: list[str] | None = None
    # One thread writes the question log (and answers, when there is no answering
    # process), in order of arrival. Engine.ask holds the GIL nearly throughout, so more
    # threads would not answer more questions, and each extra one costs CPU in GIL
    # hand-offs (a 1,000-question burst: 6 ms of CPU a question in Engine.ask with
    # asyncio's default pool of six threads contending, 3.5 ms with one). Long jobs
    # (reindex, uploads) stay on the default pool and never hold questions up.
    answering: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="answering"))
    answers: AnswerProcess | None = None  # Engine.ask in a process of its own, once started
    _answers_engine: Engine | None = None  # the engine that process mirrors
    ingest_jobs: int = 0  # index writes (uploads, /remove, /reindex) running or waiting their turn
    reindex_pending: bool = False  # a /reindex running or waiting its turn
    _ingest_turn: asyncio.Lock = field(default_factory=asyncio.Lock)
    _embedding: asyncio.Task | None = None  # the meaning model's background embedding

    @classmethod
    def create(cls, cfg: Config, engine: Engine) -> BotState:
        t = cfg.telegram
        per_user = t.user_questions_per_minute
        inline = 0 if per_user <= 0 else max(60, 5 * per_user)
        flood = FloodControl(per_user, t.chat_questions_per_minute)
        return cls(
            cfg,
            engine,
            flood,
            Window(t.uploads_per_hour, 3600.0),
            Window(inline, 60.0),
            Signer(t.token),
            QuestionLog(question_log_path(cfg)),
            Backlog(flood, t.queued_questions_per_user),
        )

    async def start_answering(self) -> None:
        """Start the answering process (when configured); without it, answer here."""
        if not self.cfg.telegram.answer_process or self.answers is not None:
            return
        try:
            self.answers = await AnswerProcess.start(self.engine.settings)
            self._answers_engine = self.engine
        except Exception as exc:
            log.warning("answering process not started (%s); answering in the bot's process", exc)

    async def stop_answering(self) -> None:
        if self.answers is not None:
            answers, self.answers = self.answers, None
            await answers.stop()

    async def ask(
        self, question: str, top_k: int | None = None, offset: int = 0, previous: str | None = None
    ) -> Answer:
        """Engine.ask: in the answering process while it serves this state's engine, else
        on the answering thread (no process, it ended, or the engine was replaced)."""
        answers = self.answers
        if answers is not None and not answers.gone and self.engine is self._answers_engine:
            try:
                return await answers.ask(question, top_k, offset, previous)
            except AnswerProcessGone:
                pass  # logged once by AnswerProcess
        return await self.run(functools.partial(self.engine.ask, question, top_k, offset, previous=previous))

    @contextlib.asynccontextmanager
    async def ingest_turn(self):
        """The turn of one index write, after those asked for before it: several uploads
        at once are queued, none refused as busy."""
        self.ingest_jobs += 1
        await self.stop_embedding()  # a write goes first; what was embedded is kept
        try:
            async with self._ingest_turn:
                yield
        finally:
            self.ingest_jobs -= 1
            if not self.ingest_jobs:
                self.embed_later()

    def embed_later(self) -> None:
        """Embed, in a process of its own and while no write waits, the sentences that no
        question has read yet: until then a question reading them embeds them itself
        (about 21 ms a sentence), after it only the question is embedded."""
        if not (self.cfg.telegram.embed_ahead and self.engine.reads_meaning):
            return
        if self._embedding is None or self._embedding.done():
            self._embedding = asyncio.create_task(self._embed())

    async def _embed(self) -> None:
        try:
            sentences = await ingest_process.run(self.engine.settings, "embed")
        except Exception as exc:  # answers stay right: their sentences are embedded as read
            log.warning("background embedding stopped (%s); sentences are embedded as questions read them", exc)
        else:
            log.info("meaning model: all %d sentences of the index embedded", sentences)

    async def stop_embedding(self) -> None:
        task, self._embedding = self._embedding, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def ingest(self, job: str, *args):
        """An index write in a process of its own (bot/ingest_process.py); call it in its
        turn (`ingest_turn`)."""
        result = await ingest_process.run(self.engine.settings, job, *args)
        self.corpus_changed()
        return result

    async def run(self, fn, *args):
        """fn(*args) on the answering thread, after everything queued there before it."""
        return await asyncio.get_running_loop().run_in_executor(self.answering, functools.partial(fn, *args))

    def later(self, fn, *args) -> None:
        """fn(*args) on the answering thread, not waited for: what a handler need not wait
        for, but the next question on the same thread must see (it runs after it)."""
        self.answering.submit(fn, *args)

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.cfg.telegram.admins

    def examples(self) -> list[str]:
        """Three questions the corpus answers (cached until the corpus changes)."""
        if self._examples is None:
            self._examples = self.engine.example_questions(3)
        return self._examples

    def corpus_changed(self) -> None:
        self._examples = None


def get(context: ContextTypes.DEFAULT_TYPE) -> BotState:
    return context.application.bot_data["state"]
