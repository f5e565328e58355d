"""The loopback Bot API under the names the tests import (it lives in loopback/, which
bench/ uses too), and a command line:

    python tests/bot/stub_bot_api.py [N]         # measure_bot on the seeds: N questions (200)
    python tests/bot/stub_bot_api.py --transcript  # tests/bot/transcript.py: the exchange docs/telegram.md shows
"""

from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__":  # run as a script: the repository's packages importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from loopback.measure import measure_bot  # noqa: E402
from loopback.runner import ROOT, SEEDS, BotRunner, copy_index, write_config  # noqa: E402
from loopback.server import (  # noqa: E402
    ADMIN_ID,
    BOT_ID,
    BOT_USERNAME,
    TOKEN,
    Call,
    Fault,
    StubBotApi,
    _public,
    auto_entities,
    check_caption,
)
from loopback.telegram_html import (  # noqa: E402
    ALLOWED_TAGS,
    MAX_TEXT,
    HtmlError,
    check_message_text,
    parse_telegram_html,
    utf16_len,
)

__all__ = [
    "ADMIN_ID",
    "ALLOWED_TAGS",
    "BOT_ID",
    "BOT_USERNAME",
    "MAX_TEXT",
    "ROOT",
    "SEEDS",
    "TOKEN",
    "BotRunner",
    "Call",
    "Fault",
    "HtmlError",
    "StubBotApi",
    "_public",
    "auto_entities",
    "check_caption",
    "check_message_text",
    "copy_index",
    "measure_bot",
    "parse_telegram_html",
    "utf16_len",
    "write_config",
]


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:  # the old way of starting measure_bot's stub process
        from loopback.measure import _serve_stdio

        _serve_stdio()
        sys.exit(0)
    if sys.argv[1:2] == ["--transcript"]:
        from tests.bot.transcript import transcript

        print(transcript())
        sys.exit(0)
    import tempfile

    from tests.conftest import make_settings

    tmp = Path(tempfile.mkdtemp())
    print(
        measure_bot(
            make_settings(tmp),
            ["雨花区有多少红色之家？", "那新田县呢？", "高塘岭社区有多少党员？"],
            n=int(sys.argv[1]) if len(sys.argv) > 1 else 200,
        )
    )
