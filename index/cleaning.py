"""From text pulled out of a newspaper PDF to clean passages with their article titles.

The extracted text has stray spaces inside words, one column line per line (often with a
blank line between every line), captions dropped into the middle of sentences, vertical
titles spread one character a line, doubled captions and page furniture. This module does
what a careful editor would, deterministically:

    lines -> (spaces removed, debris dropped) -> paragraphs -> headings / bylines / body
          -> articles with titles and sections -> passages of bounded length

Every character of a passage keeps its offset in the source, so a quote can be checked
against the file: a passage's text, white space removed, is its source span with white
space removed, less any debris cut out from inside it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import NamedTuple

from index.chars import HAN, HAN_CHAR

TERMINAL = "。！？!?…；;"
CLOSERS = "”’」』）)》】\"'"
SENTENCE_END = re.compile(rf"[{TERMINAL}]+[{CLOSERS}]*")
CJK = HAN_CHAR
LIST_MARK = re.compile(
    r"^(?:\d{1,2}[、.．](?!\d)|[（(][一二三四五六七八九十\d]{1,3}[）)]|"
    r"[一二三四五六七八九十]{1,3}、|[★☆●■◆▲•·]|第[一二三四五六七八九十\d]+[章节部分条])"
)
NUMBERED_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)]|第[一二三四五六七八九十\d]+[章节部分])"
)
BYLINE_WORDS = re.compile(r"记者|通讯员|实习生|摄影|摄|编辑|供图|本报讯|特约|撰稿|作者")
FURNITURE = re.compile(
    r"^(?:版式编辑|责任编辑|美术编辑|校对|本版编辑|版面设计)|星期[一二三四五六日天]|^第?\s*\d+\s*版$"
)
JUMP_MARK = re.compile(r"[（(]\s*[上下]转\s*\d+\s*版\s*[）)]")
# "（陆益平 彭晓艳）" after an article's last sentence: its authors, and its end.
CLOSING_BYLINE = re.compile(rf"[（(]([{HAN}·][{HAN}·\s]{{1,29}})[）)]$")


@dataclass(slots=True)  # slots: a document of many short lines holds one Text and Line each
class Text:
    """A run of cleaned characters and where each came from in the source text: `spans`
    holds (first character, its source offset) for each stretch copied unbroken.

    Stretches, not an offset a character: slicing and joining cost a few tuples, not a
    list as long as the text (cleaning is a fifth of a reindex's work)."""

    chars: str
    spans: tuple[tuple[int, int], ...] = ()

    @classmethod
    def copied(cls, chars: str, offset: int) -> Text:
        """`chars` as they stand in the source from `offset` on."""
        return cls(chars, ((0, offset),) if chars else ())

    @classmethod
    def picked(cls, chars: str, offsets: list[int]) -> Text:
        """`chars`, each from its own offset."""
        spans: list[tuple[int, int]] = []
        for i, at in enumerate(offsets):
            _add_stretch(spans, i, at)
        return cls(chars, tuple(spans))

    def offset(self, i: int) -> int:
        """Where character i (from the end if negative) stands in the source."""
        if i < 0:
            i += len(self.chars)
        first, at = self.spans[bisect_right(self.spans, (i, _AFTER_ALL)) - 1]
        return at + i - first

    @classmethod
    def joined(cls, parts: list[Text]) -> Text:
        """`parts` one after another: joined once, as adding them two by two would copy
        the growing text for each (quadratic on a paragraph of many short lines)."""
        spans: list[tuple[int, int]] = []
        n = 0
        for part in parts:
            for first, at in part.spans:
                _add_stretch(spans, n + first, at)
            n += len(part.chars)
        return cls("".join(part.chars for part in parts), tuple(spans))

    def slice(self, start: int, end: int) -> Text:
        start, end, _ = slice(start, end).indices(len(self.chars))
        if end <= start:
            return Text("")
        k = bisect_right(self.spans, (start, _AFTER_ALL))
        stop = bisect_right(self.spans, (end - 1, _AFTER_ALL), k)
        first, at = self.spans[k - 1]
        spans = [(0, at + start - first)]
        spans += [(first - start, at) for first, at in self.spans[k:stop]]
        return Text(self.chars[start:end], tuple(spans))

    def strip(self) -> Text:
        if not self.chars[:1].isspace() and not self.chars[-1:].isspace():
            return self
        left = len(self.chars) - len(self.chars.lstrip())
        right = len(self.chars.rstrip())
        return self.slice(left, max(left, right))


_AFTER_ALL = float("inf")  # sorts after any offset: bisect finds the stretch a character is in


def _add_stretch(spans: list[tuple[int, int]], first: int, at: int) -> None:
    """Character `first` on comes from source offset `at`: a new stretch, unless it is
    where the last one goes on."""
    if not spans or spans[-1][1] + first - spans[-1][0] != at:
        spans.append((first, at))


@dataclass(slots=True)
class Line:
    text: Text
    gap: int  # blank lines before it
    width: float
    title: bool = False  # a title read back from vertical text


@dataclass(slots=True)
class Block:
    """A paragraph, heading or byline, as joined from lines."""

    text: Text
    kind: str  # body | heading | title | byline
    closes_article: bool = False


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


def display_width(s: str) -> float:
    """Width in Chinese characters: a Latin letter, digit or space is half of one."""
    wide = (len(s.encode("utf-8", "surrogatepass")) - len(s)) // 2  # CJK and full-width: 3 bytes each
    return wide + 0.5 * (len(s) - wide)


def _is_latin(c: str) -> bool:
    return c.isascii() and (c.isalnum() or c in "%.")


_SPACES = re.compile(r"[ \t\u3000\xa0]+")


def remove_stray_spaces(text: str, offset: int) -> Text:
    """Drop spaces inside Chinese text; keep one between Latin words or numbers, and one
    between two multi-character Chinese phrases on a line that is not spaced out
    (a headline's separator: "党建引领有力度 基层治理有温度")."""
    if not _SPACES.search(text):
        return Text.copied(text, offset)
    cjk = len(CJK.findall(text))
    spaced_out = cjk and len(re.findall(rf"[{HAN}][ \t\u3000]+(?=\S)", text)) / cjk > 0.25
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    size = last = 0

    def keep(a: int, b: int, chars: str | None = None) -> None:  # text[a:b] stays (as chars)
        nonlocal size
        if a < b:
            parts.append(text[a:b] if chars is None else chars)
            _add_stretch(spans, size, offset + a)
            size += b - a

    for m in _SPACES.finditer(text):
        i, j = m.span()
        keep(last, i)
        last = j
        left = text[i - 1] if i else ""
        right = text[j] if j < len(text) else ""
        one_space = False
        if left and right:
            if _is_latin(left) and _is_latin(right):
                one_space = True
            elif not spaced_out and CJK.match(left) and CJK.match(right):
                run_left = re.search(rf"[{HAN}]+$", text[max(0, i - 4) : i])
                run_right = re.match(rf"[{HAN}]+", text[j : j + 4])
                one_space = bool(run_left and run_right and len(run_left.group()) >= 2 and len(run_right.group()) >= 2)
        if one_space:
            keep(i, i + 1, " ")
    keep(last, len(text))
    return Text("".join(parts), tuple(spans))


def _collapse_doubling(s: str) -> str:
    s = re.sub(r"(.{2,}?)\1", r"\1", s)
    return re.sub(r"(.)\1", r"\1", s)


def is_doubled(s: str) -> bool:
    """A caption printed twice over itself: "长沙市雨花区鸟瞰一长沙市雨花区鸟瞰一", "景景。。"
    (a sentence said twice, "好的。好的。", is not one)."""
    compact = re.sub(r"\s", "", s)
    if not 4 <= len(compact) <= 80:
        return False
    half = len(compact) // 2
    if compact[:half] == compact[half:] and _ends_sentence(compact[:half]):
        return False  # one sentence twice is prose, not print
    return len(_collapse_doubling(compact)) <= 0.65 * len(compact)


def split_lines(source: str, offset: int = 0) -> list[Line]:
    """`source`'s lines; `offset`: where it starts in the document."""
    lines: list[Line] = []
    gap = 0
    for raw in source.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        if not body.strip():
            gap += 1
        else:
            if _spaced_names(body):
                lead = len(body) - len(body.lstrip())
                text = Text.copied(body.strip(), offset + lead)
            else:
                text = remove_stray_spaces(body, offset).strip()
            text = _cut(text, JUMP_MARK)
            if text.chars:
                lines.append(Line(text, gap, display_width(text.chars)))
            gap = 0
        offset += len(raw)
    return lines


def _spaced_names(line: str) -> bool:
    """ "匡后丽 伍 飞 宁 西": a byline of names, whose spaces are not stray."""
    groups = line.split()
    return (
        2 <= len(groups) <= 8
        and len(line.strip()) <= 24
        and all(CJK.fullmatch(c) for c in "".join(groups))
        and all(len(g) <= 3 for g in groups)
        and any(len(g) >= 2 for g in groups)
    )


def _cut(text: Text, pattern: re.Pattern) -> Text:
    kept = []
    last = 0
    for m in pattern.finditer(text.chars):
        kept.append(text.slice(last, m.start()))
        last = m.end()
    return Text.joined([*kept, text.slice(last, len(text.chars))]).strip() if last else text


def _vertical_runs(lines: list[Line]) -> list[tuple[int, int]]:
    """Runs of four or more lines of at most four characters: text set vertically."""
    runs, i = [], 0
    while i < len(lines):
        j = i
        while j < len(lines) and len(lines[j].text.chars) <= 4 and not _ends_sentence(lines[j].text.chars):
            j += 1
        if j - i >= 4:
            runs.append((i, j))
            i = j
        else:
            i += 1
    return runs


def _read_vertical(run: list[Line]) -> Text | None:
    """Read a vertical title back, undoing the doubled print of its characters."""
    text = Text.joined([line.text for line in run])
    if len(CJK.findall(text.chars)) < 4:  # too few even before doubles are undone
        return None
    keep = [
        i
        for i, c in enumerate(text.chars)
        if not (i > 0 and c == text.chars[i - 1] and CJK.match(c)) and not c.isspace()
    ]
    out = Text.picked("".join(text.chars[i] for i in keep), [text.offset(i) for i in keep])
    return out if len(CJK.findall(out.chars)) >= 4 else None


def drop_debris(lines: list[Line]) -> list[Line]:
    """Doubled captions and page furniture go; vertical text becomes one title line;
    everything else stays in order."""
    replace: dict[int, Line | None] = {}
    for i, j in _vertical_runs(lines):
        title = _read_vertical(lines[i:j])
        for k in range(i, j):
            replace[k] = None
        if title is not None:
            replace[i] = Line(title, lines[i].gap + 2, display_width(title.chars), title=True)
    out = []
    dropped = False
    for k, line in enumerate(lines):
        if k in replace:
            line = replace[k]
        elif is_doubled(line.text.chars) or (len(line.text.chars) <= 40 and FURNITURE.search(line.text.chars)):
            line = None
        if line is None:
            dropped = True
            continue
        if dropped:
            line.gap += 2  # something stood here: a boundary, not a line break
        out.append(line)
        dropped = False
    return out


def _local_widths(lines: list[Line], radius: int = 6) -> list[float]:
    """The column width around each line: columns change width within one page."""
    widths = [line.width for line in lines]
    out = []
    for k in range(len(lines)):
        around = sorted(widths[max(0, k - radius) : k + radius + 1])
        out.append(around[round(0.75 * (len(around) - 1))])
    return out


# Enough of a text's end to tell how it ends: a closing byline is at most 32 characters.
_EDGE = 64


def _ends_sentence(s: str) -> bool:
    s = s[-_EDGE:]  # constant time on however long a paragraph (64 closing quotes in a row end none)
    m = CLOSING_BYLINE.search(s)
    if m and m.start() > 0:
        s = s[: m.start()].rstrip()
    s = s.rstrip(CLOSERS)
    return bool(s) and s[-1] in TERMINAL


def _outside_quotes(s: str) -> str:
    return re.sub(r"“[^”]*”|《[^》]*》|「[^」]*」", "", s)


def _heading_like(s: str) -> bool:
    """Short, no sentence or clause inside it (outside quotes), not ending as a clause does."""
    if not 0 < len(s) <= 60:  # first: the quote pattern is quadratic on a long run of unmatched “
        return False
    bare = _outside_quotes(NUMBERED_HEADING.sub("", s, count=1))
    return not re.search(r"[。；;！!？?，,、]", bare) and not s.endswith(("：", ":")) and not _ends_sentence(s)


def _separator_headline(s: str) -> bool:
    """ "党建引领促提升 凝心聚力强队伍": two phrases, a space between, no punctuation."""
    return len(s) <= 30 and " " in s and not re.search(r"[^\w\s]", s) and bool(CJK.search(s))


def _byline_like(s: str) -> bool:
    if len(s) <= 40 and BYLINE_WORDS.search(s) and not _ends_sentence(s):
        return True
    if len(s) > 20:
        return False
    groups = s.split()
    return (
        all(CJK.fullmatch(c) or c == "·" for c in s.replace(" ", ""))
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
        self.head = first.chars[:_EDGE]  # the whole paragraph while it is that short
        self.tail = first.chars[-_EDGE:]

    def add(self, line: Text) -> None:
        self.lines.append(line)
        self.size += len(line.chars)
        if len(self.head) < _EDGE:
            self.head = (self.head + line.chars)[:_EDGE]
        self.tail = (self.tail + line.chars[-_EDGE:])[-_EDGE:]

    def short_text(self) -> str | None:
        """Its text, if short enough to be a heading (no more than 60 characters)."""
        return self.head if self.size <= 60 else None

    def ends_sentence(self) -> bool:
        return _ends_sentence(self.tail)

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
        and (_ends_sentence(s) or _heading_like(s))
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
            if m and _ends_sentence(s[: m.start()].rstrip()):
                b.text = b.text.slice(0, m.start()).strip()
                b.closes_article = True
            elif m and m.start() == 0:
                b.kind = "byline"
                b.closes_article = True
        out.append(b)
    return out


def _bigrams(s: str) -> set[str]:
    s = "".join(CJK.findall(s)) + "".join(re.findall(r"[A-Za-z0-9]+", s))
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
        articles = build_articles(blocks) or _headings_as_body(blocks)
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


def _headings_as_body(blocks: list[Block]) -> list[Article]:
    """A document with no body at all ("今天天气很好", "青松县", a list of headings) is not
    empty: its lines are its text, under its first as the title."""
    if not blocks:
        return []
    return [Article(title=blocks[0].text.chars, paragraphs=[("", Block(b.text, "body")) for b in blocks])]
