"""A child process that ends when the process that started it dies, however it dies.

A reindex's tokenising workers (and the bot's ingest process) would otherwise outlive a
parent killed with SIGKILL: they finish what they hold, then wait for work forever. The
parent's death cannot be caught, but it can be seen: the child's parent becomes another
process (init, or a subreaper).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time

CHECK_SECONDS = 0.5


def end_with_parent(parent: int | None = None, interval: float = CHECK_SECONDS) -> None:
    """From now on, exit at once (status 1) within `interval` of the death of `parent`
    (by default the process that started this one); at once if it died already, while
    this process was starting."""
    if parent is None:
        started_by = multiprocessing.parent_process()  # a multiprocessing child knows its parent
        parent = started_by.pid if started_by is not None else os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(1)  # no clean-up: the parent's side keeps its index consistent after a crash

    threading.Thread(target=watch, name="lifeline", daemon=True).start()
