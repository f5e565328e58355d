"""End to end on a tiny corpus of three made-up news pages: what it holds is answered with
the number on word boundaries, a count in a unit it never states and a place it never
names are not answered (the model weighs them; the reason says what it weighed), and
`ask --json` reports the model's confidence."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import rjieba

from index.engine import Engine
from tests.conftest import ROOT, make_settings, write_pages

PAGES = {
    "volunteers.txt": (
        "青溪镇志愿服务队扎根乡村十年\n\n"
        "青溪镇志愿服务队成立于2015年，是当地最早的一支乡村志愿服务队伍。\n\n"
        "截至目前，青溪镇志愿服务队共有队员86人，下设12个服务小组，常年为镇上的留守老人和儿童提供帮助。\n\n"
        "服务队队长陈国华介绍，队员们每周都会到敬老院开展活动，为老人理发、打扫卫生、读报聊天。\n"
    ),
    "library.txt": (
        "柳河县新建图书馆正式开放\n\n"
        "柳河县新建的图书馆于本月正式向市民开放，馆内藏书共计15万册，设有阅览座位600个。\n\n"
        "图书馆每天上午9点开馆，晚上8点闭馆，周一闭馆整理。\n\n"
        "馆长刘慧敏表示，图书馆将定期举办读书会和公益讲座，让更多市民走进图书馆。\n"
    ),
    "tea.txt": (
        "石桥村发展特色茶产业\n\n"
        "石桥村地处山区，村里种植茶叶已有上百年历史。近年来，村里成立了茶叶专业合作社，吸纳村民入股。\n\n"
        "合作社负责人黄立新说，今年合作社的茶叶销售额比去年增长了三成，带动了不少村民增收。\n\n"
        "村里还修建了一条通往茶园的观光步道，吸引了大批游客前来采茶体验。\n"
    ),
}


def write_corpus(tmp: Path) -> Path:
    return write_pages(tmp / "corpus", PAGES)


@pytest.fixture(scope="module")
def news(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("news")
    return Engine.open(make_settings(tmp, write_corpus(tmp)))


def on_word_boundaries(sentence: str, span: tuple[int, int]) -> bool:
    """The span starts and ends where jieba cuts the sentence."""
    cuts, at = {0}, 0
    for word in rjieba.cut(sentence):
        at += len(word)
        cuts.add(at)
    return span[0] in cuts and span[1] in cuts and span[0] < span[1]


ANSWERED = [
    # question, the number the answer sentence holds and its span shows
    ("青溪镇志愿服务队共有多少名队员？", "86"),
    ("柳河县图书馆藏书有多少册？", "15万"),
    ("青溪镇志愿服务队是哪一年成立的？", "2015"),
    ("柳河县图书馆每天几点开馆？", "9点"),
]


@pytest.mark.parametrize("question, number", ANSWERED)
def test_a_fact_the_corpus_holds_is_answered_with_its_number(news, question, number):
    """Outcome "answer": the sentence holds the number, the span is it, on jieba's word cuts."""
    a = news.ask(question)
    assert a.outcome == "answer", a.reason
    assert number in a.sentence and a.sentence in a.quoted.text
    assert number in a.span_text
    assert on_word_boundaries(a.sentence, a.span), (a.span_text, list(rjieba.cut(a.sentence)))


@pytest.mark.parametrize(
    "question, unit",
    [
        ("青溪镇志愿服务队有多少户？", "户"),  # the page counts 人 and 个, never 户
        ("柳河县图书馆有多少台电脑？", "台"),
    ],
)
def test_a_count_in_a_unit_no_passage_states_is_not_answered(news, question, unit):
    """A count asked in a unit the passages never use: no answer, nothing in bold, and the
    reason names the unit."""
    a = news.ask(question)
    assert a.outcome in ("none", "unsure") and a.sentence is None and a.span is None
    assert unit in a.reason


@pytest.mark.parametrize(
    "question",
    [
        "白云区图书馆每天几点开馆？",
        "白云区图书馆藏书有多少册？",
        "桃源村合作社负责人是谁？",
        "梅山镇志愿服务队共有多少名队员？",
        "梅山镇志愿服务队是哪一年成立的？",
        "桃源村茶叶销售额增长了多少？",
    ],
)
def test_a_place_the_corpus_never_names_is_not_answered(news, question):
    """A question on a place the corpus never names gets no answer, the place in the
    reason: no passage of a corpus on 柳河县 can say anything of 白云区."""
    a = news.ask(question)
    assert a.outcome in ("none", "unsure") and a.sentence is None and a.span is None
    assert "not in the corpus" in a.reason and question[:3] in a.reason


def test_ask_json_prints_confidence_outcome_kind_and_span(tmp_path):
    """`python -m bot ask --json` prints the model's confidence (a number) and the outcome."""
    corpus = write_corpus(tmp_path)
    out = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "--corpus", str(corpus), "--db", str(tmp_path / "index.db")],
        input="青溪镇志愿服务队共有多少名队员？\n青溪镇志愿服务队有多少户？\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(rows) == 2
    for row in rows:
        assert {"confidence", "outcome", "kind", "span"} <= set(row)
        assert isinstance(row["confidence"], (int, float)) and 0 <= row["confidence"] <= 1
        assert row["kind"] == "question"
    answered, refused = rows
    assert answered["outcome"] == "answer" and "86" in answered["span"] and answered["span"] in answered["answer"]
    assert refused["outcome"] in ("none", "unsure") and refused["span"] is None and refused["answer"] is None
    assert "户" in refused["reason"] and answered["reason"] is None
