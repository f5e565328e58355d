"""What an answer is about: on a made-up corpus of a district's and a community's pages, a
question about the community is not answered from the district's count (全区…48家), a
question about a place the corpus never names is not answered from a namesake's page, and
what each page does say of its own subject is answered."""

from __future__ import annotations

import pytest

from index.engine import Engine
from tests.conftest import make_settings, write_pages

PAGES = {
    "district.txt": (
        "城南区推进红色驿站建设\n\n"
        "城南区把红色驿站建设作为服务新就业群体的重要抓手。目前，全区红色驿站已建成48家，覆盖所有街道。\n\n"
        "驿站内设有休息区、阅读区，配备饮水机、微波炉和充电设备，为快递员、外卖骑手提供歇脚的地方。\n"
    ),
    "community.txt": (
        "东湖社区的邻里节\n\n"
        "东湖社区位于城南区中部，共有居民3200户。今年的邻里节吸引了600多名居民参加。\n\n"
        "社区党委书记王丽华介绍，邻里节已连续举办五届，成为社区居民交流的重要平台。\n"
    ),
    "library.txt": (
        "西岭县图书馆开放夜间阅读\n\n"
        "西岭县图书馆从本月起开放夜间阅读，每天开放到晚上10点。馆内藏书共计8万册。\n\n"
        "馆长李明说，夜间阅读吸引了不少上班族和学生。\n"
    ),
}


@pytest.fixture(scope="module")
def town(tmp_path_factory) -> Engine:
    tmp = tmp_path_factory.mktemp("town")
    return Engine.open(make_settings(tmp, write_pages(tmp / "corpus", PAGES)))


@pytest.mark.parametrize(
    "question, said",
    [
        ("城南区红色驿站建成了多少家？", "48家"),
        ("东湖社区有多少户居民？", "3200户"),
        ("东湖社区的党委书记是谁？", "王丽华"),
        ("东湖社区的邻里节办了几届？", "五届"),
        ("西岭县图书馆藏书多少册？", "8万册"),
    ],
)
def test_what_a_page_says_of_its_own_subject_is_answered(town, question, said):
    a = town.ask(question)
    assert a.outcome == "answer", (a.confidence, a.reason)
    assert said in a.span_text


@pytest.mark.parametrize(
    "question, not_said",
    [
        ("东湖社区有多少家红色驿站？", "48家"),  # the district's count, not the community's
        ("东湖社区图书馆藏书多少册？", "8万册"),  # another place's library
        ("西湖社区的邻里节办了几届？", "五届"),  # a community the corpus never names
    ],
)
def test_a_question_about_one_subject_is_not_answered_from_another(town, question, not_said):
    """No answer, nothing in bold: the sentence holding `not_said` is about something else."""
    a = town.ask(question)
    assert a.outcome != "answer" and a.sentence is None and a.span is None, (a.confidence, a.sentence)
