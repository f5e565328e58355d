"""The benchmark hook (issue 4): N questions through the real bot against the stub, with
throughput and latency percentiles (measure_bot). The stub runs in a process of its own
(`python -m loopback.measure --serve`, driven by JSON lines) so that its timing never
waits for the bot's GIL."""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from loopback.runner import ROOT, BotRunner, write_config
from loopback.server import StubBotApi


def measure_bot(
    settings,
    questions: list[str],
    n: int = 200,
    *,
    rate: float | None = None,
    concurrent_updates: int = 16,
    rate_limit: bool = False,
    timeout: float = 300.0,
    workdir: Path | None = None,
    stub_process: bool = True,
    answer_process: bool = True,
) -> dict:
    """Push `n` private-chat questions (cycling through `questions`, each from its own user)
    through the real bot against a stub Bot API, and measure.

    settings: an index.settings.Settings whose corpus and database are used as they are
        (the index is built if the database is empty).
    rate: questions per second to push at (None: all at once, a burst: measures throughput).
    rate_limit: keep Telegram's rate limiter (30 messages a second overall) on; off by
        default so the engine and the handlers are what is measured.
    stub_process: run the stub (its HTTP server, the pushing and the timing) in a process
        of its own, as Telegram is: otherwise its request handling competes with the bot
        for this process's GIL and the bot is measured slower than it is.
    answer_process: the bot's `[telegram] answer_process` (Engine.ask in a process of its
        own, the default; False: on the bot's answering thread).
    Returns {"n", "seconds", "qps", "p50_ms", "p90_ms", "p99_ms", "max_ms", "answered",
    "stub", "answer_process"}: latency is from the update being pushed to the stub to the
    bot's sendMessage arriving there.
    """
    import tempfile

    from telegram.ext import AIORateLimiter

    from bot.telegram_app import RetryingRateLimiter
    from index.engine import Engine

    work = Path(workdir or tempfile.mkdtemp(prefix="bench-bot-"))
    with _StubProcess() if stub_process else StubBotApi() as stub:
        cfg = write_config(
            work,
            stub,
            corpus=settings.corpus_dir,
            user_questions_per_minute=0,
            chat_questions_per_minute=0,
            question_log=str(work / "questions.db"),
            answer_process=answer_process,
        )
        cfg.index = settings
        engine = Engine.open(settings)
        limiter = RetryingRateLimiter() if rate_limit else RetryingRateLimiter(overall_max_rate=0, group_max_rate=0)
        assert isinstance(limiter, AIORateLimiter)
        with BotRunner(cfg, engine, rate_limiter=limiter, concurrent_updates=concurrent_updates):
            if stub_process:
                out = stub.measure(questions, n, rate, timeout)
            else:
                out = _push_and_measure(stub, questions, n, rate, timeout)
    return {**out, "stub": "own process" if stub_process else "bot's process", "answer_process": answer_process}


def _push_and_measure(stub: StubBotApi, questions: list[str], n: int, rate: float | None, timeout: float) -> dict:
    """Push the questions (at `rate` a second, or all at once), wait for every reply, and
    say how fast and how soon they came."""
    sent = []
    t0 = time.monotonic()
    for i in range(n):
        if rate:
            wait = t0 + i / rate - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        sent.append(stub.send(stub.private(10_000_000 + i), questions[i % len(questions)]))
    latencies, answered, last = [], 0, t0
    deadline = time.monotonic() + timeout
    for msg in sent:
        call = stub.first_reply(msg, timeout=max(0.1, deadline - time.monotonic()))
        latencies.append((call.at - stub.pushed[msg["update_id"]]) * 1000)
        answered += "没有找到" not in (call.params.get("text") or "")
        last = max(last, call.at)
    seconds = last - t0
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return {
        "n": n,
        "seconds": round(seconds, 3),
        "qps": round(n / seconds, 1) if seconds else float("inf"),
        "p50_ms": round(statistics.median(latencies), 1),
        "p90_ms": round(q[89], 1),
        "p99_ms": round(q[98], 1),
        "max_ms": round(max(latencies), 1),
        "answered": answered,
    }


class _StubProcess:
    """A StubBotApi in a child process (`python -m loopback.measure --serve`), driven by
    JSON lines on its standard input and output. It has the attributes write_config needs,
    and measure() runs _push_and_measure there, so the timing never waits for the bot's GIL."""

    def __enter__(self) -> _StubProcess:
        import os
        import subprocess
        import sys

        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "loopback.measure", "--serve"],
            env=env,
            cwd=ROOT,  # -m puts the working folder first on the path: this checkout's loopback
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.token, self.base_url, self.base_file_url = self._read()
        return self

    def _read(self):
        line = self._proc.stdout.readline()
        if not line:
            raise AssertionError(f"the stub process ended (status {self._proc.wait()})")
        return json.loads(line)

    def measure(self, questions: list[str], n: int, rate: float | None, timeout: float) -> dict:
        self._proc.stdin.write(json.dumps([questions, n, rate, timeout], ensure_ascii=False) + "\n")
        self._proc.stdin.flush()
        ok, out = self._read()
        if not ok:
            raise AssertionError(f"the stub process failed: {out}")
        return out

    def __exit__(self, *exc) -> None:
        self._proc.stdin.close()  # end of input: the child stops its server and exits
        try:
            self._proc.wait(10)
        except Exception:
            self._proc.kill()
            self._proc.wait()


def _serve_stdio() -> None:
    """The child of _StubProcess: serve; each line of input is a measurement to make."""
    import sys

    with StubBotApi() as stub:
        print(json.dumps([stub.token, stub.base_url, stub.base_file_url]), flush=True)
        for line in sys.stdin:
            try:
                out = [True, _push_and_measure(stub, *json.loads(line))]
            except Exception as exc:  # the parent raises it
                out = [False, repr(exc)]
            print(json.dumps(out), flush=True)


if __name__ == "__main__":  # python -m loopback.measure --serve: measure_bot's stub in a process of its own
    import sys

    if sys.argv[1:2] != ["--serve"]:
        sys.exit("usage: python -m loopback.measure --serve")
    _serve_stdio()
