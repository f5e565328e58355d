"""A PDF page's text in reading order, from where its characters stand on the page.

    for lines in PdfPages(data):        # a page at a time: list[Line]
        text = page_text(lines)
    pdf_lines(data) -> list[Line]        # every page's, in reading order
    Line(text="白沙镇图书馆今年新增藏书一", page=1, box=(238.3, 96.1, 368.3, 107.7), starts_paragraph=True)

Newspaper systems often draw a page's text in no reading order at all: some row by row
across the columns (one line of each column at a height), so that a reader following the
content stream (pypdf's extract_text) splices the sentences of three articles. Here the
characters' boxes (pdfium, through pypdfium2) are the only order trusted:

    characters -> lines (one baseline, small gaps) -> blocks (lines of one size stacked
    in one column) -> blocks in reading order -> lines, paragraphs marked

Blocks are ordered as a reader does (T. Breuel's rules): of two blocks that share some
width, the upper comes first; of two side by side, the left one, unless a block that
spans both lies between them in height (a headline over the next article). So columns
are read one after another, a headline over its columns before them. Captions (a smaller
type than the page's body text) and text inside a drawn frame are read after the page's
body, each a paragraph of its own, so that a photo's caption does not cut the sentence
that runs round the photo.

`box` is (x0, y0, x1, y1) in points from the page's top-left corner, y downwards (as an
image of the page has it), so that a passage can say where on which page it stands.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from index.chars import CLOSERS, TERMINAL

# pdfium is not thread-safe: one document is read at a time in a process.
_PDFIUM = threading.Lock()

# Fractions of the font size (the character's em), measured on CJK newspaper type.
SAME_BASELINE = 0.3  # baselines closer than this: one line
CHAR_GAP = 0.6  # a gap up to this joins characters into one line: a column gutter is wider
SPACE_GAP = 0.25  # a gap over this between Latin letters or digits is a space
LINE_GAP = 0.9  # lines stacked with less white between them than this are one block
ALIGN = 2.5  # lines whose left edges are this close are one column's (a first line is set in 2 em)
INDENT = 0.8  # a first line set in by more than this starts a paragraph
SHORT = 1.5  # a line ending this far before its block's right edge ends a paragraph
SIZE_RATIO = 1.12  # sizes within this ratio are the same type
CAPTION_SIZE = 0.92  # a block of type smaller than this share of the page's body type is a caption


class Line(NamedTuple):
    text: str
    page: int  # from 1
    box: tuple[float, float, float, float]  # x0, y0, x1, y1: points from the top-left corner
    starts_paragraph: bool  # the first line of a paragraph, a headline or a caption


@dataclass
class _Run:
    """Characters on one baseline, left to right, with their box and type size."""

    chars: list[tuple[str, float, float]]  # (character, x0, x1)
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    frame: int = -1  # the drawn frame it stands in, or -1

    def text(self) -> str:
        out, last_c, last_x1 = [], "", None
        for c, x0, x1 in self.chars:
            if last_x1 is not None:
                gap = x0 - last_x1
                latin = last_c.isascii() and c.isascii() and last_c.isalnum() and c.isalnum()
                if gap > (SPACE_GAP if latin else 0.6) * self.size:
                    out.append(" ")
            out.append(c)
            last_c, last_x1 = c, x1
        return "".join(out)


@dataclass
class _Block:
    runs: list[_Run] = field(default_factory=list)

    @property
    def x0(self) -> float:
        return min(r.x0 for r in self.runs)

    @property
    def x1(self) -> float:
        return max(r.x1 for r in self.runs)

    @property
    def top(self) -> float:
        return self.runs[0].top

    @property
    def bottom(self) -> float:
        return self.runs[-1].bottom

    @property
    def size(self) -> float:
        return self.runs[0].size


# ---- characters to lines ---------------------------------------------------------------


def _chars(textpage, height: float) -> list[tuple[str, float, float, float, float, float]]:
    """(character, x0, top, x1, bottom, size) of the page's drawn characters, in content
    order; white space and pdfium's own inserted spaces and line breaks left out (gaps
    say where spaces are)."""
    from pypdfium2 import raw

    out = []
    for i in range(textpage.count_chars()):
        code = raw.FPDFText_GetUnicode(textpage, i)
        if code == 0 or raw.FPDFText_IsGenerated(textpage, i) == 1:
            continue
        c = chr(code)
        if c.isspace() or 0xD800 <= code <= 0xDFFF:
            continue
        # The loose box spans the font's ascent and descent, the same for every character
        # of a line (a tight one puts "，" far below "“").
        left, bottom, right, top = textpage.get_charbox(i, loose=True)
        size = raw.FPDFText_GetFontSize(textpage, i) or (top - bottom)
        out.append((c, left, height - top, right, height - bottom, size))
    return out


def _runs(chars) -> list[_Run]:
    """Characters joined into runs: the same baseline, the same type, a small gap."""
    runs: list[_Run] = []
    for c, x0, top, x1, bottom, size in chars:
        r = runs[-1] if runs else None
        if (
            r is not None
            and abs(bottom - r.bottom) < SAME_BASELINE * r.size
            and _same_size(size, r.size)
            and -0.3 * r.size < x0 - r.x1 < CHAR_GAP * r.size
        ):
            r.chars.append((c, x0, x1))
            r.x1, r.top = max(r.x1, x1), min(r.top, top)
            continue
        runs.append(_Run([(c, x0, x1)], x0, top, x1, bottom, size))
    return _join_runs(runs)


def _join_runs(runs: list[_Run]) -> list[_Run]:
    """Runs of one line drawn apart (a line written in pieces, out of order) joined."""
    runs.sort(key=lambda r: (round(r.bottom / (SAME_BASELINE * r.size)), r.x0))
    out: list[_Run] = []
    for r in runs:
        last = out[-1] if out else None
        if (
            last is not None
            and abs(r.bottom - last.bottom) < SAME_BASELINE * last.size
            and _same_size(r.size, last.size)
            and -0.3 * last.size < r.x0 - last.x1 < CHAR_GAP * last.size
        ):
            last.chars += r.chars
            last.x1, last.top = max(last.x1, r.x1), min(last.top, r.top)
        else:
            out.append(r)
    return out


def _same_size(a: float, b: float) -> bool:
    return max(a, b) <= SIZE_RATIO * min(a, b)


# ---- lines to blocks -------------------------------------------------------------------


def _frames(page, height: float) -> list[tuple[float, float, float, float]]:
    """Rectangles drawn on the page (paths), as (x0, top, x1, bottom): a frame round a
    note, a shaded box. Thin rules and the page's own border are no frame."""
    from pypdfium2 import raw

    width = page.get_width()
    out = []
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=1):
        left, bottom, right, top = obj.get_bounds()
        w, h = right - left, top - bottom
        if w > 20 and h > 10 and w * h < 0.5 * width * height:
            out.append((left, height - top, right, height - bottom))
    return out


def _blocks(runs: list[_Run]) -> list[_Block]:
    """Runs stacked close in one column, of one type and one frame, as blocks (union-find
    over neighbours in height: each run is compared with the few just below it)."""
    runs.sort(key=lambda r: (r.top, r.x0))
    parent = list(range(len(runs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(runs):
        for j in range(i + 1, len(runs)):
            b = runs[j]
            if b.top - a.bottom > LINE_GAP * a.size:
                break
            if b.top <= a.top or b.frame != a.frame or not _same_size(a.size, b.size):
                continue
            # One column's lines share their left edge (but a first line's indent), a
            # centred headline's their middle: a line running over a gutter joins one side.
            aligned = abs(a.x0 - b.x0) <= ALIGN * a.size or abs(a.x0 + a.x1 - b.x0 - b.x1) <= 2 * a.size
            if aligned and min(a.x1, b.x1) > max(a.x0, b.x0) and _below_only(a, b, runs, i, j):
                parent[find(j)] = find(i)
    groups: dict[int, _Block] = {}
    for i, r in enumerate(runs):
        groups.setdefault(find(i), _Block()).runs.append(r)
    return list(groups.values())


def _below_only(a: _Run, b: _Run, runs: list[_Run], i: int, j: int) -> bool:
    """b is the next line under a: no run between them in height shares their width."""
    return not any(
        runs[k].top > a.top
        and runs[k].bottom < b.bottom + 0.01
        and min(runs[k].x1, a.x1) > max(runs[k].x0, a.x0)
        and runs[k].top < b.top
        for k in range(i + 1, j)
    )


# ---- blocks in reading order -----------------------------------------------------------


def _order(blocks: list[_Block]) -> list[_Block]:
    """Blocks in reading order (Breuel): a before b when they share width and a is above,
    or when a is left of b and no block lying between them in height spans both."""
    n = len(blocks)
    before = [set() for _ in range(n)]
    for i, a in enumerate(blocks):
        for j, b in enumerate(blocks):
            if i != j and _precedes(a, b, blocks):
                before[j].add(i)
    order, done = [], set()
    while len(order) < n:
        ready = [k for k in range(n) if k not in done and not (before[k] - done)]
        # A cycle (odd layouts) is broken by taking the top-left block left.
        k = min(ready or [k for k in range(n) if k not in done], key=lambda k: (blocks[k].top, blocks[k].x0))
        order.append(blocks[k])
        done.add(k)
    return order


def _precedes(a: _Block, b: _Block, blocks: list[_Block]) -> bool:
    if min(a.x1, b.x1) > max(a.x0, b.x0):  # they share width
        return a.bottom <= b.top + 0.5 * a.size or (a.top < b.top and a.bottom < b.bottom)
    if a.x1 > b.x0:  # a is not left of b
        return False
    upper, lower = min(a.bottom, b.bottom), max(a.top, b.top)
    return not any(
        c is not a and c is not b and c.top >= upper - 0.01 and c.bottom <= lower + 0.01 and c.x0 < a.x1 and c.x1 > b.x0
        for c in blocks
    )


# ---- a page ----------------------------------------------------------------------------


def _lines(blocks: list[_Block], page: int) -> list[Line]:
    """Blocks' runs as Lines, each block's first line, an indented line and one after a
    short line starting a paragraph; a body block continues the one before it when that
    one ends on a full line and it does not begin set in."""
    out: list[Line] = []
    prev: _Block | None = None
    for block in blocks:
        for k, r in enumerate(block.runs):
            if k == 0:
                starts = not _continues(prev, block)
            else:
                above = block.runs[k - 1]
                # A short line ends a paragraph only when it ends a sentence: lines of one
                # paragraph end short too, where a punctuation mark would not fit ("、").
                ended = above.x1 < block.x1 - SHORT * r.size and _ends_sentence(above.text())
                starts = r.x0 > block.x0 + INDENT * r.size or ended
            out.append(Line(r.text(), page, (r.x0, r.top, r.x1, r.bottom), starts))
        prev = block
    return out


def _ends_sentence(text: str) -> bool:
    return text.rstrip().rstrip(CLOSERS)[-1:] in TERMINAL


def _continues(prev: _Block | None, block: _Block) -> bool:
    if prev is None or not _same_size(prev.size, block.size):
        return False
    last, first = prev.runs[-1], block.runs[0]
    full = last.x1 >= prev.x1 - SHORT * last.size and len(prev.runs) > 1
    left = block.x0 if len(block.runs) > 1 else prev.x0
    return full and first.x0 <= left + INDENT * first.size


def page_lines(page, number: int) -> list[Line]:
    """The lines of a pypdfium2 page in reading order: its body, then its captions, then
    the text of each drawn frame."""
    height = page.get_height()
    textpage = page.get_textpage()
    try:
        runs = _runs(_chars(textpage, height))
    finally:
        textpage.close()
    if not runs:
        return []
    frames = _frames(page, height)
    for r in runs:
        r.frame = next(
            (
                k
                for k, (x0, top, x1, bottom) in enumerate(frames)
                if x0 - 1 <= r.x0 and r.x1 <= x1 + 1 and top - 1 <= r.top and r.bottom <= bottom + 1
            ),
            -1,
        )
    blocks = _blocks(runs)
    body_size = _body_size(runs)
    body = [b for b in blocks if b.runs[0].frame < 0 and b.size >= CAPTION_SIZE * body_size]
    captions = [b for b in blocks if b.runs[0].frame < 0 and b.size < CAPTION_SIZE * body_size]
    framed = [b for b in blocks if b.runs[0].frame >= 0]
    lines: list[Line] = []
    for group in (body, captions, framed):
        lines += _lines(_order(group), number)
    return lines


def _body_size(runs: list[_Run]) -> float:
    """The type size most characters of the page are set in."""
    weight: dict[float, int] = {}
    for r in runs:
        weight[round(r.size, 1)] = weight.get(round(r.size, 1), 0) + len(r.chars)
    return max(weight, key=weight.get)


def page_text(lines: list[Line]) -> str:
    """A page's lines as text, a line a line and a blank line before each paragraph: what
    cleaning reads as column lines to join, and paragraphs apart."""
    parts = []
    for k, line in enumerate(lines):
        if k and line.starts_paragraph:
            parts.append("")
        parts.append(line.text)
    return "\n".join(parts)


class PdfPages:
    """A PDF's pages as lists of Lines, read one at a time as they are asked for.
    Raises pypdfium2.PdfiumError when pdfium cannot open the file."""

    def __init__(self, data: bytes) -> None:
        import pypdfium2 as pdfium

        with _PDFIUM:
            self._doc = pdfium.PdfDocument(data)  # an empty user password is tried by pdfium itself

    def __len__(self) -> int:
        return len(self._doc)

    def lines(self, index: int) -> list[Line]:
        """Page `index` (from 0)'s lines in reading order."""
        with _PDFIUM:
            page = self._doc[index]
            try:
                return page_lines(page, index + 1)
            finally:
                page.close()

    def image(self, index: int, scale: float):
        """Page `index` (from 0) drawn as a PIL image, `scale` pixels a point: for OCR of a
        page with no text layer (a scan)."""
        with _PDFIUM:
            page = self._doc[index]
            try:
                return page.render(scale=scale).to_pil()
            finally:
                page.close()

    def __iter__(self) -> Iterator[list[Line]]:
        return (self.lines(i) for i in range(len(self)))

    def close(self) -> None:
        with _PDFIUM:
            self._doc.close()


def pdf_lines(data: bytes) -> list[Line]:
    """Every line of a PDF's text layer in reading order, with its page and box."""
    pages = PdfPages(data)
    try:
        return [line for lines in pages for line in lines]
    finally:
        pages.close()
