"""Answers on the bundled corpus: the right sentence, the right quote, honest refusals."""

import pytest

from index.answers.answering import Candidate, analyze


def test_design_example_answers_with_the_count_sentence(seed_engine):
    answer = seed_engine.ask("雨花区有多少红色之家?")
    assert answer.sentence == "目前，全区“红色之家”已建成28家。"
    start, end = answer.span
    assert answer.sentence[start:end] == "28家"
    assert answer.passages[0].doc == "002_55373102cb5227f0.txt"
    assert "28家" in answer.passages[0].text


def test_traditional_chinese_question_is_answered_from_simplified_text(seed_engine):
    answer = seed_engine.ask("雨花區有多少紅色之家？")
    assert answer.sentence == "目前，全区“红色之家”已建成28家。"


@pytest.mark.parametrize(
    "question, expected",
    [
        ("长沙2022年中考成绩哪天出来？", "7月3日"),
        ("高塘岭社区党总支书记叫什么名字？", "丁玲"),
        ("2月2日凌晨2点做完最后一袋血检验的是谁？", "吕悦芳"),
        ("郴州市中心血站采血科主任叫什么？", "李海文"),
        ("新田县新组建了几个新就业群体党支部？", "4个"),
        ("狂犬病一旦发病病死率有多高？", "100%"),
    ],
)
def test_answer_sentence_holds_what_was_asked(seed_engine, question, expected):
    answer = seed_engine.ask(question)
    assert answer.sentence and expected in answer.sentence


@pytest.mark.parametrize(
    "question",
    [
        "芙蓉区一共建了多少家红色之家？",  # a place the corpus never mentions
        "高塘岭社区总共有多少户居民？",  # a count the corpus never gives
        "郴州市中心血站2023年全年一共采了多少血？",  # a year the passages do not speak of
    ],
)
def test_questions_the_corpus_cannot_answer_are_refused(seed_engine, question):
    answer = seed_engine.ask(question)
    assert answer.sentence is None
    assert answer.reason
    assert answer.suggestions  # the closest topics, to say what the corpus does cover


def test_refusal_still_returns_the_closest_passages(seed_engine):
    answer = seed_engine.ask("芙蓉区一共建了多少家红色之家？")
    assert answer.passages and "红色之家" in answer.passages[0].text


def test_top_k_and_offset_page_through_passages(seed_engine):
    first = seed_engine.ask("新就业群体", top_k=2)
    more = seed_engine.ask("新就业群体", top_k=2, offset=2)
    assert len(first.passages) == 2 and len(more.passages) == 2
    assert {h.id for h in first.passages}.isdisjoint({h.id for h in more.passages})
    scores = [h.score for h in first.passages + more.passages]
    assert scores == sorted(scores, reverse=True)


def test_follow_up_is_read_with_the_question_before_it(seed_engine):
    answer = seed_engine.ask("那新田县呢？", previous="雨花区新组建了几个新就业群体党支部？")
    assert "新田县" in answer.asked and "党支部" in answer.asked
    assert answer.sentence and "4个" in answer.sentence


def test_follow_up_may_ask_a_new_attribute_of_the_same_subject(seed_engine):
    answer = seed_engine.ask("那辖区面积呢？", previous="高塘岭社区有几个老旧宿舍小区？")
    assert answer.sentence and "3.5平方公里" in answer.sentence
    alone = seed_engine.ask("那辖区面积呢？")
    assert "3.5平方公里" not in (alone.sentence or alone.closest or "")


def test_follow_up_rewrites_an_elliptic_question_and_leaves_a_whole_one_alone():
    from index.answers.followup import follow_up

    assert follow_up("那辖区面积呢？", "雨花区有多少红色之家？") == "雨花区辖区面积是多少？"
    assert follow_up("那市中心血站呢？", "雨花区有多少红色之家？") == "市中心血站有多少红色之家？"
    assert follow_up("那高塘岭社区呢？", "雨花区有多少红色之家？") == "高塘岭社区有多少红色之家？"
    assert follow_up("它有多少名党员？", "高塘岭社区党总支书记叫什么名字？") == "高塘岭社区有多少名党员？"
    assert follow_up("那副书记呢？", "高塘岭社区党总支书记叫什么名字？") == "高塘岭社区副书记是谁？"
    for whole in ("禽流感是由什么病毒引起的？", "那桂阳县有多少人献血？", "为什么呢？"):
        assert follow_up(whole, "雨花区有多少红色之家？") == whole


def test_question_terms_are_marked_in_the_quote(seed_engine):
    hit = seed_engine.ask("雨花区有多少红色之家?").passages[0]
    marked = {hit.text[a:b] for a, b in hit.marks}
    assert "红色" in marked or "红色之家" in marked


def test_source_points_back_into_the_file(seed_engine):
    hit = seed_engine.ask("禽流感是由什么病毒引起的？").passages[0]
    source = (seed_engine.settings.corpus_dir / hit.doc).read_text(encoding="utf-8")
    assert "甲型流感病毒" in source[hit.start : hit.end].replace(" ", "")
    assert hit.title and hit.paragraph >= 1


def test_example_questions_come_from_the_corpus(seed_engine):
    examples = seed_engine.example_questions(3)
    assert len(examples) >= 2
    for q in examples:
        assert seed_engine.ask(q).found, q


def test_sentences_match_the_questions_two_character_words_inside_longer_ones():
    """A sentence's character pairs are read from its text when a question is scored (they
    are not stored): "四位" of the question is in "四位一体", which jieba keeps whole."""
    query = analyze("香港四大才子是指哪四位？")
    assert {"四位", "香港", "港四"} <= query.pairs  # words of two characters, and pairs
    passage = Candidate(1, 1.0, "", "四位一体 小区\t香港", "“四位一体”小区。香港。", "10,13")
    assert passage.sentence_terms(query.pairs) == [{"四位一体", "小区", "四位"}, {"香港"}]
