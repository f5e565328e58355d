"""Small talk: greetings, thanks, goodbyes, 好的, 哈哈 and emoji are recognised, by kind;
real questions, even ones that open with 你好 or end with 谢谢, never are; the engine does
not search small talk, and `ask --json` calls it "chat"."""

from __future__ import annotations

import json

import pytest

from bot import cli
from index.answers.smalltalk import is_small_talk, kind

SMALL_TALK = {
    "greeting": [
        "你好",
        "您好",
        "嗨",
        "hi",
        "Hello!",
        "早上好",
        "在吗",
        "在嗎？",
        "你好呀",
        "大家好！",
        "Hi there",
        "ＨＥＬＬＯ",
        "你好吗",
    ],
    "thanks": [
        "谢谢",
        "多谢",
        "感谢",
        "thx",
        "Thanks!",
        "谢谢你",
        "謝謝您！",
        "非常感谢！！",
        "好的，谢谢！",
        "thank you 🙏",
        "收到，多谢",
        "谢谢谢谢",
    ],
    "goodbye": ["再见", "拜拜", "bye", "Bye bye~", "好的，再见", "88"],
    "ack": [
        "好的",
        "好",
        "收到",
        "明白了",
        "知道了",
        "我知道了",
        "嗯",
        "嗯嗯",
        "ok",
        "OK",
        "ＯＫ",
        "行",
        "可以",
        "好吧。",
        "太好了！",
        "没问题",
    ],
    "laugh": ["哈哈", "哈哈哈哈哈", "hahaha", "呵呵"],
    "emoji": ["😀", "👍", "🙏", "😀🎉👍🏽🇨🇳", "？？？", "...?!", "……"],
}

QUESTIONS = [
    "你好，雨花区有多少红色之家？",
    "你好！请问高塘岭社区的党总支书记是谁",
    "雨花区有多少红色之家？谢谢",
    "请问新田县建成了多少个党群服务站，谢谢！",
    "谢谢，那新田县呢？",
    "好的，那隆回呢",
    "可以吗",
    "好吗？",
    "在哪",
    "你是谁",
    "什么",
    "几",
    "哈哈，是吗",
    "hi, how many red homes are there?",
    "this",
    "thanks for what",
    "红色之家",
    "谢晋导演的代表作是什么？",
]


@pytest.mark.parametrize("expected, text", [(k, t) for k, texts in SMALL_TALK.items() for t in texts])
def test_small_talk_is_recognised_by_kind(expected, text):
    assert kind(text) == expected
    assert is_small_talk(text)


@pytest.mark.parametrize("text", QUESTIONS)
def test_questions_are_never_small_talk(text):
    assert kind(text) is None
    assert not is_small_talk(text)


@pytest.mark.parametrize("text", ["", "   ", "\u200b\ufeff", "的", "你", "啊"])
def test_nothing_or_fillers_alone_are_left_to_the_engine(text):
    assert kind(text) is None  # no small-talk phrase: the engine says it found nothing


def test_small_talk_is_not_searched(seed_engine):
    for text in ("谢谢", "你好呀", "👍", "好的，谢谢！"):
        a = seed_engine.ask(text)
        assert a.outcome == "chat" and not a.found and a.passages == [] and a.suggestions == []
        assert a.to_json()["kind"] == "chat"
    a = seed_engine.ask("你好，雨花区有多少红色之家？")
    assert a.outcome == "answer" and "28家" in a.sentence and a.to_json()["kind"] == "question"


def test_ask_json_says_kind_chat(seed_engine, capsys):
    s = seed_engine.settings
    code = cli.main(
        ["ask", "--json", "谢谢", "雨花区有多少红色之家？", "--corpus", str(s.corpus_dir), "--db", str(s.db_path)]
    )
    out, _ = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [(r["kind"], r["outcome"]) for r in rows] == [("chat", "chat"), ("question", "answer")]
    assert rows[0]["passages"] == [] and rows[0]["answer"] is None


def test_ask_answers_small_talk_in_kind(seed_engine, capsys):
    s = seed_engine.settings
    code = cli.main(["ask", "你好", "谢谢", "再见", "--corpus", str(s.corpus_dir), "--db", str(s.db_path)])
    out, _ = capsys.readouterr()
    greeting, thanks, goodbye = [r for r in out.split("\n\n") if r.strip()]
    assert code == 0
    assert greeting.startswith("你好！") and any(q in greeting for q in seed_engine.example_questions(1))
    assert thanks.startswith("不客气") and goodbye.startswith("再见")
    assert "没有找到" not in out


def test_a_long_message_is_never_small_talk():
    assert kind("谢谢" * 100) == "thanks"  # 200 characters: still small talk
    assert kind("谢谢" * 100 + "雨花区有多少红色之家") is None  # no question hidden past a cut
