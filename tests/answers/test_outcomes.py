"""The three outcomes of a question, at the engine and in plain text (`python -m bot ask`,
the console): an answer with its span, the closest sentence with no claim, or nothing
found with the topics closest to *this* question."""

from __future__ import annotations

import io

import pytest

from bot.render import format_answer_text
from index.engine import Engine
from index.search import store
from tests.conftest import make_settings

ANSWERABLE = "雨花区有多少红色之家？"
# Two questions the seeds cannot answer, each near a different article.
NOT_IN_YUHUA = "芙蓉区的红色之家每天几点开门？"
NOT_IN_XINTIAN = "新田县的水稻产量是多少吨？"


@pytest.fixture(scope="module")
def unsure_engine(tmp_path_factory):
    """An engine that is never sure enough to answer (the placeholder confidence is 0 or 1)."""
    settings = make_settings(tmp_path_factory.mktemp("unsure"), answer_confidence=1.01, closest_confidence=0.0)
    return Engine.open(settings)


def test_answer(seed_engine):
    a = seed_engine.ask(ANSWERABLE)
    assert a.outcome == "answer" and "28家" in a.sentence and a.span_text and a.closest is None
    text = format_answer_text(a)
    assert text.startswith("答：") and "28家" in text and "「" in text
    assert text.endswith("—— 党建引领有力度 基层治理有温度——长沙市雨花区打造高质量党建纪实，第13段")


def test_unsure_shows_the_closest_sentence_without_a_claim(unsure_engine):
    a = unsure_engine.ask(ANSWERABLE)
    assert a.outcome == "unsure" and a.sentence is None and a.span is None
    assert "28家" in a.closest and a.closest in a.quoted.text
    text = format_answer_text(a)
    assert text.startswith("最接近的内容") and "资料里没有直接的答案" in text
    assert "答：" not in text and a.closest in text and "「" in text and "——" in text


def test_not_found_names_the_topics_nearest_to_the_question(seed_engine):
    yuhua, xintian = seed_engine.ask(NOT_IN_YUHUA), seed_engine.ask(NOT_IN_XINTIAN)
    assert yuhua.outcome == xintian.outcome == "none"
    assert yuhua.suggestions != xintian.suggestions
    assert "雨花区" in yuhua.suggestions[0] and "新田" in xintian.suggestions[0]
    for a in (yuhua, xintian):
        near = [h.title for h in seed_engine.ask(a.question, top_k=30).passages]
        assert len(set(a.suggestions)) == len(a.suggestions)
        assert a.suggestions == list(dict.fromkeys(near))[:3]  # distinct, best first, only near ones
    text = format_answer_text(xintian)
    assert text.startswith("没有找到") and xintian.suggestions[0] in text


def test_the_first_titles_only_when_nothing_matched(seed_engine):
    a = seed_engine.ask("xyzzy plugh")
    assert a.outcome == "none" and not a.passages
    assert a.suggestions == store.first_titles(seed_engine.db, 3) and a.suggestions


class _Typed(io.StringIO):
    """Standard input as if typed at a terminal: the console's prompt loop reads it."""

    def isatty(self) -> bool:
        return True


def test_console_answers_small_talk_and_the_three_outcomes(seed_engine, capsys, monkeypatch):
    from bot import cli

    s = seed_engine.settings
    monkeypatch.setattr("sys.stdin", _Typed("\n".join(["你好", ANSWERABLE, NOT_IN_XINTIAN, "谢谢", ""]) + "\n"))
    code = cli.main(["console", "--corpus", str(s.corpus_dir), "--db", str(s.db_path)])
    out = capsys.readouterr().out
    assert code == 0
    assert "你好！我根据资料" in out and "答：目前" in out and "没有找到答案" in out and "不客气" in out
