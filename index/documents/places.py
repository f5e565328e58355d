"""Where text read from a page came from: for each line, the offset in the text where it
starts, its page and its box there, so that a passage can say "page 2, this rectangle".

    reading = read_with_places("通知.png", data)       # index.documents.readers
    reading.text, reading.places, reading.ocr_pages
    places_at(reading.places, [p.start for p in passages])  # the Place of each one's first line

Any reader of pages fills `places` the same way (OCR of an image or a scanned page, a
PDF's text-layer lines); a text file has none. A passage stores its first line's place
as one short string (`Place.column`, read back by `Place.from_column`).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in the page's pixels (or points)


@dataclass(frozen=True, slots=True)
class Place:
    offset: int  # where the line starts in the document's text
    page: int  # from 1
    box: Box

    @property
    def column(self) -> str:
        """As the passages table keeps it: "page x0 y0 x1 y1"."""
        return " ".join([str(self.page), *(f"{v:g}" for v in self.box)])

    @classmethod
    def from_column(cls, value: str | None) -> Place | None:
        if not value:
            return None
        page, *box = value.split()
        return cls(0, int(page), tuple(float(v) for v in box))


@dataclass
class Reading:
    """A document's text, and where its lines are when it was read from pages."""

    text: str
    places: list[Place] = field(default_factory=list)  # in offset order; empty for text files
    ocr_pages: int = 0  # pages whose text came from OCR


def places_at(places: list[Place], offsets: list[int]) -> list[Place | None]:
    """For each offset, the place of the line holding it (None before the first line, or
    without places)."""
    starts = [p.offset for p in places]  # once: a long PDF has a line for every passage
    found = [bisect_right(starts, at) - 1 for at in offsets]
    return [places[i] if i >= 0 else None for i in found]


def joined(lines) -> tuple[str, list[Place]]:
    """Lines read off pages (anything with text, page, box, starts_paragraph: OCR's, a
    PDF's text layer's) as text, a line each and a blank line before a paragraph or a new
    page, with the place of each line in it."""
    parts, places, at = [], [], 0
    for k, line in enumerate(lines):
        if k:
            sep = "\n\n" if line.starts_paragraph or line.page != lines[k - 1].page else "\n"
            parts.append(sep)
            at += len(sep)
        places.append(Place(at, line.page, line.box))
        parts.append(line.text)
        at += len(line.text)
    return "".join(parts), places
