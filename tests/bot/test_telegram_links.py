"""An admin sends a link in a private chat: the page is fetched (in the ingest process),
added, and the next question is answered from it; anyone else's link is a question."""

from __future__ import annotations

from tests.bot.stub_bot_api import ADMIN_ID
from tests.bot.telegram_support import ask, check_html
from tests.fixtures.pages import UTF8_PAGE, UTF8_TITLE, html, serving

INDEX_OVERRIDES = {"allow_private_urls": True}  # the page is served on 127.0.0.1


def test_an_admins_link_is_fetched_indexed_and_answers_the_next_question(stub, bot, tg_config):
    with serving({"/news/1.html": html(UTF8_PAGE.read_bytes(), "utf-8")}) as base:
        _, before = ask(stub, f"{base}/news/1.html", user_id=701)  # not an admin: a question
        assert "已加入" not in check_html(before.params["text"])
        _, reply = ask(stub, f"  {base}/news/1.html\n", user_id=ADMIN_ID, timeout=60)
    visible = check_html(reply.params["text"])
    assert "已加入" in visible and UTF8_TITLE in visible and f"{UTF8_TITLE}.html" in visible
    assert (tg_config.index.corpus_dir / f"{UTF8_TITLE}.html").is_file()
    _, answer = ask(stub, "青松县建成了多少座乡村图书馆？", user_id=702)
    assert "137座" in check_html(answer.params["text"])


def test_a_link_to_a_missing_page_is_refused_in_chinese(stub, bot):
    with serving({}) as base:
        _, reply = ask(stub, f"{base}/gone.html", user_id=ADMIN_ID, timeout=60)
    visible = check_html(reply.params["text"])
    assert visible.startswith("未加入") and "网站返回错误（HTTP 404）" in visible
