"""Bad questions, at the engine and at the command line: never an exception or an error
in the log, always a well-formed Answer (or one JSON line / one printed reply)."""

from __future__ import annotations

import json
import logging

import pytest

from bot import cli, wording
from index.engine import Answer

# (question, what it is); the ones marked "empty" have nothing to search for.
QUESTIONS = {
    "empty": "",
    "whitespace": " \t\n\u3000 ",
    "4000 chars": ("雨花区有多少红色之家？" * 400)[:4000],
    "4000 chars of one": "红" * 4000,
    "emoji": "😀👍🏻🇨🇳",
    "punctuation": "？？？！！。。，、……",
    "ascii punctuation": "...?!",
    "english": "How many red homes are there in Yuhua district?",
    "mixed": "雨花区有多少red home？",
    "traditional": "雨花區有多少紅色之家",
    "full-width digits": "全区红色之家已建成２８家吗？",
    "html": "<b>红色之家</b>",
    "html entity": "&amp; & &lt;",
    "markdown": "_*[红色之家](http://x.y)`",
    "sql": "'; DROP TABLE passages; -- 红色之家",
    "sql or": '" OR 1=1 --',
    "control": "\x00\x01\x1b[31m红色之家\x7f\x08",
    "zero width": "\u200b\u202e\ufeff",
    "one character": "红",
    "one stop word": "的",
    "newlines": "雨花区\n有多少\r\n红色之家",
}
EMPTY = {"empty", "whitespace", "zero width", "one stop word"}
CHAT = {"emoji", "punctuation", "ascii punctuation"}  # said like small talk: not searched


def check(answer: Answer, question: str, top_k: int) -> None:
    assert isinstance(answer, Answer) and answer.question == question
    assert len(answer.passages) <= top_k
    scores = [h.score for h in answer.passages]
    assert scores == sorted(scores, reverse=True)
    for h in answer.passages:
        assert h.text and all(0 <= a < b <= len(h.text) for a, b in h.marks)
    if answer.found:
        assert answer.sentence.strip() and answer.passages
        assert answer.sentence in answer.quoted.text
        assert not answer.suggestions
        if answer.span:
            a, b = answer.span
            assert 0 <= a < b <= len(answer.sentence)
    json.dumps(answer.to_json(), ensure_ascii=False)


@pytest.mark.parametrize("kind", sorted(QUESTIONS))
def test_bad_question(seed_engine, kind, caplog):
    caplog.set_level(logging.WARNING)
    q = QUESTIONS[kind]
    answer = seed_engine.ask(q)
    check(answer, q, seed_engine.settings.top_k)
    if kind in EMPTY:
        assert not answer.found and not answer.passages and answer.suggestions
    assert (answer.outcome == "chat") == (kind in CHAT)
    if kind in CHAT:
        assert not answer.found and not answer.passages
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("kind", ["traditional", "full-width digits", "4000 chars", "newlines", "mixed"])
def test_odd_forms_of_the_red_homes_question_are_answered(seed_engine, kind):
    answer = seed_engine.ask(QUESTIONS[kind])
    if kind == "mixed":  # "red home" is not in the corpus: the Chinese words still find passages
        assert answer.passages and all("雨花区" in h.text for h in answer.passages)
        assert answer.outcome != "answer"  # and it does not pretend to know what "red home" is
        return
    assert answer.found and "28家" in answer.sentence


def test_traditional_and_simplified_get_the_same_answer(seed_engine):
    simplified = seed_engine.ask("雨花区有多少红色之家")
    traditional = seed_engine.ask("雨花區有多少紅色之家")
    assert traditional.sentence == simplified.sentence
    assert [h.id for h in traditional.passages] == [h.id for h in simplified.passages]


@pytest.mark.parametrize("top_k", [1, 2, 5, 50])
def test_top_k_and_offset(seed_engine, top_k):
    answer = seed_engine.ask("红色之家", top_k=top_k)
    check(answer, "红色之家", top_k)
    later = seed_engine.ask("红色之家", top_k=top_k, offset=top_k)
    assert not {h.id for h in later.passages} & {h.id for h in answer.passages}


def test_follow_up_with_bad_previous_question(seed_engine):
    for previous in ("", "\x00", "😀", "红" * 4000):
        check(seed_engine.ask("那新田县呢？", previous=previous), "那新田县呢？", 3)


@pytest.mark.parametrize("q", ["\udcd3\udcea雨花区", "\ud800"])
def test_lone_surrogates(seed_engine, q):
    check(seed_engine.ask(q), q, 3)


# ---- the command line ---------------------------------------------------------------


def run_cli(seed_engine, capsys, *args: str) -> tuple[int, str, str]:
    s = seed_engine.settings
    code = cli.main([*args, "--corpus", str(s.corpus_dir), "--db", str(s.db_path)])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_json_answers_every_bad_question(seed_engine, capsys):
    questions = list(QUESTIONS.values())
    code, out, err = run_cli(seed_engine, capsys, "ask", "--json", *questions)
    assert code == 0 and "Traceback" not in err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["question"] for r in rows] == questions
    for r in rows:
        assert len(r["passages"]) <= 3
    by_q = {r["question"]: r for r in rows}
    assert "28家" in by_q[QUESTIONS["traditional"]]["answer"]
    assert by_q[""]["answer"] is None and by_q[""]["passages"] == []


def test_cli_text_answers_every_bad_question(seed_engine, capsys):
    questions = [q for q in QUESTIONS.values() if q.strip()]
    code, out, err = run_cli(seed_engine, capsys, "ask", *questions)
    assert code == 0 and "Traceback" not in err
    replies = [r for r in out.split("\n\n") if r.strip()]
    assert len(replies) >= len(questions)
    said = (
        out.count("答：") + out.count(wording.UNSURE_HEAD) + out.count("没有找到答案。") + out.count("请发一个问题给我")
    )  # the last: emoji
    assert said == len(questions)


def test_cli_questions_on_standard_input(seed_engine, capsys, monkeypatch):
    import io

    lines = ["雨花區有多少紅色之家", "", "   ", "\x00\x07", "<b>&</b>", "红"]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    code, out, err = run_cli(seed_engine, capsys, "ask", "--json")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["question"] for r in rows] == [q.strip() for q in lines]
    assert "28家" in rows[0]["answer"]


@pytest.mark.parametrize("top_k", ["-1", "-50"])
def test_cli_bad_top_k_is_one_line_and_exit_2(seed_engine, capsys, top_k):
    code, out, err = run_cli(seed_engine, capsys, "ask", "--top-k", top_k, "红色之家")
    assert code == 2 and err.strip().startswith("错误：--top-k") and len(err.strip().splitlines()) == 1
