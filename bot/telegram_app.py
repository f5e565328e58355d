"""The Telegram front end: a python-telegram-bot (v22) application over the answer engine.

    app = build_application(cfg, engine)   # wired, not started
    run_bot(cfg)                           # load the index once, then poll (or serve a webhook)

`[telegram] base_url` / `base_file_url` go to python-telegram-bot as they are (the token is
appended), so the bot runs against api.telegram.org, a local Bot API server or a test stub
alike. Requests go through `RetryingRateLimiter`: Telegram's flood limits are respected, a
429 is waited out and the request sent again, and a 5xx or a timeout is retried a few
times, so an answer is not dropped because Telegram hiccuped.

Exit codes of `run_bot`: 0 stopped by SIGINT/SIGTERM; 2 the token refused at start (getMe);
3 the token refused while polling (401/403 from getUpdates: revoked in BotFather, say).
Polling cannot go on then, so the process ends rather than run on deaf, and the service
manager restarts it or tells someone. Every other polling error is retried, with backoff.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import secrets
import signal
from urllib.parse import urlsplit

from telegram import BotCommandScopeChat, Update
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import AIORateLimiter, Application, BaseRateLimiter, ContextTypes, Defaults

from bot import reasons, redact, webhook
from bot.commands import add_handlers, menu
from bot.config import Config
from bot.http_request import AiohttpRequest
from bot.state import BotState
from index.engine import Engine

log = logging.getLogger("bot.telegram")

ALLOWED_UPDATES = [
    Update.MESSAGE,
    Update.EDITED_MESSAGE,
    Update.CALLBACK_QUERY,
    Update.INLINE_QUERY,
    Update.MY_CHAT_MEMBER,
]
HOUSEKEEPING_SECONDS = 6 * 3600
EXIT_TOKEN_AT_START = 2
EXIT_TOKEN_WHILE_POLLING = 3


class TokenRefused(Exception):
    """Telegram refused the token to getUpdates: polling is over (serve() raises it)."""


class PollingRequest(AiohttpRequest):
    """The request PTB gives getUpdates alone (`get_updates_request`), which notices
    Telegram refusing the token. PTB's polling loop gives up on InvalidToken (401, 404)
    without telling the application, which then runs on deaf; and it would retry a 403
    (Forbidden) forever. Here either sets `refused`, for serve() to end the process, and a
    403 is raised as InvalidToken so that the loop stops at once for it too."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.refused = asyncio.Event()
        self.error: TelegramError | None = None

    async def post(self, *args, **kwargs):
        try:
            return await super().post(*args, **kwargs)
        except InvalidToken as exc:
            self._refuse(exc)
            raise
        except Forbidden as exc:
            self._refuse(exc)
            raise InvalidToken(str(exc)) from exc

    def _refuse(self, exc: TelegramError) -> None:
        if self.error is None:
            self.error = exc
        self.refused.set()


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter (30 messages a second overall, 20 a minute per group) that also
    retries: a 429 after waiting `retry_after` (up to `max_retries` times; the stock
    limiter gives up at once unless told), and a 5xx or a timeout `network_retries` times
    with a doubling pause. getUpdates is left to the updater, which retries by itself.

    A timed-out sendMessage may have reached Telegram: retrying it can, rarely, send an
    answer twice. That is preferred to losing it."""

    def __init__(self, *, max_retries: int = 5, network_retries: int = 3, backoff: float = 0.5, **limits):
        super().__init__(max_retries=max_retries, **limits)
        self.network_retries = network_retries
        self.backoff = backoff

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):
        if endpoint == "getUpdates":
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
        pause = self.backoff
        for attempt in range(self.network_retries + 1):
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except (BadRequest, RetryAfter):
                raise  # our mistake, or out of 429 retries: trying again will not help
            except (NetworkError, TimedOut) as exc:
                if attempt == self.network_retries:
                    raise
                log.warning(
                    "%s failed (%s); retry %d of %d in %.1f s", endpoint, exc, attempt + 1, self.network_retries, pause
                )
                await asyncio.sleep(pause)
                pause *= 2
        raise AssertionError("unreachable")


def build_application(
    cfg: Config,
    engine: Engine,
    *,
    rate_limiter: BaseRateLimiter | None = None,
    concurrent_updates: int = 16,
    read_timeout: float = 15.0,
    connect_timeout: float = 5.0,
) -> Application:
    """The application, wired with every handler, over an engine that is already open."""
    t = cfg.telegram
    if not t.token:
        raise ValueError("no Telegram token: set TELEGRAM_BOT_TOKEN or [telegram] token")
    redact.protect(t.token)
    timeouts = {"read_timeout": read_timeout, "connect_timeout": connect_timeout, "pool_timeout": connect_timeout}
    polling = PollingRequest(1, **timeouts)
    app = (
        Application.builder()
        .token(t.token)
        .base_url(t.base_url)
        .base_file_url(t.base_file_url)
        # Replies are Telegram HTML (bot/telegram_html.py) unless a call says parse_mode=None:
        # those whose text carries words not ours (a reason, a file name, a question).
        .defaults(Defaults(parse_mode=ParseMode.HTML, do_quote=True, allow_sending_without_reply=True))
        .rate_limiter(rate_limiter or RetryingRateLimiter())
        .concurrent_updates(concurrent_updates)
        # A connection for each update handled at once; getUpdates has its own, whose
        # read timeout is added to the long poll's own timeout.
        .request(AiohttpRequest(concurrent_updates, **timeouts))
        .get_updates_request(polling)
        .build()
    )
    app.bot_data["state"] = BotState.create(cfg, engine)
    app.bot_data["polling"] = polling  # PTB's Bot keeps it private: serve() watches it
    add_handlers(app)
    # The question log is pruned at start (serve) and then by the job queue, which runs
    # while the application does.
    app.job_queue.run_repeating(_housekeeping, interval=HOUSEKEEPING_SECONDS, first=HOUSEKEEPING_SECONDS)
    return app


def prune_log(st: BotState) -> int:
    """Drop questions (and remembered answers) older than `retention_days`."""
    days = st.cfg.telegram.retention_days
    if days <= 0:
        return 0
    before = (dt.datetime.now(dt.UTC) - dt.timedelta(days=days)).isoformat(timespec="seconds")
    n = st.question_log.prune_questions(before)
    st.question_log.prune_answer_messages(before)
    if n:
        log.info("question log: %d questions older than %d days removed", n, days)
    return n


def _warm_up(fn) -> None:
    """fn() (the examples /start shows, or Engine.warm_up), before the first question."""
    try:
        fn()
    except Exception:  # the first real question will show the problem to its handler
        log.exception("warm-up failed")


async def _retried(action, attempts: int = 5) -> None:
    """`action()`, retried while Telegram cannot be reached; a wrong token (InvalidToken) or
    a BadRequest fails at once (a 429 is the rate limiter's to wait out)."""
    pause = 1.0
    for attempt in range(1, attempts + 1):
        try:
            await action()
            return
        except (NetworkError, TimedOut) as exc:
            if attempt == attempts or isinstance(exc, BadRequest):  # BadRequest is a NetworkError
                raise
            log.warning("cannot reach the Bot API (%s); retrying in %.0f s", exc, pause)
            await asyncio.sleep(pause)
            pause = min(pause * 2, 30)


async def _initialize(app: Application, attempts: int = 5) -> None:
    """getMe, retried while Telegram cannot be reached; a wrong token fails at once."""
    await _retried(app.initialize, attempts)


async def _start_webhook(app: Application, t, secret: str) -> webhook.WebhookServer:
    """Listen first, then tell Telegram where (so that its first POST finds the server)."""
    server = await webhook.start(app, t.listen, t.port, urlsplit(t.webhook_url).path, secret)
    try:
        await _retried(lambda: app.bot.set_webhook(t.webhook_url, secret_token=secret, allowed_updates=ALLOWED_UPDATES))
    except BaseException:
        await server.stop()
        raise
    return server


async def _prune(st: BotState) -> None:
    try:
        await asyncio.to_thread(prune_log, st)
    except Exception:
        log.exception("question log pruning failed")


async def _housekeeping(context: ContextTypes.DEFAULT_TYPE) -> None:
    await _prune(context.application.bot_data["state"])


async def _set_commands(app: Application, admins: list[int]) -> None:
    """The command menu: /ask and /help for everyone, the admin commands in admins' chats."""
    try:
        await app.bot.set_my_commands(menu(admin=False))
    except TelegramError as exc:
        log.warning("setMyCommands failed: %s", exc)
    for admin in admins:
        try:
            await app.bot.set_my_commands(menu(admin=True), scope=BotCommandScopeChat(admin))
        except TelegramError as exc:  # "chat not found" until the admin has talked to the bot
            log.info("admin command menu for %s not set: %s", admin, exc)


def _polling_error(exc: TelegramError) -> None:
    # PTB's loop waits 1 s after an error, half as long again after each one, up to 30 s
    log.warning("polling failed: %s (retrying)", exc)


async def _until_stopped(stop: asyncio.Event, polling: PollingRequest) -> None:
    """Until `stop` is set; TokenRefused if Telegram refuses the token to getUpdates."""
    waits = {asyncio.create_task(stop.wait()), asyncio.create_task(polling.refused.wait())}
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in waits:
            task.cancel()
    if polling.refused.is_set() and not stop.is_set():
        raise TokenRefused(str(polling.error))


async def _stop_updater(app: Application) -> None:
    try:
        await app.updater.stop()
    except InvalidToken:  # the polling task ended with it; serve() says so (TokenRefused)
        pass


async def serve(
    app: Application,
    cfg: Config,
    stop: asyncio.Event,
    *,
    poll_timeout: float = 10.0,
    ready: asyncio.Event | None = None,
) -> None:
    """Run `app` until `stop` is set: long polling, or a webhook when `webhook_url` is set."""
    st: BotState = app.bot_data["state"]
    t = cfg.telegram
    answering = asyncio.create_task(st.start_answering())  # opens the index again, meanwhile
    hook = None
    try:
        await asyncio.to_thread(_warm_up, st.examples)
        await answering
        if st.answers is None:  # this process answers: what answering loads, loaded now
            await asyncio.to_thread(_warm_up, st.engine.warm_up)
        await _initialize(app)
        await _set_commands(app, t.admins)
        if t.webhook_url:  # our server, not Updater.start_webhook: see bot/webhook.py
            hook = await _start_webhook(app, t, t.secret_token or secrets.token_urlsafe(32))
            mode = f"webhook {t.webhook_url} (listening on {t.listen}:{t.port})"
        else:
            await app.updater.start_polling(
                timeout=poll_timeout,
                allowed_updates=ALLOWED_UPDATES,
                bootstrap_retries=5,
                error_callback=_polling_error,
            )
            mode = "long polling"
        await app.start()
        await _prune(st)  # before the bot says it is ready, so that nothing races the first one
        counts = st.engine.stats()
        log.info(
            "bot @%s answering from %d documents (%d passages), %s",
            app.bot.username,
            counts["documents"],
            counts["passages"],
            mode,
        )
        st.embed_later()
        if ready is not None:
            ready.set()
        await _until_stopped(stop, app.bot_data["polling"])
    finally:
        if hook is not None:
            await hook.stop()
        if app.updater.running:
            await _stop_updater(app)
        if app.running:
            await app.stop()
        await app.shutdown()  # returns at once when never initialized
        await st.backlog.close()
        await answering
        await st.stop_embedding()
        await st.stop_answering()
        st.answering.shutdown(wait=True)  # the last answers' log rows are written


def run_bot(cfg: Config) -> int:
    """`python -m bot` with a token: open the index once, serve until SIGINT or SIGTERM."""
    redact.protect(cfg.telegram.token)
    engine = Engine.open(cfg.index)
    if not engine.reads_meaning:
        log.warning("%s", reasons.WORDS_ONLY)
    app = build_application(cfg, engine)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await serve(app, cfg, stop)

    try:
        asyncio.run(main())
    except InvalidToken:
        log.error("Telegram refused the token: check TELEGRAM_BOT_TOKEN or [telegram] token")
        return EXIT_TOKEN_AT_START
    except TokenRefused as exc:
        log.error(
            "Telegram refused the token while polling (%s): the bot can receive nothing; exiting "
            "with status %d. Check TELEGRAM_BOT_TOKEN or [telegram] token (revoked in BotFather?)",
            exc,
            EXIT_TOKEN_WHILE_POLLING,
        )
        return EXIT_TOKEN_WHILE_POLLING
    log.info("bot stopped")
    return 0
