"""Bytes of a text file to str, its encoding inferred, and text tidied of what no passage
should carry.

    text = decode_text(data)   # or UnreadableDocument("unknown_encoding"), ("binary"), ...
    text = tidy(text)          # line ends "\\n"; control and private-use characters gone

Text files carry no encoding label: a BOM wins; then strict UTF-8; then strict GB18030 (a
superset of GBK and GB2312). GB18030 decodes almost any byte string, so its result must
also *look* like text: a few control, private-use or unassigned characters mark binary
data, and a text whose Chinese characters are mostly outside the common set is tried as
Big5 (traditional Chinese from Taiwan and Hong Kong decodes as valid but meaningless GBK).
A file with a handful of broken bytes (a UTF-8 file cut in the middle of a character) is
read with those bytes dropped.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from index.chars import NOT_TEXT, UNIFIED, UNIFIED_ASSIGNED
from index.documents.unreadable import UnreadableDocument

# Share of characters that may be control, private-use, unassigned or undecodable.
MAX_BAD_SHARE = 0.01
# Share of undecodable bytes tolerated when no encoding decodes the file cleanly.
MAX_BROKEN_SHARE = 0.002

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# What a file starting with these bytes really is: (code, details).
_MAGIC = (
    (b"%PDF-", ("pdf_as_text", {})),
    (b"PK\x03\x04", ("zip_as_text", {})),
    (b"\xd0\xcf\x11\xe0", ("office_as_text", {})),
    (b"\x89PNG", ("binary_kind", {"kind": "PNG"})),
    (b"\xff\xd8\xff", ("binary_kind", {"kind": "JPEG"})),
    (b"GIF8", ("binary_kind", {"kind": "GIF"})),
    (b"\x1f\x8b", ("binary_kind", {"kind": "gzip"})),
    (b"\x7fELF", ("binary_kind", {"kind": "ELF"})),  # a program
)


_NOT_TEXT = re.compile(f"[{NOT_TEXT}]")
_UNIFIED = re.compile(f"[{UNIFIED}]")
_SAMPLE = 100_000
_ASSIGNED = re.compile(rf"[\t\n\r\x20-\x7e\u3000-\u303f{UNIFIED_ASSIGNED}\uff01-\uffbe]+")


def _bad_share(text: str) -> float:
    """Share of characters no text file has on purpose: controls (but tab, line and page
    breaks), private-use, unassigned, lone surrogates, U+FFFD. Binary data decodes to them."""
    if not text:
        return 0.0
    bad = len(_NOT_TEXT.findall(text))
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
    chars = "".join(_UNIFIED.findall(text[:_SAMPLE]))
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
            body = data[len(bom) :]
            text = _strict(body, encoding) or _lenient(body, encoding)
            if text is None:
                raise UnreadableDocument("bad_bom", encoding=encoding.upper())
            return text
    for magic, (code, details) in _MAGIC:
        if data.startswith(magic):
            raise UnreadableDocument(code, **details)
    if b"\x00" in data:
        raise UnreadableDocument("binary")
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
    raise UnreadableDocument("unknown_encoding")


_LINE_BREAKS = re.compile(r"\r\n?|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def tidy(text: str) -> str:
    """Line ends to "\\n"; control, private-use, lone surrogate and replacement characters
    dropped (what a chat or a passage should never carry)."""
    text = text.lstrip("\ufeff")
    text = _LINE_BREAKS.sub("\n", text)
    return _NOT_TEXT.sub("", text)
