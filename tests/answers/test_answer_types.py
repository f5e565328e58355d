"""What a question asks for (a time, money, an area, a count in its unit...) and where a
sentence holds it. Questions and sentences are made up here, not taken from seeds/."""

from __future__ import annotations

import pytest

from index.answers.answering import analyze, answer_spans, asks_exact
from index.normalize import normalize

KINDS = [
    # question, kind, unit
    ("这趟列车每天几点发车？", "time", None),
    ("早班公交几点发车？", "time", None),
    ("景区门票票价多少钱？", "money", None),
    ("新建的体育公园占地面积多大？", "area", None),
    ("服务中心的咨询电话是多少？", "phone", None),
    ("这位老人今年多大年纪？", "count", "岁"),
    ("参赛的小选手今年几岁？", "count", "岁"),
    ("这个村一共有多少户？", "count", "户"),
    ("孩子按计划要打几针疫苗？", "count", "针"),
    ("他在全市比赛中得了第几名？", "ordinal", None),
    ("这座大桥是哪一年建成的？", "year", None),
    ("是谁第一个发现了火情？", "person", None),
]

NOT_COUNTS = [
    "他几乎每天都去公园锻炼吗？",
    "几内亚的首都叫什么？",
    "那几天的天气怎么样？",
    "市民可以通过哪几种方式报名？",
]


@pytest.mark.parametrize("question, kind, unit", KINDS)
def test_kind_and_unit_of_a_question(question, kind, unit):
    """analyze() reads what a question asks for, and the measure word of a count."""
    q = analyze(question)
    assert (q.kind, q.unit) == (kind, unit)


@pytest.mark.parametrize("question", NOT_COUNTS)
def test_ji_inside_a_word_or_after_na_is_not_a_count(question):
    """几乎, 几内亚, 那几天, 哪几种 do not ask how many."""
    assert analyze(question).kind != "count"


SPANS = [
    # question, sentence, a span that must be found, spans that must not be
    ("这条公交线路每天开行多少趟？", "据介绍，这条公交线路目前每天开行18趟，日均客流超过3000人次。", "18趟", []),
    ("全区有多少家养老机构？", "截至目前，全区已建成养老服务机构28间，床位近两千张。", "28间", []),  # 家 ~ 间
    ("王老师在乡村学校教书多少年了？", "王老师在乡村学校教书30多年，教过的学生遍布各地。", "30多年", []),
    ("工作队一共走访了多少户？", "工作队员一户户上门走访，共120户，收集意见建议46条。", "120户", ["一户"]),
    ("图书馆每天早上几点开门？", "市图书馆每天上午8点30分开门，晚上9点闭馆。", "8点30分", ["上午"]),
    ("全区有多少个社区？", "全区划分了1000个网格，覆盖全部56个社区。", "56个", ["1000个"]),
    ("他今年在期刊上发表了多少篇论文？", "他今年在核心期刊上发表论文三篇，其中一篇获奖。", "三篇", []),
    # no title before the name, no 说 after it: only jieba's tag (nr) finds it
    ("是谁第一个冲进了火场？", "昨天傍晚，李建国第一个冲进了火场，救出两名老人。", "李建国", []),
]


@pytest.mark.parametrize("question, sentence, found, not_found", SPANS)
def test_answer_spans_find_the_thing_asked_for(question, sentence, found, not_found):
    """answer_spans marks the count in the asked unit (or a synonym), the clock time, the
    name; not a repeated word, a part of day or a count of another noun."""
    norm = normalize(sentence)
    texts = [norm[a:b] for a, b in answer_spans(analyze(question), norm)]
    assert found in texts
    for wrong in not_found:
        assert not any(wrong in t for t in texts), texts


def test_a_duration_is_not_a_count_of_people():
    """多少考生 in a sentence whose only number is 为期三天: no span."""
    norm = normalize("本次技能考试为期三天，考点设在市第一中学。")
    assert answer_spans(analyze("有多少考生参加了本次技能考试？"), norm) == []


@pytest.mark.parametrize(
    "question, exact",
    [
        ("这个小区有多少户？", True),
        ("末班车几点发车？", True),
        ("这张门票要多少钱？", True),
        ("新校区的面积是多少？", True),
        ("报名咨询电话是多少？", True),
        ("这个村打造的品牌叫什么？", False),
        ("是谁发起了这次活动？", False),
        ("今年全市新增了多少？", False),
    ],
)
def test_asks_exact(question, exact):
    """A count in a unit, a time, money, an area or a phone number cannot be paraphrased."""
    assert asks_exact(analyze(question)) is exact
