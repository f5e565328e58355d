"""Where a reindex worker's CPU goes, a MB of text: each stage timed on its own, in one
process, over the first documents of a benchmark corpus (best of three, CPU seconds), with
the terms of the next `--warm` documents already numbered, as in a worker mid-reindex.

    .venv/bin/python bench/worker_profile.py [bench/out/corpus-100000] [--docs 300]
"""

from __future__ import annotations

import argparse
import copy
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))


def best(fn, setup=lambda: None, runs: int = 3) -> float:
    out = float("inf")
    for _ in range(runs):
        arg = setup()
        t = time.process_time()
        fn(arg)
        out = min(out, time.process_time() - t)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?", default=str(ROOT / "bench" / "out" / "corpus-100000"))
    ap.add_argument("--docs", type=int, default=300)
    ap.add_argument(
        "--warm",
        type=int,
        default=1500,
        help="documents numbered first, as a worker has numbered many before (default 1500)",
    )
    args = ap.parse_args()

    import rjieba

    from index.documents.readers import read_document
    from index.normalize import fold
    from index.passages.cleaning import clean
    from index.passages.tokenizer import SEP, tokenize_many
    from index.search import processing
    from index.search.termcounts import Coder

    every = sorted(Path(args.corpus).glob("*.txt"))
    files = every[: args.docs]
    warmed = Coder()  # a worker's numbering after the documents before these
    for f in every[args.docs : args.docs + args.warm]:
        processing.process_document(f.name, f.read_bytes(), 400, 60, warmed)
    data = [(f.name, f.read_bytes()) for f in files]
    mb = sum(len(d) for _, d in data) / 1e6
    texts = [read_document(n, d) for n, d in data]
    documents = [clean(t, 400, 60) for t in texts]
    made = [processing.passage_texts(doc) for doc in documents]  # as process_document makes them
    joined = [fold(SEP.join(d)) for d, _ in made]
    tokenised = [tokenize_many(d) for d, _ in made]

    def count_all(coder) -> None:
        for (words, pairs), (_, made_of) in zip(tokenised, made):
            coder.count(words, pairs, made_of)

    def whole(coder) -> None:  # one numbering for all, as in a worker
        for n, d in data:
            processing.process_document(n, d, 400, 60, coder)

    rows = [
        ("whole process_document", best(whole, lambda: copy.deepcopy(warmed))),
        ("read (decode, checks)", best(lambda _: [read_document(n, d) for n, d in data])),
        ("clean (passages, titles)", best(lambda _: [clean(t, 400, 60) for t in texts])),
        ("normalize (NFKC, opencc)", best(lambda _: [fold(SEP.join(d)) for d, _ in made])),
        ("rjieba.cut alone", best(lambda _: [rjieba.cut(j) for j in joined])),
        ("tokenize_many (normalize, numbers, cut, filter, pairs)", best(lambda _: [tokenize_many(d) for d, _ in made])),
        ("count and number a document's terms", best(count_all, lambda: copy.deepcopy(warmed))),
    ]
    print(f"{len(files)} documents, {mb:.1f} MB, {sum(len(d) for d, _ in made)} distinct sentences and headings")
    print("| stage | CPU s a MB | share of process_document |")
    print("|---|---|---|")
    whole = rows[0][1]
    for label, sec in rows:
        print(f"| {label} | {sec / mb:.3f} | {sec / whole:.0%} |")


if __name__ == "__main__":
    main()
