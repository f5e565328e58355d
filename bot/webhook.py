"""Webhook mode's HTTP server: Telegram POSTs each update to `webhook_url`; it goes on the
application's update queue, as a polled one would.

    server = await start(app, listen, port, path, secret)   # listening; then setWebhook
    await server.stop()

Why not PTB's `Updater.start_webhook`: its tornado server takes a body of any size up to
tornado's default cap (100 MB) into memory before looking at it, answers a body that is not
JSON with a 500, and offers no way to change either (it builds its server and handler
itself). PTB's documented way to run another server is to put the updates on
`Application.update_queue` yourself (its customwebhookbot example); this does that, with
tornado still, the server PTB's webhooks extra installs:

- the secret (`X-Telegram-Bot-Api-Secret-Token`) and the declared length are checked when
  the headers have arrived, before any of the body is read: a stranger gets 403 and a body
  over MAX_BODY_BYTES 413, and the connection is closed unread;
- a chunked body, which declares no length, is cut off by tornado itself past the same cap
  (400, connection closed);
- a body that is not a JSON update gets 400: the sender's mistake, not a server error
  (PTB's handler answers 500 when json.loads fails).
"""

from __future__ import annotations

import hmac
import json
import logging
import re

import tornado.web
from telegram import Update
from telegram.ext import Application
from tornado.httpserver import HTTPServer

log = logging.getLogger("bot.webhook")

# Telegram's updates are small: a message is at most 4096 characters (and its entities), a
# callback query or an inline query less; a few KB, tens at the very most. A megabyte is far
# above any real update and small enough that a body is never a memory problem.
MAX_BODY_BYTES = 1 << 20
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@tornado.web.stream_request_body  # so that prepare() runs before the body is read
class UpdateHandler(tornado.web.RequestHandler):
    SUPPORTED_METHODS = ("POST",)

    def initialize(self, app: Application, secret: str) -> None:
        self.app = app
        self.secret = secret.encode()
        self.chunks: list[bytes] = []

    def prepare(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.secret):  # in constant time: nothing to learn from timing
            raise tornado.web.HTTPError(403)
        length = self.request.headers.get("Content-Length", "0")
        if not length.isdigit():
            raise tornado.web.HTTPError(400)
        if int(length) > MAX_BODY_BYTES:
            log.warning("webhook: a %s-byte body refused (the cap is %d)", length, MAX_BODY_BYTES)
            raise tornado.web.HTTPError(413)

    def data_received(self, chunk: bytes) -> None:
        self.chunks.append(chunk)  # at most MAX_BODY_BYTES in all: HTTPServer(max_body_size)

    async def post(self) -> None:
        try:
            data = json.loads(b"".join(self.chunks))
            if not isinstance(data, dict):
                raise ValueError(f"a JSON {type(data).__name__}, not an object")
            update = Update.de_json(data, self.app.bot)
        except Exception as exc:  # not JSON (or not UTF-8), or JSON that is not an update
            log.warning("webhook: a body that is not an update refused (400): %.200s", exc)
            raise tornado.web.HTTPError(400) from None
        self.app.bot.insert_callback_data(update)  # what PTB's own handler does (a no-op here)
        await self.app.update_queue.put(update)


class WebhookServer:
    def __init__(self, app: Application, path: str, secret: str):
        web_app = tornado.web.Application(
            [(rf"/{re.escape(path.strip('/'))}/?", UpdateHandler, {"app": app, "secret": secret})],
            log_function=lambda handler: None,
        )  # no access log: scanners would fill it
        self.http = HTTPServer(web_app, max_body_size=MAX_BODY_BYTES)

    async def stop(self) -> None:
        self.http.stop()
        await self.http.close_all_connections()


async def start(app: Application, listen: str, port: int, path: str, secret: str) -> WebhookServer:
    """Listen on `listen:port` for POSTs to `path` carrying `secret`."""
    server = WebhookServer(app, path, secret)
    server.http.listen(port, address=listen)
    return server
