"""Web pages: a saved .html file read for its article (its menus, ads and footer not
indexed), and a link fetched within bounds by `python -m bot add URL`."""

from __future__ import annotations

import ipaddress
import json
import shutil
import subprocess
import sys
import time

import pytest

from index.documents import fetch
from index.documents.readers import read_document
from index.documents.unreadable import UnreadableDocument
from index.engine import Engine
from tests.conftest import ROOT, make_settings
from tests.fixtures.pages import (
    DIVSOUP_PAGE,
    GBK_PAGE,
    NAV_PAGE,
    UTF8_PAGE,
    UTF8_TITLE,
    html,
    redirect,
    serving,
    trickle,
)


@pytest.fixture(scope="module")
def page_engine(tmp_path_factory):
    """The three saved news pages as the whole corpus."""
    tmp = tmp_path_factory.mktemp("pages")
    corpus = tmp / "corpus"
    corpus.mkdir()
    for page in (UTF8_PAGE, GBK_PAGE, DIVSOUP_PAGE):
        shutil.copy(page, corpus / page.name)
    return Engine.open(make_settings(tmp, corpus))


@pytest.mark.parametrize(
    "question, answer",
    [
        ("青松县建成了多少座乡村图书馆？", "137座"),
        ("红枫镇污水处理厂设计日处理能力是多少？", "3000吨"),  # the GBK page
        ("石门村的产业路有多长？", "8.6公里"),
    ],
)
def test_a_saved_page_answers_questions_about_its_article(page_engine, question, answer):
    result = page_engine.ask(question)
    assert result.outcome == "answer" and answer in result.sentence


def test_menus_ads_footers_and_link_lists_are_not_indexed(page_engine):
    texts = "".join(h.text for d in ("青松县", "红枫镇", "石门村") for h in page_engine.ask(d, top_k=30).passages)
    assert "图书馆" in texts and "污水" in texts and "柑橘" in texts
    for furniture in (
        "举报电话",
        "0739-5208866",
        "时政要闻",
        "以旧换新",
        "相关阅读",
        "白桦镇农家书屋",
        "热点排行",
        "值班电话",
        "0735-6612345",
        "友情链接",
        "森林防火",
        "猜你喜欢",
        "青石村：小小茶叶",
        "新闻热线",
        "hm.js",
        "font-family",
    ):
        assert furniture not in texts, furniture
    footer = page_engine.ask("青松日报网的违法和不良信息举报电话是多少？")
    assert footer.outcome != "answer" and not any("0739" in h.text for h in footer.passages)


def test_the_page_title_is_the_article_title(page_engine):
    titles = {d.name: d.title for d in page_engine.documents()}
    assert titles == {
        UTF8_PAGE.name: UTF8_TITLE,  # og:title, not <title>'s "…_县域新闻_青松日报网"
        GBK_PAGE.name: "红枫镇污水处理厂建成投运",  # the <h1> inside <title>
        DIVSOUP_PAGE.name: "石门村：一条产业路带富一方百姓",
    }  # <title> without " - 湘南在线"
    hit = page_engine.ask("青松县建成了多少座乡村图书馆？").passages[0]
    assert hit.title == UTF8_TITLE


def test_a_page_without_an_article_is_refused_with_a_code():
    with pytest.raises(UnreadableDocument) as exc:
        read_document(NAV_PAGE.name, NAV_PAGE.read_bytes())
    assert exc.value.code == "html_no_article"


def test_a_page_whose_meta_charset_lies_is_read_by_its_bytes():
    page = GBK_PAGE.read_bytes().replace(b"charset=gb2312", b"charset=utf-8")
    assert "日处理能力3000吨" in read_document("p.htm", page)


# ---- links: `python -m bot add URL` against a loopback server ------------------------------


def _config(tmp, allow_private: bool) -> str:
    (tmp / "corpus").mkdir(exist_ok=True)
    path = tmp / "config.toml"
    path.write_text(
        f'[index]\ncorpus = "{tmp / "corpus"}"\ndb = "{tmp / "db" / "index.db"}"\nworkers = 1\n'
        f"allow_private_urls = {str(allow_private).lower()}\nmax_file_mb = 1\n",
        encoding="utf-8",
    )
    return str(path)


def _bot(*args):
    done = subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, cwd=ROOT, timeout=120)
    return done.returncode, done.stdout, done.stderr


def test_bot_add_url_fetches_the_page_and_it_answers(tmp_path):
    with serving(
        {"/news/1.html": redirect("/news/final.html"), "/news/final.html": html(UTF8_PAGE.read_bytes(), "utf-8")}
    ) as base:
        status, out, err = _bot("add", f"{base}/news/1.html", "--config", _config(tmp_path, True))
    assert status == 0, err
    assert out.startswith(f"已加入 {UTF8_TITLE}.html：{UTF8_TITLE}（")
    assert (tmp_path / "corpus" / f"{UTF8_TITLE}.html").read_bytes() == UTF8_PAGE.read_bytes()
    status, out, _ = _bot("ask", "--json", "青松县建成了多少座乡村图书馆？", "--config", str(tmp_path / "config.toml"))
    assert json.loads(out)["outcome"] == "answer" and "137座" in json.loads(out)["answer"]


def test_bot_add_url_refuses_a_private_address_unless_allowed(tmp_path):
    with serving({"/a.html": html(UTF8_PAGE.read_bytes())}) as base:
        status, out, _ = _bot("add", "--json", f"{base}/a.html", "--config", _config(tmp_path, False))
    result = json.loads(out)
    assert status == 1 and result["code"] == "url_private" and "内网或本机地址" in result["reason"]
    assert not list((tmp_path / "corpus").iterdir())


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/page.html", "gopher://127.0.0.1/"])
def test_a_redirect_to_another_scheme_is_refused(target):
    with serving({"/r.html": redirect(target, 301)}) as base:
        with pytest.raises(UnreadableDocument) as exc:
            fetch.fetch(f"{base}/r.html", max_bytes=1 << 20, allow_private=True)
    assert exc.value.code == "url_scheme"


def test_a_redirect_to_a_private_address_is_refused(monkeypatch):
    """Every hop is checked: 127.0.0.1 plays a public site here, and its redirect to an
    intranet address is refused before any connection is made to it."""
    monkeypatch.setattr(fetch, "_public", lambda ip: str(ip) == "127.0.0.1")
    with serving({"/r.html": redirect("http://10.0.0.8/admin.html")}) as base:
        with pytest.raises(UnreadableDocument) as exc:
            fetch.fetch(f"{base}/r.html", max_bytes=1 << 20, allow_private=False)
    assert exc.value.code == "url_private" and exc.value.details["address"] == "10.0.0.8"


@pytest.mark.parametrize(
    "address, public",
    [
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("0.0.0.0", False),
        ("::1", False),
        ("::ffff:127.0.0.1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("ff02::1", False),
        ("93.184.216.34", True),
        ("2606:2800:220:1::", True),
    ],
)
def test_which_addresses_a_link_may_reach(address, public):
    assert fetch._public(ipaddress.ip_address(address)) is public


def test_a_site_that_trickles_its_page_is_cut_off_at_the_time_cap(monkeypatch):
    monkeypatch.setattr(fetch, "CONNECT_SECONDS", 0.5)
    monkeypatch.setattr(fetch, "TOTAL_SECONDS", 1.0)
    with serving({"/slow.html": trickle(b"<p>" + "青松县".encode() * 100, every=0.1)}) as base:
        started = time.monotonic()
        with pytest.raises(UnreadableDocument) as exc:
            fetch.fetch(f"{base}/slow.html", max_bytes=1 << 20, allow_private=True)
    assert exc.value.code == "url_timeout" and time.monotonic() - started < 2.0


@pytest.mark.parametrize("declared", [True, False])
def test_a_page_over_the_size_cap_is_refused(declared):
    big = b"<html><body>" + "<p>青松县图书馆。</p>".encode() * 60_000 + b"</body></html>"  # ~1.5 MB
    with serving({"/big.html": html(big, length=declared)}) as base:
        with pytest.raises(UnreadableDocument) as exc:
            fetch.fetch(f"{base}/big.html", max_bytes=1 << 20, allow_private=True)
    assert exc.value.code == "url_too_large"
