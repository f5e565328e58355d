"""Faults during a reindex: killed, read-only database, disk full, run twice at once,
questions arriving all the while. Each time the previous index keeps serving, SQLite's
integrity check passes, and the next reindex works."""

from __future__ import annotations

import errno
import logging
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot import cli
from index.engine import Answer, DocumentRejected, Engine, ReindexBusy, ReindexFailed
from index.search import store
from index.search.ranking import Bm25Index
from index.search.reindex import generations_dir
from tests.conftest import ROOT
from tests.fixtures.docmaker import generated_corpus
from tests.fixtures.engines import QUESTION, answer_key, clone_engine, integrity, snapshot

GENERATED = generated_corpus(docs=20, paragraphs=100)  # ~2,000 passages
QUESTIONS = [
    QUESTION,
    "雨花區有多少紅色之家",
    "高塘岭社区面积多大？",
    "岳麓区今年新建了多少个健身广场？",
    "",
    "   ",
    "？？？",
    "😀😀",
    "what is this",
    "<b>红色之家</b>",
    "红" * 300,
    "\x00\x07问题",
]


@pytest.fixture
def engine(seed_engine, tmp_path) -> Engine:
    return clone_engine(seed_engine, tmp_path)


def add_generated(engine: Engine, docs: int = 20) -> None:
    for name, text in list(GENERATED.items())[:docs]:
        (engine.settings.corpus_dir / name).write_text(text, encoding="utf-8")


def generations(engine: Engine) -> list[str]:
    return sorted(p.name for p in generations_dir(engine.settings.db_path).iterdir())


def assert_serves_as_before(engine: Engine, before: dict, key: tuple) -> None:
    """The engine, and a new one opened on the same files, serve the index `before`."""
    assert snapshot(engine.settings) == before
    assert integrity(engine.settings.db_path) == "ok"
    assert answer_key(engine) == key
    fresh = Engine.open(engine.settings, build_if_empty=False)
    assert fresh.stats()["documents"] == len(before["documents"])
    assert answer_key(fresh) == key


# ---- killed with SIGKILL half way ----------------------------------------------------


def test_reindex_killed_half_way_leaves_the_previous_index(engine):
    """A reindex of the seeds plus ~2,000 generated passages, in a process of its own,
    killed with SIGKILL once every passage is written to the database but not committed
    (spilled into the WAL file) and the new BM25 files are half written. Until then the
    lock it holds turns other reindexes away; after, the previous index serves."""
    add_generated(engine)
    before, key = snapshot(engine.settings), answer_key(engine)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.fixtures.reindex_worker",
            str(engine.settings.corpus_dir),
            str(engine.settings.db_path),
            "saving",
        ],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        line = proc.stdout.readline()
        assert line.strip() == "STOPPED saving", (line, proc.stderr.read() if proc.poll() is not None else "")
        wal = engine.settings.db_path.with_name(engine.settings.db_path.name + "-wal")
        assert wal.stat().st_size > 1_000_000  # the uncommitted passages are on disk
        # Half way through: questions are answered from the old index...
        assert answer_key(engine) == key
        # ...and another reindex, from this process or the command line, is turned away.
        with pytest.raises(ReindexBusy):
            engine.reindex()
        with pytest.raises(ReindexBusy):
            Engine(engine.settings).reindex()
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        assert proc.returncode == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            stream.close()

    assert_serves_as_before(engine, before, key)
    live = int(before["generation"])
    assert generations(engine) == [f"gen-{live}", f"gen-{live + 1}"]  # the second half written
    # The next reindex runs (the dead process's lock went with it) and replaces the
    # half-written generation. Fewer documents, to be quick.
    for name in list(GENERATED)[2:]:
        (engine.settings.corpus_dir / name).unlink()
    summary = engine.reindex()
    assert sorted(summary.added) == list(GENERATED)[:2] and summary.documents == 4
    assert integrity(engine.settings.db_path) == "ok"
    assert generations(engine) == [f"gen-{live + 1}"]
    fresh = Engine.open(engine.settings, build_if_empty=False)
    assert fresh.ask("岳麓区今年新建了多少个健身广场？").passages


# ---- questions during a reindex ------------------------------------------------------


def test_200_questions_answered_while_a_reindex_runs(engine, monkeypatch, caplog):
    """A reindex of ~2,000 generated passages in one thread; 200 questions from four
    others. Half of them are asked while the reindex holds its write transaction open."""
    add_generated(engine)
    key = answer_key(engine)
    answered = []
    errors: list[BaseException] = []
    hold = threading.Event()
    writing = threading.Event()
    replace = store.replace_document

    def slow_replace(db, name, *args, **kwargs):
        out = replace(db, name, *args, **kwargs)
        writing.set()
        hold.wait(timeout=30)  # questions pile up while the transaction is open
        return out

    monkeypatch.setattr(store, "replace_document", slow_replace)
    result = {}
    reindex = threading.Thread(target=lambda: result.setdefault("summary", engine.reindex()))

    def ask(worker: int) -> None:
        try:
            for i in range(50):
                q = QUESTIONS[(worker + i) % len(QUESTIONS)]
                a = engine.ask(q)
                assert isinstance(a, Answer) and len(a.passages) <= engine.settings.top_k
                answered.append((q, reindex.is_alive(), a))
                if len(answered) >= 100:
                    hold.set()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
            hold.set()

    caplog.set_level(logging.WARNING)
    reindex.start()
    assert writing.wait(timeout=60), "the reindex never started writing"
    askers = [threading.Thread(target=ask, args=(w,)) for w in range(4)]
    for t in askers:
        t.start()
    for t in askers:
        t.join(timeout=120)
    hold.set()
    reindex.join(timeout=120)
    assert not errors, errors
    assert len(answered) == 200
    assert sum(alive for _, alive, _ in answered) >= 100
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    summary = result["summary"]
    assert len(summary.added) == 20 and summary.passages >= 1900
    # Every answer came from the old index or the new one, whole.
    new_key = answer_key(engine)
    for q, _, a in answered:
        if q == QUESTION:
            assert (a.sentence, [h.text for h in a.passages]) in (key, new_key)
    assert integrity(engine.settings.db_path) == "ok"


# ---- read-only database --------------------------------------------------------------


def _faulty_connect(monkeypatch, pragma: str):
    """New connections (the reindex's own) get `pragma`; the engine's reading ones exist already."""
    connect = store.connect

    def faulty(path, **kwargs):
        db = connect(path, **kwargs)
        if callable(pragma):
            pragma(db)
        else:
            db.execute(pragma)
        return db

    monkeypatch.setattr(store, "connect", faulty)


def test_read_only_database(engine, monkeypatch, capsys):
    add_generated(engine, docs=2)
    before, key = snapshot(engine.settings), answer_key(engine)
    with monkeypatch.context() as m:
        _faulty_connect(m, "PRAGMA query_only = 1")  # SQLite's own "readonly database" error
        with pytest.raises(ReindexFailed) as info:
            engine.reindex()
        assert "read-only" in str(info.value) and "previous index is still serving" in str(info.value)
        assert answer_key(engine) == key
        # The command line says the same, on one line, and exits 2.
        code = cli.main(["reindex", "--corpus", str(engine.settings.corpus_dir), "--db", str(engine.settings.db_path)])
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 2 and err[-1] == "错误：索引数据库是只读的，未做任何改动，旧索引继续提供服务。"
        assert "Traceback" not in "".join(err)
    assert_serves_as_before(engine, before, key)
    assert generations(engine) == [f"gen-{before['generation']}"]
    assert len(engine.reindex().added) == 2  # fault gone: works again


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files anyway")
def test_read_only_database_file(engine):
    add_generated(engine, docs=1)
    before, key = snapshot(engine.settings), answer_key(engine)
    db = engine.settings.db_path
    files = [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]
    for f in files:
        if f.exists():
            f.chmod(0o444)
    try:
        with pytest.raises(ReindexFailed, match="read-only|permission"):
            engine.reindex()
        assert answer_key(engine) == key
    finally:
        for f in files:
            if f.exists():
                f.chmod(0o644)
    assert_serves_as_before(engine, before, key)


# ---- disk full -----------------------------------------------------------------------


def test_disk_full_while_writing_the_database(engine, monkeypatch):
    add_generated(engine, docs=3)
    before, key = snapshot(engine.settings), answer_key(engine)

    def cap(db):
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages + 2}")

    with monkeypatch.context() as m:
        _faulty_connect(m, cap)
        with pytest.raises(ReindexFailed, match="disk is full"):
            engine.reindex()
        assert answer_key(engine) == key
    assert_serves_as_before(engine, before, key)
    assert len(engine.reindex().added) == 3


def test_disk_full_while_writing_the_index_files(engine, monkeypatch):
    add_generated(engine, docs=2)
    before, key = snapshot(engine.settings), answer_key(engine)
    save = Bm25Index.save

    def full(self, directory: Path):
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "passage_ids.npy").write_bytes(b"\x93NUMPY half")
        raise OSError(errno.ENOSPC, "No space left on device", str(directory / "data.csc.index.npy"))

    with monkeypatch.context() as m:
        m.setattr(Bm25Index, "save", full)
        with pytest.raises(ReindexFailed, match="disk is full"):
            engine.reindex()
        assert answer_key(engine) == key
    assert_serves_as_before(engine, before, key)
    assert generations(engine) == [f"gen-{before['generation']}"]  # the half-written one is gone
    assert Bm25Index.save is save
    assert len(engine.reindex().added) == 2


def test_disk_full_while_saving_an_upload(engine, monkeypatch):
    before, key = snapshot(engine.settings), answer_key(engine)
    files = set(os.listdir(engine.settings.corpus_dir))

    def full(fd):  # where a full disk shows on many file systems: flushing the written data
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(os, "fsync", full)
        with pytest.raises(ReindexFailed, match="disk is full"):
            engine.add_document("new.txt", "星沙街道今年共建成社区食堂17家。".encode() * 10)
    assert set(os.listdir(engine.settings.corpus_dir)) == files  # no half file left
    assert_serves_as_before(engine, before, key)


# ---- two reindexes at once -----------------------------------------------------------


def test_second_reindex_is_told_one_is_running(engine, capsys):
    add_generated(engine, docs=2)
    started, release = threading.Event(), threading.Event()

    def progress(done, total):
        started.set()
        release.wait(timeout=30)

    result = {}
    first = threading.Thread(target=lambda: result.setdefault("summary", engine.reindex(progress=progress)))
    first.start()
    try:
        assert started.wait(timeout=30)
        with pytest.raises(ReindexBusy):
            engine.reindex()  # same engine, another thread
        with pytest.raises(ReindexBusy):
            Engine(engine.settings).reindex()  # another engine on the same database
        files = set(os.listdir(engine.settings.corpus_dir))
        with pytest.raises(ReindexBusy):
            engine.add_document("upload.txt", "上传的文件内容。".encode() * 20)
        assert set(os.listdir(engine.settings.corpus_dir)) == files  # not saved, no temp file
        with pytest.raises(ReindexBusy):
            engine.remove_document(sorted(d.name for d in engine.documents())[0])
        code = cli.main(["reindex", "--corpus", str(engine.settings.corpus_dir), "--db", str(engine.settings.db_path)])
        assert code == 2
        assert capsys.readouterr().err.strip().splitlines()[-1] == "错误：已有一次索引更新正在进行，请稍后再试。"
    finally:
        release.set()
        first.join(timeout=60)
    assert len(result["summary"].added) == 2
    assert integrity(engine.settings.db_path) == "ok"
    assert snapshot(engine.settings)["documents"].keys() >= set(list(GENERATED)[:2])
    assert engine.reindex().unchanged == 4


def test_upload_with_a_busy_index_is_not_half_done(engine):
    """An upload is saved only once its document is in the index."""
    started, release = threading.Event(), threading.Event()
    add_generated(engine, docs=1)
    t = threading.Thread(target=lambda: engine.reindex(progress=lambda d, n: (started.set(), release.wait(30))))
    t.start()
    try:
        started.wait(timeout=30)
        with pytest.raises((ReindexBusy, DocumentRejected)):
            engine.add_document("x.txt", "内容。".encode() * 30)
    finally:
        release.set()
        t.join(timeout=60)
    assert not (engine.settings.corpus_dir / "x.txt").exists()
    assert not list(engine.settings.corpus_dir.glob(".*uploading"))
    assert "x.txt" not in {d.name for d in engine.documents()}
