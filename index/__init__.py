"""The answer engine: documents -> paragraphs -> tokens -> index -> ranked passages.

Nothing in this package knows about Telegram; `index.engine.Engine` is its front door.
"""
