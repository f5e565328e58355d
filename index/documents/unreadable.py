"""Why a document cannot be added: the readers' reason codes (REASONS, UnreadableDocument),
the file types read at all, and the checks made on a file's name and size before it is read.

    raise UnreadableDocument("pdf_encrypted")   # str(exc): the English sentence for logs
    name = safe_name("../报纸.PDF")              # "报纸.PDF", or DocumentRejected

The Chinese for each code is in bot/reasons.py.
"""

from __future__ import annotations

import re

from index.chars import CONTROLS, INVISIBLE
from index.normalize import encodable
from index.reasons import Reason

IMAGES = (".jpg", ".jpeg", ".png", ".webp")  # read by OCR (index/documents/ocr.py, the `ocr` extra)
SUPPORTED = (".txt", ".md", ".pdf", ".docx", ".html", ".htm", *IMAGES)

# code -> English sentence for logs, formatted with the exception's details. The Chinese
# for the admin is in bot/reasons.py, one entry for each code here.
REASONS = {
    # any format
    "unsupported_type": "unsupported file type {kind}; use {supported}",
    "empty": "empty file",
    "no_text": "no readable text in the file",
    "too_large_file": "the file is {size_mb:.1f} MB, over the {limit_mb:g} MB limit",
    "too_many_chars": "more than {limit:,} characters of text; split the file",
    "too_many_paragraphs": "more than {limit:,} paragraphs; split the file",
    "too_deep": "the file is nested too deeply to read",
    "cannot_read": "cannot be read ({detail})",
    "bad_name": "the file name cannot be used in the corpus folder",
    # .txt / .md
    "bad_bom": "the file starts with a {encoding} byte order mark but is not valid {encoding} text",
    "pdf_as_text": "this is a PDF file named as text; rename it to .pdf",
    "zip_as_text": "this is a zip archive (or .docx), not a text file",
    "office_as_text": "this is an old Office document (.doc/.xls), not a text file; save it as .docx or .txt",
    "binary_kind": "this is a {kind} file, not a text file",
    "binary": "binary data (control or invalid characters), not text",
    "unknown_encoding": "not UTF-8 or GB18030/GBK text; save it as UTF-8",
    # .pdf
    "not_pdf": "not a PDF file (no %PDF header)",
    "pdf_truncated": "the PDF is truncated (no end-of-file marker); upload the complete file again",
    "pdf_encrypted": "the PDF is encrypted with a password; upload an unencrypted copy",
    "pdf_encrypted_aes": "the PDF is encrypted (AES) and cannot be opened; upload an unencrypted copy",
    "damaged_pdf": "the PDF is damaged ({detail})",
    "pdf_pages_unreadable": "the PDF's pages cannot be read ({detail})",
    "pdf_no_text_layer": "the PDF has no text layer (scanned pages?); run OCR on it first",
    "pdf_no_unicode": "the PDF's text cannot be decoded (fonts without a Unicode map); "
    "export it again as PDF with text, or as .docx",
    "too_many_pages": "the PDF has more than {limit:,} pages; split it",
    # .docx
    "old_doc": "this is an old Word .doc file or a password-protected .docx; save it as .docx without a password",
    "not_zip": "not a .docx file: a .docx is a zip archive, and this file is not one (or is damaged)",
    "damaged_zip": "not a .docx file: a damaged zip archive ({detail})",
    "not_word": "a zip archive but not a Word document (no word/document.xml)",
    "damaged_docx": "the .docx is damaged ({detail})",
    "unsafe_xml": "the .docx declares a DOCTYPE (entities), which Word never writes; save it again from Word",
    "too_large_unzipped": "the .docx unzips to more than {limit_mb} MB",
    "too_compressed": "the .docx is compressed more than {limit}:1, like a zip bomb; save it again from Word",
    # .html / .htm (index/documents/html_text.py) and links (index/documents/fetch.py)
    "html_no_article": "the web page holds no article text (a list of links, a login page, or text a script writes)",
    "url_scheme": "only http and https links are fetched, not {scheme}",
    "url_bad": "not a link that can be fetched",
    "url_private": "{host} is a private or local address ({address}), which links may not reach",
    "url_unreachable": "cannot reach {host} ({detail})",
    "url_timeout": "the site did not answer in time ({connect:g} s to connect or read, {total:g} s in all)",
    "url_http_error": "the site answered HTTP {status}",
    "url_not_html": "the link is not a web page but {kind}; download it and send the file",
    "url_too_large": "the page is over the {limit_mb:g} MB limit",
    "url_too_many_redirects": "the link redirects more than {limit} times",
    # images (OCR)
    "ocr_unavailable": "images are read by OCR, which is not installed: pip install -e '.[ocr]'",
    "ocr_no_text": "OCR found no readable text in the image",
    "not_image": "not an image that can be opened (damaged, or another kind of file)",
    "image_too_large": "the image has more than {limit} million pixels; scale it down",
}


class UnreadableDocument(Reason):
    """The file cannot be turned into text: `code` (a key of REASONS) says why."""

    SENTENCES = REASONS


class DocumentRejected(UnreadableDocument):
    """An uploaded document cannot be added: a reader's code (REASONS), or "bad_name" for a
    name that is no plain file name in the corpus folder."""


def suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 else ""


def unsupported(name: str) -> UnreadableDocument | None:
    """Why a file named `name` is not read at all (its type), or None when it is read."""
    kind = suffix(name)
    if kind in SUPPORTED:
        return None
    return UnreadableDocument("unsupported_type", kind=kind or "(none)", supported=", ".join(SUPPORTED))


def too_large(size: int, limit_mb: float) -> UnreadableDocument | None:
    """Why a file of `size` bytes is not read (over the limit), or None when it is read."""
    if size <= limit_mb * 1024 * 1024:
        return None
    return UnreadableDocument("too_large_file", size_mb=size / 1048576, limit_mb=limit_mb)


def safe_name(name: str) -> str:
    """A file name from a user, reduced to a plain name inside the corpus folder."""
    base = name.replace("\\", "/").split("/")[-1]
    # Control characters, and the invisible ones that reorder or hide what a name shows.
    base = re.sub(f"[{CONTROLS}{INVISIBLE}]", "", base)
    base = base.strip().lstrip(".")
    if not base:
        raise DocumentRejected("bad_name")
    if (why := unsupported(base)) is not None:
        raise DocumentRejected(why.code, **why.details)
    # A file system takes 255 bytes a name: shorten the stem, keep the extension.
    ext = suffix(base)
    stem = base[: len(base) - len(ext)]
    while len((stem + ext).encode("utf-8", "surrogatepass")) > 200:
        stem = stem[:-1]
    return encodable(stem + ext)
