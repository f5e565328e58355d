"""index/documents/readers.py: every kind of file to text, and every broken file to an
UnreadableDocument with a reason, never another exception."""

from __future__ import annotations

import io
import pathlib
import pickle
import random
import re
import string
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import reasons
from index.documents import readers
from index.documents.readers import read_document
from index.documents.unreadable import REASONS, UnreadableDocument
from tests.fixtures.docmaker import make_docx, make_pdf

FACT = "目前，全区“红色之家”已建成28家。"
TRAD = "雨花區有多少紅色之家？目前，全區“紅色之家”已建成28家。"


def unreadable(name: str, data: bytes) -> str:
    """The code of why `data` cannot be read; its English sentence is checked too."""
    with pytest.raises(UnreadableDocument) as info:
        read_document(name, data)
    exc = info.value
    assert exc.code in REASONS, exc.code
    reason = str(exc)
    assert reason and "Traceback" not in reason and "{" not in reason
    return exc.code


# ---- plain text: encodings and line ends --------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-be", "utf-32"])
def test_text_encodings(encoding):
    data = FACT.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data  # a BOM says which; without one UTF-16 is binary to us
    assert read_document("a.txt", data) == FACT


def test_gb18030_four_byte_characters():
    text = "𠀀𪚥（四字节汉字）与欧元符号€同在一行。" + FACT
    assert read_document("a.txt", text.encode("gb18030")) == text


def test_gbk_long_document_is_not_mistaken_for_another_encoding():
    text = "\n".join([FACT, "高塘岭社区辖内面积3.5平方公里，有老旧宿舍小区32个。"] * 50)
    assert read_document("a.md", text.encode("gbk")) == text


def test_big5_traditional_text():
    assert read_document("a.txt", TRAD.encode("cp950")) == TRAD


def test_traditional_text_in_gbk_stays_gbk():
    assert read_document("a.txt", TRAD.encode("gbk")) == TRAD


def test_bom_is_removed():
    text = read_document("a.txt", b"\xef\xbb\xbf" + FACT.encode())
    assert text == FACT and "\ufeff" not in text


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n", "\u2028"])
def test_line_ends_become_newlines(newline):
    data = newline.join(["第一行。", "第二行。", "", "第三段。"]).encode()
    assert read_document("a.txt", data) == "第一行。\n第二行。\n\n第三段。"


def test_crlf_in_gbk():
    assert read_document("a.txt", "第一行。\r\n第二行。\r\n".encode("gbk")) == "第一行。\n第二行。\n"


def test_utf8_cut_in_the_middle_of_a_character_keeps_the_rest():
    data = (FACT * 20).encode()[:-1]  # the last 。 loses a byte
    text = read_document("a.txt", data)
    assert text == (FACT * 20)[:-1]


def test_a_few_stray_control_characters_are_dropped():
    text = read_document("a.txt", ("正文。\x07" + FACT * 10 + "\x1a").encode())
    assert text == "正文。" + FACT * 10


def test_tabs_and_page_breaks_are_kept_as_white_space():
    assert read_document("a.txt", "名称\t数量\f第二页。".encode()) == "名称\t数量\n第二页。"


# ---- plain text: what is not text --------------------------------------------------


@pytest.mark.parametrize(
    "data, code",
    [
        (b"", "empty"),
        (b"  \r\n\t\n ", "empty"),
        (b"\xef\xbb\xbf", "no_text"),
        (b"\xef\xbb\xbf \n", "no_text"),
        (random.Random(1).randbytes(4000), "binary"),
        (b"SQLite format 3\x00" + bytes(200), "binary"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "binary_kind"),
        (b"\xff\xd8\xff\xe0" + bytes(100), "binary_kind"),
        (b"%PDF-1.4\n%%EOF", "pdf_as_text"),
        (b"PK\x03\x04" + bytes(30), "zip_as_text"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "office_as_text"),
        (b"\x7fELF\x02\x01\x01", "binary_kind"),
        (b"abc\x01\x02\x03\x04def" * 30, "binary"),
        ("Hello".encode("utf-16-le") * 20, "binary"),  # UTF-16 without BOM
    ],
)
def test_not_text(data, code):
    assert unreadable("a.txt", data) == code


@pytest.mark.parametrize(
    "data, kind",
    [
        (b"\x89PNG\r\n\x1a\n", "PNG"),
        (b"\xff\xd8\xff\xe0", "JPEG"),
        (b"GIF89a", "GIF"),
        (b"\x1f\x8b\x08", "gzip"),
        (b"\x7fELF", "ELF"),
    ],
)
def test_what_a_binary_file_is_is_said(data, kind):
    with pytest.raises(UnreadableDocument) as info:
        read_document("a.txt", data + bytes(100))
    assert info.value.details == {"kind": kind} and kind in str(info.value)


def test_random_bytes_without_nul_are_not_text():
    rng = random.Random(2)
    data = bytes(rng.randrange(1, 256) for _ in range(5000))
    assert unreadable("a.txt", data) in ("binary", "unknown_encoding")


def test_random_high_bytes_decoded_as_gb18030_are_refused():
    """GB18030 decodes almost anything: the result must still look like text."""
    rng = random.Random(3)
    data = bytes(rng.randrange(0x81, 0xFF) for _ in range(3000))
    unreadable("a.txt", data)


def test_broken_utf16_after_bom():
    with pytest.raises(UnreadableDocument) as info:
        read_document("a.txt", b"\xff\xfe" + b"\x00\xd8" * 50)
    assert info.value.code == "bad_bom" and info.value.details == {"encoding": "UTF-16-LE"}
    assert "UTF-16" in str(info.value)


@pytest.mark.parametrize("name", ["a.exe", "a", "a.txt.zip", "archive.tar.gz", ".txt.bak"])
def test_unsupported_type(name):
    assert unreadable(name, b"hello") == "unsupported_type"


def test_extension_is_case_insensitive():
    assert read_document("A.TXT", FACT.encode()) == FACT


# ---- PDF ---------------------------------------------------------------------------

PDF = make_pdf([["雨花区红色之家", FACT], ["第二页：高塘岭社区面积3.5平方公里。"]])


def test_pdf_text_layer():
    text = read_document("报纸.pdf", PDF)
    assert FACT in text and "第二页：高塘岭社区面积3.5平方公里。" in text
    assert text.index(FACT) < text.index("第二页")


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, 0.99])
def test_truncated_pdf(keep):
    assert unreadable("a.pdf", PDF[: int(len(PDF) * keep)]) == "pdf_truncated"


def test_pdf_with_its_middle_cut_out():
    damaged = PDF[:300] + PDF[-200:]
    assert unreadable("a.pdf", damaged) in ("damaged_pdf", "pdf_pages_unreadable", "pdf_no_text_layer")


def test_encrypted_pdf():
    assert unreadable("a.pdf", make_pdf([[FACT]], password="secret")) == "pdf_encrypted"


def test_pdf_encrypted_with_an_empty_password_opens():
    assert FACT in read_document("a.pdf", make_pdf([[FACT]], password=""))


def test_scanned_pdf_without_text(monkeypatch):
    """Pages with no text layer are read by OCR: a scan of nothing has no text; without
    the `ocr` extra the PDF is refused as having no text layer (run OCR on it first)."""
    scan = make_pdf([[], []], text_layer=False)
    assert unreadable("a.pdf", scan) == "ocr_no_text"
    from index.documents import ocr

    def missing():
        raise UnreadableDocument("ocr_unavailable")

    monkeypatch.setattr(ocr, "engine", missing)
    assert unreadable("a.pdf", scan) == "pdf_no_text_layer"


@pytest.mark.parametrize("data", [b"hello, not a pdf", b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF"])
def test_not_a_pdf(data):
    assert unreadable("a.pdf", data) in ("not_pdf", "damaged_pdf", "pdf_no_text_layer")


def test_pdf_library_surprises_become_unreadable(monkeypatch):
    import pypdf

    for exc in (RecursionError("deep"), KeyError("/Root"), MemoryError(), AssertionError()):

        def broken(*args, exc=exc, **kwargs):
            raise exc

        monkeypatch.setattr(pypdf, "PdfReader", broken)
        unreadable("a.pdf", PDF)


# ---- DOCX --------------------------------------------------------------------------


def test_docx_paragraphs_and_tables_in_order():
    data = make_docx(["第一段。", FACT], table=[["名称", "数量"], ["红色之家", "28家"]], heading="标题")
    text = read_document("a.docx", data)
    lines = [line for line in text.split("\n") if line]
    assert lines == ["标题", "第一段。", FACT, "名称\t数量", "红色之家\t28家"]


def test_docx_merged_cells_once():
    import docx

    d = docx.Document()
    t = d.add_table(rows=2, cols=3)
    t.cell(0, 0).text, t.cell(0, 1).text = "甲", "乙"
    t.cell(1, 0).text, t.cell(1, 1).text = "丙", "丁"
    t.cell(0, 2).merge(t.cell(1, 2)).text = "合并"
    buf = io.BytesIO()
    d.save(buf)
    assert [x for x in read_document("a.docx", buf.getvalue()).split("\n") if x] == ["甲\t乙\t合并", "丙\t丁\t合并"]


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


DOCX = make_docx([FACT])


@pytest.mark.parametrize(
    "data, code",
    [
        (b"this is plain text, not a zip", "not_zip"),
        (FACT.encode(), "not_zip"),
        (DOCX[: len(DOCX) // 2], "not_zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "old_doc"),
        (_zip({"hello.txt": b"hi"}), "not_word"),
        (_zip({"word/document.xml": b"<not xml"}), "damaged_docx"),
        (_zip({"word/document.xml": b"<x/>", "[Content_Types].xml": b"<Types/>"}), "damaged_docx"),
    ],
)
def test_broken_docx(data, code):
    assert unreadable("a.docx", data) == code


def test_docx_zip_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(readers, "MAX_UNZIPPED_BYTES", 1000)
    big = _zip({"word/document.xml": b"<w/>" + b" " * 5000})
    with pytest.raises(UnreadableDocument) as info:
        read_document("a.docx", big)
    assert info.value.code == "too_large_unzipped" and info.value.details == {"limit_mb": 0}


# ---- nothing but UnreadableDocument, whatever the bytes ------------------------------


def _check(name: str, data: bytes) -> None:
    try:
        text = read_document(name, data)
    except UnreadableDocument as exc:
        assert exc.code in REASONS and str(exc)
        return
    assert text.strip()
    assert "\r" not in text and "\x00" not in text and "\ufffd" not in text
    assert all(c in "\t\n" or ord(c) >= 0x20 for c in text)


FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.binary(max_size=3000), st.sampled_from(["a.txt", "a.md", "a.pdf", "a.docx"]))
def test_any_bytes(data, name):
    _check(name, data)


@FUZZ
@given(st.sampled_from(["pdf", "docx"]), st.data())
def test_damaged_pdf_and_docx(kind, data):
    """Valid files with bytes overwritten, cut or dropped: readable or a reason."""
    blob = bytearray(PDF if kind == "pdf" else DOCX)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(blob) - 1))
        how = data.draw(st.sampled_from(["flip", "cut", "drop"]))
        if how == "flip":
            blob[at] = data.draw(st.integers(0, 255))
        elif how == "cut":
            del blob[at:]
            if not blob:
                break
        else:
            del blob[at : at + data.draw(st.integers(1, 64))]
        if not blob:
            break
    _check(f"a.{kind}", bytes(blob))


# ---- reasons: codes, their sentences in English and in Chinese -------------------------


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


# A value for each detail any sentence takes: numbers where it is formatted as one.
SAMPLE = {
    "limit": 25_000_000,
    "limit_mb": 256,
    "size_mb": 21.37,
    "kind": "PNG",
    "supported": ".txt, .md",
    "encoding": "UTF-16-LE",
    "detail": "BadZipFile: Bad CRC-32",
    "scheme": "ftp",
    "host": "intranet.example",
    "address": "10.0.0.8",
    "status": 404,
    "connect": 10.0,
    "total": 30.0,
}


def test_every_code_raised_is_in_the_table():
    from index.documents import fetch, html_text, plain_text, unreadable

    modules = (readers, plain_text, unreadable, html_text, fetch)
    source = "".join(pathlib.Path(m.__file__).read_text(encoding="utf-8") for m in modules)
    raised = set(re.findall(r'UnreadableDocument\("(\w+)"', source))
    raised |= set(re.findall(r'\(b"[^"]*", \("(\w+)"', source))  # the magic-bytes table
    assert raised and raised <= set(REASONS), raised - set(REASONS)


@pytest.mark.parametrize("code", sorted(REASONS))
def test_every_code_has_chinese_words_with_the_same_details(code):
    assert code in reasons.CHINESE
    fields = _fields(REASONS[code])
    assert _fields(reasons.CHINESE[code]) == fields and fields <= set(SAMPLE)
    exc = UnreadableDocument(code, **{k: SAMPLE[k] for k in fields})
    english, chinese = str(exc), reasons.unreadable(exc)
    assert "{" not in english and "{" not in chinese
    assert re.search(r"[\u4e00-\u9fff]", chinese) and chinese.endswith("。")
    for value in (SAMPLE[k] for k in fields if isinstance(SAMPLE[k], str)):
        assert value in english and value in chinese


def test_no_chinese_words_for_codes_that_do_not_exist():
    assert set(reasons.CHINESE) == set(REASONS)


def test_chinese_examples():
    assert reasons.unreadable(UnreadableDocument("pdf_encrypted")) == "PDF 文件已加密，请上传未加密的版本。"
    assert "256 MB" in reasons.unreadable(UnreadableDocument("too_large_unzipped", limit_mb=256))
    assert "25,000,000" in reasons.unreadable(UnreadableDocument("too_many_chars", limit=25_000_000))


def test_a_sentence_from_before_the_codes_still_reads():
    """processing.py raised UnreadableDocument("no readable text in the file")."""
    exc = UnreadableDocument("no readable text in the file")
    assert str(exc) == "no readable text in the file"
    assert "no readable text in the file" in reasons.unreadable(exc)


def test_missing_details_do_not_break_the_sentences():
    exc = UnreadableDocument("too_large_unzipped")
    assert str(exc) and reasons.unreadable(exc)


@pytest.mark.parametrize(
    "exc",
    [
        UnreadableDocument("pdf_encrypted"),
        UnreadableDocument("too_large_unzipped", limit_mb=256),
        UnreadableDocument("damaged_docx", detail="BadZipFile: Bad CRC-32"),
    ],
)
def test_reasons_cross_process_boundaries(exc):
    back = pickle.loads(pickle.dumps(exc))
    assert type(back) is UnreadableDocument
    assert (back.code, back.details, str(back)) == (exc.code, exc.details, str(exc))


def test_a_refusal_from_a_real_file_pickles():
    with pytest.raises(UnreadableDocument) as info:
        read_document("a.docx", b"\xd0\xcf\x11\xe0" + bytes(100))
    assert pickle.loads(pickle.dumps(info.value)).code == "old_doc"
