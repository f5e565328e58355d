"""Groups: /ask, /ask@botname, a reply to the bot and an @mention are answered, as a
reply; all other chatter is ignored."""

from __future__ import annotations

from tests.bot.telegram_support import ask, check_html, eventually, sent_message

QUESTION = "雨花区有多少红色之家？"


def test_group_chatter_is_ignored(stub, bot):
    group = stub.group(-100201)
    mark = stub.mark()
    stub.send(group, QUESTION, user=stub.user(301))  # a question, but not to the bot
    stub.send(group, "今天开会吗？", user=stub.user(302))
    other = stub.send(group, "明天见", user=stub.user(303))
    stub.send(group, "好的", user=stub.user(304), reply_to=other)  # a reply, to someone else
    stub.send(group, f"/ask@some_other_bot {QUESTION}", user=stub.user(305))
    stub.send(group, f"@someone_else {QUESTION}", user=stub.user(306))
    eventually(stub.all_updates_handed_out)
    stub.assert_silent(-100201, mark)


def test_group_mention_is_answered_as_a_reply(stub, bot):
    group = stub.group(-100202)
    msg, call = ask(stub, f"@zh_answer_bot {QUESTION}", chat=group, user_id=311)
    assert call.params["reply_parameters"]["message_id"] == msg["message_id"]
    assert "28家" in check_html(call.params["text"])
    _, call = ask(stub, f"请问 @ZH_Answer_Bot {QUESTION}", chat=group, user_id=312)  # anywhere, any case
    assert "28家" in check_html(call.params["text"])


def test_ask_command_with_and_without_the_bot_name(stub, bot):
    group = stub.group(-100203)
    for text in (f"/ask@zh_answer_bot {QUESTION}", f"/ask {QUESTION}"):
        msg, call = ask(stub, text, chat=group, user_id=321)
        assert call.params["reply_parameters"]["message_id"] == msg["message_id"]
        assert "28家" in check_html(call.params["text"])
    _, call = ask(stub, "/ask@zh_answer_bot", chat=group, user_id=322)
    assert "用法" in check_html(call.params["text"])


def test_reply_to_the_bot_is_answered_in_the_light_of_its_answer(stub, bot):
    group = stub.group(-100204)
    _, first = ask(stub, f"/ask {QUESTION}", chat=group, user_id=331)
    answer = sent_message(stub, first)
    msg, call = ask(stub, "那新田县呢？", chat=group, user_id=332, reply_to=answer)
    assert call.params["reply_parameters"]["message_id"] == msg["message_id"]
    check_html(call.params["text"])
    remembered = eventually(lambda: bot.state.question_log.answer_message(-100204, call.result["message_id"]))
    assert remembered and "新田县" in remembered["asked"] and "红色之家" in remembered["asked"]


def test_follow_up_works_from_the_buttons_when_the_answer_was_not_remembered(stub, bot):
    """A reply to an answer sent before the answer table existed (or pruned): the signed
    buttons of the replied-to message still name the question."""
    group = stub.group(-100205)
    _, first = ask(stub, f"/ask {QUESTION}", chat=group, user_id=341)
    answer = sent_message(stub, first)
    st = bot.state
    assert eventually(lambda: st.question_log.answer_message(-100205, answer["message_id"]))
    st.question_log.prune_answer_messages("9999")  # forget every remembered answer
    assert st.question_log.answer_message(-100205, answer["message_id"]) is None
    _, call = ask(stub, "那新田县呢？", chat=group, user_id=342, reply_to=answer)
    remembered = eventually(lambda: st.question_log.answer_message(-100205, call.result["message_id"]))
    assert remembered and "红色之家" in remembered["asked"] and "新田县" in remembered["asked"]


def test_added_to_a_group_the_bot_says_once_how_to_ask_there(stub, bot):
    group = stub.group(-100290, "新群")
    mark = stub.mark()
    stub.add_bot(group)
    welcome = stub.wait("sendMessage", lambda c: c.params["chat_id"] == -100290, since=mark)
    visible = check_html(welcome.params["text"])
    assert "/ask" in visible and "@zh_answer_bot" in visible
    example = bot.state.examples()[0]
    assert f"例如：/ask {example}" in visible
    _, call = ask(stub, f"/ask {example}", chat=group, user_id=391)  # the example is answered
    assert "答：" in check_html(call.params["text"])
    sent = [c for c in stub.calls_since(mark, "sendMessage") if c.params["chat_id"] == -100290]
    assert len(sent) == 2  # one welcome (not one for each of the two updates), one answer


def test_no_welcome_when_the_bot_is_removed_or_unblocked_in_a_private_chat(stub, bot):
    group, private = stub.group(-100291), stub.private(392)
    mark = stub.mark()
    stub.add_bot(group, was="member", status="left")
    stub.add_bot(group, was="left", status="kicked")
    stub.add_bot(private, by=stub.user(392), was="kicked", status="member")
    eventually(stub.all_updates_handed_out)
    stub.assert_silent(-100291, mark)
    stub.assert_silent(392, mark, seconds=0)
