"""The /stats chart: questions a day, the share answered and 👍/👎 over the last 30 days,
as a PNG drawn by matplotlib in a short-lived process of its own.

    png = await chart.draw(days)   # days: [(date, asked, answered, up, down)], oldest first

Why a process: importing matplotlib and drawing one chart adds ~40 MB to the resident
memory of the process that does it (32 MB the import alone; measured with
/proc/self/status, README "Libraries, and why"), for a picture an admin asks for now and
then. The bot's own process never imports it; the child's memory goes back when it ends,
for ~0.6 s more per chart. The labels are digits, dates and ASCII: matplotlib's default
font has no Chinese glyphs (and the server may have no Chinese font at all); the Chinese
words go in the caption.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import sys

from bot import child

log = logging.getLogger("bot.chart")

TIMEOUT_SECONDS = 30.0


async def draw(days: list[tuple[str, int, int, int, int]]) -> bytes | None:
    """The chart as PNG bytes; None (and a warning) when it could not be drawn, so that
    /stats still answers, with its numbers alone."""
    proc = await child.start(
        "bot.chart", stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(json.dumps(days).encode()), TIMEOUT_SECONDS)
    except BaseException as exc:  # timed out, or the bot stopping: the child goes with it
        proc.kill()
        await proc.wait()
        if isinstance(exc, asyncio.TimeoutError):
            log.warning("stats chart not drawn within %.0f s", TIMEOUT_SECONDS)
            return None
        raise
    if proc.returncode != 0 or not out.startswith(b"\x89PNG"):
        log.warning(
            "stats chart not drawn (exit status %s): %s", proc.returncode, err.decode("utf-8", "replace").strip()[-500:]
        )
        return None
    return out


def png(days: list[tuple[str, int, int, int, int]]) -> bytes:
    """Three panels over the same days: questions (answered darker), the share answered,
    and feedback (👍 up, 👎 down)."""
    import matplotlib

    matplotlib.use("Agg")  # no display on a server
    import matplotlib.pyplot as plt

    dates = [d[5:] for d, *_ in days]  # MM-DD
    asked = [a for _, a, *_ in days]
    answered = [n for _, _, n, _, _ in days]
    share = [100 * n / a if a else float("nan") for _, a, n, _, _ in days]
    up = [u for *_, u, _ in days]
    down = [-d for *_, d in days]
    x = range(len(days))
    fig, (top, middle, bottom) = plt.subplots(
        3, 1, figsize=(8, 6), sharex=True, gridspec_kw={"height_ratios": [2, 1, 1]}
    )
    top.bar(x, asked, color="#9ecae1", label="asked")
    top.bar(x, answered, color="#3182bd", label="answered")
    top.set_ylabel("questions / day")
    top.legend(loc="upper left", fontsize=8)
    middle.plot(x, share, marker="o", markersize=3, color="#31a354")
    middle.set_ylim(0, 105)
    middle.set_ylabel("answered %")
    bottom.bar(x, up, color="#31a354", label="thumbs up")
    bottom.bar(x, down, color="#de2d26", label="thumbs down")
    bottom.axhline(0, color="#666666", linewidth=0.5)
    bottom.set_ylabel("feedback")
    bottom.legend(loc="upper left", fontsize=8)
    ticks = list(x)[::5] + ([len(days) - 1] if (len(days) - 1) % 5 else [])
    bottom.set_xticks(ticks, [dates[i] for i in ticks])
    for ax in (top, bottom):
        ax.yaxis.get_major_locator().set_params(integer=True)
    fig.suptitle(f"last {len(days)} days: {dates[0]} to {dates[-1]}" if days else "no days", fontsize=10)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    return buf.getvalue()


if __name__ == "__main__":  # the child: days as JSON on standard input, the PNG on standard output
    sys.stdout.buffer.write(png([tuple(d) for d in json.load(sys.stdin)]))
