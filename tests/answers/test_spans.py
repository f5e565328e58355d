"""The bold answer span: whole words, the kind of thing asked for, never the question's
own words, the same every time. Sentences are made up here, not taken from seeds/."""

from __future__ import annotations

import re

import pytest
import rjieba

from index.answers import answering, span_features, spans
from index.normalize import normalize

CASES = [
    # question, sentence, the bold text
    ("全市去年新建了多少所学校？", "去年全市共新建了15所学校，投入资金3亿元。", "15所"),
    ("活动吸引了多少市民参与？", "据统计，这次活动吸引了2.18万名市民参与。", "2.18万名"),
    ("这种药要服用几天才能见效？", "医生说，这种药一般需要服用5-7天才能见效。", "5-7天"),
    ("这个小区有多少户居民？", "这个小区共有居民1200户，其中老年人占三成。", "1200户"),
    ("厂里一共捐了多少毫升血？", "厂里职工踊跃献血，一共捐了164000毫升血。", "164000毫升"),
    ("这座大桥是哪一年建成的？", "这座大桥建成于1998年，全长1200米。", "1998年"),
    ("这所中学在全省排第几？", "在今年的全省评比中，这所中学排名第3位。", "排名第3位"),
    ("学校的校长是谁？", "开学典礼上，学校校长李明华向新生致辞。", "李明华"),
    ("协会的会长叫什么名字？", "协会会长王建国介绍，今年将举办三场讲座。", "王建国"),
    ("球队的教练叫什么名字？", "球员们把奖杯交到了球队教练刘志强的手里。", "刘志强"),
    ("这次比赛在哪里举行？", "这次比赛在杭州举行，共有200名选手参加。", "杭州"),
    ("该项目由哪个单位负责设计？", "该项目由清华大学负责设计，预计明年完工。", "清华大学"),
    ("这个村打造的文旅品牌叫什么？", "近年来，这个村打造了“绿水青山”文旅品牌，吸引了大批游客。", "“绿水青山”"),
    ("这本书的名字是什么？", "他最近出版了新书《山海之间》，讲述了家乡的故事。", "《山海之间》"),
]

# The kind of thing is right, the edges a little loose: what must be in the bold, and
# how long it may be at most (the evaluation's "tight": twice the answer plus 4).
LOOSE_CASES = [
    ("运动会哪天开幕？", "第十届全市运动会将于9月18日在体育中心开幕。", "9月18日"),
    ("列车每天几点发车？", "这趟列车每天早上7点从南站发车。", "7点"),
    ("该县的森林覆盖率是多少？", "近年来，该县的森林覆盖率达到65.3%，位居全省前列。", "65.3%"),
    ("展会上展出了哪些水果？", "展会上展出了苹果、香蕉、葡萄等水果。", "苹果、香蕉、葡萄"),
]

# One case per hand rule of index/answers/spans.py (each fails without its rule).
RULE_CASES = [
    # a count in the asked unit, never an area; next to the question's words
    ("社区有几个菜市场？", "该社区辖区面积2.6平方公里，有大型超市5个，菜市场2个。", "2个"),
    ("园区有几家商户？", "园区占地6.8公顷，入驻餐饮店铺32家，商户9家。", "9家"),
    # a number of days, not a day of the month
    ("运动会一共举办了几天？", "9月12日，为期四天的全市运动会在体育中心闭幕。", "四天"),
    # a name right after a role
    ("最后离开实验室的是谁？", "当晚，实验室技术人员郑思远最后一个离开实验室，随后锁上了大门。", "郑思远"),
    # 分别: the item of the second list paired with the question's
    ("该校在市级评比中获得第几名？", "在省级、市级和区级三项评比中，该校分别获得第2名、第7名、第4名。", "第7名"),
    # between the matched words: "X是Y的什么职务" - "Y馆长X"
    ("赵敏是区妇联的什么职务？", "区人大常委会副主任、区妇联主席赵敏宣布活动启动并为志愿者服务队授旗。", "主席"),
    # the quote right before the question's type word
    (
        "学校是按什么理念办学的？",
        "校长表示，学校始终坚持“以人为本、因材施教、全面发展、特色立校、开放办学”的理念，培养了一批人才。",
        "“以人为本、因材施教、全面发展、特色立校、开放办学”",
    ),
    # X，就是Y
    ("这次改造的重点区域在哪？", "全市共有12个改造项目，而这次改造的重点区域，就是老城区北门片区。", "老城区北门片区"),
    # the object of the question's verb, without the verbs around it
    ("粉刷墙面建议用什么材料？", "粉刷墙面时最好使用环保涂料进行施工。", "环保涂料"),
    # the name after the quoted word the question names
    ("村里那位“老支书”叫什么？", "“老支书”王德明，几十年如一日守护着村里的水库，带领村民修路架桥。", "王德明"),
]
# The enumeration before the type word the question names: its first items, whole.
RULE_LOOSE_CASES = [
    (
        "展厅里陈列了哪些展品？",
        "展厅内陈列青铜器、陶瓷、书画、玉器、古籍善本、钱币、刺绣精品等展品，吸引了众多市民参观。",
        "青铜器、陶瓷、书画",
    ),
]

MORE_SENTENCES = [
    "据了解，该市今年共接待游客3200万人次，同比增长12.5%。",
    "副主任张晓东表示，下一步将在全区推广这一做法。",
    "2019年10月1日上午10点，庆祝大会在广场隆重举行。",
    "《城市规划条例》自２０２３年１月１日起施行，共８章６０条。",
    "這座橋樑於一九九八年建成，全長一千二百米。",
    "活动分为“走进社区”“走进校园”“走进企业”三个环节。",
    "面积约120㎡，可容纳50人同时办公。",
    "ABC公司CEO John Smith说：“我们将投资5亿美元。”",
    "主要种植水稻、玉米、大豆、花生等作物，年产量超过10万吨。",
    "",
    "。。。",
]

QUESTIONS = [
    "有多少人？",
    "是谁说的？",
    "在哪里举行？",
    "叫什么名字？",
    "哪天施行？",
    "占比是多少？",
    "排第几？",
    "有哪些作物？",
    "是什么活动？",
    "哪一年建成？",
]


def bold(question: str, sentence: str) -> str | None:
    span = spans.answer_span(answering.analyze(question), sentence)
    return sentence[span[0] : span[1]] if span else None


@pytest.mark.parametrize("question, sentence, expected", CASES + RULE_CASES)
def test_the_bold_is_the_thing_asked_for(question, sentence, expected):
    """Each kind of thing asked for, and each hand rule of spans.py, bolds exactly it."""
    assert bold(question, sentence) == expected


@pytest.mark.parametrize("question, sentence, expected", LOOSE_CASES)
def test_the_bold_holds_the_thing_asked_for_and_little_else(question, sentence, expected):
    text = bold(question, sentence)
    assert text and expected in text and len(text) <= 2 * len(expected) + 4


def _boundaries(sentence: str) -> set[int]:
    at, cuts = 0, {0}
    for word in rjieba.cut(normalize(sentence)):
        at += len(word)
        cuts.add(at)
    return cuts


@pytest.mark.parametrize(
    "sentence", [s for _, s, _ in CASES + LOOSE_CASES + RULE_CASES + RULE_LOOSE_CASES] + MORE_SENTENCES
)
def test_a_span_never_cuts_a_word(sentence):
    for question in QUESTIONS + [q for q, _, _ in CASES]:
        span = spans.answer_span(answering.analyze(question), sentence)
        if span is None:
            continue
        start, end = span
        assert 0 <= start < end <= len(sentence)
        if len(normalize(sentence)) == len(sentence):
            cuts = _boundaries(sentence)
            assert start in cuts and end in cuts, (question, sentence, sentence[start:end])


def test_a_span_of_a_sentence_normalisation_lengthens_is_inside_it():
    sentence = "面积约120㎡，可容纳50人同时办公。"
    assert len(normalize(sentence)) != len(sentence)
    span = spans.answer_span(answering.analyze("可以容纳多少人？"), sentence)
    assert span is not None and sentence[span[0] : span[1]] == "50人"


@pytest.mark.parametrize("question, sentence, expected", RULE_LOOSE_CASES)
def test_an_enumeration_before_the_asked_type_is_bold_from_its_first_item(question, sentence, expected):
    text = bold(question, sentence)
    assert text and text.startswith(expected) and len(text) <= 2 * len(expected) + 4
    # The stretch before "等展品" starts at the first item, past the verb 陈列.
    profile = span_features.profile(question)
    cands = span_features.candidates(profile, sentence)
    stretches = spans._type_stretches(profile, cands)
    assert [cands.words.words[a] for a, _ in stretches] == ["青铜器"]


def test_a_date_is_no_number_of_days_and_an_area_no_count():
    sentence = "5月8日，为期两天的读书节开幕，主会场面积1.2万平方米，设展位30个。"
    assert bold("读书节一共办几天？", sentence) == "两天"
    assert bold("读书节设了几个展位？", sentence) == "30个"


def test_respectively_needs_lists_of_the_same_length():
    # Two items before 分别, three after: no pairing, the ranker's choice stands.
    sentence = "在省级和市级评比中，该校分别获得第2名、第7名、第4名。"
    assert bold("该校在市级评比中获得第几名？", sentence) in ("第2名", "第7名", "第4名")
    assert (
        bold("该校在省级评比中获得第几名？", "在省级、市级和区级三项评比中，该校分别获得第2名、第7名、第4名。")
        == "第2名"
    )


@pytest.mark.parametrize("question, sentence, expected", CASES + LOOSE_CASES + RULE_CASES)
def test_the_question_s_own_words_are_never_bold(question, sentence, expected):
    text = bold(question, sentence)
    assert text is not None
    for word in span_features.profile(question).words:
        if len(word) >= 2:
            assert word not in normalize(text), (word, text)


def test_the_model_file_loads_and_the_span_is_the_same_every_time():
    model = spans.reload_model()
    assert set(model) == set(span_features.KINDS)
    question, sentence, _ = CASES[0]
    first = [bold(q, s) for q, s, _ in CASES]
    spans.reload_model()
    assert [bold(q, s) for q, s, _ in CASES] == first
    assert bold(question, sentence) == first[0]


def test_nothing_to_bold_in_an_empty_sentence():
    assert spans.answer_span(answering.analyze("有多少人？"), "") is None
    assert spans.answer_span(answering.analyze("有多少人？"), "。。。") is None


def test_no_rule_names_a_word_of_the_seed_documents():
    # The rule layer is general: its source names measure words and particles, never a
    # seed document's names ("岭上红", "丁玲", ...), checked on a few of them.
    source = open(spans.__file__, encoding="utf-8").read() + open(span_features.__file__, encoding="utf-8").read()
    for name in ("岭上红", "丁玲", "王泽", "周农", "高塘岭", "雨花", "红色之家"):
        assert name not in source
    assert re.search(r"MODEL_FILE", source)
