"""Speed and scale of the answer engine, side by side with rank-bm25 and bm25s, in one run.

    .venv/bin/python bench/bench.py --passages 100000 [--json] [--workers 2]

1. generates (or reuses) the deterministic corpus of N passages (bench/corpus.py);
2. reindexes it from scratch into bench/out/run-N/ with the project's engine: seconds,
   MB of text a second, database size (SQLite file + the BM25 generation directory);
3. starts a cold serving process on the stored index (a subprocess): seconds to the
   engine being open and to the first answer; then, in that process, the latency of the
   project's ranking step (Bm25Index.top, the BM25 top-k the engine asks for) and of the
   whole Engine.ask, p50/p99 over >= 1,000 questions; its peak resident memory (VmHWM);
4. in another subprocess, the same questions' tokens against the same passages' tokens
   through rank-bm25's BM25Okapi.get_scores and through bm25s (its own index built from
   the same tokens), p50/p99 and ratios; rank-bm25 gets a time budget (--peer-budget-s)
   and runs fewer questions when a full pass would not fit in it, which it says;
5. end to end through the bot's handler against the loopback Bot API stub of the
   end-to-end tests (loopback/), when it is there;
6. incremental: one document added, changed and removed in the N-passage index: seconds
   each, and how many documents / sentences were tokenised (must be that document's).

--json prints one object (the keys of issue 4 and a few more); without it, a table.
Everything is written under bench/out/ (git-ignored).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench import corpus as corpus_mod  # noqa: E402

OUT = ROOT / "bench" / "out"


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    i = min(len(s) - 1, max(0, int(round(q / 100 * (len(s) - 1)))))
    return s[i]


def rnd(x, n=3):
    return None if x is None else round(x, n)


def dir_bytes(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def proc_status() -> dict[str, float]:
    """VmHWM (peak), VmRSS, RssAnon, RssFile of this process, in MB."""
    out = {}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            key, _, val = line.partition(":")
            if key in ("VmHWM", "VmRSS", "RssAnon", "RssFile"):
                out[key] = int(val.split()[0]) / 1024
    except OSError:
        pass
    return out


def settings_for(db: Path, corpus: Path, workers: int):
    """The bot's own settings (config.toml) on the bench's corpus and database."""
    from bot import config

    settings = config.load(corpus=str(corpus), db=str(db)).index
    settings.workers = workers
    return settings


# ---- 2. reindex -----------------------------------------------------------------------


def run_reindex(settings, total_bytes: int) -> dict:
    from tqdm import tqdm

    from index.engine import Engine

    bar = tqdm(unit="doc", desc="reindex", file=sys.stderr, mininterval=2)
    came_back = []  # when the first and the last document came back from the workers

    def progress(done, total):
        bar.total = total
        bar.n = done
        bar.refresh() if done == total or done % 200 == 0 else None
        if done in (1, total):
            came_back.append(time.perf_counter())

    import resource

    def cpu(who):
        usage = resource.getrusage(who)
        return usage.ru_utime + usage.ru_stime

    engine = Engine(settings)
    load0 = os.getloadavg()[0]
    main0, workers0 = cpu(resource.RUSAGE_SELF), cpu(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    summary = engine.reindex(progress=progress)
    end = time.perf_counter()
    seconds = end - t0
    main_s, workers_s = cpu(resource.RUSAGE_SELF) - main0, cpu(resource.RUSAGE_CHILDREN) - workers0
    cpu_s = main_s + workers_s
    bar.close()
    db = settings.db_path
    size = sum(dir_bytes(p) for p in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + ".index")))
    return {
        "reindex_s": seconds,
        "reindex_mb_per_s": total_bytes / 1e6 / seconds,
        "db_mb": size / 1e6,
        "documents": summary.documents,
        "indexed_passages": summary.passages,
        "skipped": len(summary.skipped),
        "reindex_cpu_s": cpu_s,
        "reindex_mb_per_cpu_s": total_bytes / 1e6 / cpu_s if cpu_s else None,
        "reindex_loadavg": [load0, os.getloadavg()[0]],
        "reindex_cpu_main_s": main_s,
        "reindex_cpu_workers_s": workers_s,
        # before the first document is back (workers starting), after the last (the matrix, saving, commit)
        "reindex_first_doc_s": came_back[0] - t0 if came_back else None,
        "reindex_after_last_doc_s": end - came_back[-1] if came_back else None,
    }


# ---- 3. the serving process -------------------------------------------------------------


def serve_child(args) -> None:
    """Runs in a fresh interpreter: open the stored index, answer, time, report."""
    t_start = float(os.environ["BENCH_T0"])
    from index.engine import Engine

    settings = settings_for(Path(args.db), Path(args.corpus), 2)
    engine = Engine.open(settings, build_if_empty=False)
    t_open = time.time() - t_start
    questions = json.loads(Path(args.questions).read_text())
    engine.ask("雨花区有多少红色之家？")  # the first answer loads jieba's dictionary
    t_ready = time.time() - t_start
    print("READY", flush=True)
    status_ready = proc_status()

    from index.answers import answering

    ask_ms = []
    found = 0
    for q in questions:  # each question once, first: the engine's caches start cold, as in use
        t = time.perf_counter()
        a = engine.ask(q)
        ask_ms.append((time.perf_counter() - t) * 1000)
        found += a.found
    index = engine._current_index()
    k = settings.candidates
    toks = [answering.analyze(q[:500]).terms for q in questions]  # what ask gives Bm25Index.top
    known = [[t for t in ts if index.known(t)] for ts in toks]
    usable = [i for i, ts in enumerate(known) if ts]
    for i in usable:  # warm pass
        index.top(toks[i], k)
    top_ms = []
    for i in usable:
        t = time.perf_counter()
        index.top(toks[i], k)
        top_ms.append((time.perf_counter() - t) * 1000)
    top_ids = [[pid for pid, _ in index.top(toks[i], 10)] for i in usable[:300]]
    gc.collect()
    status = proc_status()
    result = {
        "serve_loadavg": os.getloadavg()[0],
        "engine_open_s": t_open,
        "startup_s": t_ready,
        "questions": len(questions),
        "ranked_questions": len(usable),
        "query_p50_ms": pct(top_ms, 50),
        "query_p99_ms": pct(top_ms, 99),
        "query_mean_ms": statistics.fmean(top_ms),
        "ask_p50_ms": pct(ask_ms, 50),
        "ask_p99_ms": pct(ask_ms, 99),
        "ask_mean_ms": statistics.fmean(ask_ms),
        "answered_share": found / len(questions),
        "peak_rss_mb": status.get("VmHWM"),
        "rss_mb": status.get("VmRSS"),
        "rss_anon_mb": status.get("RssAnon"),
        "rss_file_mb": status.get("RssFile"),
        "rss_at_ready_mb": status_ready.get("VmRSS"),
    }
    Path(args.result).write_text(json.dumps(result))
    Path(args.tokens_out).write_text(
        json.dumps(
            {"tokens": [known[i] for i in usable], "raw_tokens": [toks[i] for i in usable], "top_ids": top_ids},
            ensure_ascii=False,
        )
    )
    print("DONE", flush=True)


def run_serve(db: Path, corpus: Path, questions_file: Path, work: Path) -> dict:
    result, tokens = work / "serve.json", work / "tokens.json"
    env = dict(os.environ, BENCH_T0=repr(time.time()), PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--_serve",
            "--db",
            str(db),
            "--corpus",
            str(corpus),
            "--questions",
            str(questions_file),
            "--result",
            str(result),
            "--tokens-out",
            str(tokens),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=str(ROOT),
    )
    lines = [line.strip() for line in proc.stdout]
    if proc.wait() != 0 or "DONE" not in lines:
        raise SystemExit(f"serving process failed: {lines}")
    return json.loads(result.read_text())


# ---- 4. the peers -----------------------------------------------------------------------


def peers_child(args) -> None:
    import numpy as np

    from index.search import processing, store

    budget = args.peer_budget_s
    data = json.loads(Path(args.tokens_in).read_text())
    queries, our_top = data["tokens"], data["top_ids"]
    db = store.connect(args.db)
    small = args.peer_max_passages >= store.counts(db)["passages"]
    ids, docs, vocab = [], [], {}
    if small:  # rank-bm25 and bm25s's builder want Python lists of strings: GBs at 1M
        for pid, terms in processing.stored_terms(store.iter_passage_tokens(db)):  # what the project's matrix counts
            ids.append(pid)
            docs.append([vocab.setdefault(t, t) for t in terms.split()])  # one str object a term
    else:
        ids = np.load(
            Path(args.db).with_name(Path(args.db).name + ".index")
            / f"gen-{store.get_meta(db, 'generation')}"
            / "passage_ids.npy"
        )
    ids = np.asarray(ids)
    k, out = (
        30,
        {
            "peers_note": ""
            if small
            else f"over {args.peer_max_passages} passages: rank-bm25 skipped (a Python dict a passage: tens of GB, "
            "and over 1 s a question); bm25s answers from the project's saved generation, which is "
            "in bm25s's file layout (bm25s.BM25.load), instead of building its own from Python lists"
        },
    )

    def topk(scores):
        kk = min(k, scores.size)
        idx = np.argpartition(-scores, kk - 1)[:kk]
        return idx[np.argsort(-scores[idx], kind="stable")]

    # bm25s, its own index from the same tokens (lucene BM25, the engine's k1 and b)
    import bm25s

    from bot import config

    k1, b = config.load().index.k1, config.load().index.b
    t = time.perf_counter()
    if small:
        retriever = bm25s.BM25(k1=k1, b=b, method="lucene")
        retriever.index(docs, show_progress=False)
        out["bm25s_build_s"] = time.perf_counter() - t
    else:
        gen = Path(args.db).with_name(Path(args.db).name + ".index") / f"gen-{store.get_meta(db, 'generation')}"
        # The project stores its weights in 16-bit steps; bm25s gets them back as the
        # float32 weights its own builder makes (the other files are bm25s's as they are).
        theirs = Path(args.tokens_in).with_name("bm25s-gen")
        shutil.rmtree(theirs, ignore_errors=True)
        theirs.mkdir()
        for f in gen.iterdir():
            if f.name != "data.csc.index.npy":
                (theirs / f.name).symlink_to(f.resolve())
        scale = json.loads((gen / "complete.json").read_text()).get("weight_scale", 1.0)
        steps = np.load(gen / "data.csc.index.npy", mmap_mode="r")
        np.save(theirs / "data.csc.index.npy", steps.astype(np.float32) * np.float32(scale))
        del steps
        out["bm25s_note"] = "bm25s loads the project's generation with its weights as float32"
        t = time.perf_counter()
        retriever = bm25s.BM25.load(str(theirs), mmap=True, show_progress=False, verbosity=0)
        out["bm25s_load_s"] = time.perf_counter() - t
    for q in queries:  # warm
        topk(retriever.get_scores(q))
    ms, ms_scores = [], []
    agree = []
    for i, q in enumerate(queries):
        t = time.perf_counter()
        s = retriever.get_scores(q)
        t1 = time.perf_counter()
        top = topk(s)
        t2 = time.perf_counter()
        ms.append((t2 - t) * 1000)
        ms_scores.append((t1 - t) * 1000)
        if i < len(our_top):
            theirs = [int(ids[j]) for j in top[:10] if s[j] > 0]
            ours = our_top[i]
            agree.append(len(set(ours) & set(theirs)) / max(1, len(ours)))
    out.update(
        bm25s_p50_ms=pct(ms, 50),
        bm25s_p99_ms=pct(ms, 99),
        bm25s_get_scores_p50_ms=pct(ms_scores, 50),
        bm25s_top10_agreement=statistics.fmean(agree) if agree else None,
    )
    del retriever
    gc.collect()
    if not small:
        Path(args.result).write_text(json.dumps(out))
        return

    # rank-bm25 (a Python loop over every passage per query term)
    from rank_bm25 import BM25Okapi

    t = time.perf_counter()
    okapi = BM25Okapi(docs, k1=k1, b=b)
    out["rank_bm25_build_s"] = time.perf_counter() - t
    probe = []
    for q in queries[:3]:
        t = time.perf_counter()
        topk(okapi.get_scores(q))
        probe.append(time.perf_counter() - t)
    per_q = max(statistics.fmean(probe), 1e-6)
    n = min(len(queries), max(20, int(budget / per_q)))
    step = max(1, len(queries) // n)
    sample = queries[::step][:n]
    ms = []
    for q in sample:
        t = time.perf_counter()
        topk(okapi.get_scores(q))
        ms.append((time.perf_counter() - t) * 1000)
    out.update(
        rank_bm25_p50_ms=pct(ms, 50),
        rank_bm25_p99_ms=pct(ms, 99),
        rank_bm25_questions=len(sample),
        rank_bm25_full_pass_estimate_s=per_q * len(queries),
    )
    Path(args.result).write_text(json.dumps(out))


def run_peers(db: Path, work: Path, budget: float, max_passages: int) -> dict:
    result = work / "peers.json"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    subprocess.run(
        [
            sys.executable,
            __file__,
            "--_peers",
            "--db",
            str(db),
            "--tokens-in",
            str(work / "tokens.json"),
            "--result",
            str(result),
            "--peer-budget-s",
            str(budget),
            "--peer-max-passages",
            str(max_passages),
        ],
        check=True,
        env=env,
        cwd=str(ROOT),
    )
    return json.loads(result.read_text())


# ---- 5. the bot, end to end -------------------------------------------------------------


def run_bot(db: Path, corpus: Path, questions: list[str], work: Path) -> dict:
    """Questions through the bot's handler against the loopback Bot API stub."""
    stub = ROOT / "loopback" / "measure.py"
    app = ROOT / "bot" / "telegram_app.py"
    if not (stub.is_file() and app.is_file()):
        return {
            "bot_p50_ms": None,
            "bot_qps": None,
            "bot_note": "loopback/measure.py or bot/telegram_app.py not there yet",
        }
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = work / "bot.json"
    qfile = work / "bot_questions.json"
    qfile.write_text(json.dumps(questions, ensure_ascii=False))
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "bot_e2e.py"),
            "--db",
            str(db),
            "--corpus",
            str(corpus),
            "--questions",
            str(qfile),
            "--result",
            str(result),
        ],
        env=env,
        cwd=str(ROOT),
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if proc.returncode != 0 or not result.is_file():
        return {"bot_p50_ms": None, "bot_qps": None, "bot_note": f"bot run failed: {proc.stderr[-600:]}"}
    return json.loads(result.read_text())


# ---- 6. incremental ---------------------------------------------------------------------


def run_incremental(settings) -> dict:
    import index.search.processing as processing
    from index.engine import Engine

    engine = Engine.open(settings, build_if_empty=False)
    gen = corpus_mod.Generator(*corpus_mod.load_pool()[:2], seed=corpus_mod.SEED + 7)
    text, _ = gen.document(corpus_mod.PASSAGES_PER_DOC)
    name = "zz-bench-incremental.txt"
    path = settings.corpus_dir / name
    calls = {"tokenize": 0, "documents": 0}
    real_tok, real_proc = processing.tokenize_many, processing.process_document

    def counting_tokenize(texts):
        calls["tokenize"] += len(texts)
        return real_tok(texts)

    def counting_process(*a, **kw):
        calls["documents"] += 1
        return real_proc(*a, **kw)

    processing.tokenize_many = counting_tokenize
    processing.process_document = counting_process
    out = {}
    try:
        for step, action in (
            ("add", lambda: path.write_text(text, encoding="utf-8")),
            (
                "change",
                lambda: path.write_text(text + "\n\n新增的一段文字，用来检验只重做这一篇文档。\n", encoding="utf-8"),
            ),
            ("remove", lambda: path.unlink()),
        ):
            action()
            calls.update(tokenize=0, documents=0)
            t = time.perf_counter()
            s = engine.reindex()
            out[f"{step}_one_doc_s"] = time.perf_counter() - t
            out[f"{step}_docs_tokenised"] = calls["documents"]
            out[f"{step}_sentences_tokenised"] = calls["tokenize"]
            out[f"{step}_summary"] = {"added": s.added, "changed": s.changed, "removed": s.removed}
        # the answer for a sentence of the new document, before it was removed, is checked
        # by the engine's tests; here only the cost is measured.
    finally:
        processing.tokenize_many = real_tok
        processing.process_document = real_proc
        if path.exists():
            path.unlink()
    return out


# ---- the run ----------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--passages", type=int, default=10000)
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--workers", type=int, default=2, help="tokenising processes for the reindex")
    ap.add_argument("--questions-n", type=int, default=2000, help="questions generated (>= 1000)")
    ap.add_argument("--peer-budget-s", type=float, default=300, help="time rank-bm25's queries may take")
    ap.add_argument(
        "--peer-max-passages",
        type=int,
        default=200_000,
        help="above this, rank-bm25 is skipped and bm25s loads the saved matrix",
    )
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--no-incremental", action="store_true")
    ap.add_argument("--no-bot", action="store_true")
    ap.add_argument("--reuse-index", action="store_true", help="keep bench/out/run-N's index (no reindex timing)")
    ap.add_argument("--out", type=Path, default=OUT)
    # roles of the child processes
    ap.add_argument("--_serve", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--_peers", action="store_true", help=argparse.SUPPRESS)
    for a in ("--db", "--corpus", "--questions", "--result", "--tokens-out", "--tokens-in"):
        ap.add_argument(a, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._serve:
        return serve_child(args)
    if args._peers:
        return peers_child(args)

    import logging

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    n = args.passages
    res: dict = {"passages": n}
    t = time.perf_counter()
    manifest = corpus_mod.generate(n, args.out, args.questions_n)
    log(
        f"corpus of {n} passages, {manifest['documents']} documents, {manifest['bytes'] / 1e6:.1f} MB "
        f"({time.perf_counter() - t:.1f} s)"
    )
    corpus = corpus_mod.corpus_dir(args.out, n)
    questions_file = Path(manifest["questions_file"])
    work = args.out / f"run-{n}"
    db = work / "index.db"
    settings = settings_for(db, corpus, args.workers)
    if not (args.reuse_index and db.exists()):
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        log("reindex from scratch")
        res.update(run_reindex(settings, manifest["bytes"]))
        log(f"reindex {res['reindex_s']:.1f} s, {res['reindex_mb_per_s']:.2f} MB/s, {res['indexed_passages']} passages")
    else:
        res.update(
            reindex_s=None,
            reindex_mb_per_s=None,
            db_mb=sum(dir_bytes(p) for p in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + ".index")))
            / 1e6,
        )
    res["text_mb"] = manifest["bytes"] / 1e6
    gc.collect()

    log("serving process: start-up, ranking and ask latency")
    res.update(run_serve(db, corpus, questions_file, work))
    log(f"start-up {res['startup_s']:.2f} s, top p50 {res['query_p50_ms']:.3f} ms, ask p50 {res['ask_p50_ms']:.2f} ms")
    if not args.no_peers:
        log("peers: bm25s and rank-bm25 on the same tokens")
        res.update(run_peers(db, work, args.peer_budget_s, args.peer_max_passages))
        if res.get("rank_bm25_p50_ms") and res["query_p50_ms"]:
            res["speedup_vs_rank_bm25"] = res["rank_bm25_p50_ms"] / res["query_p50_ms"]
        if res.get("bm25s_p50_ms") and res["query_p50_ms"]:
            res["speedup_vs_bm25s"] = res["bm25s_p50_ms"] / res["query_p50_ms"]
    else:
        res.update(rank_bm25_p50_ms=None, bm25s_p50_ms=None)
    if not args.no_bot:
        log("bot end to end")
        res.update(run_bot(db, corpus, corpus_mod.load_questions(manifest)[:1000], work))
    else:
        res.update(bot_p50_ms=None, bot_qps=None)
    if not args.no_incremental:
        log("incremental: one document added, changed, removed")
        res.update(run_incremental(settings))

    keys = [
        "passages",
        "reindex_s",
        "reindex_mb_per_s",
        "db_mb",
        "startup_s",
        "query_p50_ms",
        "query_p99_ms",
        "rank_bm25_p50_ms",
        "bm25s_p50_ms",
        "peak_rss_mb",
        "bot_p50_ms",
        "bot_qps",
    ]
    ordered = {k: rnd(res.get(k), 4) if isinstance(res.get(k), float) else res.get(k) for k in keys}
    ordered.update({k: (rnd(v, 4) if isinstance(v, float) else v) for k, v in res.items() if k not in ordered})
    (work / "result.json").write_text(json.dumps(ordered, ensure_ascii=False, indent=1))
    if args.json:
        print(json.dumps(ordered, ensure_ascii=False))
    else:
        for k, v in ordered.items():
            print(f"{k:32} {v}")


if __name__ == "__main__":
    main()
