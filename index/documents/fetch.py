"""A link an admin sends: the web page fetched, within bounds, and named as a document.

    page = fetch("https://example.com/news/1.html", max_bytes=20 << 20)
    page.name, page.data   # "标题.html", the page's bytes; or UnreadableDocument("url_private", ...)

Its caller hands the page to the engine (bot/links.py).

Run where documents are read (the bot's ingest process, the command line), never in the
bot's event loop: it blocks. Bounds, each a refusal with a code (index.documents.unreadable.REASONS):
only http and https, on the first request and every redirect (at most MAX_REDIRECTS);
the host resolved and every address it has checked, again at each redirect, refusing
private, loopback, link-local, multicast, reserved and unspecified ones unless the
settings' allow_private_urls (a link must not reach the server's own network); the
connection made to the address that was checked (a second lookup could answer
otherwise); CONNECT_SECONDS to connect and for each read, and no read started after
TOTAL_SECONDS (so a page trickled a byte at a time ends by TOTAL + CONNECT seconds);
the body read in chunks and dropped past max_file_mb (a declared Content-Length over it
is refused before reading). Only HTML is taken: a link is a web page.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

from index.documents.html_text import page_name
from index.documents.unreadable import DocumentRejected, UnreadableDocument, safe_name

MAX_REDIRECTS = 5
CONNECT_SECONDS = 10.0
TOTAL_SECONDS = 30.0
_CHUNK = 64 * 1024
_REDIRECTS = (301, 302, 303, 307, 308)
_HTML_TYPES = ("text/html", "application/xhtml+xml")
# Some sites answer a client without a browser-like name with an error page.
_HEADERS = {
    "User-Agent": "Mozilla/5.0 (compatible; zh-answer-bot)",
    "Accept": "text/html,application/xhtml+xml",
    "Accept-Encoding": "identity",
}  # the size cap counts the bytes of the page itself


@dataclass
class Page:
    url: str  # where it was found, after redirects
    data: bytes

    @property
    def name(self) -> str:
        """The document's file name: the page's title (else its address), ending .html."""
        return _name(page_name(self.data), self.url)


def is_url(text: str) -> bool:
    """Is `text` one http(s) link (what the bot and `add` take for a page to fetch)?"""
    parts = urlsplit(text.strip())
    return (
        parts.scheme.lower() in ("http", "https") and bool(parts.netloc) and not any(c.isspace() for c in text.strip())
    )


def _name(title: str, url: str) -> str:
    """The document's file name: the page's title, else the last part of its address."""
    parts = urlsplit(url)
    stem = title or unquote(parts.path.rstrip("/").rsplit("/", 1)[-1]) or parts.hostname or "page"
    for ext in (".html", ".htm", ".shtml", ".php", ".asp", ".aspx", ".jsp"):
        if stem.lower().endswith(ext):
            stem = stem[: -len(ext)]
    try:
        return safe_name(stem.replace("/", "／").replace("\\", "＼") + ".html")
    except DocumentRejected:  # nothing usable left of it
        return safe_name((parts.hostname or "page") + ".html")


def fetch(url: str, *, max_bytes: int, allow_private: bool = False) -> Page:
    """The page at `url` (following redirects), or UnreadableDocument."""
    deadline = time.monotonic() + TOTAL_SECONDS
    for _ in range(MAX_REDIRECTS + 1):
        conn, response = _request(url, allow_private, deadline)
        try:
            if response.status in _REDIRECTS and response.getheader("Location"):
                url = urljoin(url, response.getheader("Location").strip())
                continue
            return Page(url, _body(url, response, max_bytes, deadline))
        finally:
            conn.close()
    raise UnreadableDocument("url_too_many_redirects", limit=MAX_REDIRECTS)


def _request(url: str, allow_private: bool, deadline: float):
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise UnreadableDocument("url_scheme", scheme=scheme or "(none)")
    try:
        host, port = parts.hostname, parts.port or (443 if scheme == "https" else 80)
    except ValueError:  # a port that is no number
        host = None
    if not host:
        raise UnreadableDocument("url_bad")
    address = _checked_address(host, port, allow_private)
    cls = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
    conn = cls(host, port, timeout=_left(deadline, url))
    # Connect to the address checked above; TLS still checks the certificate for `host`.
    conn._create_connection = lambda _addr, timeout, source: socket.create_connection((address, port), timeout, source)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        conn.request("GET", path, headers=_HEADERS)
        return conn, conn.getresponse()
    except UnreadableDocument:
        conn.close()
        raise
    except (OSError, http.client.HTTPException) as exc:
        conn.close()
        raise _network_failure(exc, url) from None


def _checked_address(host: str, port: int, allow_private: bool) -> str:
    """An address of `host` to connect to, once every one it has is allowed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnreadableDocument("url_unreachable", host=host, detail=str(exc)[:120]) from None
    addresses = [info[4][0] for info in infos]
    if not allow_private:
        for address in addresses:
            if not _public(ipaddress.ip_address(address.split("%")[0])):
                raise UnreadableDocument("url_private", host=host, address=address)
    return addresses[0]


def _public(ip) -> bool:
    if ip.version == 6 and ip.ipv4_mapped is not None:  # ::ffff:127.0.0.1 is 127.0.0.1
        ip = ip.ipv4_mapped
    return ip.is_global and not (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved or ip.is_unspecified
    )


def _body(url: str, response, max_bytes: int, deadline: float) -> bytes:
    if response.status != 200:
        raise UnreadableDocument("url_http_error", status=response.status)
    kind = (response.getheader("Content-Type") or "text/html").split(";")[0].strip().lower()
    if kind not in _HTML_TYPES:
        raise UnreadableDocument("url_not_html", kind=kind)
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise UnreadableDocument("url_too_large", limit_mb=max_bytes / 1048576)
    chunks, size = [], 0
    try:
        while True:
            _left(deadline, url)
            chunk = response.read1(_CHUNK)  # what one read gives: a trickle cannot hold it
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > max_bytes:
                raise UnreadableDocument("url_too_large", limit_mb=max_bytes / 1048576)
            chunks.append(chunk)
    except (OSError, http.client.HTTPException) as exc:
        raise _network_failure(exc, url) from None


def _left(deadline: float, url: str) -> float:
    """Seconds a connect or read may take: CONNECT_SECONDS, or what is left of the whole."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise _timeout()
    return min(CONNECT_SECONDS, left)


def _network_failure(exc: BaseException, url: str) -> UnreadableDocument:
    if isinstance(exc, TimeoutError | socket.timeout):
        return _timeout()
    return UnreadableDocument(
        "url_unreachable", host=urlsplit(url).hostname or "", detail=str(exc)[:120] or type(exc).__name__
    )


def _timeout() -> UnreadableDocument:
    return UnreadableDocument("url_timeout", connect=CONNECT_SECONDS, total=TOTAL_SECONDS)
