"""Images read by OCR (index/documents/ocr.py): indexed from the corpus folder and by `python -m bot
add`, answered as the image reads, columns read one after the other, each passage's page
and box kept, and what cannot be read refused with its code.

The images are tests/fixtures/ocr/ (made by tests/fixtures/make_ocr_fixtures.py)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys

import pytest
from PIL import Image

from bot import reasons
from bot.render import source_line
from index.documents import ocr
from index.documents.readers import read_document, read_with_places
from index.documents.unreadable import UnreadableDocument
from index.engine import Engine
from tests.conftest import FIXTURES, ROOT, make_settings

IMAGES = FIXTURES / "ocr"


def image(name: str) -> bytes:
    return (IMAGES / name).read_bytes()


@pytest.fixture(scope="module")
def ocr_engine(tmp_path_factory):
    """An index of the three images and one text file, built by a reindex of the folder."""
    tmp = tmp_path_factory.mktemp("ocr")
    corpus = tmp / "corpus"
    corpus.mkdir()
    for name in ("notice.png", "photo.jpg", "columns.png"):
        shutil.copy(IMAGES / name, corpus / name)
    (corpus / "说明.txt").write_text(
        "青松县的乡村图书馆由县文化和旅游局统一管理，图书每季度轮换一次。\n", encoding="utf-8"
    )
    engine = Engine(make_settings(tmp, corpus=corpus))
    summary = engine.reindex()
    assert sorted(summary.added) == ["columns.png", "notice.png", "photo.jpg", "说明.txt"], summary.skipped
    return engine


def test_a_notice_image_answers_with_its_sentence_as_printed_and_where_it_is(ocr_engine):
    answer = ocr_engine.ask("青松县建成了多少座乡村图书馆？")
    assert answer.outcome == "answer"
    # The sentence runs over two printed lines: joined back without a break or a space.
    assert answer.sentence.startswith("截至今年六月底，青松县已建成乡村图书馆137座，覆盖全县所有行政村")
    hit = answer.quoted
    assert hit.doc == "notice.png" and hit.page == 1
    width, height = Image.open(IMAGES / "notice.png").size
    x0, y0, x1, y1 = hit.box
    assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height
    assert y0 > 80  # the paragraph's first line, under the title (drawn at y 30-75)
    assert "第1页，第" in source_line(hit)


def test_a_photographed_notice_tilted_and_noisy_answers(ocr_engine):
    answer = ocr_engine.ask("白沙镇冬季集中供暖什么时候开始？")
    assert answer.outcome == "answer"
    assert "白沙镇今年冬季集中供暖将于11月15日正式开始" in answer.sentence
    assert answer.quoted.doc == "photo.jpg"


def test_two_columns_are_read_one_after_the_other_never_spliced(ocr_engine):
    left = ocr_engine.ask("红枫乡今年新修通村公路多少公里？")
    assert left.sentence == "红枫乡今年新修通村公路四十二公里，沿线八个村的农产品当天就能运到县城集市出售。"
    right = ocr_engine.ask("石门镇卫生院康复中心有多少张病床？")
    assert right.sentence.startswith(
        "石门镇卫生院新建的康复中心本月投入使用，设有病床六十张，周边老人不必再去市里做康复"
    )
    text = read_document("columns.png", image("columns.png"))
    assert text.index("两地民生新闻") < text.index("红枫乡") < text.index("每天六趟") < text.index("石门镇")


def test_text_files_keep_no_place(ocr_engine):
    hits = ocr_engine.ask("说明：乡村图书馆的图书多久轮换一次？").passages
    hit = next(h for h in hits if h.doc == "说明.txt")
    assert hit.page is None and hit.box is None
    assert "页" not in source_line(hit)


def test_every_line_read_has_its_page_and_box_at_its_offset():
    reading = read_with_places("notice.png", image("notice.png"))
    assert reading.ocr_pages == 1
    lines = reading.text.replace("\n\n", "\n").split("\n")
    assert len(reading.places) == len(lines) == 5  # the title, two paragraphs of two lines
    for place, line in zip(reading.places, lines):
        assert reading.text[place.offset :].startswith(line) and place.page == 1
    tops = [p.box[1] for p in reading.places]
    assert tops == sorted(tops)  # one column: top to bottom


def test_nothing_to_read_is_refused_with_its_code_in_chinese():
    for name in ("blank.png", "scribbles.png"):  # no text; pen strokes scored under MIN_SCORE
        with pytest.raises(UnreadableDocument) as caught:
            read_document(name, image(name))
        assert caught.value.code == "ocr_no_text"
        assert "文字识别" in reasons.say(caught.value)


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    buf = io.BytesIO()
    Image.new("1", (10_000, 8_000)).save(buf, "PNG")  # 80 MP of one colour in ~10 KB
    assert len(buf.getvalue()) < 100_000
    with pytest.raises(UnreadableDocument) as caught:
        read_document("bomb.png", buf.getvalue())
    assert caught.value.code == "image_too_large"
    with pytest.raises(UnreadableDocument) as caught:
        read_document("photo.jpg", b"not a JPEG at all")
    assert caught.value.code == "not_image"


def test_without_the_ocr_extra_an_image_is_refused_naming_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)  # import fails, as uninstalled
    monkeypatch.setattr(ocr, "_engine", None)
    with pytest.raises(UnreadableDocument) as caught:
        read_document("notice.png", image("notice.png"))
    assert caught.value.code == "ocr_unavailable"
    assert "ocr" in reasons.say(caught.value) and "安装" in reasons.say(caught.value)


def test_the_command_line_adds_an_image_and_says_it_was_read_by_ocr(tmp_path):
    settings = make_settings(tmp_path)
    photo = tmp_path / "供暖.jpg"
    photo.write_bytes(image("photo.jpg"))
    run = [sys.executable, "-m", "bot", "--corpus", str(settings.corpus_dir), "--db", str(settings.db_path)]
    out = subprocess.run([*run, "add", str(photo)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "已加入 供暖.jpg：白沙镇冬季供暖通知" in out.stdout and "1 页由文字识别（OCR）读出" in out.stdout
    assert (settings.corpus_dir / "供暖.jpg").read_bytes() == image("photo.jpg")
    out = subprocess.run(
        [*run, "ask", "--json", "白沙镇的供暖期到什么时候结束？"], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    row = json.loads(out.stdout)
    assert "3月15日" in row["answer"] and row["passages"][0]["doc"] == "供暖.jpg"
    assert row["passages"][0]["page"] == 1


# ---- PDFs: a scanned page by OCR, a text layer's lines with their places ---------------


def test_a_scanned_pdf_page_is_read_by_ocr_and_answers(tmp_path):
    """A PDF whose page is only a picture (a scan) is read by OCR: the admin is told one
    page was, and its passages keep page 1 and a box in the page's points."""
    data = image("scanned.pdf")
    reading = read_with_places("扫描件.pdf", data)
    assert reading.ocr_pages == 1 and "137座" in reading.text
    assert {p.page for p in reading.places} == {1}
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "扫描件.pdf").write_bytes(data)
    engine = Engine(make_settings(tmp_path, corpus=corpus))
    assert engine.reindex().added == ["扫描件.pdf"]
    answer = engine.ask("青松县建成了多少座乡村图书馆？")
    assert answer.outcome == "answer" and "137座" in answer.sentence
    x0, y0, x1, y1 = answer.quoted.box
    assert answer.quoted.page == 1 and 0 <= x0 < x1 <= 800 and 0 <= y0 < y1 <= 800  # points, not pixels


def test_a_pdf_text_layer_keeps_each_line_on_its_page(tmp_path):
    reading = read_with_places("three_columns.pdf", (FIXTURES / "three_columns.pdf").read_bytes())
    assert reading.ocr_pages == 0 and reading.places and {p.page for p in reading.places} == {1}
    line = next(p for p in reading.places if reading.text[p.offset :].startswith("白沙镇图书馆今年新增"))
    assert line.box[0] > 150  # the second of three columns


def test_a_blank_scanned_pdf_is_refused_as_having_no_text(tmp_path):
    blank = io.BytesIO()
    Image.new("L", (200, 200), 255).save(blank, format="PDF")
    with pytest.raises(UnreadableDocument) as info:
        read_document("空白.pdf", blank.getvalue())
    assert info.value.code == "ocr_no_text"


def test_python_m_bot_add_takes_a_scan_a_column_pdf_and_a_saved_page(tmp_path):
    settings = make_settings(tmp_path)
    files = [IMAGES / "scanned.pdf", FIXTURES / "three_columns.pdf", FIXTURES / "web" / "news_utf8.html"]
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "add",
            "--json",
            *map(str, files),
            "--corpus",
            str(settings.corpus_dir),
            "--db",
            str(settings.db_path),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert out.returncode == 0 and [r["added"] for r in rows] == [True] * 3, out.stdout + out.stderr
    assert [r["ocr_pages"] for r in rows] == [1, 0, 0]
    engine = Engine.open(settings)
    assert "137座" in engine.ask("青松县建成了多少座乡村图书馆？").sentence
    assert "白沙镇图书馆今年新增" in engine.ask("白沙镇图书馆今年新增了多少册藏书？").sentence
