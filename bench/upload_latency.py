"""Questions answered while a large upload is indexed: their latency, with the upload in
the bot's own process (a thread, as before) and in a process of its own (as the bot does
now, bot/ingest_process.py), side by side in one run.

    .venv/bin/python bench/upload_latency.py [--mb 10] [--rate 20]

On a copy of the seeds (bench/out/upload-latency/), with the bot's answering path
(BotState.ask: the answering thread of the bot's process), a question every 1/rate
seconds from a list the corpus answers, while a generated document of --mb MB (seed
paragraphs shuffled) is added. Prints a table: where the upload ran, its seconds, the
questions answered meanwhile, their p50 / p99 / max latency in ms; and the same questions
with no upload running.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bot import ingest_process  # noqa: E402
from index.engine import Engine, Settings  # noqa: E402

OUT = ROOT / "bench" / "out" / "upload-latency"


def document(mb: float, seed: int) -> bytes:
    """Seed sentences in a random order, each with a made-up place name put in: no
    sentence twice (a document's repeated sentences are tokenised once)."""
    sentences = [
        s + "。"
        for f in sorted((ROOT / "seeds").iterdir())
        for s in f.read_text(encoding="utf-8").replace("\n", "").split("。")
        if len(s) >= 10
    ]
    rng = random.Random(seed)
    common = "东南西北山水河湖林田石桥花园新安和平春秋金银龙凤"
    parts, size = ["基准测试文档"], 0
    while size < mb * 1024 * 1024:
        paragraph = []
        for s in rng.sample(sentences, 4):
            at = rng.randrange(len(s))
            paragraph.append(f"{s[:at]}{rng.choice(common)}{rng.choice(common)}{rng.randrange(1000)}村{s[at:]}")
        parts.append("".join(paragraph))
        size += len(parts[-1].encode()) + 2
    return "\n\n".join(parts).encode()


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q / 100 * (len(s) - 1)))]


async def questions_during(engine: Engine, questions: list[str], rate: float, upload) -> tuple[float, list[float]]:
    """Ask a question every 1/rate s on an answering thread (as BotState.ask does without
    its answering process) while `upload()` runs, or for 5 s when it is None."""
    from concurrent.futures import ThreadPoolExecutor

    answering = ThreadPoolExecutor(1)
    loop = asyncio.get_running_loop()
    t0 = time.perf_counter()
    job = asyncio.ensure_future(upload()) if upload else asyncio.ensure_future(asyncio.sleep(5))
    latencies, i = [], 0
    while not job.done():
        asked = time.perf_counter()
        await loop.run_in_executor(answering, engine.ask, questions[i % len(questions)])
        latencies.append((time.perf_counter() - asked) * 1000)
        i += 1
        await asyncio.sleep(max(0.0, 1 / rate - (time.perf_counter() - asked)))
    await job
    answering.shutdown()
    return time.perf_counter() - t0, latencies


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=10.0)
    ap.add_argument("--rate", type=float, default=20.0, help="questions a second")
    args = ap.parse_args()
    shutil.rmtree(OUT, ignore_errors=True)
    (OUT / "corpus").mkdir(parents=True)
    for f in (ROOT / "seeds").iterdir():
        shutil.copy(f, OUT / "corpus" / f.name)
    settings = Settings(corpus_dir=OUT / "corpus", db_path=OUT / "index.db")
    engine = Engine.open(settings)
    questions = engine.example_questions(10) or ["雨花区有多少红色之家？"]
    rows = []

    async def run() -> None:
        _, lat = await questions_during(engine, questions, args.rate, None)
        rows.append(("no upload", None, lat))
        in_thread = lambda: asyncio.to_thread(engine.add_document, "in-thread.txt", document(args.mb, 1))  # noqa: E731
        seconds, lat = await questions_during(engine, questions, args.rate, in_thread)
        rows.append(("a thread of the bot's process (before)", seconds, lat))
        in_process = lambda: ingest_process.run(settings, "add", "in-process.txt", document(args.mb, 2))  # noqa: E731
        seconds, lat = await questions_during(engine, questions, args.rate, in_process)
        rows.append(("a process of its own (now)", seconds, lat))

    asyncio.run(run())
    print(
        f"Questions at {args.rate:g}/s while a {args.mb:g} MB document is added "
        f"(corpus: the seeds; answering on one thread of the bot's process)\n"
    )
    print("| upload runs in | upload s | questions | p50 ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for where, seconds, lat in rows:
        print(
            f"| {where} | {'' if seconds is None else f'{seconds:.1f}'} | {len(lat)} | "
            f"{statistics.median(lat):.1f} | {pct(lat, 99):.1f} | {max(lat):.1f} |"
        )


if __name__ == "__main__":
    main()
