"""The outcome "unsure" over the real bot, inline mode and /stats, with a bot that is never
sure enough to answer (answer_confidence above any confidence): the closest sentence
under "最接近的内容", never in bold, with the quote and source, and the buttons."""

from __future__ import annotations

from tests.bot.telegram_support import ask, ask_stats, buttons, check_html, eventually, sent_message

INDEX_OVERRIDES = {"answer_confidence": 1.01, "closest_confidence": 0.0}
QUESTION = "雨花区有多少红色之家？"


def test_unsure_shows_the_closest_sentence_without_bold(stub, bot):
    _, call = ask(stub, QUESTION, user_id=6301)
    html = call.params["text"]
    visible = check_html(html)
    head, rest = html.split("<blockquote", 1)
    assert head.startswith("<b>最接近的内容</b>") and "资料里没有直接的答案" in head
    assert "28家" in head and "<b>28家</b>" not in html and head.count("<b>") == 1  # only the header
    assert "答：" not in visible
    assert "28家" in rest.split("</blockquote>", 1)[0] and "出处：" in visible
    assert set(buttons(sent_message(stub, call))) == {"更多", "👍", "👎"}


def test_unsure_buttons_work(stub, bot):
    _, call = ask(stub, QUESTION, user_id=6302)
    keys = buttons(sent_message(stub, call))
    mark = stub.mark()
    stub.press(sent_message(stub, call), keys["更多"], user=stub.user(6302))
    more = stub.wait_reply(sent_message(stub, call), since=mark)
    assert "更多出处" in check_html(more.params["text"])


def test_unsure_counts_as_not_answered_in_stats(stub, bot):
    ask(stub, QUESTION, user_id=6303)
    row = eventually(
        lambda: bot.state.question_log.db.execute("SELECT answered FROM questions WHERE user_id = 6303").fetchone()
    )
    assert row == (0,)
    assert QUESTION in check_html(ask_stats(stub).params["caption"]).split("最常找不到答案的问题：", 1)[1]


def test_inline_unsure_says_so(stub, bot):
    qid = stub.inline(QUESTION, user=stub.user(6304))
    call = stub.wait_answer(qid, "answerInlineQuery")
    results = call.params["results"]
    assert results and "没有直接的答案" in call.params["button"]["text"]
    for r in results:
        visible = check_html(r["input_message_content"]["message_text"])
        assert "最接近的内容" in visible and "答：" not in visible
