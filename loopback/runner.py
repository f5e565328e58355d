"""The real bot against the stub: a config.toml pointed at it (write_config, on a private
copy of the seeds, or a copy of an index already built: copy_index), and the application
polling it in a thread of its own (BotRunner)."""

from __future__ import annotations

import asyncio
import json
import shutil
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from loopback.server import ADMIN_ID, StubBotApi

if TYPE_CHECKING:  # the stub serves bench/ too, without the bot imported
    from bot.config import Config

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def copy_index(src_db: Path, dst_db: Path) -> None:
    """Copy a built index (the SQLite file, consistently, and its BM25 generations)."""
    import sqlite3

    dst_db.parent.mkdir(parents=True, exist_ok=True)
    src, dst = sqlite3.connect(src_db), sqlite3.connect(dst_db)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    generations = src_db.with_name(src_db.name + ".index")
    if generations.is_dir():
        shutil.copytree(generations, dst_db.with_name(dst_db.name + ".index"))


def write_config(
    tmp: Path,
    stub: StubBotApi,
    *,
    corpus: Path | None = None,
    index: dict | None = None,
    index_from: Path | None = None,
    **telegram,
) -> Config:
    """A config.toml in `tmp` (a private copy of the seeds, a fresh database, the stub's
    base URLs and token), loaded through bot.config like the real one. `index_from`: an
    index database of the seeds to start from, instead of indexing them again."""
    from bot import config as config_mod

    tmp = Path(tmp)
    tmp.mkdir(parents=True, exist_ok=True)
    if index_from is not None:
        copy_index(index_from, tmp / "db" / "index.db")
    if corpus is None:
        corpus = tmp / "corpus"
        corpus.mkdir(exist_ok=True)
        for f in SEEDS.iterdir():
            shutil.copy(f, corpus / f.name)
            (corpus / f.name).chmod(0o644)
    idx = {"corpus": str(corpus), "db": str(tmp / "db" / "index.db"), "workers": 1, **(index or {})}
    tg = {
        "token": stub.token,
        "base_url": stub.base_url,
        "base_file_url": stub.base_file_url,
        "admins": [ADMIN_ID],
        **telegram,
    }
    lines = ["[index]"] + [f"{k} = {_toml(v)}" for k, v in idx.items()]
    lines += ["", "[telegram]"] + [f"{k} = {_toml(v)}" for k, v in tg.items()]
    path = tmp / "config.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config_mod.load(path)


class BotRunner:
    """The real application (bot.telegram_app) polling the stub, in a thread of its own
    with its own event loop, until stop()."""

    def __init__(self, cfg, engine=None, *, poll_timeout: float = 1.0, **build_kwargs):
        self.cfg = cfg
        self.engine = engine
        self.poll_timeout = poll_timeout
        self.build_kwargs = build_kwargs
        self.app = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def start(self, timeout: float = 30.0) -> BotRunner:
        from index.engine import Engine

        if self.engine is None:
            self.engine = Engine.open(self.cfg.index)
        self._ready = threading.Event()
        self._error = None
        self._thread = threading.Thread(target=self._run, name="bot-under-test", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise RuntimeError(f"bot did not start in {timeout} s: {self._error!r}")
        if self._error:
            raise RuntimeError("bot failed to start") from self._error
        return self

    def _run(self) -> None:
        from bot.telegram_app import build_application, serve

        async def main():
            self._loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()
            ready = asyncio.Event()
            self.app = build_application(self.cfg, self.engine, **self.build_kwargs)
            task = asyncio.create_task(
                serve(self.app, self.cfg, self._stop, poll_timeout=self.poll_timeout, ready=ready)
            )
            waiter = asyncio.create_task(ready.wait())
            await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
            if task.done():  # failed to start: its error is what start() must see
                waiter.cancel()
                await task
            self._ready.set()
            await task

        try:
            asyncio.run(main())
        except BaseException as exc:  # surfaced by start() or stop()
            self._error = exc
            self._ready.set()

    @property
    def state(self):
        return self.app.bot_data["state"]

    def wait_ended(self, timeout: float) -> BaseException | None:
        """Wait for serve() to end by itself (not by stop()); what it raised, if anything.
        AssertionError if it is still running after `timeout` seconds."""
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise AssertionError(f"the bot still runs after {timeout} s")
        error, self._error = self._error, None
        return error

    def stop(self, timeout: float = 15.0) -> None:
        if self._loop is not None and self._stop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                raise RuntimeError("bot did not stop")
        if self._error:
            raise RuntimeError("bot failed") from self._error

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
