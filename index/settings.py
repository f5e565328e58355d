"""What an engine is opened with: where the corpus and index are, and the knobs of
ranking, answering and reading (config.toml's [index] table, bot/config.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class Settings:
    corpus_dir: Path = Path("seeds")
    db_path: Path = Path("data/index.db")
    top_k: int = 3
    k1: float = 1.6
    b: float = 0.6
    max_passage_chars: int = 400
    min_passage_chars: int = 60
    candidates: int = 30
    answer_passages: int = 3  # the best passages whose sentences the answer model reads
    # Confidence at or above which the best sentence is the answer, in bold; at or above
    # closest_confidence (and below the other) it is shown as the closest content. None:
    # the thresholds the model file was trained with.
    answer_confidence: float | None = None
    closest_confidence: float | None = None
    # What re-ranking the BM25 candidates weighs (answering.RankingWeights, with its fixed ones).
    w_bm25: float = 2.0
    w_cover: float = 0.5
    w_sentence: float = 0.5
    w_type: float = 0.35
    w_entity: float = 1.0
    max_file_mb: float = 20.0
    # May a link (index/documents/fetch.py) reach private, loopback, link-local, multicast or
    # reserved addresses? Off: a link sent to the bot must not reach its own network.
    allow_private_urls: bool = False
    workers: int = 2
    parallel_min_bytes: int = 2_000_000  # below this a reindex tokenises in-process
    # Where `top` is asked ([search] in config.toml): "local", the generation's matrix in
    # this process; or "xapian", the shard servers `shards` ("host:port", shard 0 first;
    # index/search/shards.py), each operation bounded by `shard_timeout` seconds.
    search_backend: str = "local"
    shards: tuple[str, ...] = ()
    shard_timeout: float = 2.0
    # The shard folder this writer rebuilds after each index change (`shards build --out`);
    # None: shards are not kept current here.
    shards_dir: Path | None = None
