"""Paragraphs to articles: which heading titles which body, where an article ends, its
sections and bylines.

    articles = build_articles(blocks)   # -> cleaning.make_passages
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.chars import HAN_CHAR
from index.passages.paragraphs import BYLINE_WORDS, LIST_MARK, NUMBERED_HEADING, Block


@dataclass
class Article:
    title: str = ""
    paragraphs: list[tuple[str, Block]] = field(default_factory=list)  # (section, block)
    closed: bool = False
    section: str = ""

    def body_text(self, limit: int = 400) -> str:
        """Its first `limit` characters, read no further: asked again at each heading of
        an article that may be long."""
        parts, size = [], 0
        for _, b in self.paragraphs:
            if size >= limit:
                break
            parts.append(b.text.chars)
            size += len(b.text.chars)
        return "".join(parts)[:limit]


def _bigrams(s: str) -> set[str]:
    s = "".join(HAN_CHAR.findall(s)) + "".join(re.findall(r"[A-Za-z0-9]+", s))
    return {s[i : i + 2] for i in range(len(s) - 1)}


def affinity(heading: str, body: str) -> float:
    grams = _bigrams(heading)
    if not grams:
        return 0.0
    return len(grams & _bigrams(body)) / len(grams)


def build_articles(blocks: list[Block]) -> list[Article]:
    """Group blocks into articles: a heading is an article's title when a byline or
    dateline follows it, an article closed before it, or it starts the document; a title
    that follows an untitled article's body (newspapers often print it after) goes to
    whichever neighbour it shares more words with."""
    articles: list[Article] = [Article()]
    i = 0
    while i < len(blocks):
        b = blocks[i]
        if b.kind in ("heading", "title"):
            i = _add_heading(articles, blocks, i)
        elif b.kind == "byline":
            _add_byline(articles, b)
        elif b.kind == "body":
            _add_body(articles, b)
        i += 1
    return [a for a in articles if a.paragraphs]


def _add_heading(articles: list[Article], blocks: list[Block], first: int) -> int:
    """The heading at `first`, with the headings that continue it, as a new article's
    title, the current article's title or its section; the index of its last block."""
    text, last = _whole_heading(blocks, first)
    art = articles[-1]
    following = blocks[last + 1] if last + 1 < len(blocks) else None
    if not _starts_article(blocks[first].kind, text, art, following):
        _set_section(art, text)
    elif (
        not art.title
        and art.paragraphs
        and (affinity(text, art.body_text()) >= affinity(text, _body_after(blocks, last + 1)))
    ):
        art.title = text  # printed after its article
        art.closed = True
    elif not art.paragraphs and not art.title:
        art.title = text
    else:
        articles.append(Article(title=text))
    return last


def _whole_heading(blocks: list[Block], first: int) -> tuple[str, int]:
    """A title and its "——" subtitle, or a headline printed over several lines, as one
    text; the index of its last block. A numbered heading is a section's, whole in itself."""
    head = blocks[first].text.chars
    parts = [head]
    last = first
    while last + 1 < len(blocks) and _continues_heading(head, blocks[last + 1]):
        last += 1
        s = blocks[last].text.chars
        parts += ["" if s.startswith("—") else " ", s]
    return "".join(parts), last


def _continues_heading(head: str, b: Block) -> bool:
    s = b.text.chars
    return (
        b.kind == "heading"
        and (s.startswith(("——", "—")) or not NUMBERED_HEADING.match(s))
        and not NUMBERED_HEADING.match(head)
    )


def _starts_article(kind: str, text: str, art: Article, following: Block | None) -> bool:
    """A title starts an article; a numbered heading is a section of the current one;
    another heading starts one when the current has no paragraph yet or is closed, a byline
    or a starred list follows it, it has a "——" subtitle, or it shares few words with the
    current article."""
    if kind == "title":
        return True
    if NUMBERED_HEADING.match(text):
        return False
    return (
        not art.paragraphs
        or art.closed
        or _byline_follows(following)
        or "——" in text
        or _starred_list_follows(following)
        or affinity(text, art.title + art.body_text(2000)) < 0.25
    )


def _byline_follows(following: Block | None) -> bool:
    return following is not None and (
        following.kind == "byline" or BYLINE_WORDS.search(following.text.chars[:12]) is not None
    )


def _starred_list_follows(following: Block | None) -> bool:
    return (
        following is not None
        and LIST_MARK.match(following.text.chars) is not None
        and following.text.chars[0] in "★☆●■◆"
    )


def _set_section(art: Article, text: str) -> None:
    """The heading names the section its paragraphs belong to; a "（一）" sub-section under a
    "一、" section keeps the section's name before its own."""
    numbered = NUMBERED_HEADING.match(text) is not None
    if numbered and re.match(r"^[（(]", text) and art.section and not re.match(r"^[（(]", art.section):
        art.section = art.section.split(" · ")[0] + " · " + text
    else:
        art.section = text


def _body_after(blocks: list[Block], first: int) -> str:
    """The body text after a heading, up to the next heading once some is read, about
    400 characters: what a heading is compared with."""
    parts, size = [], 0
    for k in range(first, len(blocks)):  # not blocks[first:]: a copy of the rest at every such heading
        b = blocks[k]
        if b.kind == "heading" and parts:
            break
        if b.kind == "body":
            parts.append(b.text.chars)
            size += len(b.text.chars)
        if size > 400:
            break
    return "".join(parts)


def _add_byline(articles: list[Article], b: Block) -> None:
    """A byline after paragraphs starts the next article, or closes the current one."""
    art = articles[-1]
    if art.paragraphs and not b.closes_article:
        articles.append(Article())
    elif b.closes_article:
        art.closed = True


def _add_body(articles: list[Article], b: Block) -> None:
    """A paragraph joins the current article, or starts one after a closed article."""
    art = articles[-1]
    if art.closed:
        art = Article()
        articles.append(art)
    art.paragraphs.append((art.section, b))
    if b.closes_article:
        art.closed = True


def headings_as_body(blocks: list[Block]) -> list[Article]:
    """A document with no body at all ("今天天气很好", "青松县", a list of headings) is not
    empty: its lines are its text, under its first as the title."""
    if not blocks:
        return []
    return [Article(title=blocks[0].text.chars, paragraphs=[("", Block(b.text, "body")) for b in blocks])]
