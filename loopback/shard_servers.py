"""Real Xapian shard servers (`xapian-tcpsrv`) on 127.0.0.1 for the shard tests
(tests/search/test_shards.py) and bench/shards.py: started on free ports, stopped,
restarted on the same port, paused (a slow shard).

    server = ShardServer(folder / "shard-0").start()
    server.address   # "127.0.0.1:PORT", for Settings.shards
    server.stop(); server.start()   # down, then back on the same port
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path


def missing() -> str | None:
    """Why shard servers cannot run here (no server program, no Python client); None if they can."""
    if shutil.which("xapian-tcpsrv") is None:
        return "xapian-tcpsrv is not installed (Debian: apt-get install xapian-tools)"
    try:
        import xapian  # noqa: F401
    except ImportError:
        return "the xapian Python module is not installed (pip install -e '.[shards]')"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ShardServer:
    """One `xapian-tcpsrv` serving one shard folder."""

    def __init__(self, folder: Path, port: int | None = None, idle_timeout_ms: int | None = None):
        self.folder = folder
        self.port = port or free_port()
        self.idle_timeout_ms = idle_timeout_ms
        self.process: subprocess.Popen | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, wait: float = 10.0) -> ShardServer:
        """Start it and wait until it accepts connections (the port may still be held by
        the server just stopped: tried again until `wait` runs out)."""
        cmd = ["xapian-tcpsrv", "--quiet", "--interface", "127.0.0.1", "--port", str(self.port)]
        if self.idle_timeout_ms is not None:
            cmd += ["--idle-timeout", str(self.idle_timeout_ms)]
        deadline = time.monotonic() + wait
        while True:
            # Its own session: on SIGTERM it signals its whole process group, which would
            # otherwise be ours (pytest, the bench).
            self.process = subprocess.Popen(
                [*cmd, str(self.folder)], start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            while self.process.poll() is None and time.monotonic() < deadline:
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                        return self
                except OSError:
                    time.sleep(0.05)
            if time.monotonic() >= deadline:
                self.stop()
                raise RuntimeError(f"xapian-tcpsrv did not start on port {self.port}")
            time.sleep(0.2)  # it exited: the port is not free yet

    def _signal(self, sig: int) -> None:
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                pass

    def stop(self) -> None:
        """The server and the children serving its connections, gone."""
        if self.process is None:
            return
        self._signal(signal.SIGCONT)  # a paused server cannot handle its SIGTERM
        self._signal(signal.SIGTERM)
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self._signal(signal.SIGKILL)
            self.process.wait(5)
        self.process = None

    def pause(self) -> None:
        """Still listening, answering nothing: a slow shard."""
        self._signal(signal.SIGSTOP)

    def resume(self) -> None:
        self._signal(signal.SIGCONT)
