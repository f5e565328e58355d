"""An admin's photo, or an image sent as a file, is read by OCR and added like an upload:
the reply says a page was read by OCR, and the next question is answered from it, its
source naming the page. Images from tests/fixtures/ocr/."""

from __future__ import annotations

import io
import re

from PIL import Image

from tests.bot.stub_bot_api import ADMIN_ID
from tests.bot.telegram_support import ask, check_html, upload_result
from tests.conftest import FIXTURES

IMAGES = FIXTURES / "ocr"


def thumbnail(data: bytes) -> bytes:
    """The small size Telegram offers first: too small to read."""
    img = Image.open(io.BytesIO(data)).convert("RGB")
    img.thumbnail((90, 90))
    out = io.BytesIO()
    img.save(out, "JPEG")
    return out.getvalue()


def test_an_admins_photo_is_read_by_ocr_and_answers_the_next_question(stub, bot, tg_config):
    photo = (IMAGES / "photo.jpg").read_bytes()
    msg = stub.send_photo(stub.private(ADMIN_ID), [thumbnail(photo), photo], user=stub.user(ADMIN_ID))
    visible = check_html(stub.wait_reply(msg, timeout=60).params["text"])
    assert "已加入：白沙镇冬季供暖通知" in visible and "1 页由文字识别（OCR）读出" in visible
    name = re.search(r"图片-\d{8}-\d{6}-\d+\.jpg", visible).group()
    assert (tg_config.index.corpus_dir / name).read_bytes() == photo  # the largest size, as sent
    _, call = ask(stub, "白沙镇冬季集中供暖什么时候开始？", user_id=701)
    answer = check_html(call.params["text"])
    assert "白沙镇今年冬季集中供暖将于11月15日正式开始" in answer
    assert "出处：白沙镇冬季供暖通知，第1页，第1段" in answer  # the document bears the title it read


def test_an_image_sent_as_a_file_is_read_by_ocr_and_a_blank_one_refused(stub, bot, tg_config):
    msg = stub.send_document(
        stub.private(ADMIN_ID),
        "通报.png",
        (IMAGES / "notice.png").read_bytes(),
        user=stub.user(ADMIN_ID),
        mime_type="image/png",
    )
    visible = check_html(stub.wait_reply(msg, timeout=60).params["text"])
    assert "通报.png" in visible and "1 页由文字识别（OCR）读出" in visible
    _, call = ask(stub, "青松县建成了多少座乡村图书馆？", user_id=702)
    assert "137座" in check_html(call.params["text"])
    blank = stub.send_document(
        stub.private(ADMIN_ID),
        "空白.png",
        (IMAGES / "blank.png").read_bytes(),
        user=stub.user(ADMIN_ID),
        mime_type="image/png",
    )
    refused = check_html(stub.wait_reply(blank, timeout=60).params["text"])
    assert "未加入 空白.png" in refused and "文字识别（OCR）在图片里没有找到可读的文字" in refused
    assert not (tg_config.index.corpus_dir / "空白.png").exists()


def test_a_scanned_pdf_a_column_pdf_and_a_saved_page_sent_by_an_admin_answer(stub, bot, tg_config):
    """Documents as admins have them, sent as files: a scanned PDF (its page read by OCR,
    the reply says so), a newspaper PDF drawn row by row across its columns, a web page
    saved from a browser; each answers as its source reads."""
    sent = [
        ("扫描通知.pdf", IMAGES / "scanned.pdf", "1 页由文字识别（OCR）读出"),
        ("三栏版面.pdf", FIXTURES / "three_columns.pdf", "已加入"),
        ("网页.html", FIXTURES / "web" / "news_gbk.html", "已加入"),
    ]
    for name, path, said in sent:
        msg = stub.send_document(stub.private(ADMIN_ID), name, path.read_bytes(), user=stub.user(ADMIN_ID))
        text = upload_result(stub, msg)
        assert said in text and name in text, text
    for question, expected in [
        ("青松县建成了多少座乡村图书馆？", "137座"),
        ("白沙镇图书馆今年新增了多少册藏书？", "白沙镇图书馆今年新增"),
        ("红枫镇污水处理厂设计日处理能力是多少？", "3000吨"),
    ]:
        _, call = ask(stub, question, user_id=703)
        assert expected in check_html(call.params["text"]), question
