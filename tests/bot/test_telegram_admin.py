"""Admins: /reindex, document uploads, /docs, /remove, /stats; the index changes and the
next answer uses it; questions keep being answered while a reindex runs."""

from __future__ import annotations

import random
import re

from tests.bot.stub_bot_api import ADMIN_ID, SEEDS
from tests.bot.telegram_support import ADMIN2_ID, ask, ask_stats, buttons, check_html, sent_message, upload_result

ADMIN3_ID = 1003  # only for the upload cap
ADMIN4_ID = 1004  # only for the upload queue
TG_OVERRIDES = {"uploads_per_hour": 5, "admins": [ADMIN_ID, ADMIN2_ID, ADMIN3_ID, ADMIN4_ID]}

DOC = """青松县建设乡村图书馆纪实

本报记者 王明

近年来，青松县大力推进乡村文化建设，把乡村图书馆作为服务群众的重要阵地。截至去年底，青松县已建成乡村图书馆137座，覆盖全县所有行政村。

图书馆每周开放六天，配备专职管理员，村民可以免费借阅图书、报刊，参加读书会和科普讲座。青松县文化馆馆长表示，今年还将新建一批流动图书站，让偏远山区的群众也能读上好书。
"""
DOC_QUESTION = "青松县建成了多少座乡村图书馆？"

REINDEX_DOC = DOC.replace("青松县", "白桦镇").replace("137座", "59座").replace("乡村图书馆", "农家书屋")
REINDEX_QUESTION = "白桦镇建成了多少座农家书屋？"


def admin_chat(stub, user_id=ADMIN_ID):
    return stub.private(user_id)


def test_reindex_picks_up_a_new_file_and_the_next_answer_uses_it(stub, bot, tg_config):
    _, before = ask(stub, REINDEX_QUESTION, user_id=601)
    assert "没有找到" in check_html(before.params["text"])
    (tg_config.index.corpus_dir / "baihua.txt").write_text(REINDEX_DOC, encoding="utf-8")
    (tg_config.index.corpus_dir / "notes.xyz").write_text("x", encoding="utf-8")
    msg, progress = ask(stub, "/reindex", user_id=ADMIN_ID)
    assert "正在更新索引" in progress.params["text"]
    done = stub.wait("editMessageText", lambda c: c.params["message_id"] == progress.result["message_id"])
    visible = check_html(done.params["text"])
    assert "新增 1" in visible and "baihua.txt" in visible and "跳过 1" in visible and "notes.xyz" in visible
    assert re.search(r"现有 \d+ 篇文档，\d+ 段", visible) and "秒" in visible
    _, after = ask(stub, REINDEX_QUESTION, user_id=601)
    assert "59座" in check_html(after.params["text"])


def test_uploaded_document_is_indexed_and_answers_the_next_question(stub, bot, tg_config):
    msg = stub.send_document(admin_chat(stub), "青松县.txt", DOC.encode("utf-8"), user=stub.user(ADMIN_ID))
    visible = upload_result(stub, msg)
    assert "已加入" in visible and "青松县建设乡村图书馆纪实" in visible and "青松县.txt" in visible
    assert (tg_config.index.corpus_dir / "青松县.txt").read_text(encoding="utf-8") == DOC
    _, call = ask(stub, DOC_QUESTION, user_id=602)
    assert "137座" in check_html(call.params["text"])


def test_bad_uploads_are_refused_and_nothing_escapes_the_corpus(stub, bot, tg_config):
    corpus = tg_config.index.corpus_dir
    before = {d.name for d in bot.engine.documents()}
    cases = [
        ("binary.txt", b"\x00\x01\x02\xff" * 100, "未加入 binary.txt：这是二进制数据"),
        ("program.exe", b"MZ....", "不支持 .exe 类型的文件"),
        ("empty.md", b"", "未加入 empty.md：文件是空的"),
    ]
    for name, data, expected in cases:
        msg = stub.send_document(admin_chat(stub), name, data, user=stub.user(ADMIN_ID))
        assert expected in upload_result(stub, msg), name
    mark = stub.mark()
    msg = stub.send_document(
        admin_chat(stub), "big.txt", b"x", user=stub.user(ADMIN_ID), declared_size=50 * 1024 * 1024
    )
    assert "文件太大" in check_html(stub.wait_reply(msg).params["text"])
    assert not stub.calls_since(mark, "getFile", ok=False)  # refused before downloading
    assert {d.name for d in bot.engine.documents()} == before
    escaping = DOC.replace("青松县", "红杉乡").replace("137座", "88座").encode()
    msg = stub.send_document(admin_chat(stub), "../../escape.txt", escaping, user=stub.user(ADMIN_ID))
    assert "已加入" in upload_result(stub, msg)
    assert (corpus / "escape.txt").is_file()
    assert not (corpus.parent / "escape.txt").exists() and not (corpus.parent.parent / "escape.txt").exists()
    for i, name in enumerate([f"{corpus.parent}/absolute.txt", "..\\..\\windows.txt", "nul\x00byte.txt"]):
        data = DOC.replace("青松县", f"路径{i}乡").replace("137座", f"{30 + i}座").encode()
        msg = stub.send_document(admin_chat(stub, ADMIN2_ID), name, data, user=stub.user(ADMIN2_ID))
        upload_result(stub, msg)
    assert not (corpus.parent / "absolute.txt").exists()
    written = {p.name for p in corpus.parent.rglob("*.txt")} - {p.name for p in corpus.glob("*.txt")}
    assert not written & {"absolute.txt", "windows.txt", "nulbyte.txt", "nul\x00byte.txt"}


def test_uploads_are_capped_per_admin_per_hour_counting_documents_added(stub, bot):
    refused = stub.send_document(admin_chat(stub, ADMIN3_ID), "empty.txt", b"   \n", user=stub.user(ADMIN3_ID))
    assert "已加入" not in upload_result(stub, refused)  # not counted
    texts = []
    for i in range(6):
        doc = DOC.replace("青松县", f"测试{i}县").replace("137座", f"{200 + i}座").replace("乡村图书馆", "社区食堂")
        msg = stub.send_document(admin_chat(stub, ADMIN3_ID), f"cap{i}.txt", doc.encode(), user=stub.user(ADMIN3_ID))
        texts.append(upload_result(stub, msg))
    assert all("已加入" in t for t in texts[:5])
    assert "每小时最多加入 5 个文件" in texts[5]
    msg = stub.send_document(
        admin_chat(stub, ADMIN2_ID),
        "other-admin.txt",
        DOC.replace("青松县", "另一县").replace("137座", "7座").encode(),
        user=stub.user(ADMIN2_ID),
    )
    assert "每小时最多" not in upload_result(stub, msg)  # per admin


def test_uploads_sent_at_once_are_queued_and_each_gets_its_result(stub, bot, tg_config):
    """Four uploads while the index is held (by a writer from the command line): the first
    waits for it, the others wait their turn with a note; once it is let go, each note
    becomes its upload's result."""
    import fcntl
    import time

    names = [f"queued{i}.txt" for i in range(4)]
    db = tg_config.index.db_path
    with open(db.with_name(db.name + ".lock"), "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        mark = stub.mark()
        msgs = [
            stub.send_document(
                admin_chat(stub, ADMIN4_ID),
                name,
                DOC.replace("青松县", f"排队{i}县").replace("137座", f"{300 + i}座").encode(),
                user=stub.user(ADMIN4_ID),
            )
            for i, name in enumerate(names)
        ]
        deadline = time.monotonic() + 30
        while bot.state.ingest_jobs < len(names) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert bot.state.ingest_jobs == len(names)
        while (
            len(notes := [c for c in stub.calls_since(mark, "sendMessage") if "排队中" in c.params["text"]]) < 3
            and time.monotonic() < deadline
        ):
            time.sleep(0.02)
        assert len(notes) == len(names) - 1  # all but the one that holds the turn
    for msg, name in zip(msgs, names):
        text = upload_result(stub, msg)
        assert "已加入" in text and name in text, text
    assert set(names) <= {d.name for d in bot.engine.documents()}
    assert set(names) <= {p.name for p in tg_config.index.corpus_dir.iterdir()}


def test_an_upload_shows_typing_while_it_is_indexed_and_stops_after(stub, bot, tg_config, monkeypatch):
    """Held (the index's lock taken, as by the command line) for a second and a half: the
    admin sees "typing…" from half a second on, sent again while it lasts (every 0.3 s
    here, 4 s in use), and none once the result is there."""
    import fcntl
    import time

    from bot import chat_action

    monkeypatch.setattr(chat_action, "REPEAT_SECONDS", 0.3)
    db = tg_config.index.db_path
    typing = lambda c: c.params == {"chat_id": ADMIN_ID, "action": "typing"}  # noqa: E731
    with open(db.with_name(db.name + ".lock"), "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        mark = stub.mark()
        upload = stub.send_document(
            admin_chat(stub), "打字.txt", DOC.replace("青松县", "红枫乡").encode(), user=stub.user(ADMIN_ID)
        )
        first = stub.wait("sendChatAction", typing, since=mark)
        assert first.at - stub.pushed[upload["update_id"]] >= chat_action.DELAY_SECONDS - 0.05
        time.sleep(1.5)
        assert len([c for c in stub.calls_since(mark, "sendChatAction") if typing(c)]) >= 3
    assert "已加入" in upload_result(stub, upload)
    done = stub.mark()
    time.sleep(0.8)
    assert not [c for c in stub.calls_since(done, "sendChatAction", ok=False) if typing(c)]


def test_command_menus_public_everywhere_admin_commands_only_in_admins_private_chats(stub, bot):
    """Telegram shows a chat the menu of its narrowest scope: the default scope (every
    chat, groups too) lists /ask and /help alone, and only each admin's own private chat
    (scope "chat" with the admin's user id) lists the admin commands."""
    menus = [
        (c.params.get("scope") or {"type": "default"}, {cmd["command"] for cmd in c.params["commands"]})
        for c in stub.calls_since(0, "setMyCommands")
    ]
    public = {"ask", "help"}
    admin = public | {"reindex", "docs", "remove", "stats"}
    assert ({"type": "default"}, public) in menus
    wider = [scope for scope, commands in menus if commands != public]
    assert sorted(s["chat_id"] for s in wider) == sorted(bot.state.cfg.telegram.admins)
    assert all(s["type"] == "chat" for s in wider) and all(commands <= admin for _, commands in menus)


def test_docs_lists_and_remove_removes(stub, bot, tg_config):
    msg = stub.send_document(admin_chat(stub), "青松县.txt", DOC.encode("utf-8"), user=stub.user(ADMIN_ID))
    assert "青松县.txt" in upload_result(stub, msg)
    _, call = ask(stub, "/docs", user_id=ADMIN_ID)
    visible = check_html(call.params["text"])
    names = [d.name for d in bot.engine.documents()]
    assert f"文档 {len(names)} 篇" in visible and names[0] in visible
    page = sent_message(stub, call)
    if len(names) > 20:
        mark = stub.mark()
        stub.press(page, buttons(page)["下一页 ▶"], user=stub.user(ADMIN_ID))
        edit = stub.wait("editMessageText", since=mark)
        assert "第 2/" in check_html(edit.params["text"]) and names[20] in edit.params["text"]
    _, call = ask(stub, "/remove 青松县.txt", user_id=ADMIN_ID)
    assert "已删除" in check_html(call.params["text"])
    assert not (tg_config.index.corpus_dir / "青松县.txt").exists()
    assert "青松县.txt" not in {d.name for d in bot.engine.documents()}
    _, call = ask(stub, DOC_QUESTION, user_id=603)
    assert "137座" not in check_html(call.params["text"])
    _, call = ask(stub, "/remove no-such-file.txt", user_id=ADMIN_ID)
    assert "没有名为" in check_html(call.params["text"])
    _, call = ask(stub, "/remove", user_id=ADMIN_ID)
    assert "用法" in check_html(call.params["text"])


PNG = b"\x89PNG\r\n\x1a\n"


def test_stats_is_a_chart_with_the_counts_and_what_found_nothing_below(stub, bot):
    for _ in range(2):
        _, call = ask(stub, "量子计算机的原理是什么？", user_id=604)
        assert "没有找到" in call.params["text"]
    _, call = ask(stub, "雨花区有多少红色之家？", user_id=604)
    assert "28家" in call.params["text"]
    photo = ask_stats(stub)
    assert photo.params["photo"].startswith(PNG) and len(photo.params["photo"]) > 5000
    visible = check_html(photo.params["caption"])
    s = bot.engine.stats()
    assert f"文档 {s['documents']} 篇，段落 {s['passages']} 段" in visible
    assert re.search(r"今天提问 \d+ 个，答出 \d+ 个", visible)
    assert re.search(r"累计提问 \d+ 个，答出 \d+ 个，未找到答案 \d+%", visible)
    recent = re.search(r"近 30 天提问 (\d+) 个，答出 (\d+) 个", visible)
    assert recent and int(recent[1]) >= 3 and 1 <= int(recent[2]) <= int(recent[1]) - 2
    assert "量子计算机的原理是什么？（2 次）" in visible
    assert buttons(photo.result) == {"刷新": "stats"}
    mark = stub.mark()
    cb = stub.press(stub.messages[(ADMIN_ID, photo.result["message_id"])], "stats", user=stub.user(ADMIN_ID))
    stub.wait_answer(cb)
    edit = stub.wait("editMessageMedia", since=mark)
    assert edit.params[edit.params["media"]["media"].removeprefix("attach://")].startswith(PNG)
    assert "累计提问" in check_html(edit.params["media"]["caption"])
    assert not stub.calls_since(mark, "sendMessage", ok=False) and not stub.calls_since(mark, "sendPhoto", ok=False)


def test_stats_caption_stays_within_telegrams_1024_characters(stub, bot):
    """Five long questions that found nothing, each asked twice: the caption still fits."""
    for i in range(5):
        # Words no seed page uses: a question repeating one Chinese sentence eight times
        # is no question anyone asks, and the model may read it as near to 低温天气.
        long_question = f"第{i}个问题：" + "how does quantum entanglement behave at cryogenic temperatures " * 6 + "？"
        for _ in range(2):
            _, call = ask(stub, long_question, user_id=620 + i)
            assert "没有找到" in call.params["text"]
    visible = check_html(ask_stats(stub).params["caption"])  # the stub refuses over 1024
    assert visible.count("（2 次）") == 5


def test_stats_without_a_chart_still_gives_the_numbers(stub, bot, monkeypatch):
    """The chart's process failing (say matplotlib missing) costs the picture, not /stats."""
    from bot import chart

    async def no_chart(days):
        return None

    photo = ask_stats(stub)
    monkeypatch.setattr(chart, "draw", no_chart)
    msg, call = ask(stub, "/stats", user_id=ADMIN_ID)
    assert "累计提问" in check_html(call.params["text"])
    mark = stub.mark()
    cb = stub.press(stub.messages[(ADMIN_ID, photo.result["message_id"])], "stats", user=stub.user(ADMIN_ID))
    stub.wait_answer(cb)
    assert "累计提问" in check_html(stub.wait("editMessageCaption", since=mark).params["caption"])


def _generated_docs(corpus, count=15, paragraphs=20):
    """Documents of seed paragraphs, shuffled: enough work for a reindex of a second or two."""
    paras = [
        p.strip()
        for f in sorted(SEEDS.iterdir())
        for p in f.read_text(encoding="utf-8").split("\n\n")
        if 60 <= len(p.strip()) <= 200
    ]
    rng = random.Random(7)
    for i in range(count):
        body = "\n\n".join(rng.choice(paras) for _ in range(paragraphs))
        (corpus / f"gen{i:02d}.txt").write_text(f"生成的文档第{i}篇\n\n{body}\n", encoding="utf-8")


def test_questions_are_answered_while_a_reindex_runs(stub, bot, tg_config):
    """The real reindex, in its own process, held (by a writer from the command line
    holding the index's lock) until the questions are answered: answers come while it
    waits, a second /reindex is told one is running, and it completes once let go."""
    import fcntl

    _generated_docs(tg_config.index.corpus_dir)
    db = tg_config.index.db_path
    with open(db.with_name(db.name + ".lock"), "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        mark = stub.mark()
        start = stub.send(admin_chat(stub), "/reindex", user=stub.user(ADMIN_ID))
        progress = stub.wait_reply(start, since=mark)
        answers = []
        for i in range(5):
            msg, call = ask(stub, "雨花区有多少红色之家？", user_id=610 + i)
            answers.append(call.at - stub.pushed[msg["update_id"]])
            assert "28家" in check_html(call.params["text"])
        _, second = ask(stub, "/reindex", user_id=ADMIN2_ID)  # another admin, meanwhile
        busy = stub.wait("editMessageText", lambda c: c.params["message_id"] == second.result["message_id"], since=mark)
        assert "已有一次索引更新正在进行" in busy.params["text"]
        assert not stub.calls_since(mark, "editMessageText", ok=False)[:-1]  # the first is still running
        stub.wait("sendChatAction", lambda c: c.params == {"chat_id": ADMIN_ID, "action": "typing"}, since=mark)
    done = stub.wait(
        "editMessageText", lambda c: c.params["message_id"] == progress.result["message_id"], since=mark, timeout=60
    )
    assert "新增 15" in check_html(done.params["text"])
    assert all(latency < 1.0 for latency in answers), answers


def test_questions_are_answered_while_a_large_upload_is_indexed(stub, bot, tg_config):
    """A 3 MB document takes seconds to clean and tokenise; the questions asked meanwhile
    are answered as usual, since that work runs in another process."""
    import time

    paras = [
        p.strip()
        for f in sorted(SEEDS.iterdir())
        for p in f.read_text(encoding="utf-8").split("\n\n")
        if len(p.strip()) >= 60
    ]
    body = "\n\n".join(paras)
    big = ("大文件\n\n" + body * (3_000_000 // len(body.encode()) + 1)).encode()
    upload = stub.send_document(admin_chat(stub), "大文件.txt", big, user=stub.user(ADMIN_ID))
    deadline = time.monotonic() + 30
    while not bot.state.ingest_jobs and time.monotonic() < deadline:
        time.sleep(0.02)
    assert bot.state.ingest_jobs, "the upload never started"
    latencies = []
    while bot.state.ingest_jobs and len(latencies) < 10:
        msg, call = ask(stub, "雨花区有多少红色之家？", user_id=630 + len(latencies))
        latencies.append(call.at - stub.pushed[msg["update_id"]])
        assert "28家" in check_html(call.params["text"])
    assert latencies and max(latencies) < 1.5, latencies
    assert "已加入" in upload_result(stub, upload, timeout=120)


def test_a_failed_reindex_tells_the_admin_and_the_old_index_keeps_serving(stub, bot, tg_config):
    corpus = tg_config.index.corpus_dir
    moved = corpus.with_name(corpus.name + "-away")
    corpus.rename(moved)
    try:
        _, progress = ask(stub, "/reindex", user_id=ADMIN_ID)
        done = stub.wait(
            "editMessageText", lambda c: c.params["message_id"] == progress.result["message_id"], timeout=60
        )
        visible = check_html(done.params["text"])
        assert "索引更新失败" in visible and "旧索引继续提供服务" in visible
        _, call = ask(stub, "雨花区有多少红色之家？", user_id=620)
        assert "28家" in check_html(call.params["text"])
    finally:
        moved.rename(corpus)
