"""A web page's article: its title and main text, without the menus, ads, footers,
related-links lists, scripts and styles around it.

    text = read_html(data, budget)   # "标题\n\n第一段\n\n第二段…"
    # raises UnreadableDocument("html_no_article") when the page holds no article

How the article is found (the idea of Readability, scored for Chinese): the page is read
as lines (a block element or a <br> ends one), each with how much of it is link text. A
line that is mostly links (a menu, a list of related articles, an ad) scores nothing;
any other scores its characters if it reads as prose (it holds a Chinese comma or full
stop: footers, bylines and dates seldom do). A block's lines score for the block that
holds them, in full, and for the one above that, by half: the block collecting the most
is the article's, and its lines, but the link lines, are the text. Parts no article is
in (<nav>, <footer>, <aside>, scripts, forms, hidden elements, and blocks whose class
or id says menu, footer, share, comment, related...) are dropped first.

Why selectolax (lexbor) and not trafilatura: on the pages of tests/fixtures/web,
trafilatura 2.3 kept a table-laid-out county page's menu, sidebar and footer with the
article (its tables on), or returned nothing for it (tables off); it needs 58 MB of
packages more (babel, dateparser, justext...). selectolax is one 7.7 MB wheel that parses
any HTML as a browser does, in C.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from index.documents.plain_text import decode_text
from index.documents.unreadable import UnreadableDocument

# Elements whose text is never the article's.
_DROPPED_TAGS = (
    "head",
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "svg",
    "math",
    "canvas",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "select",
    "textarea",
    "object",
)
# Words of a class or id that mark page furniture (whole words of it: "ad" is not "head").
_FURNITURE = frozenset(
    """nav navbar menu topbar footer foot sidebar side share sharing social comment
comments related recommend hot breadcrumb crumbs ad ads advert banner copyright login toolbar pager
pagination""".split()
)
_WORDS = re.compile(r"[A-Za-z]+")
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden")
# Elements that start a line of their own; any other (a, span, b, font...) runs on.
_BLOCKS = frozenset(
    """html body div p td th tr table tbody thead tfoot li ul ol dl dt dd h1 h2 h3 h4 h5 h6
article section main blockquote pre center figure figcaption address caption hr""".split()
)
# A line that reads as prose holds one of these.
_PROSE = re.compile(r"[，。！？；]")
# A line more than this share link text is a link (or a list of them).
MAX_LINK_SHARE = 0.5
# An article has at least this many characters of prose: less is a list page, a login
# page, a page whose text a script writes in.
MIN_ARTICLE_CHARS = 50
# Each open element costs a level of the walk; a page nested deeper is refused (real
# pages nest a few dozen levels).
MAX_DEPTH = 256


def read_html(data: bytes, budget) -> str:
    """The page's title line, then its article's paragraphs, a blank line apart (as the
    .docx reader gives them): cleaning takes the first line for the article's title."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(decode_page(data))
    title = page_title(tree)
    paragraphs = [p for p in article(tree, budget) if p != title]
    return "\n\n".join([title, *paragraphs] if title else paragraphs)


_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_:.-]+)", re.I)
# Pages labelled gb2312 or gbk often hold characters only GBK's superset has.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030"}


def page_name(data: bytes) -> str:
    """The page's title, for its file name; "" when it has none (or is no page at all:
    reading it says why)."""
    from selectolax.lexbor import LexborHTMLParser

    try:
        return page_title(LexborHTMLParser(decode_page(data)))
    except UnreadableDocument:
        return ""


def decode_page(data: bytes) -> str:
    """A BOM wins; then the charset a <meta> declares near the top, when the page decodes
    in it (some lie); else the rules for text files (UTF-8, then GB18030...). The server's
    Content-Type is not kept with a saved page, so it is not asked."""
    if not data.startswith(_BOMS):
        if (declared := _META_CHARSET.search(data[:4096])) is not None:
            label = declared.group(1).decode("ascii").lower()
            try:
                return data.decode(_SUPERSETS.get(label, label))
            except (LookupError, UnicodeDecodeError):
                pass
    return decode_text(data)


@dataclass
class _Line:
    text: str
    link_chars: int
    block: int  # index of the block element holding it

    @property
    def is_link(self) -> bool:
        return self.link_chars > MAX_LINK_SHARE * len(self.text)

    @property
    def score(self) -> int:
        return 0 if self.is_link or not _PROSE.search(self.text) else len(self.text)


def page_title(tree) -> str:
    """og:title; else <title>, as its <h1> when that is in it (the headline without the
    site's name), or its longest part between separators; else the <h1>; else ""."""
    og = tree.css_first('meta[property="og:title"]')
    if og is not None and (text := _squash(og.attributes.get("content") or "")):
        return text
    h1 = tree.css_first("h1")
    headline = _squash(h1.text()) if h1 is not None else ""
    node = tree.css_first("title")
    title = _squash(node.text()) if node is not None else ""
    if title and not (headline and headline in title):
        return max(re.split(r"\s*[_|｜]\s*|\s+[-–—]+\s+", title), key=len)
    return headline


def article(tree, budget) -> list[str]:
    """The article's lines (paragraphs) of a parsed page; `budget` counts them as read."""
    _drop_furniture(tree)
    root = tree.body or tree.root
    lines, parents, spans = _walk(root, budget)
    best = _best_block(lines, parents)
    if best is None:
        raise UnreadableDocument("html_no_article")
    first, last = spans[best]
    text = [line.text for line in lines[first:last] if not line.is_link]
    if sum(len(t) for t in text) < MIN_ARTICLE_CHARS:
        raise UnreadableDocument("html_no_article")
    return text


def _drop_furniture(tree) -> None:
    for node in tree.css(",".join(_DROPPED_TAGS)):
        node.decompose()
    for node in tree.css("[class],[id],[style],[hidden]"):
        attrs = node.attributes
        words = {w.lower() for w in _WORDS.findall(f"{attrs.get('class') or ''} {attrs.get('id') or ''}")}
        if words & _FURNITURE or "hidden" in attrs or _HIDDEN.search(attrs.get("style") or ""):
            node.decompose()


def _walk(root, budget) -> tuple[list[_Line], list[int], list[list[int]]]:
    """The page's lines in reading order; each block's parent block; and each block's
    lines, as [first, after last]: one pass, with a stack (no recursion to overflow)."""
    lines: list[_Line] = []
    parents: list[int] = [-1]
    spans: list[list[int]] = [[0, 0]]
    pieces: list[str] = []
    link_chars = 0
    blocks = [0]  # the open blocks, innermost last

    def end_line() -> None:
        nonlocal link_chars
        text = _squash("".join(pieces))
        if text:
            budget.add(len(text), 1)
            lines.append(_Line(text, min(link_chars, len(text)), blocks[-1]))
        pieces.clear()
        link_chars = 0

    # (node, depth, in a link); None marks the end of the block opened just before.
    stack: list = [(child, 1, False) for child in reversed(list(root.iter(include_text=True)))]
    while stack:
        item = stack.pop()
        if item is None:
            end_line()
            spans[blocks.pop()][1] = len(lines)
            continue
        node, depth, in_link = item
        tag = node.tag
        if tag == "-text":
            text = node.text_content or ""
            pieces.append(text)
            if in_link:
                link_chars += len(text.strip())
            continue
        if depth > MAX_DEPTH:
            raise UnreadableDocument("too_deep")
        if tag == "br":
            end_line()
            continue
        if tag in _BLOCKS:
            end_line()
            parents.append(blocks[-1])
            spans.append([len(lines), len(lines)])
            blocks.append(len(parents) - 1)
            stack.append(None)
        children = list(node.iter(include_text=True))
        stack.extend((c, depth + 1, in_link or tag == "a") for c in reversed(children))
    end_line()
    spans[0][1] = len(lines)
    return lines, parents, spans


def _best_block(lines: list[_Line], parents: list[int]) -> int | None:
    """The block whose lines (in full) and grandchildren's lines (by half) score most."""
    scores = [0.0] * len(parents)
    for line in lines:
        if line.score:
            parent = parents[line.block]
            scores[line.block if parent < 0 else parent] += line.score
            if parent >= 0 and parents[parent] >= 0:
                scores[parents[parent]] += line.score / 2
    best = max(range(len(scores)), key=scores.__getitem__)
    return best if scores[best] > 0 else None


def _squash(text: str) -> str:
    """Runs of white space (HTML's: newlines and indents of the source) to one space,
    none kept between two Chinese characters."""
    text = " ".join(text.split())
    return re.sub(r"(?<=[\u3000-\u9fff\uff00-\uffef]) (?=[\u3000-\u9fff\uff00-\uffef])", "", text)
