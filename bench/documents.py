"""Documents as people have them: the same CMRC 2018 paragraphs as plain text, as
newspaper-like PDFs and as photographed pages, each indexed by the engine and asked the
same questions.

    /work/main/.venv/bin/python -m bench.documents [--paragraphs 200] [--versions txt,pdf,png]
        [--ocr-pages 10] [--font FILE] [--squad ../shared/data/cmrc2018_dev.json]

READS ../shared/data/cmrc2018_dev.json (CMRC 2018 dev, SQuAD format; the project itself
never does). The first N paragraphs, in file order, with their questions whose gold answer
is a span of the paragraph (as ../shared/eval/evaluate.py counts them), are written three
ways under bench/out/documents/:

  txt  the article title, a blank line, the paragraph (what evaluate.py writes);
  pdf  the title as a headline over three columns whose lines are drawn ROW BY ROW ACROSS
       THE COLUMNS (bench/pdf_drawing.py draws them; Noto Sans CJK from
       the venv or --font, its used characters embedded);
  png  the page as a photo: the text drawn with Pillow in the same font, turned by a
       little under a degree, blurred a little and speckled with noise.

Each version is indexed in a corpus and database of its own (index.engine.Engine) and
asked every question: hit@1 (the paragraph's own document is the first passage's) and
answer sentence (it holds a gold answer, white space removed: evaluate.py's rule). A
version the readers cannot read yet (.png before OCR is in index/documents/readers.py) is skipped
with a note. --ocr-pages K runs RapidOCR (rapidocr_onnxruntime) directly on the first K
page images: seconds a page and the character error rate, the edit distance from the
OCR text to the page's text over the page text's length (white space removed; a
Levenshtein distance written out below).
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench import pdf_drawing as draw  # noqa: E402
from index.documents.unreadable import SUPPORTED  # noqa: E402
from index.engine import Engine, Settings  # noqa: E402

OUT = ROOT / "bench" / "out" / "documents"
WS = re.compile(r"\s+")


def strip(s: str | None) -> str:
    return WS.sub("", s or "")


def load(squad: Path, n: int) -> list[dict]:
    """The first n paragraphs: {name, title, context, questions: [(question, golds)]}."""
    out = []
    for article in json.loads(squad.read_text(encoding="utf-8"))["data"]:
        for para in article["paragraphs"]:
            qs = []
            for qa in para["qas"]:
                golds = [strip(a["text"]) for a in qa.get("answers", []) if strip(a["text"])]
                golds = [g for g in golds if g in strip(para["context"])]
                if golds:
                    qs.append((qa["question"], golds))
            out.append(
                {
                    "name": str(para["id"]),
                    "title": article.get("title", ""),
                    "context": para["context"],
                    "questions": qs,
                }
            )
            if len(out) == n:
                return out
    return out


# ---- three renderings ------------------------------------------------------------------


def write_txt(docs: list[dict], folder: Path) -> int:
    for d in docs:
        (folder / f"{d['name']}.txt").write_text(d["title"] + "\n\n" + d["context"] + "\n", encoding="utf-8")
    return 0


ROWS_A_PAGE = int((draw.PAGE_H - 2 * draw.MARGIN - 3 * draw.HEAD) // draw.LEADING)


def pdf_bytes(title: str, context: str, font: str) -> tuple[bytes, int]:
    """A headline over three balanced columns, drawn row by row across them; more pages
    when the text needs them. Returns the PDF and its page count."""
    from reportlab.pdfgen.canvas import Canvas

    lines = draw.wrap(context, font, draw.BODY, draw.column_width(), indent=2 * draw.BODY)
    rows = [(line, draw.BODY, 2 * draw.BODY if k == 0 else 0.0) for k, line in enumerate(lines)]
    per_page = 3 * ROWS_A_PAGE
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(draw.PAGE_W, draw.PAGE_H), invariant=True)
    pages = 0
    for start in range(0, len(rows), per_page):
        chunk = rows[start : start + per_page]
        height = -(-len(chunk) // 3)  # balanced columns, the last may be shorter
        columns = [chunk[k : k + height] for k in range(0, len(chunk), height)]
        top = draw.PAGE_H - draw.MARGIN
        if pages == 0:
            canvas.setFont(font, draw.HEAD)
            canvas.drawString(draw.MARGIN, top - draw.HEAD, title)
            top -= 2.5 * draw.HEAD
        draw.draw_row_by_row(canvas, columns, font, top=top)
        canvas.showPage()
        pages += 1
    canvas.save()
    return buf.getvalue(), pages


def write_pdf(docs: list[dict], folder: Path, font_file: Path) -> int:
    font = draw.register_cjk_font(font_file, "".join(d["title"] + d["context"] for d in docs))
    pages = 0
    for d in docs:
        data, n = pdf_bytes(d["title"], d["context"], font)
        (folder / f"{d['name']}.pdf").write_bytes(data)
        pages += n
    return pages


def page_image(title: str, context: str, font_file: Path, seed: int):
    """The text as a photographed A4 page at 150 dpi: 24 px type, turned by under a
    degree, slightly blurred, with noise."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    width, height, margin, size = 1240, 1754, 110, 24
    body = ImageFont.truetype(str(font_file), size)
    head = ImageFont.truetype(str(font_file), int(size * 1.5))
    lines, cur = [], ""
    for c in context:
        if cur and c not in draw.NO_LINE_START and body.getlength(cur + c) > width - 2 * margin:
            lines.append(cur)
            cur = ""
        cur += c
    lines.append(cur)
    img = Image.new("L", (width, height), 245)
    pen = ImageDraw.Draw(img)
    pen.text((margin, margin), title, font=head, fill=20)
    y = margin + int(size * 3)
    for line in lines:
        pen.text((margin, y), line, font=body, fill=25)
        y += int(size * 1.6)
    rng = random.Random(seed)
    img = img.rotate(rng.uniform(-0.8, 0.8), resample=Image.BICUBIC, fillcolor=235)
    img = img.filter(ImageFilter.GaussianBlur(0.6))
    noise = np.random.default_rng(seed).normal(0, 10, (height, width))
    return Image.fromarray(np.clip(np.asarray(img, dtype=float) + noise, 0, 255).astype("uint8"))


def write_png(docs: list[dict], folder: Path, font_file: Path) -> int:
    for k, d in enumerate(docs):
        page_image(d["title"], d["context"], font_file, k).save(folder / f"{d['name']}.png")
    return len(docs)


# ---- indexing and asking ---------------------------------------------------------------


def run_version(kind: str, docs: list[dict], font_file: Path) -> dict:
    folder = OUT / kind / "corpus"
    db = OUT / kind / "index.db"
    if folder.parent.exists():
        import shutil

        shutil.rmtree(folder.parent)
    folder.mkdir(parents=True)
    pages = {
        "txt": lambda: write_txt(docs, folder),
        "pdf": lambda: write_pdf(docs, folder, font_file),
        "png": lambda: write_png(docs, folder, font_file),
    }[kind]()
    row = {"version": kind, "documents": len(docs), "pages": pages or None}
    if f".{kind}" not in SUPPORTED:
        row["note"] = f"not indexed: index/documents/readers.py does not read .{kind} yet"
        return row
    engine = Engine.open(Settings(corpus_dir=folder, db_path=db), build_if_empty=False)
    t0 = time.perf_counter()
    summary = engine.reindex()
    row["index_s"] = time.perf_counter() - t0
    row["skipped"] = len(summary.skipped)
    hit = sentence = n = 0
    for d in docs:
        for question, golds in d["questions"]:
            answer = engine.ask(question, top_k=5)
            n += 1
            hit += bool(answer.passages) and Path(answer.passages[0].doc).stem == d["name"]
            sentence += any(g in strip(answer.sentence) for g in golds)
    row.update(questions=n, hit1=hit / max(n, 1), sentence=sentence / max(n, 1))
    return row


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, one row at a time."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def ocr_check(docs: list[dict], pages: int) -> dict:
    """RapidOCR on the first `pages` page images (written by the png version): seconds a
    page and the character error rate against the title and paragraph."""
    from rapidocr_onnxruntime import RapidOCR

    ocr = RapidOCR()
    seconds, errors, chars = [], 0, 0
    for d in docs[:pages]:
        image = str(OUT / "png" / "corpus" / f"{d['name']}.png")
        t0 = time.perf_counter()
        result, _ = ocr(image)
        seconds.append(time.perf_counter() - t0)
        said = strip("".join(r[1] for r in result or []))
        truth = strip(d["title"] + d["context"])
        errors += edit_distance(said, truth)
        chars += len(truth)
    return {
        "pages": len(seconds),
        "s_a_page": sum(seconds) / max(len(seconds), 1),
        "s_max": max(seconds, default=0.0),
        "cer": errors / max(chars, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--squad", type=Path, default=ROOT.parent / "shared" / "data" / "cmrc2018_dev.json")
    ap.add_argument("--paragraphs", type=int, default=200)
    ap.add_argument("--versions", default="txt,pdf,png")
    ap.add_argument("--ocr-pages", type=int, default=10, help="page images to OCR directly (0: none)")
    ap.add_argument("--font", type=Path, help="a CJK font; default: Noto Sans CJK in the venv")
    args = ap.parse_args()
    font_file = args.font or draw.find_font()
    docs = load(args.squad, args.paragraphs)
    rows = []
    for kind in args.versions.split(","):
        print(f"[documents] {kind} ...", file=sys.stderr, flush=True)
        rows.append(run_version(kind, docs, font_file))
    ocr = ocr_check(docs, args.ocr_pages) if args.ocr_pages and "png" in args.versions.split(",") else None
    print(f"{len(docs)} CMRC 2018 dev paragraphs, {sum(len(d['questions']) for d in docs)} questions")
    print("| version | documents | pages | index s | hit@1 | answer sentence | note |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        cells = [
            r["version"],
            r["documents"],
            r["pages"] or "-",
            f"{r['index_s']:.1f}" if "index_s" in r else "-",
            f"{r['hit1']:.3f}" if "hit1" in r else "-",
            f"{r['sentence']:.3f}" if "sentence" in r else "-",
            r.get("note", f"{r.get('skipped', 0)} skipped"),
        ]
        print("| " + " | ".join(str(c) for c in cells) + " |")
    if ocr:
        print(
            f"OCR (rapidocr_onnxruntime, called directly) on {ocr['pages']} page images: "
            f"{ocr['s_a_page']:.2f} s a page (slowest {ocr['s_max']:.2f} s), "
            f"character error rate {ocr['cer']:.3f}"
        )


if __name__ == "__main__":
    main()
