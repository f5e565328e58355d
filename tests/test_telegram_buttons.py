"""The buttons under an answer: 更多 edits the message with the next passages, 👍 / 👎
go into the question log; every callback query is answered; forged data opens nothing;
the buttons work after a restart."""

from __future__ import annotations

from index import store
from tests.stub_bot_api import BotRunner
from tests.telegram_support import (ask, bot, buttons, check_html, eventually, logs, sent_message,  # noqa: F401
                                    stub, tg_config)

QUESTION = "雨花区有多少红色之家？"


def _answer(stub, user_id):
    _, call = ask(stub, QUESTION, user_id=user_id)
    return sent_message(stub, call)


def test_more_edits_the_answer_with_the_next_passages(stub, bot):
    answer = _answer(stub, 501)
    first_quote = answer["html"].split("<blockquote", 1)[1]
    mark = stub.mark()
    cb = stub.press(answer, buttons(answer)["更多"], user=stub.user(501))
    edit = stub.wait("editMessageText", since=mark)
    assert edit.params["message_id"] == answer["message_id"] and edit.params["chat_id"] == 501
    visible = check_html(edit.params["text"])
    assert visible.startswith("更多出处（第2–")
    assert edit.params["text"].count("<blockquote") >= 1 and first_quote not in edit.params["text"]
    stub.wait_answer(cb)
    edited = stub.messages[(501, answer["message_id"])]
    assert set(buttons(edited)) <= {"更多", "👍", "👎"} and "👍" in buttons(edited)
    if "更多" in buttons(edited):  # and again, further on
        mark = stub.mark()
        stub.press(edited, buttons(edited)["更多"], user=stub.user(501))
        again = stub.wait("editMessageText", since=mark)
        assert "更多出处（第4–" in check_html(again.params["text"])


def test_thumbs_go_into_the_question_log(stub, bot):
    answer = _answer(stub, 502)
    qid = int(buttons(answer)["👍"].split(":")[1])
    cb = stub.press(answer, buttons(answer)["👍"], user=stub.user(502))
    assert stub.wait_answer(cb).params["text"] == "谢谢反馈！"
    assert store.question(bot.state.log_db, qid)["feedback"] == 1
    cb = stub.press(answer, buttons(answer)["👎"], user=stub.user(502))
    stub.wait_answer(cb)
    assert store.question(bot.state.log_db, qid)["feedback"] == -1


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
    assert not stub.calls_since(mark, "editMessageText", ok=False)
    assert store.question(bot.state.log_db, victim_qid)["feedback"] is None


def test_buttons_work_after_a_restart(stub, bot, tg_config):
    answer = _answer(stub, 505)
    qid = int(buttons(answer)["👍"].split(":")[1])
    bot.stop()
    with BotRunner(tg_config, bot.engine) as again:  # a new process would derive the same key
        mark = stub.mark()
        stub.press(answer, buttons(answer)["更多"], user=stub.user(505))
        edit = stub.wait("editMessageText", since=mark)
        assert "更多出处" in check_html(edit.params["text"])
        cb = stub.press(answer, buttons(answer)["👍"], user=stub.user(505))
        stub.wait_answer(cb)
        assert store.question(again.state.log_db, qid)["feedback"] == 1
    bot.start()  # leave the module's bot running for teardown
