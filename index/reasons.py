"""Why the engine cannot do what was asked, as a code and its details, never as words a
user reads: the bot and the command line say it in Chinese (bot/reasons.py), and str()
of the exception is an English sentence for the logs.

    raise UnreadableDocument("too_many_pages", limit=10_000)
    exc.code, exc.details   # "too_many_pages", {"limit": 10000}
"""

from __future__ import annotations


class Reason(Exception):
    """`code` (a key of the class's SENTENCES) says why, `details` fill in its sentence."""

    SENTENCES: dict[str, str] = {}

    def __init__(self, code: str, **details):
        super().__init__(code)
        self.code = code
        self.details = details

    def __str__(self) -> str:
        template = self.SENTENCES.get(self.code, self.code)
        try:
            return template.format(**self.details)
        except (KeyError, IndexError, ValueError, TypeError):  # a detail missing or not a number
            return f"{template} {self.details}"

    def __reduce__(self):
        # It crosses process boundaries (reindex workers, the bot's ingest process);
        # Exception's own pickling would call the class with args only and lose the details.
        return (_rebuild, (type(self), self.code, self.details))


def _rebuild(cls, code: str, details: dict) -> Reason:
    return cls(code, **details)
