"""python-telegram-bot's HTTP requests over aiohttp instead of httpx.

PTB lets the networking backend be swapped (telegram.request.BaseRequest); this one sends
the fields PTB gives it as a JSON object (multipart when there are files), and maps errors
as PTB's own HTTPXRequest does (a timeout is TimedOut, any other failure NetworkError), so
the retries in telegram_app.RetryingRateLimiter work unchanged.

Why: httpx (with httpcore, anyio and h11, all pure Python) costs about 2.6 ms of CPU a
sendMessage on this machine, aiohttp (C HTTP parser) 1.3 ms, measured against the Bot API
stub in its own process; httpcore also checks every idle pooled connection with a syscall
before each request, and without the sniffio package imports it afresh (a failed import:
a search of sys.path) nine times a request. With the answers on a thread sharing the
loop's GIL, 1,000 questions pushed at once at 10k passages: ~100 → ~195 a second.
"""

from __future__ import annotations

import logging

import aiohttp
from aiohttp.helpers import get_env_proxy_for_url
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData
from yarl import URL

log = logging.getLogger("bot.http")

_JSON = {"Content-Type": "application/json"}


class AiohttpRequest(BaseRequest):
    """One aiohttp session with at most `connection_pool_size` connections. Timeouts are
    PTB's: read, connect and pool (waiting for a free connection); aiohttp has no write
    timeout of its own, so a stalled write ends at the read timeout."""

    def __init__(
        self,
        connection_pool_size: int = 8,
        *,
        read_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
    ):
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[str, tuple[URL | None, aiohttp.BasicAuth | None]] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size), headers={"User-Agent": self.USER_AGENT}
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout=BaseRequest.DEFAULT_NONE,
        write_timeout=BaseRequest.DEFAULT_NONE,
        connect_timeout=BaseRequest.DEFAULT_NONE,
        pool_timeout=BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        read = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        connect = self._connect_timeout if isinstance(connect_timeout, DefaultValue) else connect_timeout
        pool = self._pool_timeout if isinstance(pool_timeout, DefaultValue) else pool_timeout
        # aiohttp's `connect` covers waiting for a pooled connection and opening a new one
        timeout = aiohttp.ClientTimeout(
            total=None,
            sock_read=read,
            sock_connect=connect,
            connect=None if connect is None or pool is None else connect + pool,
        )
        data, headers = _body(request_data)
        proxy, proxy_auth = self._env_proxy(url)
        try:
            async with self._session.request(
                method, url, data=data, headers=headers, timeout=timeout, proxy=proxy, proxy_auth=proxy_auth
            ) as res:
                body = await res.read()
        except TimeoutError as exc:  # aiohttp's ServerTimeoutError is one too
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{exc.__class__.__name__}: {exc}") from exc
        # as httpx logs it (at INFO there); the token in the URL is masked by bot.redact
        log.debug('HTTP Request: %s %s "%d %s"', method, url, res.status, res.reason)
        return res.status, body

    def _env_proxy(self, url: str) -> tuple[URL | None, aiohttp.BasicAuth | None]:
        """The proxy HTTPS_PROXY (and NO_PROXY...) name for the URL's host, as httpx would
        use it, looked up once a host: aiohttp's trust_env looks it up, and reads ~/.netrc,
        in a worker thread for every request (two thread hops a sendMessage)."""
        origin = url.split("/", 3)[:3]
        key = "/".join(origin)
        if key not in self._proxies:
            try:
                self._proxies[key] = get_env_proxy_for_url(URL(url))
            except LookupError:
                self._proxies[key] = (None, None)
        return self._proxies[key]


def _body(request_data: RequestData | None):
    """The request's body: the fields as one JSON object (the Bot API takes JSON, except for
    uploads; nested values stay the JSON strings PTB made of them, as PTB 13 sent them),
    or multipart when there are files. JSON rather than HTTPXRequest's form encoding: the
    percent-encoding of Chinese text costs ~0.1 ms a message here and more to decode, and
    a dict handed to aiohttp would become a FormData with a fresh random boundary
    (os.urandom, a GIL release) for every request."""
    if request_data is None:
        return None, None
    files = request_data.multipart_data
    if not files:
        return request_data.json_payload, _JSON
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (file_name, content, mime_type) in files.items():
        form.add_field(name, content, filename=file_name, content_type=mime_type)
    return form, None
