"""A link sent to the bot or given to `add`: the page fetched and handed to the engine.

Run where documents are read (the ingest process, the command line), never in the bot's
event loop: a slow site blocks.
"""

from __future__ import annotations

from index.documents.fetch import fetch
from index.documents.unreadable import UnreadableDocument
from index.engine import DocumentRejected, Engine


def add_link(engine: Engine, url: str, wait: float = 0.0):
    """Fetch the page at `url` within the settings' bounds and add it as engine.add_document
    does (its name from the page's title): (name, processed, summary), or DocumentRejected."""
    settings = engine.settings
    try:
        page = fetch(url, max_bytes=int(settings.max_file_mb * 1024 * 1024), allow_private=settings.allow_private_urls)
    except UnreadableDocument as exc:
        raise DocumentRejected(exc.code, **exc.details) from None
    return engine.add_document(page.name, page.data, wait=wait)
