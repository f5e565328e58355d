"""The buttons under an answer: 更多 replies to it with the next passages and leaves the
answer as it was, for anyone in a group; 👍 / 👎 go into the question log; every callback
query is answered; forged data opens nothing; the buttons work after a restart."""

from __future__ import annotations

from tests.bot.stub_bot_api import BotRunner
from tests.bot.telegram_support import ask, buttons, check_html, sent_message

QUESTION = "雨花区有多少红色之家？"


def _answer(stub, user_id, chat=None):
    _, call = ask(stub, QUESTION, user_id=user_id, chat=chat)
    return sent_message(stub, call)


def _press_more(stub, message, user_id):
    """Press 更多 under `message`: (the reply it got, the callback query answered)."""
    mark = stub.mark()
    cb = stub.press(message, buttons(message)["更多"], user=stub.user(user_id))
    reply = stub.wait_reply(message, since=mark)
    stub.wait_answer(cb)
    assert not stub.calls_since(mark, "editMessageText"), "a text was edited"
    return reply, mark


def test_more_replies_with_the_next_passages_and_leaves_the_answer(stub, bot):
    answer = _answer(stub, 501)
    shown = answer["html"]
    reply, _ = _press_more(stub, answer, 501)
    visible = check_html(reply.params["text"])
    assert visible.startswith("更多出处（第2–3条）") and visible.count("出处：") == 2
    assert shown.split("<blockquote", 1)[1].split("</blockquote>")[0] not in reply.params["text"]
    answer_now = stub.messages[(501, answer["message_id"])]
    assert answer_now["html"] == shown  # the answer as it was read
    assert list(buttons(answer_now)) == ["👍", "👎"]  # its passages are below it now
    further = sent_message(stub, reply)
    assert list(buttons(further)) == ["更多", "👍", "👎"]
    again, _ = _press_more(stub, further, 501)  # and on, under the new message
    assert check_html(again.params["text"]).startswith("更多出处（第4–5条）")
    assert stub.messages[(501, further["message_id"])]["html"] == reply.params["text"]
    qid = int(buttons(further)["👍"].split(":")[1])
    cb = stub.press(further, buttons(further)["👍"], user=stub.user(501))
    assert stub.wait_answer(cb).params["text"] == "谢谢反馈！"
    assert bot.state.question_log.question(qid)["feedback"] == 1


def test_in_a_group_anyone_presses_more_and_nothing_is_erased(stub, bot):
    group = stub.group(-1000506, "邻里群")
    _, call = ask(stub, f"/ask {QUESTION}", chat=group, user_id=506)
    answer = sent_message(stub, call)
    shown = answer["html"]
    reply, mark = _press_more(stub, answer, 507)  # another member
    assert check_html(reply.params["text"]).startswith("更多出处（第2–3条）")
    assert reply.params["chat_id"] == group["id"]
    assert stub.messages[(group["id"], answer["message_id"])]["html"] == shown
    assert not stub.calls_since(mark, "deleteMessage")
    further = sent_message(stub, reply)
    again, _ = _press_more(stub, further, 508)  # a third member, under the new message
    assert check_html(again.params["text"]).startswith("更多出处（第4–5条）")
    assert stub.messages[(group["id"], further["message_id"])]["html"] == reply.params["text"]


def test_thumbs_go_into_the_question_log(stub, bot):
    answer = _answer(stub, 502)
    qid = int(buttons(answer)["👍"].split(":")[1])
    cb = stub.press(answer, buttons(answer)["👍"], user=stub.user(502))
    assert stub.wait_answer(cb).params["text"] == "谢谢反馈！"
    assert bot.state.question_log.question(qid)["feedback"] == 1
    cb = stub.press(answer, buttons(answer)["👎"], user=stub.user(502))
    stub.wait_answer(cb)
    assert bot.state.question_log.question(qid)["feedback"] == -1


def test_forged_callback_data_opens_nothing(stub, bot):
    victim = _answer(stub, 503)  # an answer in someone else's chat
    mine = _answer(stub, 504)
    victim_qid = int(buttons(victim)["👍"].split(":")[1])
    signer = bot.state.signer
    forged = [
        buttons(victim)["更多"],  # another chat's data, pressed under my message
        buttons(victim)["👍"],
        f"more:{victim_qid}:1:000000000000",  # a made-up signature
        signer.more(504, victim_qid, 1),  # signed for my chat, but the question is not mine
        "more:1:1",  # no signature
        "more:abc:1:zz",
        "x" * 64,
        "docs:0",  # an admin button, from a non-admin
        "stats",
    ]
    mark = stub.mark()
    for data in forged:
        cb = stub.press(mine, data, user=stub.user(504))
        reply = stub.wait_answer(cb)
        assert reply.params.get("text"), data  # answered, with a notice
    for method in ("sendMessage", "editMessageText", "editMessageReplyMarkup"):
        assert not stub.calls_since(mark, method, ok=False), method
    assert bot.state.question_log.question(victim_qid)["feedback"] is None


def test_buttons_work_after_a_restart(stub, bot, tg_config):
    answer = _answer(stub, 505)
    qid = int(buttons(answer)["👍"].split(":")[1])
    bot.stop()
    with BotRunner(tg_config, bot.engine) as again:  # a new process would derive the same key
        reply, _ = _press_more(stub, answer, 505)
        assert "更多出处" in check_html(reply.params["text"])
        cb = stub.press(answer, buttons(answer)["👍"], user=stub.user(505))
        stub.wait_answer(cb)
        assert again.state.question_log.question(qid)["feedback"] == 1
    bot.start()  # leave the module's bot running for teardown
