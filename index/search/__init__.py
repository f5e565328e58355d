"""Passages stored and ranked: a document processed whole (processing), the SQLite store,
term counts and the BM25 matrix (ranking), and the all-or-nothing reindex.

Hands on ranked passages (`ranking.Bm25Index.top`) to index.answers, through the engine.
"""
