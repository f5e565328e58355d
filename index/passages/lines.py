"""Extracted text to clean lines: stray spaces inside words removed, doubled captions
undone, titles printed one character a line read back, page furniture dropped, every
character keeping its offset in the source (Text).

    lines = drop_debris(split_lines(source))   # -> paragraphs.join_paragraphs
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from index.chars import CLOSERS, HAN, HAN_CHAR, TERMINAL

FURNITURE = re.compile(
    r"^(?:版式编辑|责任编辑|美术编辑|校对|本版编辑|版面设计)|星期[一二三四五六日天]|^第?\s*\d+\s*版$"
)
JUMP_MARK = re.compile(r"[（(]\s*[上下]转\s*\d+\s*版\s*[）)]")


# "（陆益平 彭晓艳）" after an article's last sentence: its authors, and its end.
CLOSING_BYLINE = re.compile(rf"[（(]([{HAN}·][{HAN}·\s]{{1,29}})[）)]$")

# Enough of a text's end to tell how it ends: a closing byline is at most 32 characters.
EDGE = 64


def ends_sentence(s: str) -> bool:
    s = s[-EDGE:]  # constant time on however long a paragraph (64 closing quotes in a row end none)
    m = CLOSING_BYLINE.search(s)
    if m and m.start() > 0:
        s = s[: m.start()].rstrip()
    s = s.rstrip(CLOSERS)
    return bool(s) and s[-1] in TERMINAL


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
    cjk = len(HAN_CHAR.findall(text))
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
            elif not spaced_out and HAN_CHAR.match(left) and HAN_CHAR.match(right):
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
    if compact[:half] == compact[half:] and ends_sentence(compact[:half]):
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
        and all(HAN_CHAR.fullmatch(c) for c in "".join(groups))
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
        while j < len(lines) and len(lines[j].text.chars) <= 4 and not ends_sentence(lines[j].text.chars):
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
    if len(HAN_CHAR.findall(text.chars)) < 4:  # too few even before doubles are undone
        return None
    keep = [
        i
        for i, c in enumerate(text.chars)
        if not (i > 0 and c == text.chars[i - 1] and HAN_CHAR.match(c)) and not c.isspace()
    ]
    out = Text.picked("".join(text.chars[i] for i in keep), [text.offset(i) for i in keep])
    return out if len(HAN_CHAR.findall(out.chars)) >= 4 else None


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
