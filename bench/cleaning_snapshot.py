"""Snapshot of clean()'s passages on ordinary documents, to check a change to cleaning
leaves them as they were.

    python -m bench.cleaning_snapshot save before.json
    python -m bench.cleaning_snapshot compare before.json
    python -m bench.cleaning_snapshot seeds tests/fixtures/seeds_passages.json

Reads the seeds and, outside the repository, the CMRC 2018 contexts in
../shared/data (each context alone, and runs of 20 joined by blank lines). `seeds`
writes the seeds' alone: the snapshot tests/passages/test_cleaning.py holds cleaning to (remade,
and the difference read, when cleaning is meant to change).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from index.documents.readers import read_document
from index.passages.cleaning import clean

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"


def seed_documents() -> dict[str, str]:
    return {f"seeds/{f.name}": read_document(f.name, f.read_bytes()) for f in sorted((ROOT / "seeds").iterdir())}


def documents() -> dict[str, str]:
    docs = seed_documents()
    for name in ("cmrc2018_dev.json", "cmrc2018_trial.json"):
        path = SHARED / name
        if not path.exists():
            continue
        contexts = [p["context"] for d in json.loads(path.read_text(encoding="utf-8"))["data"] for p in d["paragraphs"]]
        docs.update({f"{name}#{i}": c for i, c in enumerate(contexts)})
        docs.update({f"{name}#join{i}": "\n\n".join(contexts[i : i + 20]) for i in range(0, len(contexts), 20)})
    return docs


def snapshot(docs: dict[str, str]) -> dict[str, list]:
    return {
        name: [[p.title, p.section, p.text, p.paragraph, p.start, p.end] for p in clean(text, 400, 60)]
        for name, text in docs.items()
    }


def main() -> None:
    command, path = sys.argv[1], Path(sys.argv[2])
    if command == "seeds":
        path.write_text(json.dumps(snapshot(seed_documents()), ensure_ascii=False, indent=0), encoding="utf-8")
        return
    now = snapshot(documents())
    if command == "save":
        path.write_text(json.dumps(now, ensure_ascii=False), encoding="utf-8")
        print(f"{len(now)} documents, {sum(map(len, now.values()))} passages saved")
        return
    before = json.loads(path.read_text(encoding="utf-8"))
    changed = [name for name in before if before[name] != now.get(name)]
    print(f"{len(before)} documents, {len(changed)} changed")
    for name in changed[:20]:
        print(f"--- {name}\n  before: {before[name][:3]}\n  now:    {now.get(name, [])[:3]}")


if __name__ == "__main__":
    main()
