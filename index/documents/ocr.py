"""Text out of an image by OCR (RapidOCR: PaddleOCR's Chinese models on onnxruntime; the
`ocr` extra), its lines put back in reading order.

    reading = read_image(data)          # an image file's bytes -> places.Reading, or
                                        # UnreadableDocument (ocr_no_text, image_too_large…)
    lines = ocr_lines(pil_image, page=3)  # one page: [OcrLine(text, page, box, score, …)]
    text, places = places.joined(lines)  # lines of any number of pages -> text, places

Reading order: columns left to right, lines top to bottom within each, and a line across
columns (a headline) before the columns below it (`reading_order`). The text is one line
per OCR line with a blank line where a paragraph starts (a wide gap above it, a new
column after a finished sentence, a new page), so index/passages/cleaning.py joins the lines into
paragraphs as it does a PDF's.

It runs where documents are read (the reindex workers, the bot's ingestion process),
never in the bot's event loop. The engine is made once per process, on first use.
"""

from __future__ import annotations

import io
import math
import re
import statistics
from dataclasses import dataclass

from index.chars import HAN
from index.documents.places import Box, Reading, joined
from index.documents.plain_text import tidy
from index.documents.unreadable import UnreadableDocument

# A line scored below this by the recogniser is dropped. On the fixtures
# (tests/fixtures/ocr/, `python bench/ocr.py`), every real line scored 0.908 or more and
# what the detector found in pen strokes (a signature, scribbles) 0.000-0.373; one more
# sheet of scribbles gave 0.54 and 0.81 (a lone "A"). 0.6 drops the strokes and keeps any
# line read half well: a lost line costs an answer, a stray letter costs little.
MIN_SCORE = 0.6
# More pixels than this is refused before it is decoded (a decompression bomb: a small
# PNG of one colour can claim 100,000 x 100,000 pixels, 10 GB once decoded). 60 MP is
# past any phone camera (50 MP) and an A3 page scanned at 400 dpi (31 MP).
MAX_PIXELS = 60_000_000
# Longer sides are scaled down to this before OCR: RapidOCR's detector works at 2,000
# pixels by default; 3,000 keeps a newspaper page's body text legible (~15 px a character
# on an A3 scan) at about twice the time.
MAX_SIDE = 3000
# A gap above a line wider than this share of the line height starts a paragraph: lines
# of a paragraph sit 0.2-0.4 of a line apart, paragraphs 0.7 or more (fixtures: 0.77-0.96).
PARAGRAPH_GAP = 0.6
_ENDS_SENTENCE = tuple("。！？!?；;…：:”」』）)")


@dataclass(frozen=True, slots=True)
class OcrLine:
    text: str
    page: int
    box: Box  # x0, y0, x1, y1 in the image's own pixels
    score: float
    starts_paragraph: bool = False


# ---- the engine ---------------------------------------------------------------------

_engine = None


def engine():
    """RapidOCR, made on first use (its three models load in ~0.1-0.3 s and take ~100 MB);
    UnreadableDocument("ocr_unavailable") without the `ocr` extra."""
    global _engine
    if _engine is None:
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError:
            raise UnreadableDocument("ocr_unavailable") from None
        # One thread: documents are read in parallel by processes (reindex workers), and
        # onnxruntime's default of a thread a core in each oversubscribes the machine.
        _engine = RapidOCR(max_side_len=MAX_SIDE, intra_op_num_threads=1, inter_op_num_threads=1)
    return _engine


# ---- an image file ------------------------------------------------------------------


def read_image(data: bytes) -> Reading:
    """The text of an image file (.jpg, .png, .webp) by OCR, with each line's place."""
    lines = ocr_lines(open_image(data))
    if not lines:
        raise UnreadableDocument("ocr_no_text")
    text, places = joined(lines)
    return Reading(text, places, ocr_pages=1)


def open_image(data: bytes):
    """The image, upright (a phone's EXIF orientation applied), its pixels counted before
    they are decoded."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))  # reads the header only
    except (UnidentifiedImageError, OSError):
        raise UnreadableDocument("not_image") from None
    if image.width * image.height > MAX_PIXELS:
        raise UnreadableDocument("image_too_large", limit=MAX_PIXELS // 1_000_000)
    return ImageOps.exif_transpose(image).convert("RGB")


# ---- one page -----------------------------------------------------------------------


def ocr_lines(image, page: int = 1) -> list[OcrLine]:
    """A page's lines (a PIL image), confident ones only, in reading order."""
    scale = min(1.0, MAX_SIDE / max(image.size))
    if scale < 1.0:
        image = image.resize((round(image.width * scale), round(image.height * scale)))
    result, _ = engine()(image.convert("RGB"))
    found = []
    for quad, text, score in result or []:
        text = _full_stops(tidy(text).replace("\n", " ").strip())
        if text and float(score) >= MIN_SCORE:
            found.append((text, [(x / scale, y / scale) for x, y in quad], float(score)))
    return reading_order(found, page)


# The recogniser reads a Chinese full stop as a degree sign, and at a line's end as a middle
# dot (bench/documents.py's page photos: "公里°", "车站·"): after a Chinese character
# neither is what a page prints (a degree follows a digit; a name's dot is mid-line).
_MISREAD_STOP = re.compile(rf"(?<=[{HAN}])(?:°|·$)")


def _full_stops(text: str) -> str:
    return _MISREAD_STOP.sub("。", text)


def reading_order(found: list[tuple[str, list[tuple[float, float]], float]], page: int = 1) -> list[OcrLine]:
    """(text, its four corners, score) of a page's lines to OcrLines in reading order."""
    if not found:
        return []
    upright = _upright_boxes([quad for _, quad, _ in found])
    height = statistics.median(b[3] - b[1] for b in upright)
    order = _column_order(upright, height)
    lines, before = [], None
    for i in order:
        text, quad, score = found[i]
        xs, ys = [x for x, _ in quad], [y for _, y in quad]
        starts = before is None or _starts_paragraph(upright[before], upright[i], found[before][0], height)
        lines.append(OcrLine(text, page, (min(xs), min(ys), max(xs), max(ys)), score, starts))
        before = i
    return lines


def _upright_boxes(quads: list[list[tuple[float, float]]]) -> list[Box]:
    """Each line's box with the page's tilt taken out: a page photographed a degree or two
    askew gives boxes a line's length times the slope taller, enough to overlap."""
    slopes = [math.atan2(q[1][1] - q[0][1], q[1][0] - q[0][0]) for q in quads]
    angle = statistics.median(slopes)
    cos, sin = math.cos(-angle), math.sin(-angle)
    boxes = []
    for q in quads:
        pts = [(x * cos - y * sin, x * sin + y * cos) for x, y in q]
        xs, ys = [x for x, _ in pts], [y for _, y in pts]
        boxes.append((min(xs), min(ys), max(xs), max(ys)))
    return boxes


def _column_order(boxes: list[Box], height: float) -> list[int]:
    """Indices of the lines in reading order. Lines with a line beside them (side by side,
    apart in x) are column lines; those overlapping in x make one column. Any other line
    belongs to the one column it overlaps, or else spans columns (a headline, or a line of
    a page of one column) and cuts the page into bands read one after another: a band's
    columns left to right, each top to bottom, then the spanning line below it."""
    n = len(boxes)
    beside = [any(_beside(boxes[i], boxes[j], height) for j in range(n) if j != i) for i in range(n)]
    columns = _group_by_x([i for i in range(n) if beside[i]], boxes)
    spans = _xspans(columns, boxes)
    member: dict[int, int] = {i: c for c, col in enumerate(columns) for i in col}
    across = []
    for i in range(n):
        if i in member:
            continue
        hits = [c for c, (x0, x1) in enumerate(spans) if _overlap(boxes[i][0], boxes[i][2], x0, x1) > 0]
        if len(hits) == 1:
            member[i] = hits[0]
        else:
            across.append(i)
    across.sort(key=lambda i: _mid_y(boxes[i]))
    cuts = [_mid_y(boxes[i]) for i in across]
    bands: dict[tuple[int, int], list[int]] = {}
    for i, c in member.items():
        band = sum(1 for y in cuts if y < _mid_y(boxes[i]))
        bands.setdefault((band, c), []).append(i)
    left_to_right = sorted(range(len(columns)), key=lambda c: spans[c][0])
    order = []
    for band in range(len(across) + 1):
        for c in left_to_right:
            order += sorted(bands.get((band, c), []), key=lambda i: boxes[i][1])
        if band < len(across):
            order.append(across[band])
    return order


def _beside(a: Box, b: Box, height: float) -> bool:
    """Side by side: on the same row (overlapping in y by half a line) and apart in x."""
    same_row = _overlap(a[1], a[3], b[1], b[3]) > 0.5 * height
    return same_row and (a[2] <= b[0] or b[2] <= a[0])


def _group_by_x(indices: list[int], boxes: list[Box]) -> list[list[int]]:
    """The lines as groups whose x ranges overlap, chained (a column's lines all start at
    its left edge; a short last line still overlaps the others)."""
    groups: list[list[int]] = []
    for i in sorted(indices, key=lambda i: boxes[i][0]):
        if groups and boxes[i][0] < max(boxes[j][2] for j in groups[-1]):
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def _xspans(columns: list[list[int]], boxes: list[Box]) -> list[tuple[float, float]]:
    return [(min(boxes[i][0] for i in col), max(boxes[i][2] for i in col)) for col in columns]


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return min(a1, b1) - max(a0, b0)


def _mid_y(box: Box) -> float:
    return (box[1] + box[3]) / 2


def _starts_paragraph(above: Box, box: Box, above_text: str, height: float) -> bool:
    """A line starts a paragraph after a wide gap in its column; a line read after a jump
    (another column, back up the page) starts one when the line before finished a
    sentence, and goes on with it otherwise (text flowing into the next column)."""
    below = box[1] >= above[1] and _overlap(above[0], above[2], box[0], box[2]) > 0
    if below:
        return box[1] - above[3] > PARAGRAPH_GAP * height
    return above_text.endswith(_ENDS_SENTENCE)
