"""The command line, run as a user runs it: a real process, a real database file."""

import json
import re
import subprocess
import sys

import pytest

from bot.cli import build_parser
from tests.conftest import ROOT, make_settings


def run(*args, stdin=None, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True, cwd=cwd, timeout=120
    )


@pytest.fixture(scope="module")
def index_files(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli")
    s = make_settings(tmp)
    return s.corpus_dir, s.db_path


def test_ask_json_builds_the_index_on_first_use_and_answers_in_order(index_files):
    corpus, db = index_files
    out = run(
        "ask",
        "--json",
        "--top-k",
        "2",
        "--corpus",
        str(corpus),
        "--db",
        str(db),
        stdin="雨花区有多少红色之家?\n\n芙蓉区一共建了多少家红色之家？\n",
    )
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["question"] for r in rows] == ["雨花区有多少红色之家?", "", "芙蓉区一共建了多少家红色之家？"]
    first = rows[0]
    assert first["answer"] == "目前，全区“红色之家”已建成28家。"
    assert len(first["passages"]) == 2
    assert set(first["passages"][0]) >= {"doc", "title", "text", "score"}
    assert first["passages"][0]["doc"] == "002_55373102cb5227f0.txt"
    assert first["passages"][0]["doc_title"] == "党建引领有力度 基层治理有温度——长沙市雨花区打造高质量党建纪实"
    assert rows[1]["answer"] is None and rows[1]["passages"] == []
    assert rows[2]["answer"] is None
    assert db.exists()


def test_ask_prints_answer_quote_and_source(index_files):
    corpus, db = index_files
    out = run("ask", "狂犬病一旦发病病死率有多高？", "--corpus", str(corpus), "--db", str(db))
    assert out.returncode == 0, out.stderr
    assert "100%" in out.stdout
    source = out.stdout.rsplit("—— ", 1)[1]  # the article, in the document named by its title
    assert source.startswith("健康迎新春快乐过新年——2024年春节健康提示（党建引领有力度 基层治理有温度——长沙市雨花区")
    assert "第" in source and ".txt" not in source


def test_reindex_reports_what_changed(tmp_path):
    s = make_settings(tmp_path)
    first = run("reindex", "--json", "--corpus", str(s.corpus_dir), "--db", str(s.db_path))
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert sorted(summary["added"]) == sorted(p.name for p in s.corpus_dir.iterdir())
    assert summary["passages"] > 20
    (s.corpus_dir / "new.txt").write_text("新文章标题\n\n某县新建了9座桥梁。\n", encoding="utf-8")
    (s.corpus_dir / "000_7524f48e644b9190.txt").unlink()
    (s.corpus_dir / "notes.xls").write_bytes(b"\x00\x01")
    second = json.loads(run("reindex", "--json", "--corpus", str(s.corpus_dir), "--db", str(s.db_path)).stdout)
    assert second["added"] == ["new.txt"]
    assert second["removed"] == ["000_7524f48e644b9190.txt"]
    assert second["unchanged"] == 1
    assert second["skipped"] and second["skipped"][0]["file"] == "notes.xls"
    assert second["skipped"][0]["code"] == "unsupported_type"
    text = run("reindex", "--corpus", str(s.corpus_dir), "--db", str(s.db_path)).stdout
    assert "新增 0 · 更新 0 · 删除 0 · 未变 2 · 跳过 1" in text
    assert "跳过 notes.xls：不支持 .xls 类型的文件" in text


def test_stats_and_docs(index_files):
    corpus, db = index_files
    out = run("stats", "--corpus", str(corpus), "--db", str(db))
    assert out.returncode == 0 and re.search(r"文档 2 篇，段落 \d+ 段", out.stdout)
    docs = run("docs", "--corpus", str(corpus), "--db", str(db)).stdout
    assert "002_55373102cb5227f0.txt" in docs and "党建引领有力度" in docs


def _one_doc_corpus(folder, name, title):
    folder.mkdir()
    (folder / name).write_text(f"{title}\n\n某县新建了9座桥梁，方便村民出行。\n", encoding="utf-8")
    return folder


def test_paths_before_or_after_the_command_mean_the_same(tmp_path):
    """The usage line shows the options before the command: there they must not be dropped
    for the default corpus."""
    corpus = _one_doc_corpus(tmp_path / "c", "bridges.txt", "青松县新建桥梁")
    before = run("--corpus", str(corpus), "--db", str(tmp_path / "d.db"), "docs")
    after = run("docs", "--corpus", str(corpus), "--db", str(tmp_path / "d.db"))
    assert before.returncode == 0 and after.returncode == 0, before.stderr + after.stderr
    assert before.stdout == after.stdout
    assert before.stdout.splitlines() == ["bridges.txt\t1 段\t青松县新建桥梁"]


def test_an_option_given_before_and_after_the_command_counts_after(tmp_path):
    first = _one_doc_corpus(tmp_path / "first", "first.txt", "第一份语料")
    second = _one_doc_corpus(tmp_path / "second", "second.txt", "第二份语料")
    out = run(
        "--corpus",
        str(first),
        "--db",
        str(tmp_path / "first.db"),
        "reindex",
        "--json",
        "--corpus",
        str(second),
        "--db",
        str(tmp_path / "second.db"),
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["added"] == ["second.txt"]
    assert (tmp_path / "second.db").exists() and not (tmp_path / "first.db").exists()


def test_user_mistakes_are_one_line_and_a_non_zero_exit(tmp_path):
    missing = run("reindex", "--corpus", str(tmp_path / "nope"), "--db", str(tmp_path / "x.db"))
    assert missing.returncode == 2
    assert missing.stderr.strip().splitlines()[-1].startswith("错误：语料文件夹") and "Traceback" not in missing.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text("[index\n", encoding="utf-8")
    out = run("stats", "--config", str(bad))
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert run("ask", "x", "--top-k", "0", "--db", str(tmp_path / "y.db")).returncode == 2


def test_without_a_token_the_main_command_answers_from_the_bundled_corpus(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[index]\ncorpus = "{ROOT / "seeds"}"\ndb = "{tmp_path / "index.db"}"\n', encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(cfg)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        stdin=subprocess.DEVNULL,
    )
    assert out.returncode == 0, out.stderr
    assert "TELEGRAM_BOT_TOKEN" in out.stdout
    assert "答：" in out.stdout


def test_every_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    for name in commands:
        assert f"python -m bot {name}" in readme or (name == "run" and "python -m bot" in readme), name
