"""What people see for the outcomes "answer" and "none" over the real bot: the answer in
bold; "没有找到" with the topics nearest to this question, which differ between questions
on different articles. ("unsure": tests/bot/test_telegram_unsure.py, a bot of its own.)"""

from __future__ import annotations

import re

from tests.bot.telegram_support import ask, buttons, check_html, eventually, sent_message

NOT_IN_YUHUA = "芙蓉区的红色之家每天几点开门？"
NOT_IN_XINTIAN = "新田县的水稻产量是多少吨？"


def test_answer_has_the_span_in_bold(stub, bot):
    _, call = ask(stub, "雨花区有多少红色之家？", user_id=6201)
    html = call.params["text"]
    check_html(html)
    assert html.startswith("<b>答：</b>") and "<b>28家</b>" in html
    assert set(buttons(sent_message(stub, call))) == {"更多", "👍", "👎"}


def _topics(visible: str) -> list[str]:
    return re.findall(r"^• (.+)$", visible.split("资料里相近的主题：", 1)[1], re.M)


def test_none_names_the_topics_nearest_to_each_question(stub, bot):
    shown = {}
    for q in (NOT_IN_YUHUA, NOT_IN_XINTIAN):
        _, call = ask(stub, q, user_id=6202)
        html = call.params["text"]
        visible = check_html(html)
        assert "没有找到" in visible and "<b>" not in html and "<blockquote" not in html
        assert not buttons(sent_message(stub, call))
        shown[q] = _topics(visible)
        assert shown[q] == bot.engine.ask(q).suggestions
    assert shown[NOT_IN_YUHUA] != shown[NOT_IN_XINTIAN]
    assert "雨花区" in shown[NOT_IN_YUHUA][0] and "新田" in shown[NOT_IN_XINTIAN][0]


def test_none_counts_as_not_answered(stub, bot):
    ask(stub, NOT_IN_XINTIAN, user_id=6203)
    row = eventually(
        lambda: bot.state.question_log.db.execute("SELECT answered FROM questions WHERE user_id = 6203").fetchone()
    )
    assert row == (0,)
