"""The chat as people use it: a follow-up typed plainly after an answer in a private chat,
an edited question, /ask as a reply to someone's question."""

from __future__ import annotations

import time

from tests.bot.telegram_support import ask, check_html, eventually, sent_message

FIRST = "雨花区新组建了几个新就业群体党支部？"
FOLLOW = "那新田县呢？"  # alone: a sentence on 新田县's new service centre; after FIRST: its 4 branches


def test_a_typed_follow_up_in_a_private_chat_is_read_with_the_last_question(stub, bot):
    ask(stub, FIRST, user_id=6101)
    _, call = ask(stub, FOLLOW, user_id=6101)
    assert "4个" in check_html(call.params["text"])
    _, call = ask(stub, "那辖区面积呢？", user_id=6102)  # an attribute, but nothing before it
    assert "3.5平方公里" not in check_html(call.params["text"])
    ask(stub, "高塘岭社区有几个老旧宿舍小区？", user_id=6102)
    _, call = ask(stub, "那辖区面积呢？", user_id=6102)  # the same subject's area
    assert "3.5平方公里" in check_html(call.params["text"])


def test_a_whole_question_after_an_answer_is_read_alone(stub, bot):
    ask(stub, FIRST, user_id=6103)
    _, call = ask(stub, "高塘岭社区辖区面积是多少？", user_id=6103)
    assert "3.5平方公里" in check_html(call.params["text"])


def test_after_the_window_a_follow_up_is_read_alone(stub, bot):
    t = bot.state.cfg.telegram
    minutes, t.followup_minutes = t.followup_minutes, 0.01  # 0.6 s
    try:
        ask(stub, FIRST, user_id=6104)
        time.sleep(1.0)
        _, call = ask(stub, FOLLOW, user_id=6104)
    finally:
        t.followup_minutes = minutes
    assert "4个" not in check_html(call.params["text"])


def test_a_new_place_is_not_answered_with_the_previous_places_answer(stub, bot):
    _, first = ask(stub, "雨花区有多少红色之家？", user_id=6105)
    assert "28家" in check_html(first.params["text"])
    for reply_to in (None, sent_message(stub, first)):  # typed, and as a reply
        _, call = ask(stub, "那高塘岭社区呢？", user_id=6105, reply_to=reply_to)
        assert "28家" not in check_html(call.params["text"])


def answered(bot, msg) -> None:
    """Wait until the bot has noted which message answers `msg` (just after sending it: a
    person reads the answer before editing the question; a test need not)."""
    assert eventually(lambda: bot.state.question_log.answer_to(msg["chat"]["id"], msg["message_id"]))


def test_an_edited_question_edits_its_answer(stub, bot):
    msg, call = ask(stub, "雨花区有多少红色之家", user_id=6106)
    answer = sent_message(stub, call)
    assert "28家" in answer["text"]
    answered(bot, msg)
    mark = stub.mark()
    stub.edit(msg, "高塘岭社区有多少名党员？")
    edit = stub.wait("editMessageText", lambda c: c.params["message_id"] == answer["message_id"], since=mark)
    assert "272名" in check_html(edit.params["text"]) and "👍" in str(edit.params["reply_markup"])
    assert not stub.calls_since(mark, "sendMessage")  # edited, not answered twice
    # a reply to the edited answer follows up the question as it now reads
    assert eventually(lambda: "党员" in bot.state.question_log.answer_message(6106, answer["message_id"])["asked"])
    _, follow = ask(stub, "那雨花区呢？", user_id=6106, reply_to=stub.messages[(6106, answer["message_id"])])
    asked = eventually(lambda: bot.state.question_log.answer_message(6106, follow.result["message_id"]))
    assert asked and "党员" in asked["asked"]


def test_an_edited_group_message_is_answered_only_if_it_asks_the_bot(stub, bot):
    group = stub.group(-106100)
    msg, call = ask(stub, "/ask 雨花区有多少红色之家", chat=group, user_id=6107)
    answered(bot, msg)
    mark = stub.mark()
    stub.edit(msg, "/ask 高塘岭社区有多少名党员？")
    edit = stub.wait("editMessageText", lambda c: c.params["chat_id"] == -106100, since=mark)
    assert edit.params["message_id"] == call.result["message_id"] and "272名" in check_html(edit.params["text"])
    chatter = stub.send(group, "今天开会吗", user=stub.user(6108))
    mark = stub.mark()
    stub.edit(chatter, "今天几点开会？")  # not to the bot, before or after
    stub.assert_silent(-106100, mark)


def test_ask_alone_as_a_reply_answers_the_replied_to_question(stub, bot):
    group = stub.group(-106200)
    question = stub.send(group, "高塘岭社区有多少名党员？", user=stub.user(6201))
    msg, call = ask(stub, "/ask", chat=group, user_id=6202, reply_to=question)
    assert call.params["reply_parameters"]["message_id"] == msg["message_id"]
    assert "272名" in check_html(call.params["text"])
    _, call = ask(stub, "/ask@zh_answer_bot", chat=group, user_id=6202, reply_to=sent_message(stub, call))
    assert "用法" in check_html(call.params["text"])  # its own answer is no question
