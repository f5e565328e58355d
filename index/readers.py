"""Bytes of a corpus file to text: .txt and .md (UTF-8 with or without BOM, UTF-16 with
BOM, GB18030/GBK, Big5), .pdf (its text layer) and .docx (body paragraphs and tables).

    text = read_document("报纸.pdf", data)   # str, line ends "\\n"
    # raises UnreadableDocument("the PDF is encrypted ...") and nothing else

Every failure, whatever a parsing library raised, comes out as UnreadableDocument whose
message says what is wrong and what to do (it is shown to the admin who uploaded the
file, and in the reindex summary).

Text files carry no encoding label, so it is inferred: a BOM wins; then strict UTF-8;
then strict GB18030 (a superset of GBK and GB2312). GB18030 decodes almost any byte
string, so its result must also *look* like text: a few control, private-use or
unassigned characters mark binary data, and a text whose Chinese characters are mostly
outside the common set is tried as Big5 (traditional Chinese from Taiwan and Hong Kong
decodes as valid but meaningless GBK). A file with a handful of broken bytes (a UTF-8
file cut in the middle of a character) is read with those bytes dropped.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
import unicodedata
import zipfile

SUPPORTED = (".txt", ".md", ".pdf", ".docx")

# A .docx is a zip; refuse one that unzips to more than this (a zip bomb).
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024
# Share of characters that may be control, private-use, unassigned or undecodable.
MAX_BAD_SHARE = 0.01
# Share of undecodable bytes tolerated when no encoding decodes the file cleanly.
MAX_BROKEN_SHARE = 0.002

logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings repeat our reasons


class UnreadableDocument(Exception):
    """The file cannot be turned into text; str(exc) says why."""


def suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 else ""


# ---- plain text ---------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_MAGIC = (
    (b"%PDF-", "this is a PDF file named as text; rename it to .pdf"),
    (b"PK\x03\x04", "this is a zip archive (or .docx), not a text file"),
    (b"\xd0\xcf\x11\xe0", "this is an old Office document (.doc/.xls), not a text file; save it as .docx or .txt"),
    (b"\x89PNG", "this is a PNG image, not a text file"),
    (b"\xff\xd8\xff", "this is a JPEG image, not a text file"),
    (b"GIF8", "this is a GIF image, not a text file"),
    (b"\x1f\x8b", "this is a gzip archive, not a text file"),
    (b"\x7fELF", "this is a program, not a text file"),
)


_BAD = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd\ud800-\udfff\ue000-\uf8ff\U000f0000-\U0010ffff]")
_SAMPLE = 100_000
_ASSIGNED = re.compile(r"[\t\n\r\x20-\x7e\u3000-\u303f\u4e00-\u9fef\uff01-\uffbe]+")


def _bad_share(text: str) -> float:
    """Share of characters no text file has on purpose: controls (but tab, line and page
    breaks), private-use, unassigned, lone surrogates, U+FFFD. Binary data decodes to them."""
    if not text:
        return 0.0
    bad = len(_BAD.findall(text))
    sample = text[:_SAMPLE]
    # Only characters outside ASCII, CJK and its punctuation can be unassigned: asking
    # about those alone spares a call per character of ordinary text.
    unassigned = sum(1 for c in _ASSIGNED.sub("", sample) if unicodedata.category(c) == "Cn")
    if bad + unassigned <= 2:  # a stray bell or end-of-file mark in a short note
        return 0.0
    return bad / len(text) + unassigned / len(sample)


_t2s = None


def _common_share(text: str) -> float:
    """Share of the Chinese characters that are in GB2312 once made simplified: near 1 for
    real Chinese text, about a half for bytes of another encoding read as GBK."""
    global _t2s
    chars = "".join(c for c in text[:_SAMPLE] if "\u4e00" <= c <= "\u9fff")
    if not chars:
        return 1.0
    if _t2s is None:
        import opencc

        _t2s = opencc.OpenCC("t2s")
    common = 0
    for c in _t2s.convert(chars):
        try:
            c.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common / len(chars)


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _lenient(data: bytes, encoding: str) -> str | None:
    """`data` decoded with its few broken bytes dropped, or None if too many are broken."""
    text = data.decode(encoding, errors="replace")
    broken = text.count("\ufffd")
    if broken <= max(2, MAX_BROKEN_SHARE * len(text)):
        return text.replace("\ufffd", "")
    return None


def decode_text(data: bytes) -> str:
    """The text of a .txt/.md file's bytes, or UnreadableDocument."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            body = data[len(bom):]
            text = _strict(body, encoding) or _lenient(body, encoding)
            if text is None:
                raise UnreadableDocument(
                    f"the file starts with a {encoding.upper()} byte order mark but is not valid {encoding.upper()} text")
            return text
    for magic, reason in _MAGIC:
        if data.startswith(magic):
            raise UnreadableDocument(reason)
    if b"\x00" in data:
        raise UnreadableDocument("binary data (NUL bytes), not text")
    text = _strict(data, "utf-8")
    if text is not None:
        return text
    gb = _strict(data, "gb18030")
    if gb is not None and _common_share(gb) >= 0.8:
        return gb
    # GB18030 failed or read mostly rare characters: Big5, or UTF-8 with a broken byte
    # (cut off in the middle of a character) may be what it really is.
    candidates = [t for t in (gb, _strict(data, "cp950"), _lenient(data, "utf-8")) if t]
    candidates = [t for t in candidates if _bad_share(t) <= MAX_BAD_SHARE] or candidates
    if candidates:
        return max(candidates, key=_common_share)  # first (GB18030) on a tie
    text = _lenient(data, "gb18030")
    if text is not None:
        return text
    raise UnreadableDocument("not UTF-8 or GB18030/GBK text; save it as UTF-8")


# ---- PDF ----------------------------------------------------------------------------

def read_pdf(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, WrongPasswordError

    head = data[:1024]
    if b"%PDF-" not in head:
        raise UnreadableDocument("not a PDF file (no %PDF header)")
    if b"%%EOF" not in data[-8192:]:
        raise UnreadableDocument("the PDF is truncated (no end-of-file marker); upload the complete file again")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            # Many PDFs are encrypted with an empty user password, to restrict printing
            # or copying only: those open without one.
            try:
                opened = reader.decrypt("")
            except DependencyError:
                raise UnreadableDocument("the PDF is encrypted (AES) and cannot be opened; upload an unencrypted copy") from None
            if not opened:
                raise UnreadableDocument("the PDF is encrypted with a password; upload an unencrypted copy")
        pages = list(reader.pages)
    except UnreadableDocument:
        raise
    except (FileNotDecryptedError, WrongPasswordError):
        raise UnreadableDocument("the PDF is encrypted with a password; upload an unencrypted copy") from None
    except Exception as exc:
        raise UnreadableDocument(f"the PDF is damaged ({_brief(exc)})") from None
    texts, failures = [], []
    for page in pages:
        try:
            texts.append(page.extract_text() or "")
        except Exception as exc:  # one broken page does not lose the others
            failures.append(exc)
    text = "\n\n".join(texts)
    if not text.strip():
        if failures:
            raise UnreadableDocument(f"the PDF's pages cannot be read ({_brief(failures[0])})")
        raise UnreadableDocument("the PDF has no text layer (scanned pages?); run OCR on it first")
    if _bad_share(text) > 0.2:
        raise UnreadableDocument("the PDF's text cannot be decoded (fonts without a Unicode map); export it again as PDF with text, or as .docx")
    return text


# ---- DOCX ---------------------------------------------------------------------------

def read_docx(data: bytes) -> str:
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableDocument("this is an old Word .doc file or a password-protected .docx; save it as .docx without a password")
    buf = io.BytesIO(data)
    if not zipfile.is_zipfile(buf):
        raise UnreadableDocument("not a .docx file: a .docx is a zip archive, and this file is not one (or is damaged)")
    try:
        with zipfile.ZipFile(buf) as z:
            infos = z.infolist()
            if "word/document.xml" not in {i.filename for i in infos}:
                raise UnreadableDocument("a zip archive but not a Word document (no word/document.xml)")
            if sum(i.file_size for i in infos) > MAX_UNZIPPED_BYTES:
                raise UnreadableDocument(f"the .docx unzips to more than {MAX_UNZIPPED_BYTES // 1048576} MB")
    except zipfile.BadZipFile as exc:
        raise UnreadableDocument(f"not a .docx file: a damaged zip archive ({_brief(exc)})") from None

    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                lines.extend(_table_lines(block))
            else:
                lines.append(block.text)
    except UnreadableDocument:
        raise
    except Exception as exc:
        raise UnreadableDocument(f"the .docx is damaged ({_brief(exc)})") from None
    # A blank line between paragraphs: cleaning reads a bare line break after a full
    # line as the paragraph going on.
    return "\n\n".join(lines)


def _table_lines(table) -> list[str]:
    """One line a table row, its cells apart by a tab; merged cells once."""
    out = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if not cells or text != cells[-1]:
                cells.append(text)
        line = "\t".join(c for c in cells if c)
        if line:
            out.append(line)
    return out


# ---- all kinds ----------------------------------------------------------------------

_DROP = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd\ud800-\udfff\ue000-\uf8ff\U000f0000-\U0010ffff]")
_LINE_BREAKS = re.compile(r"\r\n?|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def tidy(text: str) -> str:
    """Line ends to "\\n"; control, private-use, lone surrogate and replacement characters
    dropped (what a chat or a passage should never carry)."""
    text = text.lstrip("\ufeff")
    text = _LINE_BREAKS.sub("\n", text)
    return _DROP.sub("", text)


def _brief(exc: BaseException) -> str:
    msg = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {msg[:120]}" if msg else type(exc).__name__


def read_document(name: str, data: bytes) -> str:
    """The text of a corpus file named `name` (only its extension matters), line ends
    "\\n". Raises UnreadableDocument, and no other exception, when it has none."""
    kind = suffix(name)
    if kind not in SUPPORTED:
        raise UnreadableDocument(f"unsupported file type {kind or '(none)'}; use {', '.join(SUPPORTED)}")
    if not data.strip():
        raise UnreadableDocument("empty file")
    try:
        if kind in (".txt", ".md"):
            text = decode_text(data)
            if _bad_share(text) > MAX_BAD_SHARE:
                raise UnreadableDocument("binary data (many control or invalid characters), not text")
        elif kind == ".pdf":
            text = read_pdf(data)
        else:
            text = read_docx(data)
        text = tidy(text)
    except UnreadableDocument:
        raise
    except RecursionError:
        raise UnreadableDocument("the file is nested too deeply to read") from None
    except Exception as exc:  # any library's surprise is still "unreadable", never a crash
        raise UnreadableDocument(f"cannot be read ({_brief(exc)})") from None
    if not text.strip():
        raise UnreadableDocument("no text in the file")
    return text
