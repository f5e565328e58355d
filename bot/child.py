"""The bot's child processes (answering, ingesting, drawing the /stats chart): `python -m`
the module, with the bot's own interpreter and the installed package (`pip install -e .`),
in the bot's working folder, so that relative paths mean what they meant to the bot."""

from __future__ import annotations

import asyncio
import os
import sys


async def start(module: str, *, env: dict[str, str] | None = None, **pipes) -> asyncio.subprocess.Process:
    """`python -m module`, its standard streams as `pipes` says (asyncio's stdin=, stdout=…),
    `env` added to the bot's environment."""
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", module, env={**os.environ, **(env or {})}, **pipes
    )
