"""config.toml to settings: the engine's, and the Telegram front end's."""

from __future__ import annotations

import os
import time
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from index.engine import Settings

# Without --config: the config.toml of the folder the command runs in (the repository's,
# run from its root as the README does), not one found from where the code is installed.
DEFAULT_CONFIG = Path("config.toml")


class ConfigError(Exception):
    """The configuration file is missing or wrong; str(exc) says what to fix."""


@dataclass
class TelegramSettings:
    token: str = ""
    base_url: str = "https://api.telegram.org/bot"
    base_file_url: str = "https://api.telegram.org/file/bot"
    admins: list[int] = field(default_factory=list)
    webhook_url: str = ""
    listen: str = "127.0.0.1"
    port: int = 8443
    secret_token: str = ""
    user_questions_per_minute: int = 10
    chat_questions_per_minute: int = 20
    queued_questions_per_user: int = 3  # asked over the limit: answered when it frees, these many
    followup_minutes: float = 5.0  # a private chat's elliptic question this soon after an answer follows it up
    uploads_per_hour: int = 20
    retention_days: int = 90
    question_log: str = ""  # the question log's SQLite file; "" = questions.db beside the index
    answer_process: bool = True  # Engine.ask in a process of its own (bot/answer_process.py)
    embed_ahead: bool = True  # the meaning model embeds new sentences in the background (bot/state.py)

    def follows_up(self, answered_at: float) -> bool:
        """Is an answer given at `answered_at` (time.monotonic()) recent enough for a question
        typed after it to follow it up? followup_minutes = 0: never."""
        return 0 < self.followup_minutes and time.monotonic() - answered_at <= self.followup_minutes * 60


@dataclass
class Config:
    index: Settings
    telegram: TelegramSettings
    path: Path


def question_log_path(cfg: Config) -> Path:
    """Where the bot keeps its question log: a file of its own, so that logging a question
    never waits for a reindex holding the index database's write lock."""
    if cfg.telegram.question_log:
        path = Path(cfg.telegram.question_log)
        return path if path.is_absolute() else cfg.path.resolve().parent / path
    return cfg.index.db_path.with_name("questions.db")


def _pick(cls, values: dict, section: str, aliases: tuple[str, ...] = ()):
    names = {f.name for f in fields(cls)} | set(aliases)
    unknown = set(values) - names
    if unknown:
        raise ConfigError(f"unknown setting(s) in [{section}]: {', '.join(sorted(unknown))}")
    return values


# [search]'s keys, as Settings names them.
_SEARCH = {"backend": "search_backend", "shards": "shards", "timeout": "shard_timeout", "dir": "shards_dir"}


def _search(values: dict, base: Path, path: Path) -> dict:
    """[search]: where `top` is asked (index/search/shards.py), as Settings fields."""
    unknown = set(values) - set(_SEARCH)
    if unknown:
        raise ConfigError(f"unknown setting(s) in [search]: {', '.join(sorted(unknown))}")
    backend = values.get("backend", "local")
    if backend not in ("local", "xapian"):
        raise ConfigError(f'{path}: [search] backend must be "local" or "xapian", not {backend!r}')
    shards = values.get("shards", [])
    if not isinstance(shards, list) or not all(isinstance(a, str) and a.rpartition(":")[2].isdigit() for a in shards):
        raise ConfigError(f'{path}: [search] shards must be a list of "host:port" strings')
    if backend == "xapian" and not shards:
        raise ConfigError(f'{path}: [search] backend = "xapian" needs shards = ["host:port", ...]')
    out = {_SEARCH[k]: v for k, v in values.items()}
    out["shards"] = tuple(shards)
    if "shards_dir" in out:
        out["shards_dir"] = base / out["shards_dir"]
    return out


def load(path: str | Path | None = None, corpus: str | None = None, db: str | None = None) -> Config:
    path = Path(path) if path else DEFAULT_CONFIG
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"找不到配置文件 {path.resolve()}：请在放有 config.toml 的文件夹里运行，或用 --config 指定。"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    base = path.resolve().parent
    idx = _pick(Settings, dict(raw.get("index", {})), "index", ("corpus", "db"))
    idx["corpus_dir"] = Path(corpus) if corpus else base / idx.pop("corpus", "seeds")
    idx["db_path"] = Path(db) if db else base / idx.pop("db", "data/index.db")
    idx.pop("corpus", None)
    idx.pop("db", None)
    idx.update(_search(dict(raw.get("search", {})), base, path))
    tg = _pick(TelegramSettings, dict(raw.get("telegram", {})), "telegram")
    try:
        settings = Settings(**idx)
        telegram = TelegramSettings(**tg)
    except TypeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    telegram.token = os.environ.get("TELEGRAM_BOT_TOKEN", "") or telegram.token
    telegram.admins = [int(a) for a in telegram.admins]
    return Config(settings, telegram, path)
