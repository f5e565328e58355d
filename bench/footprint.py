"""What the running bot costs: memory of every process it starts, and seconds to start.

    python bench/footprint.py [--runs 3] [--root DIR ...] [--answer-process true|false]

Starts `python -m bot` as a user does (TELEGRAM_BOT_TOKEN set) against the loopback Bot
API stub of the end-to-end tests (loopback/), on a fresh copy of the seeds
indexed beforehand. Start-up is from the process being started to its first getUpdates
reaching the stub (polling begun), the minimum of --runs starts (a busy machine only adds
to it). Memory is read from /proc/PID/smaps_rollup of the bot and every process under it
after it has answered one question and one follow-up: RSS (pages resident, shared ones
counted in every process) and PSS (shared pages split between the processes that map
them; the PSS total is what the bot adds to the machine). Then an admin uploads a
document: the ingest process lives only while it is indexed, so it is reported apart,
as its peak RSS (VmHWM, sampled every 5 ms until it ends).

--root runs the bot from another checkout (the code before a change, say: `git archive
main | tar -x -C /tmp/before`), with this checkout's stub and seeds; given several times,
one column each.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from loopback.runner import write_config  # noqa: E402
from loopback.server import ADMIN_ID, TOKEN, StubBotApi  # noqa: E402

QUESTION = "@zh_answer_bot 雨花区有多少红色之家？"
FOLLOW_UP = "那新田县呢？"
UPLOAD = ("青松县建设乡村图书馆纪实\n\n青松县今年新建乡村图书馆12座，藏书共计3万册，覆盖全县所有行政村。\n").encode()


def rollup(pid: int) -> dict[str, int]:
    """Rss and Pss of a process, in kB."""
    out = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("Rss", "Pss"):
            out[key] = int(rest.split()[0])
    return out


def children(pid: int) -> list[int]:
    """Every process under `pid`, depth first."""
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            out += [int(child), *children(int(child))]
    return out


def name(pid: int) -> str:
    """The module a process runs (python -m bot, bot.answer_process), else its command line."""
    args = [a.decode() for a in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0") if a]
    return args[args.index("-m") + 1] if "-m" in args[:-1] else " ".join(args)


def peak_rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def start_bot(root: Path, cfg_path: Path, log_path: Path) -> subprocess.Popen:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(root)}
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "--config", str(cfg_path)],
        cwd=root,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=open(log_path, "a", encoding="utf-8"),
    )


def stop_bot(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def one_run(root: Path, tmp: Path, answer_process: str | None, measure_memory: bool) -> dict:
    with StubBotApi() as stub:
        stub.server.handle_error = lambda *a: None  # the bot stopped mid-poll resets its connection
        extra = {} if answer_process is None else {"answer_process": _toml_value(answer_process)}
        cfg = write_config(tmp, stub, token="", index_from=tmp.parent / "seed-index" / "index.db", **extra)
        started = time.monotonic()
        proc = start_bot(root, cfg.path, tmp / "bot.log")
        try:
            first_poll = stub.wait("getUpdates", timeout=120)
            result = {"startup_s": first_poll.at - started}
            if measure_memory:
                result.update(memory(stub, proc))
        finally:
            stop_bot(proc)
    return result


def _toml_value(text: str):
    return {"true": True, "false": False}.get(text, text)


def memory(stub: StubBotApi, proc: subprocess.Popen) -> dict:
    msg = stub.send(stub.group(-100555), QUESTION, user=stub.user(555))
    answer = stub.wait_reply(msg, timeout=30)
    stub.wait_reply(
        stub.send(stub.group(-100555), FOLLOW_UP, user=stub.user(555), reply_to=_sent(stub, answer)), timeout=30
    )
    time.sleep(0.5)  # let the bot write its log rows
    pids = [proc.pid, *children(proc.pid)]
    rows = [(name(pid), rollup(pid)) for pid in pids]
    return {"processes": rows, "ingest_peak_kb": ingest_peak(stub, proc)}


def _sent(stub: StubBotApi, call) -> dict:
    return stub.messages[(call.result["chat"]["id"], call.result["message_id"])]


def ingest_peak(stub: StubBotApi, proc: subprocess.Popen) -> int:
    """An admin's upload; the peak RSS of the processes it starts, while they live."""
    before = set(children(proc.pid))
    stub.send_document(stub.private(ADMIN_ID), "青松县.txt", UPLOAD, user=stub.user(ADMIN_ID))
    peaks: dict[int, int] = {}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for pid in set(children(proc.pid)) - before:
            try:
                peaks[pid] = max(peaks.get(pid, 0), peak_rss_kb(pid))
            except (FileNotFoundError, ProcessLookupError):
                pass
        if any(
            "已加入" in c.params.get("text", "")
            for c in stub.calls_since(0, "editMessageText") + stub.calls_since(0, "sendMessage")
        ):
            break
        time.sleep(0.005)
    return max(peaks.values(), default=0)


def index_seeds(tmp: Path) -> None:
    """One index of the seeds, copied into every run (each run starts from the same)."""
    from bot import config as config_mod
    from index.engine import Engine

    with StubBotApi() as stub:
        cfg = write_config(tmp / "seed-index-cfg", stub)
    cfg = config_mod.load(cfg.path, db=str(tmp / "seed-index" / "index.db"))
    Engine.open(cfg.index).db.conn.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3, help="starts timed; the minimum is reported")
    ap.add_argument(
        "--root", type=Path, action="append", help="a checkout whose bot is run, one column each (default: this one)"
    )
    ap.add_argument("--answer-process", help="[telegram] answer_process for the run (default: the code's own)")
    args = ap.parse_args()
    columns = {}
    with tempfile.TemporaryDirectory(prefix="footprint-") as tmp:
        tmp = Path(tmp)
        index_seeds(tmp)
        for k, root in enumerate(args.root or [ROOT]):
            columns[str(root)] = [
                one_run(root.resolve(), tmp / f"run-{k}-{i}", args.answer_process, i == 0) for i in range(args.runs)
            ]
    print(
        f"answer_process: {args.answer_process or '(as configured by default)'}; "
        f"load average at the end: {os.getloadavg()[0]:.2f}\n"
    )
    print_table(columns)


def print_table(columns: dict[str, list[dict]]) -> None:
    """One column a checkout: each process's RSS and PSS, their totals, the ingest process's
    peak, the fastest start."""
    mb = lambda kb: f"{kb / 1024:.0f}"  # noqa: E731
    names = list(dict.fromkeys(n for runs in columns.values() for n, _ in runs[0]["processes"]))
    lines = [["", *columns], ["---", *["---:"] * len(columns)]]
    for kind in ("Rss", "Pss"):
        for n in names:
            lines.append(
                [
                    f"{kind.upper()} MB: {n}",
                    *[next((mb(m[kind]) for p, m in runs[0]["processes"] if p == n), "–") for runs in columns.values()],
                ]
            )
        lines.append(
            [
                f"**{kind.upper()} MB, total**",
                *[f"**{mb(sum(m[kind] for _, m in runs[0]['processes']))}**" for runs in columns.values()],
            ]
        )
    lines.append(
        ["ingest process during an upload, peak RSS MB", *[mb(r[0]["ingest_peak_kb"]) for r in columns.values()]]
    )
    lines.append(
        [
            f"**start-up to polling, s** (min of {len(next(iter(columns.values())))})",
            *[f"**{min(r['startup_s'] for r in runs):.2f}**" for runs in columns.values()],
        ]
    )
    lines.append(
        ["start-up, every run, s", *[" ".join(f"{r['startup_s']:.2f}" for r in runs) for runs in columns.values()]]
    )
    for line in lines:
        print("| " + " | ".join(line) + " |")


if __name__ == "__main__":
    main()
