"""Callback data that cannot be forged: `more:<qid>:<offset>:<sig>`, `up:<qid>:<sig>`,
`down:<qid>:<sig>`.

A Telegram client can send any callback data it likes for any message it can see, so
buttons carry an HMAC of the chat the answer was sent to and the question's log id. The
key is derived from the bot token (never stored): buttons keep working after a restart,
and data copied from one chat does not verify in another. The handler also checks the
question log row's chat, so even a leaked key would not open another chat's questions.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

_DATA = re.compile(r"^(more|up|down):(\d{1,12})(?::(\d{1,3}))?:([0-9a-f]{12})$")


@dataclass(frozen=True)
class ButtonData:
    action: str  # "more", "up" or "down"
    qid: int
    offset: int
    sig: str


class Signer:
    def __init__(self, token: str):
        self._key = hashlib.sha256(b"zh-answer-bot callback data\0" + token.encode()).digest()

    def sig(self, chat_id: int, qid: int) -> str:
        return hmac.new(self._key, f"{chat_id}:{qid}".encode(), hashlib.sha256).hexdigest()[:12]

    def more(self, chat_id: int, qid: int, offset: int) -> str:
        return f"more:{qid}:{offset}:{self.sig(chat_id, qid)}"

    def vote(self, chat_id: int, qid: int, up: bool) -> str:
        return f"{'up' if up else 'down'}:{qid}:{self.sig(chat_id, qid)}"

    def check(self, chat_id: int, data: ButtonData) -> bool:
        return hmac.compare_digest(self.sig(chat_id, data.qid), data.sig)


def parse(data: str | None) -> ButtonData | None:
    """The button data of an answer, or None for anything else (other buttons, garbage)."""
    m = _DATA.match(data or "")
    if not m:
        return None
    action, qid, offset, sig = m.groups()
    if (action == "more") != (offset is not None):
        return None
    return ButtonData(action, int(qid), int(offset or 0), sig)
