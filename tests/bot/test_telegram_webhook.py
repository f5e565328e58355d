"""Webhook mode: with `webhook_url` set the bot registers it (with the secret token) and
serves updates POSTed to it; a POST without the secret is refused (403), a body that is not
an update too (400, and the bot goes on), and a body over the cap (413) before it is read."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest

from bot.webhook import MAX_BODY_BYTES
from tests.bot.stub_bot_api import BotRunner, _public, write_config
from tests.bot.telegram_support import check_html

SECRET = "s3cret-token_for-the-webhook"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def hook(stub, tmp_path_factory, logs):
    port = _free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    cfg = write_config(
        tmp_path_factory.mktemp("webhook"), stub, webhook_url=url, listen="127.0.0.1", port=port, secret_token=SECRET
    )
    with BotRunner(cfg):
        yield url


def _post(url: str, update: dict | bytes, secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    body = update if isinstance(update, bytes) else json.dumps(update).encode()
    req = urllib.request.Request(url, body, headers)
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_the_webhook_is_registered_with_its_secret(stub, hook):
    call = stub.wait("setWebhook")
    assert call.params["url"] == hook and call.params["secret_token"] == SECRET
    assert call.params["allowed_updates"] == [
        "message",
        "edited_message",
        "callback_query",
        "inline_query",
        "my_chat_member",
    ]


def test_updates_posted_to_the_webhook_are_answered(stub, hook):
    msg = stub.send(stub.private(1401), "雨花区有多少红色之家？", user=stub.user(1401))
    assert _post(hook, {"update_id": msg["update_id"], "message": _public(msg)}, SECRET) == 200
    assert "28家" in check_html(stub.wait_reply(msg).params["text"])


def test_a_post_without_the_secret_is_refused(stub, hook):
    for secret in (None, "wrong"):
        msg = stub.send(stub.private(1402), "雨花区有多少红色之家？", user=stub.user(1402))
        mark = stub.mark()
        assert _post(hook, {"update_id": msg["update_id"], "message": _public(msg)}, secret) == 403
        stub.assert_silent(1402, mark, seconds=0.3)


def _update(stub, user_id: int) -> tuple[dict, dict]:
    msg = stub.send(stub.private(user_id), "雨花区有多少红色之家？", user=stub.user(user_id))
    return msg, {"update_id": msg["update_id"], "message": _public(msg)}


def test_a_body_that_is_not_an_update_gets_400_and_the_bot_goes_on(stub, hook):
    for body in (b"{not json", b"\xff\xfe", b"[1, 2]", b'{"update_id": "x", "message": 5}'):
        assert _post(hook, body, SECRET) == 400, body
    msg, update = _update(stub, 1403)
    assert _post(hook, update, SECRET) == 200
    assert "28家" in check_html(stub.wait_reply(msg).params["text"])


def _raw(url: str, head: dict[str, str], body_bytes: int, chunked: bool = False) -> tuple[str, float]:
    """POST by hand: the headers, then up to `body_bytes` of zeros (as fast as the server
    takes them); the status line the server answers and how long it took to come."""
    parts = urlsplit(url)
    t0 = time.monotonic()
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as s:
        lines = [
            f"POST {parts.path} HTTP/1.1",
            f"Host: {parts.netloc}",
            "Content-Type: application/json",
            *(f"{k}: {v}" for k, v in head.items()),
        ]
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        chunk, sent = b"0" * 65536, 0
        try:
            while sent < body_bytes:
                s.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n" if chunked else chunk)
                sent += len(chunk)
        except OSError:  # the server closed the connection: it will not read the rest
            pass
        try:
            status = s.recv(4096).split(b"\r\n", 1)[0].decode()
        except OSError:
            status = "closed"
    return status or "closed", time.monotonic() - t0


def test_a_body_over_the_cap_is_refused_before_it_is_read(stub, hook):
    """A declared 60 MB body: 413 as soon as the headers arrive; the 64 KB sent is all the
    server sees of it. The cap + 1 byte declared, nothing sent: 413 from the headers alone."""
    secret = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    status, seconds = _raw(hook, {**secret, "Content-Length": str(60_000_000)}, 65536)
    assert status == "HTTP/1.1 413 Request Entity Too Large" and seconds < 1.0, (status, seconds)
    status, seconds = _raw(hook, {**secret, "Content-Length": str(MAX_BODY_BYTES + 1)}, 0)
    assert status == "HTTP/1.1 413 Request Entity Too Large" and seconds < 1.0, (status, seconds)
    assert _post(hook, b" " * MAX_BODY_BYTES, SECRET) == 400  # at the cap: read, and not an update
    # no length declared (chunked): tornado stops reading at the cap
    status, seconds = _raw(hook, {**secret, "Transfer-Encoding": "chunked"}, 4 * MAX_BODY_BYTES, chunked=True)
    assert status in ("HTTP/1.1 400 Bad Request", "closed") and seconds < 2.0, (status, seconds)
    # and without the secret, a stranger's 60 MB gets 403 unread
    status, seconds = _raw(hook, {"Content-Length": str(60_000_000)}, 65536)
    assert status.startswith("HTTP/1.1 403") and seconds < 1.0, (status, seconds)
    msg, update = _update(stub, 1404)  # the bot goes on
    assert _post(hook, update, SECRET) == 200
    assert "28家" in check_html(stub.wait_reply(msg).params["text"])
