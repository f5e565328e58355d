"""Newspaper PDFs read in column order: tests/fixtures/three_columns.pdf (made by
tests/fixtures/make_pdf_fixtures.py) draws three articles' lines row by row across the
columns, a photo caption in the middle of a sentence of column 2, a framed note in
column 3."""

from __future__ import annotations

import re

from index.documents.pdf_layout import pdf_lines
from index.documents.readers import read_document
from index.engine import Engine
from tests.conftest import FIXTURES, make_settings
from tests.fixtures.make_pdf_fixtures import ARTICLES, CAPTION, NOTE

PDF = (FIXTURES / "three_columns.pdf").read_bytes()
SENTENCES = [s for _, paragraphs in ARTICLES for p in paragraphs for s in re.findall(r"[^。]+。", p)]


def _flat(text: str) -> str:
    return text.replace("\n", "")


def test_the_fixture_splices_articles_when_read_in_drawing_order():
    """What the other tests guard against: pypdf's text of the page interleaves the columns."""
    import io

    from pypdf import PdfReader

    naive = _flat(PdfReader(io.BytesIO(PDF)).pages[0].extract_text())
    assert sum(s in naive for s in SENTENCES) < len(SENTENCES) / 2


def test_each_columns_sentences_come_whole():
    text = _flat(read_document("版面.pdf", PDF))
    missing = [s for s in SENTENCES if s not in text]
    assert not missing


def test_headlines_come_before_their_articles_and_articles_in_column_order():
    text = _flat(read_document("版面.pdf", PDF))
    starts = [(text.index(title), text.index(paragraphs[0])) for title, paragraphs in ARTICLES]
    assert all(title < body for title, body in starts)
    assert [s for s, _ in starts] == sorted(s for s, _ in starts)


def test_caption_and_framed_note_stand_apart_from_the_sentences():
    text = read_document("版面.pdf", PDF)
    paragraphs = [p.replace("\n", "") for p in text.split("\n\n")]
    assert CAPTION in paragraphs and NOTE in paragraphs


def test_lines_say_their_page_and_box():
    lines = pdf_lines(PDF)
    first = next(line for line in lines if line.text.startswith("白沙镇图书馆今年新增"))
    columns = {line.box[0] for line in lines if line.starts_paragraph and line.text in {t for t, _ in ARTICLES}}
    x0, y0, x1, y1 = first.box
    assert first.page == 1 and first.starts_paragraph
    assert sorted(columns)[0] < x0 < sorted(columns)[2]  # column 2 of 3
    assert 0 < y0 < y1 < 842 / 2 and x1 - x0 > 100  # near the top of an A4 page, a column wide


def test_a_fact_of_column_2_is_answered_as_written(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "版面.pdf").write_bytes(PDF)
    engine = Engine.open(make_settings(tmp_path, corpus=corpus))
    answer = engine.ask("白沙镇图书馆今年新增了多少册藏书？")
    assert answer.sentence == "白沙镇图书馆今年新增藏书一万二千册，其中少儿读物占三成。"
    answer = engine.ask("白沙镇图书馆每天接待多少读者？")
    assert answer.sentence == "馆长李晓梅说，图书馆延长了周末开放时间，每天接待读者四百余人次，暑假期间阅览室座无虚席。"


def test_the_committed_fixture_carries_no_whole_font():
    assert len(PDF) < 100_000  # a subset of the characters used, not the 16 MB font
