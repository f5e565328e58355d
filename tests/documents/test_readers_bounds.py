"""index/documents/readers.py's bounds: a file over a cap is refused with its code, fast and in
little memory, whatever its zip directory claims; entities are never expanded. Real
files, built here; the caps are lowered (monkeypatch) where the real ones would take
a big file to reach."""

from __future__ import annotations

import io
import struct
import time
import tracemalloc
import zipfile
import zlib

import pytest

from index.documents import readers
from index.documents.readers import read_document
from index.documents.unreadable import UnreadableDocument
from tests.fixtures.docmaker import generated_corpus, make_pdf

W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
HEAD = b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?><w:document " + W + b"><w:body>"
TAIL = b"<w:sectPr/></w:body></w:document>"
MB = 1024 * 1024


def para(text: str) -> bytes:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>".encode()


def docx(xml: bytes, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A .docx of this word/document.xml alone: all the reader opens."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        z.writestr("word/document.xml", xml)
    return buf.getvalue()


def deflated_docx(parts, claimed_size: int | None = None) -> bytes:
    """A .docx whose document.xml is deflated from `parts` (an iterable of bytes, never
    joined: it may be far bigger than memory should hold), its directory saying
    `claimed_size` bytes when given: a lie."""
    deflate, crc, size = zlib.compressobj(9, zlib.DEFLATED, -15), 0, 0
    chunks = []
    for part in parts:
        crc, size = zlib.crc32(part, crc), size + len(part)
        chunks.append(deflate.compress(part))
    chunks.append(deflate.flush())
    data = b"".join(chunks)
    info = zipfile.ZipInfo("word/document.xml")
    info.compress_type = zipfile.ZIP_DEFLATED
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:  # a placeholder of the right compressed length
        z.writestr(info, b"")
    blob = bytearray(_raw_member(data, crc, size))
    if claimed_size is not None:
        _claim(blob, claimed_size)
    return bytes(blob)


def _raw_member(data: bytes, crc: int, size: int) -> bytes:
    """A one-member zip of already deflated `data` (zipfile cannot be handed those)."""
    name = b"word/document.xml"
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data), size, len(name), 0) + name
    central = (
        struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(data), size, len(name), 0, 0, 0, 0, 0, 0)
        + name
    )
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(central), len(local) + len(data), 0)
    return local + data + central + end


def _claim(blob: bytearray, size: int) -> None:
    """Make the local header and the central directory say the part is `size` bytes."""
    struct.pack_into("<L", blob, 22, size)
    at = blob.rindex(b"PK\x01\x02")
    struct.pack_into("<L", blob, at + 24, size)


def refused(name: str, data: bytes) -> UnreadableDocument:
    with pytest.raises(UnreadableDocument) as info:
        read_document(name, data)
    return info.value


def measured(name: str, data: bytes):
    """(what reading gives: text or the refusal, seconds, peak MB allocated)."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        out = read_document(name, data)
    except UnreadableDocument as exc:
        out = exc
    finally:
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] / MB
        tracemalloc.stop()
    return out, seconds, peak


def spaces(mb: int):
    yield HEAD + para("开头")
    block = b" " * MB  # white space between paragraphs: well-formed, and it deflates ~1000:1
    for _ in range(mb):
        yield block
    yield para("结尾") + TAIL


# ---- the zip directory is not believed -----------------------------------------------


def test_a_directory_claiming_a_small_part_stops_there_and_fails_its_check():
    data = deflated_docx(spaces(64), claimed_size=1000)
    out, seconds, peak = measured("a.docx", data)
    assert isinstance(out, UnreadableDocument) and out.code == "damaged_docx", out
    assert "CRC" in out.details["detail"]
    assert seconds < 2 and peak < 8


def test_a_directory_claiming_a_huge_part_is_read_to_the_real_end():
    data = deflated_docx(spaces(2), claimed_size=0xFFFFFFF0)
    assert read_document("a.docx", data) == "开头\n\n结尾"


def test_the_output_is_counted_not_the_claim(monkeypatch):
    monkeypatch.setattr(readers, "MAX_ZIP_RATIO", 10**9)  # the byte cap alone
    monkeypatch.setattr(readers, "MAX_UNZIPPED_BYTES", 20 * MB)
    data = deflated_docx(spaces(64), claimed_size=1000 * MB)  # under no cap, but not the truth
    out, seconds, peak = measured("a.docx", data)
    assert isinstance(out, UnreadableDocument) and out.code == "too_large_unzipped"
    assert out.details == {"limit_mb": 20}
    assert seconds < 5 and peak < 8  # streamed: never the part in memory


def test_a_high_ratio_zip_is_refused_past_the_grace_bytes():
    data = deflated_docx(spaces(64))  # 64 MB from ~65 KB, under the 256 MB cap
    out, seconds, peak = measured("a.docx", data)
    assert isinstance(out, UnreadableDocument) and out.code == "too_compressed"
    assert out.details == {"limit": readers.MAX_ZIP_RATIO}
    assert seconds < 5 and peak < 8


def test_a_small_high_ratio_part_is_read():
    """Below ZIP_RATIO_AFTER_BYTES a repetitive part is fine: it costs nothing."""
    assert read_document("a.docx", deflated_docx(spaces(4))) == "开头\n\n结尾"


def test_a_big_honest_document_passes():
    """~13 MB of document.xml deflating ~15:1, past the ratio grace: read whole."""
    corpus = generated_corpus(docs=40, paragraphs=300)
    paragraphs = [line for text in corpus.values() for line in text.split("\n") if line] * 4
    xml = HEAD + b"".join(para(p) for p in paragraphs) + TAIL
    data = docx(xml)
    assert len(xml) > readers.ZIP_RATIO_AFTER_BYTES and len(xml) / len(data) < 30  # ~15:1, as Word writes
    text = read_document("a.docx", data)
    assert text.split("\n\n") == paragraphs


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_compression_word_never_uses_is_refused(method):
    """zipfile inflates bzip2 and LZMA a whole read at a time, with no bound on the output."""
    out = refused("a.docx", docx(HEAD + para("正文") + TAIL, method))
    assert out.code == "damaged_docx" and "compression method" in out.details["detail"]


# ---- one-character paragraphs: the 60 MB case, at a tenth --------------------------


def one_char_paragraphs(mb: float) -> tuple[bytes, int]:
    """A document.xml of `mb` MB of one-character paragraphs, and how many."""
    n = int(mb * MB / len(para("字")))
    return HEAD + para("字") * n + TAIL, n


def test_many_tiny_paragraphs_are_read_in_linear_time_and_bounded_memory(monkeypatch):
    """python-docx took 153 s and 2.8 GB for 60 MB of them; at 6 MB the stream reader
    takes about a second (the ratio cap, which would refuse this at 10 MB, is lifted)."""
    monkeypatch.setattr(readers, "MAX_ZIP_RATIO", 10**9)
    (small, _), (big, n) = one_char_paragraphs(1.5), one_char_paragraphs(6)
    text, t_small, peak_small = measured("a.docx", docx(small))
    text, t_big, peak_big = measured("a.docx", docx(big))
    assert isinstance(text, str) and text.count("字") == n
    assert t_big < 15
    assert t_big < 4 * t_small * 2  # linear: 4 times the bytes, not 16 times the time
    # What is kept is the text (a str a paragraph), not a tree of the XML.
    assert peak_big < 60 and peak_big < 6 * peak_small


# ---- the same caps for every format --------------------------------------------------


def test_docx_paragraph_cap_refuses_before_the_rest_is_read(monkeypatch):
    monkeypatch.setattr(readers, "MAX_PARAGRAPHS", 1000)
    xml = HEAD + para("段") * 1001 + b"<broken" * 1000  # never reached
    out = refused("a.docx", docx(xml))
    assert out.code == "too_many_paragraphs" and out.details == {"limit": 1000}
    assert read_document("a.docx", docx(HEAD + para("段") * 1000 + TAIL)).count("段") == 1000


def test_docx_empty_and_nested_paragraphs_count_too(monkeypatch):
    """The cap bounds the parser's work: empty w:p and those in text boxes count."""
    monkeypatch.setattr(readers, "MAX_PARAGRAPHS", 1000)
    assert refused("a.docx", docx(HEAD + b"<w:p/>" * 1001 + TAIL)).code == "too_many_paragraphs"


def test_docx_char_cap_refuses_before_the_rest_is_read(monkeypatch):
    monkeypatch.setattr(readers, "MAX_CHARS", 1000)
    xml = HEAD + b"<w:p><w:r><w:t>" + "字".encode() * 1001 + b"<broken" * 1000
    out = refused("a.docx", docx(xml))
    assert out.code == "too_many_chars" and out.details == {"limit": 1000}


@pytest.mark.parametrize("name", ["a.txt", "a.md"])
def test_text_caps(monkeypatch, name):
    monkeypatch.setattr(readers, "MAX_CHARS", 1000)
    monkeypatch.setattr(readers, "MAX_PARAGRAPHS", 100)
    assert refused(name, ("字" * 1001).encode()).code == "too_many_chars"
    assert refused(name, ("字\n" * 101).encode()).code == "too_many_paragraphs"
    assert read_document(name, ("字\n" * 99 + "字").encode()).count("字") == 100


def _counting_pages(monkeypatch) -> list:
    """The pages whose lines were asked for, in order."""
    from index.documents.pdf_layout import PdfPages

    asked, lines = [], PdfPages.lines

    def counted(self, index):
        asked.append(index)
        return lines(self, index)

    monkeypatch.setattr(PdfPages, "lines", counted)
    return asked


def test_pdf_char_cap_stops_at_the_page_that_passes_it(monkeypatch):
    monkeypatch.setattr(readers, "MAX_CHARS", 50)
    asked = _counting_pages(monkeypatch)
    pdf = make_pdf([["第一页" * 10], ["第二页" * 10], ["第三页" * 10], ["第四页" * 10]])
    out = refused("a.pdf", pdf)
    assert out.code == "too_many_chars" and len(asked) == 2


def test_pdf_lines_are_its_paragraphs(monkeypatch):
    monkeypatch.setattr(readers, "MAX_PARAGRAPHS", 5)
    assert refused("a.pdf", make_pdf([["一行。"] * 3, ["一行。"] * 3])).code == "too_many_paragraphs"


def test_pdf_page_cap_is_checked_before_any_page_is_read(monkeypatch):
    monkeypatch.setattr(readers, "MAX_PAGES", 2)
    asked = _counting_pages(monkeypatch)
    out = refused("a.pdf", make_pdf([["一"], ["二"], ["三"]]))
    assert out.code == "too_many_pages" and out.details == {"limit": 2} and asked == []


def test_the_real_caps_pass_a_20_mb_chinese_text():
    line = "雨花区今年共建成红色之家二十八家，受到群众好评。\n"
    text = line * (20 * MB // len(line.encode()))
    assert 19 * MB < len(text.encode()) <= 20 * MB
    assert len(read_document("a.txt", text.encode())) == len(text)


# ---- XML: no DOCTYPE, no entities, no depth -------------------------------------------

LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
    + b"]><w:document "
    + W
    + b"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
)


@pytest.mark.parametrize(
    "xml",
    [
        LAUGHS,
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><w:document '
        + W
        + b"><w:body>"
        + para("&x;")
        + TAIL,
        b'<!DOCTYPE w:document SYSTEM "http://example.invalid/evil.dtd"><w:document ' + W + b"><w:body/></w:document>",
    ],
)
def test_a_doctype_is_refused_before_any_entity(xml):
    out, seconds, peak = measured("a.docx", docx(xml))
    assert isinstance(out, UnreadableDocument) and out.code == "unsafe_xml"
    assert seconds < 1 and peak < 8


def test_an_undeclared_entity_is_damage():
    assert refused("a.docx", docx(HEAD + para("&nbsp;") + TAIL)).code == "damaged_docx"


def test_predefined_entities_are_text():
    assert read_document("a.docx", docx(HEAD + para("A&amp;B &lt;C&gt;") + TAIL)) == "A&B <C>"


def test_deep_nesting_is_refused():
    xml = HEAD + b"<w:p>" + b"<x>" * (readers.MAX_XML_DEPTH + 1)
    assert refused("a.docx", docx(xml)).code == "too_deep"


def test_the_main_part_must_be_a_word_body():
    out = refused("a.docx", docx(b"<html><body><p>hi</p></body></html>"))
    assert out.code == "damaged_docx" and "html" in out.details["detail"]


@pytest.mark.parametrize("token", [b'<w:p w:x="' + b"a" * (12 * MB) + b'"/>', b"<!--" + b"<a>" * (4 * MB) + b"-->"])
def test_one_huge_token_is_refused_fast(token):
    """An XML parser holds a tag, attribute value or comment whole until it ends (expat
    rescanned it at every feed: minutes); over 10 MB, one is refused. (A long text is
    handed over as it comes, and bounded by MAX_CHARS.)"""
    out, seconds, peak = measured("a.docx", docx(HEAD + token + TAIL, zipfile.ZIP_STORED))
    assert isinstance(out, UnreadableDocument) and out.code == "damaged_docx", out
    assert seconds < 3 and peak < 40
