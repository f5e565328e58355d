"""Throughput of cleaning on ordinary text and on the shapes that used to make it
quadratic, side by side in one run, and the memory each takes.

    .venv/bin/python -m bench.cleaning [--mb 1] [--big-mb 10] [--shapes a,b]

Each case runs in a fresh process (its peak resident memory is its own): clean() on the
text, then process_document() on its bytes as a .txt (reading, cleaning, tokenising,
counting). Prints a markdown table; "x ordinary" is process_document's time against the
ordinary text of the same size. The issue's targets: every shape within 4x ordinary, and
no input under 20 MB over 1.5 GB.
"""

from __future__ import annotations

import argparse
import multiprocessing
import re
import resource
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _repeat(unit: str, size: int) -> str:
    """`unit` repeated to about `size` bytes of UTF-8."""
    return unit * max(1, size // len(unit.encode("utf-8")))


def _numbered(line, size: int) -> str:
    """Lines line(0), line(1), ... to about `size` bytes of UTF-8."""
    lines, total, i = [], 0, 0
    while total < size:
        lines.append(line(i) + "\n")
        total += len(lines[-1].encode("utf-8"))
        i += 1
    return "".join(lines)


def ordinary(size: int) -> str:
    """The seeds (newspaper pages) over and over, each copy's sentences numbered: a
    repeated sentence would be tokenised once, and make ordinary text look fast."""
    seeds = "\n\n".join(f.read_text(encoding="utf-8") for f in sorted((ROOT / "seeds").iterdir())) + "\n\n"
    copies = max(1, size // len(seeds.encode("utf-8")))
    return "".join(seeds.replace("。", f"{r}。") for r in range(copies))


_WORDS = "社区 服务 居民 党建 治理 工作 项目 长沙 雨花 街道 老人 志愿 活动 中心 发展".split()


def _word(i: int) -> str:
    return _WORDS[i * 7 % len(_WORDS)] + _WORDS[i * 11 % len(_WORDS)]


# Each shape: size in bytes -> text of about that size.
SHAPES = {
    "ordinary": ordinary,
    # A list or a table taken from a PDF: one short item a line.
    "short lines": lambda size: _numbered(lambda i: f"{_word(i)}{i % 97}号", size),
    "ab0..ab9 lines": lambda size: _numbered(lambda i: f"ab{i % 10}", size),
    "no punctuation": lambda size: _numbered(lambda i: "".join(_word(i + k) for k in range(10)), size),
    "unmatched “": lambda size: _repeat("“", size),
    "“ a line": lambda size: _repeat("“社区\n", size),
    "one character": lambda size: _repeat("啊", size),
    "a heading a line": lambda size: _numbered(lambda i: f"第{i % 9 + 1}章 {_word(i)}", size),
    "deep numbering": lambda size: _numbered(
        lambda i: f"（{'一二三四五'[i % 5]}）{i % 9 + 1}.（{i % 7 + 1}）①{_word(i)}", size
    ),
    "table rows": lambda size: _numbered(lambda i: f"{_word(i)}\t{i}\t{i * 7 % 100}.5\t{_word(i + 1)}", size),
    "one giant line": lambda size: _repeat("社区居民，党建引领治理，" + _word(3) + "、", size),
}
BIG = "Chinese, no punctuation"  # the 10 MB case: one long unbroken run of words


def big_text(size: int) -> str:
    """Ordinary text with its punctuation and line breaks taken out: one run of words."""
    return re.sub(r"[^\w]", "", ordinary(size * 5 // 4))[: size // 3]  # 3 bytes a character


def measure(shape: str, size: int) -> dict:
    """Run in a fresh process: seconds of clean() and process_document(), peak memory."""
    from index.documents.unreadable import UnreadableDocument
    from index.passages.cleaning import clean
    from index.search.processing import process_document

    text = big_text(size) if shape == BIG else SHAPES[shape](size)
    data = text.encode("utf-8")
    t = time.perf_counter()
    passages = clean(text, 400, 60)
    clean_s = time.perf_counter() - t
    t = time.perf_counter()
    try:
        process_document("case.txt", data, 400, 60)
        refused = ""
    except UnreadableDocument as exc:
        refused = str(exc)
    process_s = time.perf_counter() - t
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
    return dict(
        shape=shape,
        mb=len(data) / 2**20,
        clean_s=clean_s,
        process_s=process_s,
        passages=len(passages),
        refused=refused,
        peak_mb=peak_mb,
    )


def in_fresh_process(shape: str, size: int) -> dict:
    with multiprocessing.get_context("spawn").Pool(1, maxtasksperchild=1) as pool:
        return pool.apply(measure, (shape, size))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=1.0, help="size of each shape's text")
    ap.add_argument("--big-mb", type=float, default=10.0, help="size of the unpunctuated Chinese case (0: skip)")
    ap.add_argument("--shapes", default="", help="comma-separated shapes to run (default all)")
    args = ap.parse_args()
    size = int(args.mb * 2**20)
    shapes = [s for s in args.shapes.split(",") if s] or list(SHAPES)
    rows = [in_fresh_process(s, size) for s in ["ordinary", *[s for s in shapes if s != "ordinary"]]]
    if args.big_mb:
        rows.append(in_fresh_process(BIG, int(args.big_mb * 2**20)))
    base = rows[0]["process_s"] / rows[0]["mb"]
    print("| shape | MB | clean s | clean MB/s | process_document s | MB/s | x ordinary | passages | peak MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        note = " (refused)" if r["refused"] else ""
        print(
            f"| {r['shape']} | {r['mb']:.2f} | {r['clean_s']:.2f} | {r['mb'] / r['clean_s']:.2f} "
            f"| {r['process_s']:.2f} | {r['mb'] / r['process_s']:.2f} | {r['process_s'] / r['mb'] / base:.1f} "
            f"| {r['passages']}{note} | {r['peak_mb']:.0f} |"
        )


if __name__ == "__main__":
    main()
