"""The Xapian shard backend against the local index, on the bench corpus, in one run.

    .venv/bin/python bench/shards.py --passages 100000 --shards 2 [--json]

1. generates (or reuses) the bench corpus of N passages (bench/corpus.py) and indexes it
   into bench/out/shards-N/ (reused when there);
2. builds K shards from it (`Engine.build_shards`, as `python -m bot shards build` does):
   seconds, MB on disk;
3. starts K `xapian-tcpsrv` on free 127.0.0.1 ports (loopback/shard_servers.py);
4. asks every question through both backends, in turn, on the same database: the whole
   `Engine.ask` and the ranking step alone (`top`), p50/p99; `agreement_top5` (share of
   questions with the same top-5 passages), `answers_same` (same outcome and sentence);
5. stops one shard and asks (`shard_down_error`: the question got SearchUnavailable),
   restarts it and asks again (`shard_back_answers`: the answer the local index gives);
6. the servers' resident memory, and (unless --no-incremental) one document added with
   its shards rebuilt by the writer: seconds.

--json prints one JSON line. Everything is written under bench/out/ (git-ignored).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench import corpus as corpus_mod  # noqa: E402
from bench.bench import OUT, dir_bytes, log, pct, rnd, settings_for  # noqa: E402
from loopback.shard_servers import ShardServer, missing  # noqa: E402


def group_rss_mb(server: ShardServer) -> float:
    """Resident memory of a server and the children serving its connections."""
    if server.process is None:
        return 0.0
    pgid = server.process.pid
    rows = subprocess.run(["ps", "-e", "-o", "pgid=,rss="], capture_output=True, text=True).stdout.split("\n")
    return sum(int(r.split()[1]) for r in rows if r.strip() and int(r.split()[0]) == pgid) / 1024


def timed(fn, *args, **kw):
    t = time.perf_counter()
    out = fn(*args, **kw)
    return out, (time.perf_counter() - t) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--passages", type=int, default=100000)
    ap.add_argument("--shards", type=int, default=2)
    ap.add_argument("--json", action="store_true", help="print one JSON line")
    ap.add_argument("--workers", type=int, default=2, help="processes for the reindex and the shard build")
    ap.add_argument("--questions-n", type=int, default=2000)
    ap.add_argument("--timeout", type=float, default=2.0, help="seconds a shard operation may take")
    ap.add_argument("--no-incremental", action="store_true", help="skip the one-document change")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    if why := missing():
        sys.exit(f"cannot run the shard bench: {why}")

    import logging

    from index.answers import answering
    from index.engine import Engine, SearchUnavailable

    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)  # the bench's own stopped shard logs warnings
    n, k = args.passages, args.shards
    manifest = corpus_mod.generate(n, args.out, args.questions_n)
    questions = corpus_mod.load_questions(manifest)
    work = args.out / f"shards-{n}"
    work.mkdir(parents=True, exist_ok=True)
    settings = settings_for(work / "index.db", corpus_mod.corpus_dir(args.out, n), args.workers)
    log(f"index of {n} passages in {work} (built if missing)")
    local = Engine.open(settings)
    res: dict = {"passages": local.stats()["passages"], "shards": k, "questions": len(questions)}

    out = work / f"shards-{k}"
    log(f"building {k} shards")
    built, ms = timed(local.build_shards, k, out)
    res.update(
        build_s=ms / 1000,
        shards_mb=sum(dir_bytes(f) for f in built.folders) / 1e6,
        passages_by_shard=built.passages,
    )
    servers = [ShardServer(out / f"shard-{i}").start() for i in range(k)]
    try:
        on_shards = dataclasses.replace(
            settings, search_backend="xapian", shards=tuple(s.address for s in servers), shard_timeout=args.timeout
        )
        remote = Engine.open(on_shards, build_if_empty=False)
        index = local._current_index()
        for q in questions[:50]:  # warm: models, page cache, connections
            local.ask(q), remote.ask(q)
        t_local, t_remote, top_local, top_remote = [], [], [], []
        same_top5 = same_answer = 0
        log(f"asking {len(questions)} questions through both backends")
        for q in questions:
            a, ms_a = timed(local.ask, q, top_k=5)
            b, ms_b = timed(remote.ask, q, top_k=5)
            t_local.append(ms_a)
            t_remote.append(ms_b)
            same_top5 += [h.id for h in a.passages] == [h.id for h in b.passages]
            same_answer += (a.outcome, a.sentence) == (b.outcome, b.sentence)
            terms = answering.analyze(q).terms
            top_local.append(timed(index.top, terms, settings.candidates)[1])
            top_remote.append(timed(remote._shards.top, terms, settings.candidates)[1])
        res.update(
            agreement_top5=same_top5 / len(questions),
            answers_same=same_answer / len(questions),
            local_p50_ms=pct(t_local, 50),
            shards_p50_ms=pct(t_remote, 50),
            local_p99_ms=pct(t_local, 99),
            shards_p99_ms=pct(t_remote, 99),
            top_local_p50_ms=pct(top_local, 50),
            top_shards_p50_ms=pct(top_remote, 50),
            top_local_p99_ms=pct(top_local, 99),
            top_shards_p99_ms=pct(top_remote, 99),
            server_rss_mb=[round(group_rss_mb(s), 1) for s in servers],
        )
        log("one shard stopped, then restarted")
        q = questions[0]
        expected = local.ask(q).to_json()
        servers[-1].stop()
        try:
            remote.ask(q)
            res["shard_down_error"] = False
        except SearchUnavailable:
            res["shard_down_error"] = True
        servers[-1].start()
        res["shard_back_answers"] = remote.ask(q).to_json() == expected
        if not args.no_incremental:
            log("one document added and removed, the shards rebuilt by the writer each time")
            writer = Engine.open(dataclasses.replace(on_shards, shards_dir=out), build_if_empty=False)
            text = "青松岭村办了养蜂合作社。\n\n目前，青松岭村的养蜂合作社共有蜜蜂1260箱，带动全村增收。\n"
            try:
                _, ms = timed(writer.add_document, "bench-shards-extra.txt", text.encode("utf-8"))
                res["add_with_shards_s"] = ms / 1000
                found = remote.ask("青松岭村的养蜂合作社有多少箱蜜蜂？")
                res["added_found_on_shards"] = bool(found.sentence and "1260箱" in found.sentence)
            finally:  # the bench corpus stays as generated
                _, ms = timed(writer.remove_document, "bench-shards-extra.txt")
            res["remove_with_shards_s"] = ms / 1000
    finally:
        for s in servers:
            s.stop()
    ordered = {key: (rnd(v, 4) if isinstance(v, float) else v) for key, v in res.items()}
    (work / f"result-shards-{k}.json").write_text(json.dumps(ordered, ensure_ascii=False, indent=1))
    if args.json:
        print(json.dumps(ordered, ensure_ascii=False))
    else:
        for key, v in ordered.items():
            print(f"{key:24} {v}")


if __name__ == "__main__":
    main()
