"""What the meaning model costs: Engine.ask with it and without it, start-up, memory, and
how fast sentences are embedded (what embedding at reindex would add).

    .venv/bin/python bench/meaning_cost.py --passages 100000 [--questions 300] [--json]

Uses bench.py's corpus and index (bench/out/run-N, made by `bench/bench.py --passages N`
or here when missing). Each mode runs in a fresh process on the same questions:
- words: BOT_MEANING=0, the lexical model;
- meaning, cold: an empty vector cache, so every sentence a question reads is embedded
  then (a corpus just added);
- meaning, warm: the same questions asked again (each a new text: a space added), every
  sentence read already kept (a corpus embedded ahead by `python -m bot embed`, or asked
  about before).
Then the embedding rate on 2,000 of the corpus's sentences, and what it makes of a
reindex of N passages and of a 1 MB document.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench import corpus as corpus_mod  # noqa: E402
from bench.bench import OUT, log, pct, proc_status, run_reindex, settings_for  # noqa: E402


def child(args) -> None:
    """In a fresh interpreter: open, answer every question (twice with meaning), report."""
    t0 = float(os.environ["BENCH_T0"])
    from index.engine import Engine

    engine = Engine.open(settings_for(Path(args.db), Path(args.corpus), 2), build_if_empty=False)
    engine.warm_up()
    result = {"startup_s": time.time() - t0, "reads_meaning": engine.reads_meaning}
    questions = json.loads(Path(args.questions_file).read_text())[: args.n]
    passes = ("cold", "warm") if engine.reads_meaning else ("words",)
    for name in passes:
        ms = []
        for q in questions:
            # Warm: the sentences kept, the question itself new (one more space, read the same).
            asked = q + " " if name == "warm" else q
            t = time.perf_counter()
            engine.ask(asked)
            ms.append((time.perf_counter() - t) * 1000)
        result[f"{name}_p50_ms"], result[f"{name}_p99_ms"] = pct(ms, 50), pct(ms, 99)
    if engine.reads_meaning:
        result |= embedding_rate(engine, questions)
    result["peak_rss_mb"] = proc_status().get("VmHWM")
    Path(args.result).write_text(json.dumps(result))


def embedding_rate(engine, questions: list[str]) -> dict:
    """Milliseconds a sentence and a question, on texts not embedded before."""
    from index.passages.tokenizer import sentence_texts
    from index.search import store

    sentences: list[str] = []
    passages = 0
    for _pid, _head, _tokens, text, cuts in store.iter_passage_tokens(engine.db):
        sentences += [s.strip() + " " for s in sentence_texts(text, cuts)]  # " ": none of them kept
        passages += 1
        if len(sentences) >= 2000:
            break
    t = time.perf_counter()
    engine._meaning.sentences(sentences)
    per_sentence = (time.perf_counter() - t) / len(sentences)
    t = time.perf_counter()
    for q in questions[:200]:
        engine._meaning.question(q + "。")  # a text neither pass asked
    per_question = (time.perf_counter() - t) / min(len(questions), 200)
    return {
        "embed_sentence_ms": per_sentence * 1000,
        "embed_question_ms": per_question * 1000,
        "sentence_chars": sum(map(len, sentences)) / len(sentences),
        "sentences_per_passage": len(sentences) / passages,
    }


def run_child(db: Path, corpus: Path, questions: Path, n: int, env: dict) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        result = Path(tmp) / "result.json"
        env = dict(os.environ, BENCH_T0=repr(time.time()), PYTHONPATH=str(ROOT), **env)
        env.setdefault("BOT_MEANING_CACHE", str(Path(tmp) / "vectors.db"))  # cold: nothing kept
        argv = [sys.executable, __file__, "--_child", "--db", str(db), "--corpus", str(corpus)]
        argv += ["--questions-file", str(questions), "--n", str(n), "--result", str(result)]
        subprocess.run(argv, check=True, env=env, cwd=ROOT)
        return json.loads(result.read_text())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--passages", type=int, default=100000)
    ap.add_argument("--questions", type=int, default=300, help="questions asked in each mode")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--_child", action="store_true", help=argparse.SUPPRESS)
    for a in ("--db", "--corpus", "--result", "--n", "--questions-file"):
        ap.add_argument(a, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._child:
        args.n = int(args.n)
        return child(args)
    n = args.passages
    manifest = corpus_mod.generate(n, OUT, 2000)
    corpus, db = corpus_mod.corpus_dir(OUT, n), OUT / f"run-{n}" / "index.db"
    if not db.exists():
        db.parent.mkdir(parents=True, exist_ok=True)
        log("reindex")
        run_reindex(settings_for(db, corpus, 2), manifest["bytes"])
    questions = Path(manifest["questions_file"])
    log("words alone")
    words = run_child(db, corpus, questions, args.questions, {"BOT_MEANING": "0"})
    log("with the meaning model")
    meant = run_child(db, corpus, questions, args.questions, {})
    rate = meant.get("embed_sentence_ms")
    res = {
        "passages": n,
        "questions": args.questions,
        "words_startup_s": words["startup_s"],
        "meaning_startup_s": meant["startup_s"],
        "words_ask_p50_ms": words["words_p50_ms"],
        "words_ask_p99_ms": words["words_p99_ms"],
        "meaning_cold_p50_ms": meant.get("cold_p50_ms"),
        "meaning_cold_p99_ms": meant.get("cold_p99_ms"),
        "meaning_warm_p50_ms": meant.get("warm_p50_ms"),
        "meaning_warm_p99_ms": meant.get("warm_p99_ms"),
        "words_peak_rss_mb": words["peak_rss_mb"],
        "meaning_peak_rss_mb": meant["peak_rss_mb"],
        "embed_sentence_ms": rate,
        "embed_question_ms": meant.get("embed_question_ms"),
        "embed_all_passages_h": rate and n * meant["sentences_per_passage"] * rate / 3.6e6,
        "embed_1mb_document_s": rate and 1e6 / 3 / meant["sentence_chars"] * rate / 1000,
    }
    if args.json:
        print(json.dumps(res, indent=1))
    else:
        for k, v in res.items():
            print(f"{k:<24} {v:.2f}" if isinstance(v, float) else f"{k:<24} {v}")


if __name__ == "__main__":
    main()
