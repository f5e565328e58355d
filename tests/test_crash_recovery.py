"""A folder and an index that agree after any crash: `python -m bot add` and `remove`, and
the bot's upload path (its ingest process), killed with SIGKILL at random points, then
the next writer (or the next start) finishes or undoes what the crash left. After each
kill: every document file in the folder is indexed and nothing else is, no staged file is
left, and a following reindex finds nothing to add, change or remove (a removed document
does not come back).

Also: a reindex's tokenising workers end when the reindex is killed."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import pickle
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot import ingest_process
from index.engine import Engine, Settings
from index.search import store
from tests.conftest import ROOT, SEEDS, make_settings

TRIES = 20


def _article(rng: random.Random, paragraphs: int) -> str:
    paras = [
        p.strip()
        for f in sorted(SEEDS.iterdir())
        for p in f.read_text(encoding="utf-8").split("\n\n")
        if len(p.strip()) >= 60
    ]
    return "\n\n".join(rng.choice(paras) for _ in range(paragraphs))


def _cli(settings: Settings, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args, "--corpus", str(settings.corpus_dir), "--db", str(settings.db_path)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _timed(proc: subprocess.Popen) -> float:
    """How long a run takes, unkilled, on this machine now: the span the kills are spread over."""
    t0 = time.monotonic()
    assert proc.wait(timeout=120) == 0
    return time.monotonic() - t0


def _kill_at_random(proc: subprocess.Popen, rng: random.Random, within: float) -> None:
    try:
        proc.wait(timeout=rng.uniform(0.0, within))
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()


def disagreements(settings: Settings) -> list[str]:
    """What is wrong after a crash, once the next writer has opened the index (empty: all
    agree)."""
    engine = Engine.open(settings)  # a writer: keeps what the crash left promised
    corpus = settings.corpus_dir
    wrong = [f"left behind: {p.name}" for p in corpus.iterdir() if p.name.startswith(".")]
    folder = {p.name for p in corpus.iterdir() if not p.name.startswith(".")}
    indexed = {d.name for d in engine.documents()}
    wrong += [f"in the folder only: {n}" for n in sorted(folder - indexed)]
    wrong += [f"in the index only: {n}" for n in sorted(indexed - folder)]
    summary = engine.reindex()
    wrong += [f"reindex {what}: {n}" for what in ("added", "changed", "removed") for n in getattr(summary, what)]
    return wrong


@pytest.fixture
def indexed(tmp_path) -> Settings:
    settings = make_settings(tmp_path)
    Engine.open(settings)
    return settings


def test_add_killed_at_random_points_leaves_folder_and_index_agreeing(indexed, tmp_path):
    rng = random.Random(11)
    source = tmp_path / "incoming"
    source.mkdir()
    texts = [f"第{i}篇新文章\n\n{_article(rng, 200)}\n" for i in range(TRIES + 1)]
    (source / "first.txt").write_text(texts.pop(), encoding="utf-8")
    span = 1.2 * _timed(_cli(indexed, "add", str(source / "first.txt")))
    wrong, completed = [], 0
    for i, text in enumerate(texts):
        path = source / f"new{i:02d}.txt"
        path.write_text(text, encoding="utf-8")
        proc = _cli(indexed, "add", str(path))
        _kill_at_random(proc, rng, span)
        completed += proc.returncode == 0
        wrong += [f"try {i}: {w}" for w in disagreements(indexed)]
    assert wrong == []
    assert completed < TRIES  # the kills landed


def test_remove_killed_at_random_points_never_resurrects_a_document(indexed):
    rng = random.Random(12)
    for i in range(TRIES + 1):
        (indexed.corpus_dir / f"old{i:02d}.txt").write_text(f"第{i}篇旧文章\n\n{_article(rng, 40)}\n", encoding="utf-8")
    Engine.open(indexed).reindex()
    span = 1.2 * _timed(_cli(indexed, "remove", "old00.txt"))
    wrong, removed = [], 0
    for i in range(1, TRIES + 1):
        name = f"old{i:02d}.txt"
        proc = _cli(indexed, "remove", name)
        _kill_at_random(proc, rng, span)
        wrong += [f"try {i}: {w}" for w in disagreements(indexed)]
        removed += not (indexed.corpus_dir / name).exists()
    assert wrong == []
    assert removed < TRIES  # the kills landed


def test_the_bots_upload_path_killed_at_random_points(indexed):
    """The bot adds an upload through bot/ingest_process.py: its process killed at random."""
    rng = random.Random(13)

    async def upload_killed(name: str, data: bytes, after: float) -> None:
        job = asyncio.ensure_future(ingest_process.run(indexed, "add", name, data))
        done, _ = await asyncio.wait([job], timeout=after)
        if not done:
            job.cancel()  # kills the process (SIGKILL), as the bot does when it stops
        try:
            await job
        except (asyncio.CancelledError, Exception):
            pass

    wrong = []
    for i in range(TRIES):
        data = f"上传的第{i}篇\n\n{_article(rng, 200)}\n".encode()
        asyncio.run(upload_killed(f"upload{i:02d}.txt", data, rng.uniform(0.0, 1.5)))
        wrong += [f"try {i}: {w}" for w in disagreements(indexed)]
    assert wrong == []


# ---- every step of the journal, exactly ---------------------------------------------------


def _crash_at(settings: Settings, step: str, job: str, arg: str) -> None:
    """In a forked copy of this process: run `job`, and die (as SIGKILL would) at `step`."""
    import index.engine as engine_mod

    def die(*args, **kwargs):
        os._exit(9)

    if step == "staged":  # the upload written beside the folder, the index not yet changed
        real = engine_mod._write_synced

        def die_after(*args):
            real(*args)
            die()

        engine_mod._write_synced = die_after
    elif step == "committed":  # the index changed, the folder not yet
        engine_mod.os.replace = die
        Path.unlink = lambda self, missing_ok=False: die() if self.parent == settings.corpus_dir else None
    elif step == "moved":  # the folder changed too, the promise not yet forgotten
        store.forget_move = die
    engine = Engine(settings)
    engine.add_document(
        arg, "崩溃测试：青松县建成乡村图书馆137座。".encode() * 20
    ) if job == "add" else engine.remove_document(arg)
    os._exit(0)


@pytest.mark.parametrize(
    "job,step",
    [("add", "staged"), ("add", "committed"), ("add", "moved"), ("remove", "committed"), ("remove", "moved")],
)
def test_a_crash_at_each_step_is_finished_or_undone(indexed, job, step):
    name = "crash.txt"
    if job == "remove":
        Engine.open(indexed).add_document(name, "要删除的文章：白桦镇建成农家书屋59座。".encode() * 20)
    child = multiprocessing.get_context("fork").Process(target=_crash_at, args=(indexed, step, job, name))
    child.start()
    child.join(60)
    assert child.exitcode == 9  # it died where it was told to
    assert disagreements(indexed) == []
    present = (indexed.corpus_dir / name).exists()
    # Before the commit the change never happened; after it, it is carried through.
    assert present == ((job == "add") != (step == "staged"))


# ---- no orphans ---------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def _descendants(pid: int) -> list[int]:
    out = []
    for child in _children(pid):
        out += [child, *_descendants(child)]
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its exit status waits to be read


def _big_corpus(tmp_path: Path) -> Settings:
    """Over parallel_min_bytes: a reindex of it starts its worker processes, and runs for
    seconds."""
    rng = random.Random(14)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(12):
        (corpus / f"big{i:02d}.txt").write_text(f"第{i}篇\n\n{_article(rng, 700)}\n", encoding="utf-8")
    return Settings(corpus_dir=corpus, db_path=tmp_path / "index.db")


def _killed_leaves_none(proc: subprocess.Popen, wanted: int) -> list[int]:
    """Wait for `wanted` children of `proc`, kill it with SIGKILL: its descendants still
    alive two seconds later."""
    deadline = time.monotonic() + 60
    children: list[int] = []
    while len(children) < wanted and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        children = [p for p in _children(proc.pid) if _alive(p)]
    assert len(children) >= wanted, "the children never started"
    time.sleep(0.5)  # well into their work
    children = [p for p in _descendants(proc.pid) if _alive(p)]
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 2
    while any(map(_alive, children)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return [p for p in children if _alive(p)]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc to find the workers")
def test_a_killed_reindex_leaves_no_worker_behind(tmp_path):
    proc = _cli(_big_corpus(tmp_path), "reindex")
    assert _killed_leaves_none(proc, 2) == []


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc to find the workers")
def test_the_bots_ingest_process_ends_with_the_bot(indexed):
    """The bot killed while its ingest process waits for the index (a reindex from the
    command line holds it): that process ends too, instead of waiting on alone."""
    import fcntl

    db = indexed.db_path
    with open(db.with_name(db.name + ".lock"), "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        bot = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import asyncio, sys, pickle; from bot import ingest_process; "
                "asyncio.run(ingest_process.run(pickle.loads(sys.stdin.buffer.read()), 'reindex'))",
            ],
            stdin=subprocess.PIPE,
            cwd=ROOT,
        )
        bot.stdin.write(pickle.dumps(indexed))
        bot.stdin.close()
        assert _killed_leaves_none(bot, 1) == []
