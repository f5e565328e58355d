"""Webhook mode: with `webhook_url` set the bot registers it (with the secret token) and
serves updates POSTed to it; a POST without the secret is refused."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request

import pytest

from tests.stub_bot_api import BotRunner, _public, write_config
from tests.telegram_support import check_html, logs, stub  # noqa: F401

SECRET = "s3cret-token_for-the-webhook"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def hook(stub, tmp_path_factory, logs):
    port = _free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    cfg = write_config(tmp_path_factory.mktemp("webhook"), stub, webhook_url=url, listen="127.0.0.1",
                       port=port, secret_token=SECRET)
    with BotRunner(cfg):
        yield url


def _post(url: str, update: dict, secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    req = urllib.request.Request(url, json.dumps(update).encode(), headers)
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_the_webhook_is_registered_with_its_secret(stub, hook):
    call = stub.wait("setWebhook")
    assert call.params["url"] == hook and call.params["secret_token"] == SECRET
    assert call.params["allowed_updates"] == ["message", "callback_query", "inline_query"]


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
