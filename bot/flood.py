"""Sliding-window limits: questions per user and per chat a minute, uploads per admin an hour.

In memory: a restart forgives everyone, which is what a flood limit should do anyway.
Keys whose last event is older than the period are swept away (at most once a period, when
an event is added), so the tables hold the users and chats active lately, not everyone who
ever asked.
"""

from __future__ import annotations

import time
from bisect import bisect_right
from collections import defaultdict
from typing import Callable, Hashable


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
        del events[:bisect_right(events, now - self.period)]  # times are in order
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

    def __init__(self, per_user: int, per_chat: int, period: float = 60.0,
                 clock: Callable[[], float] = time.monotonic):
        self.users = Window(per_user, period, clock)
        self.chats = Window(per_chat, period, clock)
        self.clock = clock
        self.period = period
        self._warned: set[Hashable] = set()  # keys told to slow down, until their window frees
        self._next_tidy = clock() + period

    def _full(self, key: tuple) -> bool:
        return (self.users if key[0] == "u" else self.chats).full(key)

    def _tidy(self) -> None:
        """Once a period, forget the warnings of keys no longer full: a user warned once who
        never came back would otherwise stay in `_warned` for good."""
        now = self.clock()
        if now >= self._next_tidy:
            self._warned = {key for key in self._warned if self._full(key)}
            self._next_tidy = now + self.period

    def allow(self, user_id: int | None, chat_id: int | None) -> bool:
        self._tidy()
        user_key, chat_key = ("u", user_id), ("c", chat_id)
        if (user_id is not None and self.users.full(user_key)) or (
                chat_id is not None and self.chats.full(chat_key)):
            return False
        if user_id is not None:
            self.users.add(user_key)
        if chat_id is not None:
            self.chats.add(chat_key)
        self._warned.discard(user_key)
        self._warned.discard(chat_key)
        return True

    def first_refusal(self, user_id: int | None, chat_id: int | None) -> bool:
        """True once per run of refusals, so the "slow down" notice is not itself a flood."""
        self._tidy()
        key = ("u", user_id) if user_id is not None and self.users.full(("u", user_id)) else ("c", chat_id)
        if key in self._warned:
            return False
        self._warned.add(key)
        return True

    def retry_in(self, user_id: int | None, chat_id: int | None) -> float:
        return max(self.users.retry_in(("u", user_id)), self.chats.retry_in(("c", chat_id)))
