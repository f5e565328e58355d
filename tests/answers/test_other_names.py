"""Questions for another name (又叫什么, 简称, 俗名) and questions in other words: on a made-up
corpus, the name a page gives is answered, a page that gives its subject no other name
does not answer one, and a question worded with a synonym of the page's verb finds it."""

from __future__ import annotations

import pytest

from index.engine import Engine
from tests.conftest import make_settings, write_pages

PAGES = {
    "reservoir.txt": (
        "青松湖水库完成除险加固\n\n"
        "青松湖水库位于西岭县北部，建成于1978年，总库容1.2亿立方米。\n\n"
        "今年完成的除险加固工程新建溢洪道一座，水库周边还建成环湖步道12公里。\n"
    ),
    "park.txt": (
        "白鹭洲公园改造开放\n\n"
        "白鹭洲公园又称南园，是东山县面积最大的城市公园，占地86公顷。\n\n"
        "改造后的公园新增儿童游乐区和健身步道，每天早上6点开园。\n"
    ),
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> Engine:
    tmp = tmp_path_factory.mktemp("names")
    return Engine.open(make_settings(tmp, write_pages(tmp / "corpus", PAGES)))


def test_the_other_name_a_page_gives_is_answered(engine):
    a = engine.ask("白鹭洲公园又叫什么？")
    assert a.outcome == "answer", (a.confidence, a.reason)
    assert "南园" in a.sentence


def test_a_page_that_gives_no_other_name_does_not_answer_one(engine):
    a = engine.ask("青松湖水库又叫什么名字？")
    assert a.outcome != "answer", (a.confidence, a.sentence)


@pytest.mark.parametrize(
    "question, said",
    [
        ("青松湖水库坐落在哪里？", "西岭县北部"),  # the page: 位于
        ("青松湖水库是哪一年建好的？", "1978年"),  # 建成
    ],
)
def test_a_question_with_a_synonym_of_the_pages_word_finds_its_sentence(engine, question, said):
    a = engine.ask(question)
    assert a.outcome == "answer", (a.confidence, a.reason)
    assert said in a.sentence
