"""Clean lines to paragraphs: column lines joined into the paragraph they belong to,
captions dropped into a sentence set apart, each block marked body, heading, title or byline.

    blocks = join_paragraphs(lines)   # -> articles.build_articles
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from index.chars import HAN_CHAR
from index.passages.lines import CLOSING_BYLINE, EDGE, Line, Text, ends_sentence

LIST_MARK = re.compile(
    r"^(?:\d{1,2}[、.．](?!\d)|[（(][一二三四五六七八九十\d]{1,3}[）)]|"
    r"[一二三四五六七八九十]{1,3}、|[★☆●■◆▲•·]|第[一二三四五六七八九十\d]+[章节部分条])"
)
NUMBERED_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)]|第[一二三四五六七八九十\d]+[章节部分])"
)
BYLINE_WORDS = re.compile(r"记者|通讯员|实习生|摄影|摄|编辑|供图|本报讯|特约|撰稿|作者")


@dataclass(slots=True)
class Block:
    """A paragraph, heading or byline, as joined from lines."""

    text: Text
    kind: str  # body | heading | title | byline
    closes_article: bool = False


def _local_widths(lines: list[Line], radius: int = 6) -> list[float]:
    """The column width around each line: columns change width within one page."""
    widths = [line.width for line in lines]
    out = []
    for k in range(len(lines)):
        around = sorted(widths[max(0, k - radius) : k + radius + 1])
        out.append(around[round(0.75 * (len(around) - 1))])
    return out


def _outside_quotes(s: str) -> str:
    return re.sub(r"“[^”]*”|《[^》]*》|「[^」]*」", "", s)


def _heading_like(s: str) -> bool:
    """Short, no sentence or clause inside it (outside quotes), not ending as a clause does."""
    if not 0 < len(s) <= 60:  # first: the quote pattern is quadratic on a long run of unmatched “
        return False
    bare = _outside_quotes(NUMBERED_HEADING.sub("", s, count=1))
    return not re.search(r"[。；;！!？?，,、]", bare) and not s.endswith(("：", ":")) and not ends_sentence(s)


def _separator_headline(s: str) -> bool:
    """ "党建引领促提升 凝心聚力强队伍": two phrases, a space between, no punctuation."""
    return len(s) <= 30 and " " in s and not re.search(r"[^\w\s]", s) and bool(HAN_CHAR.search(s))


def _byline_like(s: str) -> bool:
    if len(s) <= 40 and BYLINE_WORDS.search(s) and not ends_sentence(s):
        return True
    if len(s) > 20:
        return False
    groups = s.split()
    return (
        all(HAN_CHAR.fullmatch(c) or c == "·" for c in s.replace(" ", ""))
        and (len(groups) >= 2 or 2 <= len(s) <= 3)
        and all(len(g) <= 3 for g in groups)
    )


class _Paragraph:
    """A paragraph being joined line by line. What decides the next line's fate is how it
    begins and ends, and whether it is still short enough to be a heading: those are kept
    as it grows, so each line costs its own length, not the paragraph's."""

    def __init__(self, first: Text) -> None:
        self.lines = [first]
        self.size = len(first.chars)
        self.head = first.chars[:EDGE]  # the whole paragraph while it is that short
        self.tail = first.chars[-EDGE:]

    def add(self, line: Text) -> None:
        self.lines.append(line)
        self.size += len(line.chars)
        if len(self.head) < EDGE:
            self.head = (self.head + line.chars)[:EDGE]
        self.tail = (self.tail + line.chars[-EDGE:])[-EDGE:]

    def short_text(self) -> str | None:
        """Its text, if short enough to be a heading (no more than 60 characters)."""
        return self.head if self.size <= 60 else None

    def ends_sentence(self) -> bool:
        return ends_sentence(self.tail)

    def heading_like(self) -> bool:
        s = self.short_text()
        return s is not None and _heading_like(s)

    def text(self) -> Text:
        return Text.joined(self.lines)

    def ends_colon(self) -> bool:
        return self.tail.endswith(("：", ":"))

    def closes_article(self) -> bool:
        """It ends a sentence and then its article's byline: "……。（陆益平 彭晓艳）"."""
        return self.ends_sentence() and CLOSING_BYLINE.search(self.tail) is not None

    def block(self) -> Block:
        kind = "heading" if self.heading_like() and not self.ends_sentence() else "body"
        return Block(self.text(), kind)


class _Layout(NamedTuple):
    """What a document's lines say about how it is laid out, for telling where a
    paragraph ends."""

    widths: list[float]  # the usual width of the lines around each line
    columns: bool  # newspaper columns (one narrow line a line), not prose
    usual_gap: int  # the usual number of blank lines before a line


def _layout(lines: list[Line]) -> _Layout:
    widths = _local_widths(lines)
    # Newspaper columns put one narrow line per line; prose files one paragraph per line
    # (or hard-wrapped wide lines with blank lines between paragraphs).
    columns = sorted(widths)[len(widths) // 2] <= 30 if widths else False
    gaps = sorted(line.gap for line in lines[1:]) or [1]
    return _Layout(widths, columns, gaps[len(gaps) // 2])


def _is_caption_inside(par: _Paragraph, line: Line, following: Line | None, usual_gap: int) -> bool:
    """A short complete sentence dropped into an unfinished one after a wider gap than the
    page's usual: a photo caption (unless a list item follows, which it would introduce)."""
    s = line.text.chars
    return (
        line.gap > usual_gap
        and len(s) <= 25
        and (ends_sentence(s) or _heading_like(s))
        and not par.ends_sentence()
        and not par.heading_like()
        and not par.ends_colon()
        and following is not None
        and not LIST_MARK.match(following.text.chars)
    )


def _starts_new_paragraph(
    par: _Paragraph, line: Line, short: bool, last_short: bool, closed: bool, layout: _Layout
) -> bool:
    """Whether `line` begins a paragraph of its own rather than continuing `par`, whose
    last line was short (`last_short`) and whose paragraph before closed an article with its
    byline (`closed`)."""
    s = line.text.chars
    if LIST_MARK.match(s) and (par.ends_sentence() or par.ends_colon() or par.heading_like()):
        return True
    if par.ends_sentence():
        return _starts_after_sentence(line, short, last_short, layout)
    if par.heading_like():
        return _starts_after_heading(par.head, line, last_short, closed, layout.usual_gap)
    return False  # an unfinished clause goes on


def _starts_after_sentence(line: Line, short: bool, last_short: bool, layout: _Layout) -> bool:
    """After a finished sentence, a new paragraph: after a short line or a wider gap (any
    blank line, in prose), at every line of prose without blank lines, or at a byline, a
    short line introducing what follows, a headline with separators."""
    s = line.text.chars
    return (
        last_short
        or line.gap > (layout.usual_gap if layout.columns else 0)
        or (not layout.columns and layout.usual_gap == 0)  # no blank lines: a line a paragraph
        or _byline_like(s)
        or (short and s.endswith(("：", ":")))
        or _separator_headline(s)
    )


def _starts_after_heading(heading: str, line: Line, last_short: bool, closed: bool, usual_gap: int) -> bool:
    """After a heading (`heading` is the whole of it: a heading is short), a new paragraph
    unless the headline runs on: it runs on over full lines and ends on a short one."""
    s = line.text.chars
    return (
        last_short
        or line.gap > usual_gap
        or _byline_like(heading)
        or _byline_like(s)
        or s.startswith("—")
        or heading.startswith("——")
        or _separator_headline(heading)
        or (closed and not re.search(r"[^\w\s]", heading))
    )


def join_paragraphs(lines: list[Line]) -> list[Block]:
    """Join column lines into paragraphs, telling headings from body by line width."""
    layout = _layout(lines)
    blocks: list[Block] = []
    par: _Paragraph | None = None
    last_short = False  # the paragraph's last line was short
    closed = False  # the paragraph before ended an article with its byline

    def flush() -> None:
        nonlocal par
        if par is not None and par.size:
            blocks.append(par.block())
        par = None

    for k, line in enumerate(lines):
        short = line.width < 0.75 * layout.widths[k]
        if line.title:
            flush()
            blocks.append(Block(line.text, "title"))
            continue
        if par is not None:
            following = lines[k + 1] if k + 1 < len(lines) else None
            if _is_caption_inside(par, line, following, layout.usual_gap):
                continue  # skipped: the sentence it interrupts goes on
            if not _starts_new_paragraph(par, line, short, last_short, closed, layout):
                par.add(line.text)
                last_short = short
                continue
            closed = par.closes_article()
            flush()
        par, last_short = _Paragraph(line.text), short
    flush()
    return _mark_bylines(blocks)


def _mark_bylines(blocks: list[Block]) -> list[Block]:
    out: list[Block] = []
    for b in blocks:
        s = b.text.chars
        # A name alone is a byline under a headline ("欧阳倩"), but a document's first
        # line is its title, however short ("钟惺", "操场").
        if b.kind == "heading" and _byline_like(s) and (out or BYLINE_WORDS.search(s)):
            b.kind = "byline"
        elif b.kind == "heading" and CLOSING_BYLINE.fullmatch(s):
            b.kind = "byline"
            b.closes_article = True
        elif b.kind == "body":
            m = CLOSING_BYLINE.search(s)
            if m and ends_sentence(s[: m.start()].rstrip()):
                b.text = b.text.slice(0, m.start()).strip()
                b.closes_article = True
            elif m and m.start() == 0:
                b.kind = "byline"
                b.closes_article = True
        out.append(b)
    return out
