"""Bytes of a corpus file to text: .txt and .md (UTF-8 with or without BOM, UTF-16 with
BOM, GB18030/GBK, Big5), .pdf (its text layer), .docx (body paragraphs and tables),
.html/.htm (the page's title and article, index/documents/html_text.py) and images (.jpg, .png,
.webp: by OCR, index/documents/ocr.py).

    text = read_document("报纸.pdf", data)   # str, line ends "\\n"
    # raises UnreadableDocument("pdf_encrypted") and nothing else

Every failure, whatever a parsing library raised, comes out as UnreadableDocument with a
machine code (`exc.code`, a key of REASONS) and its details (`exc.details`): str(exc) is
the English sentence for logs, and bot/reasons.py says it in Chinese to the admin who
uploaded the file.

Every format has the same bounds, checked while reading so that a file over one is
refused when it gets there, not after all of it is read: MAX_CHARS characters of text
and MAX_PARAGRAPHS paragraphs (a line of a .txt/.md or of a PDF page's text, a w:p of a
.docx), MAX_PAGES PDF pages; a .docx is inflated as a stream, its real output counted
(MAX_UNZIPPED_BYTES, MAX_ZIP_RATIO), never what its zip directory claims.
"""

from __future__ import annotations

import io
import logging
import zipfile

from index.documents.html_text import read_html
from index.documents.places import Reading, joined
from index.documents.plain_text import MAX_BAD_SHARE, _bad_share, decode_text, tidy
from index.documents.unreadable import IMAGES, UnreadableDocument, suffix, unsupported

# ---- bounds, the same for every format ----------------------------------------------
# An upload is at most 20 MB (settings.max_file_mb): as Chinese UTF-8 that is ~6.7M
# characters, as ASCII or GBK-coded Latin up to 20M. 25M characters passes any of them
# and still bounds what cleaning and tokenising are handed (~50 MB of str).
MAX_CHARS = 25_000_000
# 20 MB of the shortest honest lines (a list or table of ~20 bytes a line) is ~1M lines;
# a .docx of a million paragraphs is far past any real one. What it bounds is the work
# done per paragraph, empty ones too (each costs the parser and cleaning).
MAX_PARAGRAPHS = 1_000_000
# A book is a few thousand pages; a 20 MB PDF of 100k empty pages costs pypdf minutes.
MAX_PAGES = 10_000
# A .docx is a zip; refuse one whose part unzips to more than this (a zip bomb). Counted
# on the inflated output itself: the zip directory's sizes are whatever the file says.
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024
# Word's document.xml deflates 5:1 to 30:1; deflate cannot pass ~1030:1, and bombs sit
# near that. Past ZIP_RATIO_AFTER_BYTES (small parts of repeated markup may compress
# better, and cost nothing), output above MAX_ZIP_RATIO times the compressed size is
# refused, so the work done is bounded by the bytes uploaded, not by the byte cap alone.
MAX_ZIP_RATIO = 100
ZIP_RATIO_AFTER_BYTES = 10 * 1024 * 1024

logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings repeat our reasons


class _Budget:
    """Characters and paragraphs of a document so far, counted as it is read: over a
    cap, it is refused there and then."""

    def __init__(self) -> None:
        self.chars = 0
        self.paragraphs = 0

    def add(self, chars: int = 0, paragraphs: int = 0) -> None:
        self.chars += chars
        self.paragraphs += paragraphs
        if self.chars > MAX_CHARS:
            raise UnreadableDocument("too_many_chars", limit=MAX_CHARS)
        if self.paragraphs > MAX_PARAGRAPHS:
            raise UnreadableDocument("too_many_paragraphs", limit=MAX_PARAGRAPHS)


# ---- PDF ----------------------------------------------------------------------------

# A page with no text layer is drawn at this many pixels a point for OCR (200 dpi: body
# type of 9-10 points is ~25 pixels high, what the recogniser reads best).
SCAN_SCALE = 200 / 72


def read_pdf(data: bytes, budget: _Budget | None = None) -> Reading:
    """A PDF's text, page by page, each in reading order (index/documents/pdf_layout.py), with each
    line's place; a page with no text layer (a scan) is read by OCR when the `ocr` extra
    is there. Refused at the page, character or paragraph (line) cap as soon as it is
    passed."""
    budget = budget or _Budget()
    if b"%PDF-" not in data[:1024]:
        raise UnreadableDocument("not_pdf")
    if b"%%EOF" not in data[-8192:]:
        raise UnreadableDocument("pdf_truncated")
    _pdf_pages(data)  # encryption, damage and the page cap, told apart by pypdf
    pages = _layout_pages(data)
    lines, failures, scanned, ocr_missing = [], [], 0, None
    try:
        for index in range(len(pages)):
            try:
                page = [line._replace(text=tidy(line.text)) for line in pages.lines(index)]
                if not page:
                    page = _scanned_page(pages, index)
                    scanned += bool(page)
            except UnreadableDocument as exc:  # no OCR here: the other pages still count
                ocr_missing = exc
                continue
            except Exception as exc:  # one broken page does not lose the others
                failures.append(exc)
                continue
            budget.add(sum(len(line.text) for line in page), len(page))
            lines += page
    finally:
        pages.close()
    text, places = joined(lines)
    if not text.strip():
        if failures:
            raise UnreadableDocument("pdf_pages_unreadable", detail=_brief(failures[0]))
        raise UnreadableDocument("pdf_no_text_layer") if ocr_missing else UnreadableDocument("ocr_no_text")
    if _bad_share(text) > 0.2:
        raise UnreadableDocument("pdf_no_unicode")
    return Reading(text, places, ocr_pages=scanned)


def _scanned_page(pages, index: int) -> list:
    """The lines of a page with no text layer, by OCR of its picture, boxes in points as the
    text layer's are; UnreadableDocument("ocr_unavailable") without the `ocr` extra."""
    from index.documents import ocr

    ocr.engine()  # before drawing the page: without the extra, say so at once
    found = ocr.ocr_lines(pages.image(index, SCAN_SCALE), page=index + 1)
    return [
        line.__class__(line.text, line.page, tuple(v / SCAN_SCALE for v in line.box), line.score, line.starts_paragraph)
        for line in found
    ]


def _layout_pages(data: bytes):
    """The PDF opened by pdfium for its characters' positions, at most MAX_PAGES pages."""
    from index.documents.pdf_layout import PdfPages

    try:
        pages = PdfPages(data)
    except Exception as exc:  # pypdf read it, pdfium cannot
        raise UnreadableDocument("damaged_pdf", detail=_brief(exc)) from None
    if len(pages) > MAX_PAGES:
        pages.close()
        raise UnreadableDocument("too_many_pages", limit=MAX_PAGES)
    return pages


def _pdf_pages(data: bytes) -> list:
    """The PDF's pages, opened (decrypted if an empty password does it), at most MAX_PAGES."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, WrongPasswordError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            # Many PDFs are encrypted with an empty user password, to restrict printing
            # or copying only: those open without one.
            try:
                opened = reader.decrypt("")
            except DependencyError:  # AES needs the cryptography package
                raise UnreadableDocument("pdf_encrypted_aes") from None
            if not opened:
                raise UnreadableDocument("pdf_encrypted")
        if len(reader.pages) > MAX_PAGES:  # pypdf counts the pages it finds, not /Count
            raise UnreadableDocument("too_many_pages", limit=MAX_PAGES)
        return list(reader.pages)
    except UnreadableDocument:
        raise
    except (FileNotDecryptedError, WrongPasswordError):
        raise UnreadableDocument("pdf_encrypted") from None
    except Exception as exc:
        raise UnreadableDocument("damaged_pdf", detail=_brief(exc)) from None


# ---- DOCX ---------------------------------------------------------------------------
# Only word/document.xml is read (body paragraphs and tables, as python-docx's
# iter_inner_content gives them), inflated and parsed as a stream: a parser target
# (called for each start tag, text and end tag) keeps the paragraph and table row being
# read, never a tree of the part.

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MAIN_PART = "word/document.xml"
_CHUNK = 64 * 1024
# Word nests a few dozen deep (tables in tables, text boxes); each open element costs
# the parser memory, so a file of only opening tags is refused early.
MAX_XML_DEPTH = 256


def read_docx(data: bytes, budget: _Budget | None = None) -> str:
    budget = budget or _Budget()
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableDocument("old_doc")
    buf = io.BytesIO(data)
    if not zipfile.is_zipfile(buf):
        raise UnreadableDocument("not_zip")
    try:
        z = zipfile.ZipFile(buf)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise UnreadableDocument("damaged_zip", detail=_brief(exc)) from None
    with z:
        info = _main_part(z)
        try:
            return _docx_text(_inflate(z, info, len(data)), budget)
        except UnreadableDocument:
            raise
        except Exception as exc:  # bad XML, bad CRC, bad deflate data, a zip-encrypted part
            raise UnreadableDocument("damaged_docx", detail=_brief(exc)) from None


def _main_part(z: zipfile.ZipFile) -> zipfile.ZipInfo:
    try:
        info = z.getinfo(_MAIN_PART)
    except KeyError:
        raise UnreadableDocument("not_word") from None
    # Word deflates or stores; bzip2 and LZMA inflate a whole read at once (no output
    # bound in zipfile), so a few KB of them could be gigabytes.
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise UnreadableDocument("damaged_docx", detail=f"compression method {info.compress_type}")
    return info


def _inflate(z: zipfile.ZipFile, info: zipfile.ZipInfo, upload_bytes: int):
    """The part's bytes as they inflate, chunk by chunk, its real output counted against
    the caps. The directory's sizes are the file's say: zipfile stops at its file_size
    (then the CRC fails), and a compress_size above the upload is no bigger than it."""
    compressed = max(1, min(info.compress_size, upload_bytes))
    total = 0
    with z.open(info) as part:
        while chunk := part.read(_CHUNK):
            total += len(chunk)
            if total > MAX_UNZIPPED_BYTES:
                raise UnreadableDocument("too_large_unzipped", limit_mb=MAX_UNZIPPED_BYTES // 1048576)
            if total > ZIP_RATIO_AFTER_BYTES and total > MAX_ZIP_RATIO * compressed:
                raise UnreadableDocument("too_compressed", limit=MAX_ZIP_RATIO)
            yield chunk


def _docx_text(chunks, budget: _Budget) -> str:
    # libxml2 (lxml), not expat: without huge_tree it refuses any one token (an attribute
    # value, a text node, a comment) over 10 MB, where expat 2.5 rescans a pending token
    # at every feed: one 250 MB attribute value in a 3 MB .docx took expat over 300 s.
    # No DTD is loaded, no entity resolved, nothing fetched; `doctype` refuses one anyway.
    from lxml import etree

    target = _DocxText(budget)
    parser = etree.XMLParser(target=target, resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    for chunk in chunks:
        parser.feed(chunk)
    return parser.close()


# An element's role from its parent's and its own (WordprocessingML) name: the body's
# paragraphs and tables, their rows and cells, and the runs of text in them, as
# python-docx reads them (direct children only: text in w:ins, w:sdt, text boxes or
# nested tables is not read). Any other element is "x", and so is all inside it.
_ROLES = {
    (None, "document"): "document",
    ("document", "body"): "body",
    ("body", "p"): "p",
    ("tc", "p"): "p",
    ("body", "tbl"): "tbl",
    ("tbl", "tr"): "tr",
    ("tr", "trPr"): "trPr",
    ("trPr", "gridBefore"): "gridBefore",
    ("tr", "tc"): "tc",
    ("tc", "tcPr"): "tcPr",
    ("tcPr", "gridSpan"): "gridSpan",
    ("tcPr", "vMerge"): "vMerge",
    ("p", "r"): "r",
    ("p", "hyperlink"): "hyperlink",
    ("hyperlink", "r"): "r",
    ("r", "t"): "t",
    ("r", "tab"): "tab",
    ("r", "ptab"): "tab",
    ("r", "br"): "br",
    ("r", "cr"): "cr",
    ("r", "noBreakHyphen"): "hyphen",
}
_RUN_TEXT = {"tab": "\t", "cr": "\n", "hyphen": "-"}


class _DocxText:
    """lxml parser target for word/document.xml: its text, a body paragraph or a
    table row a line (cells apart by a tab, a merged cell once), in document order."""

    def __init__(self, budget: _Budget) -> None:
        self.budget = budget
        self.lines: list[str] = []
        self.roles: list[str] = []  # of the open elements, outermost first
        self.pieces: list[str] = []  # the text of the paragraph being read
        self.cell: list[str] = []  # the paragraphs of the cell being read
        self.span, self.merge = 1, None  # its w:gridSpan and w:vMerge
        self.row: list[str] = []  # the cell texts of the row being read
        self.offset = 0  # the grid column the next cell starts at
        self.here: dict[int, str] = {}  # grid column -> text of the row's cells
        self.above: dict[int, str] = {}  # the same of the row before: a vMerge continues it

    def doctype(self, name, pubid, system) -> None:
        # Word never writes a DOCTYPE; refusing it refuses every entity (billion laughs,
        # external files) before the parser reads a declaration.
        raise UnreadableDocument("unsafe_xml")

    def start(self, tag: str, attrib: dict) -> None:
        local = tag[len(_W) :] if tag.startswith(_W) else None
        parent = self.roles[-1] if self.roles else None
        role = _ROLES.get((parent, local), "x")
        if parent is None and role != "document":
            raise UnreadableDocument("damaged_docx", detail=f"its main part is <{tag}>, not a Word document body")
        if len(self.roles) >= MAX_XML_DEPTH:
            raise UnreadableDocument("too_deep")
        self.roles.append(role)
        if local == "p":  # every paragraph, read or not, costs the parser: all count
            self.budget.add(paragraphs=1)
        if role == "p":
            self.pieces = []
        elif role in _RUN_TEXT:
            self._text(_RUN_TEXT[role])
        elif role == "br":
            # A line break; a page or column break is no text (as python-docx has it).
            if attrib.get(_W + "type", "textWrapping") == "textWrapping":
                self._text("\n")
        elif role == "tc":
            self.cell, self.span, self.merge = [], 1, None
        elif role == "gridSpan":
            self.span = int(attrib.get(_W + "val", 1))
        elif role == "vMerge":
            self.merge = attrib.get(_W + "val", "continue")
        elif role == "tr":
            self.row, self.offset, self.here = [], 0, {}
        elif role == "gridBefore":
            self.offset = int(attrib.get(_W + "val", 0))
        elif role == "tbl":
            self.above = {}

    def data(self, text: str) -> None:
        if self.roles and self.roles[-1] == "t":
            self._text(text)

    def _text(self, text: str) -> None:
        self.budget.add(chars=len(text))
        self.pieces.append(text)

    def end(self, tag: str) -> None:
        role = self.roles.pop()
        if role == "p":
            text = "".join(self.pieces)
            if self.roles[-1] == "body":
                self.lines.append(text)
            else:
                self.cell.append(text)
        elif role == "tc":
            self._end_cell()
        elif role == "tr":
            self._end_row()

    def _end_cell(self) -> None:
        text = " ".join("\n".join(self.cell).split())
        if self.merge == "continue":  # the cell above goes on down (vertically merged)
            text = self.above.get(self.offset, text)
        self.here[self.offset] = text
        self.offset += self.span
        # A cell spanning columns is its text once: the row drops repeats anyway.
        if not self.row or text != self.row[-1]:
            self.row.append(text)

    def _end_row(self) -> None:
        self.above = self.here
        line = "\t".join(c for c in self.row if c)
        if line:
            self.lines.append(line)

    def close(self) -> str:
        # A blank line between paragraphs: cleaning reads a bare line break after a full
        # line as the paragraph going on.
        return "\n\n".join(self.lines)


# ---- all kinds ----------------------------------------------------------------------


def _brief(exc: BaseException) -> str:
    msg = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {msg[:120]}" if msg else type(exc).__name__


def read_document(name: str, data: bytes) -> str:
    """The text of a corpus file named `name` (only its extension matters), line ends
    "\\n". Raises UnreadableDocument, and no other exception, when it has none."""
    return read_with_places(name, data).text


def read_with_places(name: str, data: bytes) -> Reading:
    """read_document's text, and, for text read off pages (an image by OCR), where each
    line of it is (index/documents/places.py) and how many pages were read by OCR."""
    if (why := unsupported(name)) is not None:
        raise why
    kind = suffix(name)
    if not data.strip():
        raise UnreadableDocument("empty")
    budget = _Budget()
    try:
        if kind in (".txt", ".md"):
            text = decode_text(data)
            budget.add(len(text), text.count("\n") + 1)  # decoded at once: it is quick
            if _bad_share(text) > MAX_BAD_SHARE:
                raise UnreadableDocument("binary")
        elif kind == ".pdf":
            return read_pdf(data, budget)  # its lines tidied one by one: the places' offsets hold
        elif kind in (".html", ".htm"):
            text = read_html(data, budget)
        elif kind in IMAGES:
            from index.documents import ocr  # onnxruntime and its models: only when an image comes

            return ocr.read_image(data)  # its lines tidied one by one: the places' offsets hold
        else:
            text = read_docx(data, budget)
        text = tidy(text)
    except UnreadableDocument:
        raise
    except RecursionError:
        raise UnreadableDocument("too_deep") from None
    except Exception as exc:  # any library's surprise is still "unreadable", never a crash
        raise UnreadableDocument("cannot_read", detail=_brief(exc)) from None
    if not text.strip():
        raise UnreadableDocument("no_text")
    return Reading(text)
