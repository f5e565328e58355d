"""Engine.ask in a process of its own, so that answering runs beside the bot, not under its GIL.

    answers = await AnswerProcess.start(settings)   # python -m bot.answer_process, index open
    result = await answers.ask("这里有多少座图书馆？", previous=None)
    await answers.stop()

Why: the bot's event loop (python-telegram-bot, HTTP, JSON) and Engine.ask each need most
of a core at 200 questions a second, and one process has one GIL. Measured on this 2-core
machine, 1,000 questions pushed at once (bench/bot_e2e.py): at 10k passages ~195 questions
a second with the answers on a thread (2.3 ms of loop CPU + 2.8 ms of answering CPU a
question, one after the other), 300-400 with them here; at 100k, 120 against 247.

The child opens the same index read-only (the BM25 matrix is memory-mapped, so shared
through the page cache; its own memory: docs/telegram.md, bench/footprint.py) and follows
a reindex made by the bot the way any second process does (Engine checks the database's
data_version at every question). It answers one question at a time, in the order asked;
the bot keeps several asked at once (one per update handled), so the child never waits
for the bot's loop to send it the next one. Requests and answers are pickled, each behind
its length, on the child's standard input and output; its log goes to standard error.

If the child cannot start or dies, `ask` raises AnswerProcessGone and the bot answers on
its answering thread instead (bot/state.py): slower, never silent.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import pickle
import struct
import sys

from bot import child

log = logging.getLogger("bot.answer_process")

_HEADER = struct.Struct("!I")  # the length of the pickle that follows
START_TIMEOUT = 120.0  # opening the index and warming up: ~1 s, more on a busy machine


class AnswerProcessGone(RuntimeError):
    """The answering process is not there (did not start, or ended)."""


class AnswerProcess:
    def __init__(self, proc: asyncio.subprocess.Process):
        self._proc = proc
        self._ids = itertools.count()
        self._pending: dict[int, asyncio.Future] = {}
        self._reader: asyncio.Task | None = None
        self.gone: str = ""  # why it stopped answering, once it has

    @classmethod
    async def start(cls, settings) -> AnswerProcess:
        """Start the child and wait until its engine is open and warm."""
        proc = await child.start("bot.answer_process", stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
        self = cls(proc)
        try:
            _write(proc.stdin, settings)
            ready = await asyncio.wait_for(_read(proc.stdout), START_TIMEOUT)
            if ready != "ready":
                raise AnswerProcessGone(f"the answering process did not start: {ready!r}")
        except BaseException:
            await self.stop()
            raise
        self._reader = asyncio.create_task(self._read_answers())
        return self

    async def ask(self, question: str, top_k: int | None = None, offset: int = 0, previous: str | None = None):
        """Engine.ask's Answer, computed in the child."""
        if self.gone:
            raise AnswerProcessGone(self.gone)
        request_id = next(self._ids)
        future = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        try:
            _write(self._proc.stdin, (request_id, question, top_k, offset, previous))
            ok, value = await future
        finally:
            self._pending.pop(request_id, None)
        if not ok:
            raise value
        return value

    async def _read_answers(self) -> None:
        try:
            while True:
                request_id, ok, value = await _read(self._proc.stdout)
                future = self._pending.get(request_id)
                if future is not None and not future.done():
                    future.set_result((ok, value))
        except (asyncio.IncompleteReadError, ConnectionError, OSError, pickle.UnpicklingError) as exc:
            self._fail(f"the answering process ended ({exc.__class__.__name__})")

    def _fail(self, why: str) -> None:
        if not self.gone:
            self.gone = why
            log.error("%s; answering in the bot's own process from now on", why)
        for future in self._pending.values():
            if not future.done():
                future.set_exception(AnswerProcessGone(why))

    async def stop(self) -> None:
        """End the child (end of its input), and wait for it."""
        self.gone = self.gone or "stopped"
        if self._reader is not None:
            self._reader.cancel()
        if self._proc.stdin is not None and not self._proc.stdin.is_closing():
            self._proc.stdin.close()
        try:
            await asyncio.wait_for(self._proc.wait(), 10)
        except TimeoutError:
            self._proc.kill()
            await self._proc.wait()
        self._fail("stopped")


def _write(stream, obj) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)


async def _read(stream):
    (size,) = _HEADER.unpack(await stream.readexactly(_HEADER.size))
    return pickle.loads(await stream.readexactly(size))


# ---- the child ----------------------------------------------------------------------------


def _serve() -> None:
    """Read the settings, open the engine, then answer each request until end of input."""
    from index.engine import Engine

    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout = sys.stderr  # a stray print must not land in the answers
    inp = sys.stdin.buffer

    def read():
        head = inp.read(_HEADER.size)
        if len(head) < _HEADER.size:
            return None
        return pickle.loads(inp.read(_HEADER.unpack(head)[0]))

    def write(obj) -> None:
        data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        out.write(_HEADER.pack(len(data)) + data)
        out.flush()

    engine = Engine.open(read(), build_if_empty=False)
    engine.warm_up()
    write("ready")
    while (request := read()) is not None:
        request_id, question, top_k, offset, previous = request
        try:
            write((request_id, True, engine.ask(question, top_k, offset, previous=previous)))
        except Exception as exc:  # the handler raises it, logs it and apologises
            write((request_id, False, exc if round_trips(exc) else RuntimeError(repr(exc))))


def round_trips(exc: Exception) -> bool:
    """Does the exception survive pickling (some need arguments their pickle lacks)?"""
    try:
        pickle.loads(pickle.dumps(exc))
        return True
    except Exception:
        return False


if __name__ == "__main__":
    logging.basicConfig(
        level=logging.WARNING,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s (answering process): %(message)s",
    )
    _serve()
