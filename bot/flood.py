"""Sliding-window limits: questions per user and per chat a minute, uploads per admin an hour.

In memory: a restart forgives everyone, which is what a flood limit should do anyway.
"""

from __future__ import annotations

import time
from collections import defaultdict, deque
from typing import Callable, Hashable


class Window:
    """At most `limit` events per key in any `period` seconds; limit <= 0 means no limit."""

    def __init__(self, limit: int, period: float, clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.period = period
        self.clock = clock
        self._events: dict[Hashable, deque[float]] = defaultdict(deque)

    def _trim(self, key: Hashable, now: float) -> deque[float]:
        events = self._events.get(key)
        if events is None:
            return deque()
        while events and events[0] <= now - self.period:
            events.popleft()
        if not events:
            del self._events[key]  # keep the table small
        return events

    def full(self, key: Hashable) -> bool:
        if self.limit <= 0:
            return False
        return len(self._trim(key, self.clock())) >= self.limit

    def add(self, key: Hashable) -> None:
        if self.limit > 0:
            self._events[key].append(self.clock())

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
        self._warned: set[Hashable] = set()

    def allow(self, user_id: int | None, chat_id: int | None) -> bool:
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
        key = ("u", user_id) if user_id is not None and self.users.full(("u", user_id)) else ("c", chat_id)
        if key in self._warned:
            return False
        self._warned.add(key)
        return True

    def retry_in(self, user_id: int | None, chat_id: int | None) -> float:
        return max(self.users.retry_in(("u", user_id)), self.chats.retry_in(("c", chat_id)))
