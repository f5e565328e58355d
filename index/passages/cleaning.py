"""From text pulled out of a newspaper PDF to clean passages with their article titles.

The extracted text has stray spaces inside words, one column line per line (often with a
blank line between every line), captions dropped into the middle of sentences, vertical
titles spread one character a line, doubled captions and page furniture. Cleaning does
what a careful editor would, deterministically:

    lines -> (spaces removed, debris dropped) -> paragraphs -> headings / bylines / body
          -> articles with titles and sections -> passages of bounded length

Each step is a module beside this one (lines.py, paragraphs.py, articles.py); this one
packs articles into passages, and `clean` runs them all.

Every character of a passage keeps its offset in the source, so a quote can be checked
against the file: a passage's text, white space removed, is its source span with white
space removed, less any debris cut out from inside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from index.chars import CLOSERS, TERMINAL
from index.passages.articles import Article, build_articles, headings_as_body
from index.passages.lines import Text, drop_debris, split_lines
from index.passages.paragraphs import join_paragraphs

SENTENCE_END = re.compile(rf"[{TERMINAL}]+[{CLOSERS}]*")


@dataclass
class Passage:
    title: str
    section: str
    text: str
    sentences: list[str]
    paragraph: int  # 1-based number of its first paragraph in the document
    start: int  # offset of its first character in the source text
    end: int  # offset after its last character

    @property
    def heading(self) -> str:
        return " ".join(x for x in (self.title, self.section) if x)


def _sentence_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence: it ends after 。！？；… and any closing quote."""
    bounds, last = [], 0
    for m in SENTENCE_END.finditer(text):
        bounds.append((last, m.end()))
        last = m.end()
    if last < len(text):
        bounds.append((last, len(text)))
    return bounds


def split_sentences(text: str) -> list[str]:
    """Split after 。！？；… and any closing quote that follows; never inside one."""
    return [text[a:b] for a, b in _sentence_bounds(text) if text[a:b].strip()]


class Sentence(NamedTuple):
    chars: str
    start: int  # source offset of its first character
    end: int  # source offset after its last


def _sentences(text: Text, max_chars: int) -> list[Sentence]:
    out: list[Sentence] = []

    def add(a: int, b: int) -> None:
        while b > a and text.chars[b - 1].isspace():  # cut at a space: it ends neither piece
            b -= 1
        if b > a:
            out.append(Sentence(text.chars[a:b], text.offset(a), text.offset(b - 1) + 1))

    for a, b in _sentence_bounds(text.chars):
        # A "sentence" with no end in sight (a table, a list run together) is cut at
        # commas, and only as a last resort at a fixed length.
        while b - a > 2 * max_chars:
            cut = max((text.chars.rfind(c, a, a + 2 * max_chars) - a for c in "，,、 "), default=-1)
            cut = cut + 1 if cut > max_chars // 2 else 2 * max_chars
            add(a, a + cut)
            a += cut
        if text.chars[a:b].strip():
            add(a, b)
    return out


# A longer "title" is a run of short lines joined as one headline (a list, a column of
# quotes read as vertical text): each passage stores and tokenises its title again, so
# 1 MB of them took 3 GB. Real titles here are under 40 characters.
MAX_TITLE = 200


def make_passages(
    articles: list[Article], max_chars: int = 220, min_chars: int = 60, para_no: int = 0
) -> list[Passage]:
    """Pack sentences of one article section into passages of at most `max_chars`,
    starting a new passage at a paragraph break once the current one is long enough.
    `para_no`: paragraphs before these articles' (a document cleaned in parts)."""
    passages: list[Passage] = []
    for art in articles:
        cur: list[Sentence] = []
        size = 0  # characters in cur
        cur_section = None
        cur_para = 0
        for section, block in art.paragraphs:
            para_no += 1
            if cur and (section != cur_section or size >= min_chars):
                passages.append(_passage(art, cur_section, cur_para, cur))
                cur, size = [], 0
            if not cur:
                cur_section, cur_para = section, para_no
            for sent in _sentences(block.text, max_chars):
                if cur and size + len(sent.chars) > max_chars:
                    passages.append(_passage(art, cur_section, cur_para, cur))
                    cur, size = [], 0
                    cur_para = para_no
                cur.append(sent)
                size += len(sent.chars)
        if cur:
            passages.append(_passage(art, cur_section, cur_para, cur))
    return passages


def _passage(art: Article, section: str | None, paragraph: int, sentences: list[Sentence]) -> Passage:
    return Passage(
        title=art.title[:MAX_TITLE],
        section=section or "",
        text="".join(t.chars for t in sentences),
        sentences=[t.chars for t in sentences],
        paragraph=paragraph,
        start=sentences[0].start,
        end=sentences[-1].end,
    )


def clean(source: str, max_chars: int = 220, min_chars: int = 60) -> list[Passage]:
    """The whole pipeline: source text in, passages with titles and offsets out."""
    source = source.replace("\ufeff", " ")  # a byte-order mark: white space, offsets kept
    passages: list[Passage] = []
    para_no = 0
    for start, end in _parts(source):
        lines = drop_debris(split_lines(source[start:end], start))
        blocks = join_paragraphs(lines)
        articles = build_articles(blocks) or headings_as_body(blocks)
        passages += make_passages(articles, max_chars, min_chars, para_no)
        para_no += sum(len(a.paragraphs) for a in articles)
    return passages


PART_CHARS = 1_000_000


def _parts(source: str) -> list[tuple[int, int]]:
    """A document cleaned a part at a time: about PART_CHARS characters each, cut where a
    paragraph ends (a sentence, then a blank line), else at a line end. A line's objects
    cost some 300 bytes: 20 MB of four-character lines took 3 GB in one go. A newspaper
    page is some 20,000 characters: only a title printed after its article can be cut off
    from it, once every 300 pages."""
    parts, start = [], 0
    while len(source) - start > PART_CHARS:
        at = start + PART_CHARS
        m = _PARAGRAPH_END.search(source, at, at + PART_CHARS // 10)
        end = m.start() + 2 if m else source.find("\n", at) + 1
        if not end:
            break
        parts.append((start, end))
        start = end
    return parts + [(start, len(source))]


_PARAGRAPH_END = re.compile(rf"[{TERMINAL}][{CLOSERS}]?\n[ \t\u3000]*\n")
