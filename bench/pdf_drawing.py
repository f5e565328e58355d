"""Newspaper-like PDF pages drawn with reportlab: a CJK font cut to the characters used
(Noto Sans CJK's CFF outlines converted for reportlab), and columns whose lines are drawn
ROW BY ROW ACROSS THE COLUMNS (for each height: column 1's line, then column 2's, ...), as
some newspaper systems write them. bench/documents.py draws its pages with it, and
tests/fixtures/make_pdf_fixtures.py the committed fixture (tests/fixtures/three_columns.pdf).

Needs reportlab and fontTools (the bench extra), imported when drawing.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

FONT_NAME = "NotoCJK"


def find_font() -> Path:
    """Noto Sans CJK as installed in the venv (pip package cvttf-notosanscjk-regular)."""
    for root in {Path(sys.prefix), Path(__file__).resolve().parents[2] / "main" / ".venv"}:
        for path in sorted(root.glob("**/NotoSansCJK*.otf")):
            return path
    raise SystemExit("no Noto Sans CJK font found in the venv; give one with --font")


def register_cjk_font(font: Path, chars: str) -> str:
    """Registers with reportlab a TrueType font holding `chars` cut from `font` (CFF or
    TrueType outlines); returns its reportlab name."""
    from fontTools import subset
    from fontTools.ttLib import TTFont as FTFont
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    ft = FTFont(str(font), lazy=True)
    options = subset.Options()
    options.layout_features, options.notdef_outline = [], True
    sub = subset.Subsetter(options)
    sub.populate(text="".join(sorted(set(chars))) + " ")
    sub.subset(ft)
    if "CFF " in ft:
        _cff_to_glyf(ft)
    out = tempfile.NamedTemporaryFile(suffix=".ttf", delete=False)
    ft.save(out.name)
    pdfmetrics.registerFont(TTFont(FONT_NAME, out.name))
    return FONT_NAME


def _cff_to_glyf(ft) -> None:
    """CFF (cubic) outlines to TrueType (quadratic) ones in place: what reportlab reads."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = ft.getGlyphOrder()
    glyphs = ft.getGlyphSet()
    quad = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        quad[name] = pen.glyph()
    ft["loca"] = newTable("loca")
    ft["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, quad
    for name in ("CFF ", "VORG"):
        if name in ft:
            del ft[name]
    glyf.compile(ft)
    for name in order:  # left side bearings follow the new outlines
        advance, _ = ft["hmtx"][name]
        ft["hmtx"][name] = (advance, getattr(quad[name], "xMin", 0))
    maxp = ft["maxp"] = newTable("maxp")
    maxp.tableVersion, maxp.numGlyphs = 0x00010000, len(order)
    for attr in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 1 if attr == "maxZones" else 0)
    post = ft["post"]
    post.formatType, post.extraNames, post.mapping, post.glyphOrder = 2.0, [], {}, order
    ft.sfntVersion = "\x00\x01\x00\x00"


# ---- drawing -------------------------------------------------------------------------

PAGE_W, PAGE_H = 595.0, 842.0
MARGIN, GUTTER = 40.0, 18.0
BODY, LEADING = 10.0, 14.0
HEAD = 15.0


NO_LINE_START = "，。、；：！？”’）》」』"


def wrap(text: str, font: str, size: float, width: float, indent: float = 0.0) -> list[str]:
    """`text` cut into lines no wider than `width` points (the first `indent` narrower)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, cur = [], ""
    for c in text:
        room = width - (indent if not lines else 0.0)
        # No line starts with a comma or a full stop: it hangs in the margin (as Chinese
        # typesetting has it), one character at most.
        over = stringWidth(cur + c, font, size) > room
        if cur and over and (c not in NO_LINE_START or stringWidth(cur, font, size) > room):
            lines.append(cur)
            cur = ""
        cur += c
    return lines + ([cur] if cur else [])


def column_width(columns: int = 3) -> float:
    return (PAGE_W - 2 * MARGIN - (columns - 1) * GUTTER) / columns


def draw_row_by_row(canvas, columns: list[list], font: str, top: float = PAGE_H - MARGIN) -> list[float]:
    """Draws the columns' rows one height at a time, across the columns: row k of every
    column, then row k + 1. A row is (text, size, indent), None (blank) or ("box", h, 0):
    a grey box (a photo) of that height. Returns the top of each row."""
    width = column_width(len(columns))
    y, tops = top, []
    for k in range(max(len(c) for c in columns)):
        tops.append(y)
        step = LEADING
        for j, col in enumerate(columns):
            if k >= len(col) or col[k] is None:
                continue
            x = MARGIN + j * (width + GUTTER)
            text, size, indent = col[k]
            if text == "box":  # a photo: a grey rectangle `size` points high
                canvas.setFillGray(0.8)
                canvas.rect(x, y - size, width, size, stroke=0, fill=1)
                canvas.setFillGray(0)
                step = max(step, size + 4)
                continue
            canvas.setFont(font, size)
            canvas.drawString(x + indent, y - size, text)
            step = max(step, size * 1.4)
        y -= step
    return tops
