"""The command line: ask, reindex, stats, docs, and (with no command) the bot or a console.

python -m bot                      the Telegram bot, or a console with no token set
python -m bot ask "问题" [--json] [--top-k K]
python -m bot reindex [--corpus DIR] [--db FILE]
python -m bot add FILE_OR_URL... | remove NAME...
python -m bot stats | docs
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

from bot import config as config_mod
from bot import question_log, reasons, redact
from bot.render import format_answer_text, format_summary_text
from bot.wording import ocr_note
from index.answers.model_files import ModelUnavailable
from index.documents.unreadable import UnreadableDocument, too_large
from index.engine import Answer, CorpusMissing, Engine, ReindexBusy, ReindexFailed, SearchUnavailable

log = logging.getLogger("bot")


def _paths(default) -> argparse.ArgumentParser:
    """--config, --corpus, --db: taken before the command and after it alike."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", default=default, help="settings file (default: config.toml beside the code)")
    common.add_argument("--corpus", default=default, help="corpus folder, instead of the one in the settings")
    common.add_argument("--db", default=default, help="index database file, instead of the one in the settings")
    return common


def build_parser() -> argparse.ArgumentParser:
    # The command's copies of the options must not set their defaults: argparse would
    # write them over what was given before the command. Given in both places, the one
    # after the command wins (the later one, as with any repeated option).
    common = _paths(argparse.SUPPRESS)
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        parents=[_paths(None)],
        description="Answers Chinese questions from a corpus of documents, on Telegram or here.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p = sub.add_parser("run", parents=[common], help="start the Telegram bot (the default); a console without a token")
    p = sub.add_parser("ask", parents=[common], help="answer questions (arguments, or standard input one per line)")
    p.add_argument("question", nargs="*", help="questions; none reads standard input")
    p.add_argument("--json", action="store_true", help="one JSON object per question on standard output")
    p.add_argument("--top-k", type=int, help="how many passages to return")
    p = sub.add_parser("reindex", parents=[common], help="bring the index in line with the corpus folder")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p = sub.add_parser(
        "add", parents=[common], help="copy files (or fetch web pages) into the corpus folder and index them"
    )
    p.add_argument("file", nargs="+", help=".txt .md .pdf .docx .html files, or http(s) links to web pages")
    p.add_argument("--json", action="store_true", help="one JSON object per file on standard output")
    p.add_argument("--wait", type=float, default=600.0, help="seconds to wait for a running reindex (default 600)")
    p = sub.add_parser("remove", parents=[common], help="remove documents from the index and the corpus folder")
    p.add_argument("name", nargs="+", help="document names, as `docs` lists them")
    p.add_argument("--json", action="store_true", help="one JSON object per name on standard output")
    p.add_argument("--wait", type=float, default=600.0, help="seconds to wait for a running reindex (default 600)")
    sub.add_parser("stats", parents=[common], help="documents, passages and questions asked")
    sub.add_parser("docs", parents=[common], help="list the indexed documents")
    sub.add_parser("console", parents=[common], help="ask questions interactively")
    sub.add_parser(
        "embed", parents=[common], help="embed every sentence the meaning model has not read yet (else done as asked)"
    )
    p = sub.add_parser("shards", parents=[common], help="build the Xapian shards of the index (docs/scaling.md)")
    p.add_argument("action", choices=["build"], help="build: split the live index into shard databases")
    p.add_argument("--shards", type=int, required=True, help="how many shards")
    p.add_argument("--out", type=Path, required=True, help="the shard folder (serve its shard-I with xapian-tcpsrv)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--wait", type=float, default=600.0, help="seconds to wait for a running reindex (default 600)")
    return parser


def open_engine(cfg, build_if_empty: bool = True) -> Engine:
    engine = Engine.open(cfg.index, build_if_empty=build_if_empty)
    if not engine.reads_meaning:
        print(reasons.WORDS_ONLY, file=sys.stderr)
    return engine


def cmd_ask(cfg, args) -> int:
    engine = open_engine(cfg)
    questions = args.question or (line.strip() for line in sys.stdin)
    top_k = args.top_k if args.top_k is not None else cfg.index.top_k
    if top_k < 1:
        raise UsageError("--top-k 至少为 1")
    for q in questions:
        if args.json:
            answer = engine.ask(q, top_k=top_k) if q.strip() else Answer(q, None, None, [])
            row = answer.to_json()
            print(json.dumps(row, ensure_ascii=False), flush=True)
        elif q.strip():
            answer = engine.ask(q, top_k=top_k)
            examples = engine.example_questions(1) if answer.outcome == "chat" else []
            print(format_answer_text(answer, examples))
            print()
    return 0


def cmd_reindex(cfg, args) -> int:
    engine = Engine(cfg.index)
    bar = _Bar()
    try:
        summary = engine.reindex(progress=bar.update)
    finally:
        bar.close()
    print(json.dumps(summary.to_json(), ensure_ascii=False) if args.json else format_summary_text(summary))
    return 0


def cmd_add(cfg, args) -> int:
    """Each file in turn, as an upload: copied into the corpus folder once it is indexed;
    an http(s) link is fetched (bot/links.py) and added as a link sent to the bot is."""
    from bot.links import add_link
    from index.documents.fetch import is_url

    engine = open_engine(cfg)
    failed = 0
    for file in args.file:
        path = Path(file)
        try:
            if is_url(file):
                name, processed, summary = add_link(engine, file, wait=args.wait)
            elif (why := too_large(path.stat().st_size, cfg.index.max_file_mb)) is not None:
                raise why  # never read into memory
            else:
                name, processed, summary = engine.add_document(path.name, path.read_bytes(), wait=args.wait)
        except (UnreadableDocument, OSError) as exc:
            failed += 1
            if isinstance(exc, OSError):
                exc = UnreadableDocument("cannot_read", detail=exc.strerror or str(exc))
            print(
                json.dumps(
                    {"file": file, "added": False, "code": exc.code, "reason": reasons.say(exc)}, ensure_ascii=False
                )
                if args.json
                else f"未加入 {file}：{reasons.say(exc)}"
            )
            continue
        verb = "已更新" if summary.changed else "已加入"
        print(
            json.dumps(
                {
                    "file": file,
                    "added": True,
                    "name": name,
                    "title": processed.title,
                    "passages": len(processed.passages),
                    "ocr_pages": processed.ocr_pages,
                },
                ensure_ascii=False,
            )
            if args.json
            else f"{verb} {name}：{processed.title}（{len(processed.passages)} 段{ocr_note(processed.ocr_pages)}）"
        )
    return 1 if failed else 0


def cmd_remove(cfg, args) -> int:
    engine = open_engine(cfg)
    missing = 0
    for name in args.name:
        removed = engine.remove_document(name, wait=args.wait)
        missing += not removed
        print(
            json.dumps({"name": name, "removed": removed}, ensure_ascii=False)
            if args.json
            else f"已删除 {name}"
            if removed
            else f"没有名为 {name} 的文档"
        )
    return 1 if missing else 0


def cmd_shards(cfg, args) -> int:
    if args.shards < 1:
        raise UsageError("--shards 至少为 1")
    engine = open_engine(cfg)
    started = time.perf_counter()
    built = engine.build_shards(args.shards, args.out, wait=args.wait)
    summary = {
        "shards": len(built.folders),
        "generation": built.generation,
        "passages": built.passages,
        "folders": [str(args.out / f"shard-{i}") for i in range(len(built.folders))],
        "seconds": round(time.perf_counter() - started, 3),
    }
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(f"已生成 {summary['shards']} 个分片（第 {built.generation} 代索引，用时 {summary['seconds']:.1f} 秒）：")
        for folder, n in zip(summary["folders"], built.passages):
            print(f"  {folder}\t{n} 段")
    return 0


class _Bar:
    """A tqdm bar on standard error, shown once a reindex has 50 documents or more."""

    def __init__(self):
        from tqdm import tqdm

        self._tqdm = tqdm
        self.bar = None

    def update(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = self._tqdm(total=total, unit="doc", desc="indexing", file=sys.stderr, disable=total < 50)
        self.bar.n = done
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def cmd_stats(cfg, args) -> int:
    engine = open_engine(cfg)
    s = engine.stats()
    log_path = config_mod.question_log_path(cfg)
    if log_path.exists():
        q = question_log.QuestionLog(log_path).stats(since=question_log.now()[:10])
    else:  # the bot has never run here: no question asked, and no file made just to say so
        q = {"total": 0, "answered": 0, "today": 0, "unanswered_top": []}
    print(
        f"文档 {s['documents']} 篇，段落 {s['passages']} 段，{s['chars']} 字，数据库 {s['db_bytes'] / 1048576:.1f} MB"
    )
    rate = 1 - q["answered"] / q["total"] if q["total"] else 0.0
    print(f"今天提问 {q['today']} 个，累计 {q['total']} 个，未找到答案 {rate:.0%}")
    for question, n in q["unanswered_top"]:
        print(f"  未找到答案 ×{n}：{question}")
    return 0


def cmd_docs(cfg, args) -> int:
    engine = open_engine(cfg)
    for d in engine.documents():
        print(f"{d.name}\t{d.passages} 段\t{d.title}")
    return 0


def cmd_console(cfg, args) -> int:
    """Questions typed at a prompt (or piped in, one a line, to `console`), each read in the
    light of the one before when it follows it up ("那桂阳县呢？") within followup_minutes,
    as in a private chat. `python -m bot` with no token and no terminal answers one example
    and exits: its input may be a pipe nobody writes to."""
    engine = open_engine(cfg)
    examples = engine.example_questions()
    print("没有配置 Telegram 令牌（TELEGRAM_BOT_TOKEN 或 config.toml 的 [telegram] token），进入控制台问答。")
    print(f"语料：{engine.stats()['documents']} 篇文档。输入问题，回车提问；空行或 Ctrl-D 退出。")
    if examples:
        print("例如：" + " / ".join(examples))
    if not sys.stdin.isatty() and args.command != "console":
        if examples:  # no one to type: show what an answer looks like, on the corpus's own example
            print(f"\n> {examples[0]}\n{format_answer_text(engine.ask(examples[0]), examples)}")
        return 0
    last, last_at = None, 0.0  # the last question answered, as searched, and when
    for q in _console_lines():
        answer = engine.ask(q, previous=last if cfg.telegram.follows_up(last_at) else None)
        print(format_answer_text(answer, examples))
        print()
        if answer.outcome != "chat":  # small talk ("谢谢") is no question to follow up
            last, last_at = answer.asked or q, time.monotonic()
    return 0


def _console_lines():
    """The questions typed (or piped in, echoed after a prompt), up to an empty line or the end."""
    tty = sys.stdin.isatty()
    while True:
        try:
            q = (input("> ") if tty else sys.stdin.readline() or "\n").strip()
        except EOFError:
            return
        if not q:
            return
        if not tty:
            print(f"> {q}")
        yield q


def cmd_run(cfg, args) -> int:
    if not cfg.telegram.token:
        return cmd_console(cfg, args)
    from bot.telegram_app import run_bot

    return run_bot(cfg)


class UsageError(Exception):
    pass


def cmd_embed(cfg, args) -> int:
    engine = open_engine(cfg)
    if not engine.reads_meaning:
        return 1  # open_engine said why

    def progress(done: int, total: int) -> None:
        print(f"\r已读 {done}/{total} 段", end="", file=sys.stderr, flush=True)

    sentences = engine.embed_sentences(progress)
    print(f"\n已为 {sentences} 个句子生成语义向量。")
    return 0


COMMANDS = {
    "ask": cmd_ask,
    "reindex": cmd_reindex,
    "add": cmd_add,
    "remove": cmd_remove,
    "stats": cmd_stats,
    "docs": cmd_docs,
    "console": cmd_console,
    "shards": cmd_shards,
    "embed": cmd_embed,
    "run": cmd_run,
    None: cmd_run,
}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    for noisy in ("httpx", "httpcore", "telegram.ext.Application"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        cfg = config_mod.load(args.config, corpus=args.corpus, db=args.db)
        redact.protect(cfg.telegram.token)
        return COMMANDS[args.command](cfg, args)
    except ModelUnavailable as exc:
        log.error("%s", exc)
        print(f"错误：{reasons.say(exc)}", file=sys.stderr)
        return 2
    except (ReindexBusy, ReindexFailed, CorpusMissing) as exc:
        log.info("%s", exc)
        print(f"错误：{reasons.say(exc)}", file=sys.stderr)
        return 2
    except SearchUnavailable as exc:  # not the user's mistake: the log line says which shard
        log.warning("%s", exc)
        print(f"错误：{reasons.say(exc)}", file=sys.stderr)
        return 1
    except (config_mod.ConfigError, UsageError, FileNotFoundError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
