"""Fixtures shared by the test files: a copy of the bundled corpus and an engine on it.

Everything runs on real parts: the seeds copied into a temporary folder, a real SQLite
file, real jieba."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from index.answers import meaning
from index.engine import Engine, Settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# The Telegram fixtures (a stub Bot API, a running bot on it) for every test file that
# names them, without importing them into each.
pytest_plugins = ["tests.bot.telegram_support"]


def pytest_configure(config):
    # One meaning-vector cache for the run (both workers inherit it): the tests index the
    # same seeds many times over, and each sentence is embedded once. One thread each:
    # two workers share two cores.
    if "PYTEST_XDIST_WORKER" not in os.environ:
        os.environ.setdefault(meaning.CACHE, str(Path(tempfile.mkdtemp(prefix="vectors-")) / "vectors.db"))
        os.environ.setdefault("OMP_NUM_THREADS", "1")


def make_settings(tmp: Path, corpus: Path | None = None, **overrides) -> Settings:
    """Settings like config.toml's, on a corpus folder and database inside `tmp`."""
    if corpus is None:
        corpus = tmp / "corpus"
        corpus.mkdir(parents=True, exist_ok=True)
        for f in SEEDS.iterdir():
            shutil.copy(f, corpus / f.name)
    return Settings(corpus_dir=corpus, db_path=tmp / "db" / "index.db", **overrides)


def write_pages(folder: Path, pages: dict[str, str]) -> Path:
    """A corpus folder holding `pages` (file name -> text): the tests' made-up corpora."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in pages.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def settings(tmp_path) -> Settings:
    """A private copy of the seeds and an empty database: tests may change both."""
    return make_settings(tmp_path)


@pytest.fixture
def engine(settings) -> Engine:
    """An engine on a private copy of the seeds, indexed."""
    return Engine.open(settings)


@pytest.fixture(scope="session")
def seed_engine(tmp_path_factory) -> Engine:
    """One read-only engine on the seeds for the whole run: for tests that only ask."""
    return Engine.open(make_settings(tmp_path_factory.mktemp("seeds")))
