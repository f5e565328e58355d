"""The markdown table of bench/RESULTS.md from bench/out/run-N/result.json files.

.venv/bin/python bench/table.py [bench/out/run-10000/result.json ...]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ROWS = [
    ("text (MB)", "text_mb", "{:.1f}"),
    ("reindex (s)", "reindex_s", "{:.0f}"),
    ("reindex MB/s (2 workers)", "reindex_mb_per_s", "{:.2f}"),
    ("reindex MB per CPU-second", "reindex_mb_per_cpu_s", "{:.2f}"),
    ("database + matrix (MB)", "db_mb", "{:.0f}"),
    ("start-up to first answer (s)", "startup_s", "{:.2f}"),
    ("engine open (s)", "engine_open_s", "{:.2f}"),
    ("**BM25 top-30 p50 (ms)**", "query_p50_ms", "{:.3f}"),
    ("**BM25 top-30 p99 (ms)**", "query_p99_ms", "{:.3f}"),
    ("bm25s p50 (ms)", "bm25s_p50_ms", "{:.3f}"),
    ("bm25s p99 (ms)", "bm25s_p99_ms", "{:.3f}"),
    ("rank-bm25 p50 (ms)", "rank_bm25_p50_ms", "{:.1f}"),
    ("rank-bm25 p99 (ms)", "rank_bm25_p99_ms", "{:.1f}"),
    ("rank-bm25 questions timed", "rank_bm25_questions", "{}"),
    ("× faster than rank-bm25 (p50)", "speedup_vs_rank_bm25", "{:.0f}×"),
    ("× faster than bm25s (p50)", "speedup_vs_bm25s", "{:.2f}×"),
    ("same top-10 as bm25s", "bm25s_top10_agreement", "{:.1%}"),
    ("Engine.ask p50 (ms)", "ask_p50_ms", "{:.2f}"),
    ("Engine.ask p99 (ms)", "ask_p99_ms", "{:.1f}"),
    ("serving peak RSS (MB)", "peak_rss_mb", "{:.0f}"),
    ("  of it file-backed (mmap) (MB)", "rss_file_mb", "{:.0f}"),
    ("bot qps (burst, stub)", "bot_qps", "{:.1f}"),
    ("bot reply p50 (ms, paced)", "bot_p50_ms", "{:.1f}"),
    ("bot reply p99 (ms, paced)", "bot_p99_ms", "{:.1f}"),
    ("bot paced rate (q/s)", "bot_paced_rate", "{:.0f}"),
    ("add one document (s)", "add_one_doc_s", "{:.2f}"),
    ("change one document (s)", "change_one_doc_s", "{:.2f}"),
    ("remove one document (s)", "remove_one_doc_s", "{:.2f}"),
    ("documents re-tokenised (add/change)", None, None),
    ("load average during reindex / serving", None, None),
]


def cell(d: dict, key: str | None, fmt: str | None, label: str) -> str:
    if label.startswith("documents re-tokenised"):
        return f"{d.get('add_docs_tokenised', '–')} / {d.get('change_docs_tokenised', '–')}"
    if label.startswith("load average"):
        r = d.get("reindex_loadavg") or ["–", "–"]
        s = d.get("serve_loadavg")

        def fmt_(x) -> str:
            return f"{x:.1f}" if isinstance(x, (int, float)) else str(x)

        return f"{fmt_(r[0])}→{fmt_(r[1])} / {fmt_(s) if s is not None else '–'}"
    v = d.get(key)
    return "–" if v is None else fmt.format(v)


def main() -> None:
    paths = [Path(p) for p in sys.argv[1:]] or sorted(
        (ROOT / "bench" / "out").glob("run-*/result.json"), key=lambda p: int(p.parent.name.split("-")[1])
    )
    data = [json.loads(p.read_text()) for p in paths]
    print("| passages | " + " | ".join(f"{d['passages']:,}" for d in data) + " |")
    print("|---|" + "---|" * len(data))
    for label, key, fmt in ROWS:
        print(f"| {label} | " + " | ".join(cell(d, key, fmt, label) for d in data) + " |")


if __name__ == "__main__":
    main()
