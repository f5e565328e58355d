"""Sliding-window limits: questions per user and per chat a minute, uploads per admin an hour;
and the few questions a user asks over the limit, answered when it frees.

In memory: a restart forgives everyone, which is what a flood limit should do anyway.
Keys whose last event is older than the period are swept away (at most once a period, when
an event is added), so the tables hold the users and chats active lately, not everyone who
ever asked.
"""

from __future__ import annotations

import asyncio
import logging
import time
from bisect import bisect_right
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


class Window:
    """At most `limit` events per key in any `period` seconds; limit <= 0 means no limit.

    A key is dropped when it is next looked at after its events have expired, and by a
    sweep of the whole table once a period (from `add`): a user who asked once and never
    again would otherwise keep a key for good. Every key a sweep leaves had an event in the
    last period, so the table holds the keys active in the last two periods at most; each
    event is swept over a few times at most, so the sweeps cost O(1) a call, amortised."""

    def __init__(self, limit: int, period: float, clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.period = period
        self.clock = clock
        # A list a key, not a deque: callers add only when not full, so a key holds `limit`
        # events at most (a handful), and a deque costs 760 bytes against a short list's
        # ~90: with 100,000 users active, 180 MB against 45 MB (both windows, measured).
        self._events: dict[Hashable, list[float]] = defaultdict(list)
        self._next_sweep = clock() + period

    def __len__(self) -> int:
        """Keys held (for tests and monitoring)."""
        return len(self._events)

    def sweep(self, now: float | None = None) -> None:
        """Drop every key whose newest event is older than the period."""
        now = self.clock() if now is None else now
        cutoff = now - self.period
        for key in [k for k, events in self._events.items() if not events or events[-1] <= cutoff]:
            del self._events[key]
        self._next_sweep = now + self.period

    def _trim(self, key: Hashable, now: float) -> list[float]:
        events = self._events.get(key)
        if events is None:
            return []
        del events[: bisect_right(events, now - self.period)]  # times are in order
        if not events:
            del self._events[key]  # keep the table small
        return events

    def full(self, key: Hashable) -> bool:
        if self.limit <= 0:
            return False
        return len(self._trim(key, self.clock())) >= self.limit

    def add(self, key: Hashable) -> None:
        if self.limit > 0:
            now = self.clock()
            if now >= self._next_sweep:
                self.sweep(now)
            self._events[key].append(now)

    def retry_in(self, key: Hashable) -> float:
        """Seconds until `key` may act again (0 if it may now)."""
        if not self.full(key):
            return 0.0
        return max(0.0, self._events[key][0] + self.period - self.clock())


class FloodControl:
    """The per-user and per-chat question limits, checked together: a question refused by
    one limit is not counted against the other."""

    def __init__(self, per_user: int, per_chat: int, period: float = 60.0, clock: Callable[[], float] = time.monotonic):
        self.users = Window(per_user, period, clock)
        self.chats = Window(per_chat, period, clock)

    def allow(self, user_id: int | None, chat_id: int | None) -> bool:
        user_key, chat_key = ("u", user_id), ("c", chat_id)
        if (user_id is not None and self.users.full(user_key)) or (chat_id is not None and self.chats.full(chat_key)):
            return False
        if user_id is not None:
            self.users.add(user_key)
        if chat_id is not None:
            self.chats.add(chat_key)
        return True

    def retry_in(self, user_id: int | None, chat_id: int | None) -> float:
        return max(self.users.retry_in(("u", user_id)), self.chats.retry_in(("c", chat_id)))


@dataclass
class _Run:
    """One user's questions over the limit, from the first refused until the limit frees
    and the last queued is answered; and whether they were told of each notice yet."""

    queue: deque = field(default_factory=deque)
    told_queued: bool = False
    told_full: bool = False


class Backlog:
    """Questions a user asks over the limit, a few of them (`size`), kept in order and
    answered when the limit frees: a question is never dropped without a word.

    asyncio, not python-telegram-bot's JobQueue: that needs the job-queue extra
    (APScheduler), which is not installed, and one task a limited user that sleeps until
    the window opens is all this takes."""

    POLL = 1.0  # seconds between looks at the limits while waiting (a clock moved by tests is seen)

    def __init__(self, flood: FloodControl, size: int):
        self.flood = flood
        self.size = size
        self._runs: dict[Hashable, _Run] = {}
        self._tasks: set[asyncio.Task] = set()

    def __len__(self) -> int:
        """Users waiting (for tests and monitoring)."""
        return len(self._runs)

    def waiting(self, user_id: int | None, chat_id: int | None) -> bool:
        """Is this user (in a chat with no user: this chat) over the limit or queued? Then a
        new question waits its turn behind the others."""
        return self._key(user_id, chat_id) in self._runs

    def offer(self, user_id: int | None, chat_id: int | None, job: Callable[[], Awaitable[None]]) -> tuple[bool, bool]:
        """Queue `job` (answering one question) for when the limits free. (queued, first):
        whether it was queued, and whether it is the first of the run to be queued (or,
        the queue full, the first refused): the one to tell the user about."""
        key = self._key(user_id, chat_id)
        run = self._runs.get(key)
        if run is None:
            run = self._runs[key] = _Run()
            task = asyncio.create_task(self._drain(key, user_id, chat_id, run))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        if len(run.queue) < self.size:
            run.queue.append(job)
            first, run.told_queued = not run.told_queued, True
            return True, first
        first, run.told_full = not run.told_full, True
        return False, first

    async def _drain(self, key: Hashable, user_id, chat_id, run: _Run) -> None:
        """Answer the queue in order, each question as soon as the limits let it; the run
        ends when the limits are free and the queue is empty."""
        try:
            while True:
                wait = self.flood.retry_in(user_id, chat_id)
                if wait > 0:
                    await asyncio.sleep(min(wait, self.POLL))
                    continue
                if not run.queue:
                    return
                if not self.flood.allow(user_id, chat_id):  # not expected: retry_in said free
                    await asyncio.sleep(0.05)
                    continue
                try:
                    await run.queue.popleft()()
                except Exception:  # one failed answer does not lose the rest
                    log.exception("a queued question failed")
        finally:
            del self._runs[key]

    async def close(self) -> None:
        """Stop waiting (the bot is stopping): queued questions are forgotten."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    @staticmethod
    def _key(user_id, chat_id) -> Hashable:
        return ("u", user_id) if user_id is not None else ("c", chat_id)
