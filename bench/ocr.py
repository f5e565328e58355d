"""OCR of the test images, measured: seconds an image (the engine already loaded), and
every line the recogniser returns with its score, kept or dropped by index.documents.ocr.MIN_SCORE
(what the threshold is chosen on).

    .venv/bin/python bench/ocr.py [--runs 3] [IMAGE...]   # default: tests/fixtures/ocr/*
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.documents import ocr  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("images", nargs="*", type=Path)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    images = args.images or sorted((ROOT / "tests" / "fixtures" / "ocr").iterdir())
    t0 = time.perf_counter()
    engine = ocr.engine()
    print(f"engine loaded in {time.perf_counter() - t0:.2f} s")
    for path in images:
        image = ocr.open_image(path.read_bytes())
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            result, _ = engine(image, text_score=0.0)  # every line, to see what the threshold drops
            times.append(time.perf_counter() - t0)
        print(
            f"{path.name}: {image.width}x{image.height}, {statistics.median(times):.2f} s "
            f"(median of {args.runs}; min {min(times):.2f})"
        )
        for _, text, score in result or []:
            kept = "kept   " if float(score) >= ocr.MIN_SCORE else "dropped"
            print(f"  {kept} {float(score):.3f} {text}")


if __name__ == "__main__":
    main()
