"""The index's writes (an upload, /remove, /reindex), and the meaning model's embedding of
new sentences, in a process of their own, one job a process, so that questions keep their
usual latency while a large document is indexed.

    summary = await ingest_process.run(settings, "reindex")
    sentences = await ingest_process.run(settings, "embed")  # the meaning model's vectors
    added = await ingest_process.run(settings, "add", "报纸.pdf", data)
    added = await ingest_process.run(settings, "add_url", "https://example.com/news/1.html")

Why a process, not a thread: cleaning and tokenising hold the GIL; in a thread of the
bot's process a 512 KB upload held a question sent a second later for 13.7 s (12 ms
normally). The child opens the same index and writes it the way the command line does
(the engine's file lock keeps one writer at a time); the bot's engine and its answering
process follow the new generation at their next question (Engine checks the database's
data_version). Its memory, whatever a document costs, goes back when it ends.

The job and its result (or the engine's typed exception) are pickled on the child's
standard input and output; its log goes to standard error, the bot's own. The child ends
with the bot however the bot dies (index.lifeline); what it leaves half done, the next
writer finishes (index.search.reindex.keep_promises).
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import sys

from bot import child

log = logging.getLogger("bot.ingest_process")

# How long a job waits for another writer (a reindex from the command line) to finish.
LOCK_WAIT_SECONDS = 600.0


# The bot's pid, for the child's lifeline: had the bot died while the child was starting,
# the child's own parent would already be another process.
PARENT_ENV = "ZH_ANSWER_BOT_PARENT"


class IngestFailed(RuntimeError):
    """The job's process ended without a result (killed, out of memory); str(exc) says how."""


async def run(settings, job: str, *args):
    """`job` ("add", "add_url", "remove", "reindex", "embed") with `args` in a child process: its result, or
    the exception the engine raised there."""
    proc = await child.start(
        "bot.ingest_process",
        env={PARENT_ENV: str(os.getpid())},
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        out, _ = await proc.communicate(pickle.dumps((settings, job, args), protocol=pickle.HIGHEST_PROTOCOL))
    except BaseException:  # cancelled (the bot stopping): the journal makes a kill safe
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        raise
    if proc.returncode != 0 or not out:
        raise IngestFailed(f"the {job} process ended with status {proc.returncode}")
    ok, value = pickle.loads(out)
    if not ok:
        raise value
    return value


# ---- the child ----------------------------------------------------------------------------


def _add(engine, filename: str, data: bytes) -> dict:
    return _added(*engine.add_document(filename, data, wait=LOCK_WAIT_SECONDS))


def _add_url(engine, url: str) -> dict:
    """A link: the page fetched here, in the child, where a slow site blocks no question."""
    from bot.links import add_link

    return _added(*add_link(engine, url, wait=LOCK_WAIT_SECONDS))


def _added(name: str, processed, summary) -> dict:
    return {
        "name": name,
        "title": processed.title,
        "passages": len(processed.passages),
        "ocr_pages": processed.ocr_pages,
        "summary": summary,
    }


def _remove(engine, name: str) -> dict | None:
    if not engine.remove_document(name, wait=LOCK_WAIT_SECONDS):
        return None
    return engine.stats()


def _reindex(engine):
    return engine.reindex(wait=LOCK_WAIT_SECONDS)


def _embed(engine) -> int:
    """The meaning model's vectors of the sentences no question has read yet, on one core:
    the answering process keeps the other. Reads the index, writes only the vector file."""
    os.environ["OMP_NUM_THREADS"] = "1"  # before the model's OpenMP starts (meaning.load)
    return engine.embed_sentences()


JOBS = {"add": _add, "add_url": _add_url, "remove": _remove, "reindex": _reindex, "embed": _embed}


def _serve() -> None:
    from bot.answer_process import round_trips
    from index import lifeline
    from index.engine import Engine

    lifeline.end_with_parent(int(os.environ[PARENT_ENV]))
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout = sys.stderr  # a stray print must not land in the result
    settings, job, args = pickle.load(sys.stdin.buffer)
    try:
        result = (True, JOBS[job](Engine(settings), *args))
    except Exception as exc:  # the engine's typed reasons travel back as they are
        if not round_trips(exc):
            log.exception("%s failed", job)
            exc = IngestFailed(f"{job} failed: {type(exc).__name__}: {str(exc)[:300]}")
        result = (False, exc)
    out.write(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    out.flush()


if __name__ == "__main__":
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s (ingest process): %(message)s"
    )
    _serve()
