"""Questions through the real bot (bot.telegram_app) against the loopback Bot API stub of
the end-to-end tests (loopback/measure.py `measure_bot`), on the benchmark's index.

    python bench/bot_e2e.py --db bench/out/run-N/index.db --corpus bench/out/corpus-N \
        --questions FILE.json --result OUT.json [--burst 1000] [--paced 300 --rate 20]
        [--stub-in-process] [--no-answer-process]

Two runs: a burst (every question pushed at once: questions a second the bot sustains)
and a paced one (questions arriving at --rate a second: the reply latency a user sees
when the bot is not saturated). Latency is from the update reaching the stub to the
bot's sendMessage arriving there. Telegram's own rate limiter is off, so the engine
and the handlers are what is measured. The stub runs in a process of its own, as
Telegram is a server elsewhere; --stub-in-process puts it back in the bot's process,
where its HTTP handling shares the bot's GIL (the numbers before issue 4's tuning);
--no-answer-process answers on the bot's own thread instead of its answering process.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--questions", required=True)
    ap.add_argument("--result", required=True)
    ap.add_argument("--burst", type=int, default=1000)
    ap.add_argument("--paced", type=int, default=300)
    ap.add_argument("--rate", type=float, default=20.0)
    ap.add_argument("--stub-in-process", action="store_true", help="the stub in the bot's process (shares its GIL)")
    ap.add_argument("--no-answer-process", action="store_true", help="Engine.ask on the bot's thread, not a process")
    args = ap.parse_args()

    import logging

    logging.basicConfig(level=logging.WARNING)
    from bot import config
    from loopback.measure import measure_bot  # its server sends without Nagle's delay

    settings = config.load(corpus=args.corpus, db=args.db).index
    questions = json.loads(Path(args.questions).read_text())
    how = {"stub_process": not args.stub_in_process, "answer_process": not args.no_answer_process}
    burst = measure_bot(settings, questions, n=args.burst, **how)
    paced = measure_bot(settings, questions[::-1], n=args.paced, rate=args.rate, **how)
    out = {
        "bot_qps": burst["qps"],
        "bot_burst_p50_ms": burst["p50_ms"],
        "bot_burst_p99_ms": burst["p99_ms"],
        "bot_p50_ms": paced["p50_ms"],
        "bot_p99_ms": paced["p99_ms"],
        "bot_paced_rate": args.rate,
        "bot_burst": burst,
        "bot_paced": paced,
    }
    Path(args.result).write_text(json.dumps(out))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
