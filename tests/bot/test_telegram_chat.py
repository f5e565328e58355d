"""Small talk over the real bot: answered in kind in a private chat, never searched and
never logged as a question; in a group, silence for thanks and the like (a "谢谢" replied
to the bot's answer posts nothing), one line for a greeting that mentions the bot."""

from __future__ import annotations

from tests.bot.telegram_support import ask, check_html, eventually, sent_message

QUESTION = "雨花区有多少红色之家？"


def _logged(bot, text: str) -> int:
    (n,) = bot.state.question_log.db.execute("SELECT count(*) FROM questions WHERE question = ?", [text]).fetchone()
    return n


def test_private_small_talk_is_answered_in_kind(stub, bot):
    examples = bot.state.examples()
    replies = {}
    for text in ("你好", "谢谢！", "再见", "好的", "哈哈哈"):
        msg, call = ask(stub, text, user_id=6101)
        assert call.params["reply_parameters"]["message_id"] == msg["message_id"]
        replies[text] = check_html(call.params["text"])
        assert "没有找到" not in replies[text] and "答：" not in replies[text]
        assert not call.params.get("reply_markup")  # nothing to page through or vote on
    assert replies["你好"].startswith("你好！") and examples[0] in replies["你好"]
    assert replies["谢谢！"].startswith("不客气")
    assert replies["再见"].startswith("再见")
    assert len({replies[t] for t in replies}) == len(replies)  # each kind its own line


def test_private_small_talk_is_not_searched_or_logged(stub, bot):
    _, call = ask(stub, "好的，谢谢！", user_id=6102)
    assert "不客气" in check_html(call.params["text"])
    _, call = ask(stub, "你好，" + QUESTION, user_id=6102)  # a question that opens with a greeting
    assert "28家" in check_html(call.params["text"])
    assert eventually(lambda: _logged(bot, "你好，" + QUESTION)) == 1
    assert _logged(bot, "好的，谢谢！") == 0
    missing = [
        q
        for q, _ in bot.state.question_log.db.execute(
            "SELECT question, answered FROM questions WHERE answered = 0"
        ).fetchall()
    ]
    assert "好的，谢谢！" not in missing


def test_thanks_replied_to_the_answer_in_a_group_posts_nothing(stub, bot):
    group = stub.group(-106101)
    _, first = ask(stub, f"/ask {QUESTION}", chat=group, user_id=6111)
    answer = sent_message(stub, first)
    mark = stub.mark()
    for i, text in enumerate(["谢谢", "好的，谢谢！", "收到", "👍", "哈哈", "@zh_answer_bot 谢谢", "拜拜"]):
        stub.send(group, text, user=stub.user(6112 + i), reply_to=answer)
    eventually(stub.all_updates_handed_out)
    stub.assert_silent(-106101, mark)
    assert _logged(bot, "谢谢") == 0
    # a question replied to the answer still gets an answer
    msg, call = ask(stub, "那新田县呢？", chat=group, user_id=6120, reply_to=answer)
    assert call.params["reply_parameters"]["message_id"] == msg["message_id"]


def test_a_greeting_that_mentions_the_bot_gets_one_line_on_how_to_ask(stub, bot):
    group = stub.group(-106102)
    msg, call = ask(stub, "@zh_answer_bot 你好", chat=group, user_id=6131)
    visible = check_html(call.params["text"])
    assert call.params["reply_parameters"]["message_id"] == msg["message_id"]
    assert visible.startswith("你好！") and "/ask " + bot.state.examples()[0] in visible
    assert len(visible.splitlines()) == 2  # the line and one example
    mark = stub.mark()
    stub.send(group, "@zh_answer_bot 谢谢", user=stub.user(6132))
    eventually(stub.all_updates_handed_out)
    stub.assert_silent(-106102, mark)
