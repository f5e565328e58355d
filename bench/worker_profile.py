"""Where a reindex worker's CPU goes, a MB of text: each stage timed on its own, in one
process, over the first documents of a benchmark corpus (best of three, CPU seconds).

    .venv/bin/python bench/worker_profile.py [bench/out/corpus-100000] [--docs 300]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))


def best(fn, runs: int = 3) -> float:
    out = float("inf")
    for _ in range(runs):
        t = time.process_time()
        fn()
        out = min(out, time.process_time() - t)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?", default=str(ROOT / "bench" / "out" / "corpus-100000"))
    ap.add_argument("--docs", type=int, default=300)
    args = ap.parse_args()

    import rjieba

    from index import processing
    from index.cleaning import clean
    from index.normalize import normalize
    from index.readers import read_document
    from index.termcounts import Coder
    from index.tokenizer import char_bigrams, index_terms, tokenize

    files = sorted(Path(args.corpus).glob("*.txt"))[: args.docs]
    data = [(f.name, f.read_bytes()) for f in files]
    mb = sum(len(d) for _, d in data) / 1e6
    texts = [read_document(n, d) for n, d in data]
    documents = [list(clean(t, 400, 60)) for t in texts]
    passages = [p for doc in documents for p in doc]
    sentences = [s for p in passages for s in p.sentences] + [p.heading for p in passages]
    normed = [normalize(s) for s in sentences]
    counted = [[[t for s in p.sentences for t in index_terms(s)] for p in doc] for doc in documents]

    def count_all() -> None:
        coder = Coder()  # one a worker, as in a reindex
        for doc in counted:
            coder.count(doc)

    def cold(fn):
        def run():
            normalize.cache_clear()
            fn()
        return run

    rows = [
        ("whole process_document", best(lambda: [processing.process_document(n, d, 400, 60, Coder()) for n, d in data])),
        ("read (decode, checks)", best(lambda: [read_document(n, d) for n, d in data])),
        ("clean (passages, titles)", best(lambda: [list(clean(t, 400, 60)) for t in texts])),
        ("normalize (NFKC, opencc)", best(cold(lambda: [normalize(s) for s in sentences]))),
        ("rjieba.cut alone", best(lambda: [rjieba.cut(s) for s in normed])),
        ("tokenize (normalize, cut, numbers, filter)", best(cold(lambda: [tokenize(s) for s in sentences]))),
        ("character pairs (and their normalize)", best(cold(lambda: [char_bigrams(s) for s in sentences]))),
        ("count and number a document's terms", best(count_all)),
    ]
    print(f"{len(files)} documents, {mb:.1f} MB, {len(sentences)} sentences and headings")
    print("| stage | CPU s a MB | share of process_document |")
    print("|---|---|---|")
    whole = rows[0][1]
    for label, sec in rows:
        print(f"| {label} | {sec / mb:.3f} | {sec / whole:.0%} |")


if __name__ == "__main__":
    main()
