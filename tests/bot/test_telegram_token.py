"""The token refused while the bot polls (issue 11): a 401 or 403 from getUpdates ends
serve() with TokenRefused at once (python -m bot then exits 3: test_telegram_process.py),
instead of PTB's polling loop stopping silently while the process stays up; any other
getUpdates error is retried and the bot keeps answering."""

from __future__ import annotations

import time

import pytest

from bot.telegram_app import RetryingRateLimiter, TokenRefused
from tests.bot.stub_bot_api import BotRunner, StubBotApi, write_config
from tests.bot.telegram_support import check_html, seed_index

QUESTION = "雨花区有多少红色之家？"
FAST = {"read_timeout": 1.0, "rate_limiter": RetryingRateLimiter(backoff=0.1)}


@pytest.fixture
def stub():
    with StubBotApi() as s:
        yield s


@pytest.fixture
def runner(stub, tmp_path, tmp_path_factory, logs):
    cfg = write_config(tmp_path, stub, index_from=seed_index(tmp_path_factory), answer_process=False)
    r = BotRunner(cfg, poll_timeout=0.5, **FAST).start()
    yield r
    if r._thread.is_alive():
        r.stop()


def _ended_by_refusal(stub, runner, status):
    polls = stub.calls_since(0, "getUpdates", ok=False)
    refused = [c for c in polls if c.status == status]
    assert len(refused) == 1, f"getUpdates retried after a {status}: {[c.status for c in polls]}"
    return refused[0]


@pytest.mark.parametrize("status", [401, 403])
def test_the_token_refused_to_get_updates_ends_serve(stub, runner, logs, status):
    stub.wait("getUpdates")
    mark = logs.mark()
    if status == 401:
        stub.revoke_token(after_polls=1)  # every call from the second poll on: 401
    else:
        stub.fail("getUpdates", 403, description="Forbidden: bot was kicked")
    t0 = time.monotonic()
    error = runner.wait_ended(timeout=5)
    assert isinstance(error, TokenRefused), error
    assert time.monotonic() - t0 < 3
    refused = _ended_by_refusal(stub, runner, status)
    assert stub.calls_since(0, "getUpdates", ok=False)[-1] is refused  # no poll after it
    assert "polling failed" not in logs.text(mark)  # no stream of retries


def test_other_get_updates_errors_are_retried(stub, runner, logs):
    stub.wait("getUpdates")
    stub.fail("getUpdates", 502)  # PTB waits 1 s after it: one is enough
    msg = stub.send(stub.private(1501), QUESTION, user=stub.user(1501))
    assert "28家" in check_html(stub.wait_reply(msg, timeout=15).params["text"])
    assert [c.status for c in stub.calls_since(0, "getUpdates", ok=False)].count(502) == 1
    assert runner._thread.is_alive()


def test_a_webhook_refused_at_start_fails_the_start_and_frees_the_port(stub, tmp_path, tmp_path_factory):
    from tests.bot.test_telegram_webhook import _free_port

    port = _free_port()
    cfg = write_config(
        tmp_path,
        stub,
        index_from=seed_index(tmp_path_factory),
        answer_process=False,
        webhook_url=f"http://127.0.0.1:{port}/hook",
        listen="127.0.0.1",
        port=port,
    )
    stub.fail("setWebhook", 401)
    with pytest.raises(RuntimeError) as info:
        BotRunner(cfg, **FAST).start()
    assert type(info.value.__cause__).__name__ == "InvalidToken"  # run_bot: exit status 2
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", port))  # the webhook server let its port go
