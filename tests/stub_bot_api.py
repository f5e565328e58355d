"""A stand-in for the Telegram Bot API on 127.0.0.1, and the real bot run against it.

    stub = StubBotApi().start()                 # random port, a thread of its own
    cfg = write_config(tmp, stub)               # config.toml with base_url pointed at it
    with BotRunner(cfg) as bot:                 # the real application, polling over HTTP
        msg = stub.send(stub.private(42), "雨花区有多少红色之家？")
        reply = stub.wait_reply(msg)            # the sendMessage the bot made
    stub.stop()

The stub reads what python-telegram-bot sends (form-encoded or multipart POSTs to
/bot<token>/<method>), answers getMe, deleteWebhook, setWebhook, setMyCommands, getUpdates
(honouring offset, blocking briefly until an update arrives), sendMessage,
editMessageText, editMessageReplyMarkup, sendPhoto, editMessageMedia and editMessageCaption
(a photo's bytes kept in its call's params), sendChatAction, answerCallbackQuery,
answerInlineQuery, getFile and file downloads, and records every call. Like Telegram it
refuses (400) text that is not valid Telegram HTML or longer than 4096 characters (a
caption: 1024). It can be told to answer a method with an error (429 with
retry_after, 500, ...) or to delay it.

`measure_bot()` at the end is the hook for the benchmark (issue 4): N questions through
the bot against the stub, with throughput and latency percentiles.
"""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import html
import itertools
import json
import re
import shutil
import statistics
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote

if TYPE_CHECKING:  # the stub serves bench/ too, without the bot imported
    from bot.config import Config

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

TOKEN = "123456789:AAHfake-TOKEN_for_the_stub_0123456789xyz"
BOT_ID = 123456789
BOT_USERNAME = "zh_answer_bot"
ADMIN_ID = 1001

# ---- Telegram HTML, as the Bot API checks it -------------------------------------------

ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "tg-emoji",
    "code",
    "pre",
    "blockquote",
}
_TAG = re.compile(r'<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:="[^"<>]*")?)*)\s*>')
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});")
_PLAIN = re.compile(r"[^<&>]+")
MAX_TEXT = 4096


class HtmlError(ValueError):
    pass


def parse_telegram_html(text: str) -> str:
    """The visible text of a Telegram HTML message; HtmlError where Telegram would answer
    "can't parse entities": an unknown tag, unbalanced tags, a bare < > or &, a bad entity."""
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    while pos < len(text):
        ch = text[pos]
        if ch == "<":
            m = _TAG.match(text, pos)
            if not m:
                raise HtmlError(f"unescaped '<' at {pos}: {text[pos : pos + 20]!r}")
            closing, name, _attrs = m.group(1), m.group(2).lower(), m.group(3)
            if name not in ALLOWED_TAGS:
                raise HtmlError(f"unsupported tag <{name}> at {pos}")
            if closing:
                if not stack or stack[-1] != name:
                    raise HtmlError(f"</{name}> at {pos} closes {stack[-1] if stack else 'nothing'}")
                stack.pop()
            else:
                stack.append(name)
            pos = m.end()
        elif ch == "&":
            m = _ENTITY.match(text, pos)
            if not m:
                raise HtmlError(f"bare '&' at {pos}: {text[pos : pos + 12]!r}")
            out.append(html.unescape(m.group()))
            pos = m.end()
        elif ch == ">":
            raise HtmlError(f"unescaped '>' at {pos}")
        else:  # a run of plain text, at once: a character at a time was the stub's largest cost
            plain = _PLAIN.match(text, pos)
            out.append(plain.group())
            pos = plain.end()
    if stack:
        raise HtmlError(f"unclosed tags: {stack}")
    return "".join(out)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def check_caption(text: str, parse_mode: str | None) -> str:
    """A photo's caption: valid as a message's text, and at most 1024 characters."""
    visible = check_message_text(text, parse_mode) if text else ""
    if utf16_len(visible) > 1024:
        raise _ApiError("Bad Request: message caption is too long")
    return visible


def check_message_text(text: str, parse_mode: str | None) -> str:
    """The visible text, or HtmlError for what Telegram refuses."""
    visible = parse_telegram_html(text) if (parse_mode or "").upper() == "HTML" else text
    if not visible.strip():
        raise HtmlError("message text is empty")
    if utf16_len(visible) > MAX_TEXT or utf16_len(text) > 4 * MAX_TEXT:
        raise HtmlError("message is too long")
    return visible


# ---- the stub -------------------------------------------------------------------------


@dataclass
class Call:
    method: str
    params: dict
    at: float  # time.monotonic() when the request arrived
    status: int = 0  # HTTP status answered (0 while in flight)
    result: Any = None
    done_at: float = 0.0  # when the answer was ready


@dataclass
class Fault:
    status: int = 0  # 0: answer normally (after the delay)
    retry_after: int | None = None
    delay: float = 0.0
    description: str = ""


_JSON_KEYS = {
    "reply_markup",
    "reply_parameters",
    "results",
    "entities",
    "allowed_updates",
    "commands",
    "button",
    "link_preview_options",
    "scope",
    "media",
}
_INT_KEYS = {"chat_id", "message_id", "offset", "timeout", "limit", "cache_time", "user_id"}


def _decode_params(raw: dict[str, str]) -> dict:
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key in _JSON_KEYS:
            try:
                out[key] = json.loads(value)
                continue
            except ValueError:
                pass
        if key in _INT_KEYS and re.fullmatch(r"-?\d+", value or ""):
            out[key] = int(value)
        elif value in ("true", "false"):
            out[key] = value == "true"
        else:
            out[key] = value
    return out


class StubBotApi:
    """The Bot API as far as this bot uses it. Thread-safe; every call is in `calls`."""

    def __init__(
        self, token: str = TOKEN, *, bot_id: int = BOT_ID, username: str = BOT_USERNAME, max_poll: float = 0.25
    ):
        self.token = token
        self.bot = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "问答机器人",
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }
        self.max_poll = max_poll
        self.calls: list[Call] = []
        self.cond = threading.Condition()
        self.updates: list[dict] = []
        self.delivered: dict[int, float] = {}  # update id -> when getUpdates handed it out
        self.pushed: dict[int, float] = {}  # update id -> when it was pushed
        self.messages: dict[tuple[int, int], dict] = {}  # every message, as Telegram keeps it
        self.chats: dict[int, dict] = {}
        self.files: dict[str, tuple[str, bytes]] = {}
        self.faults: dict[str, deque[Fault]] = defaultdict(deque)
        self.webhook: dict | None = None
        self.revoked_after: int | None = None  # getUpdates calls still answered before 401s
        self.replies: dict[tuple[int, int], Call] = {}  # (chat, message replied to) -> its sendMessage
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(100)
        self._ids = itertools.count(1)
        self.server: ThreadingHTTPServer | None = None

    # -- lifecycle

    def start(self) -> StubBotApi:
        stub = self

        class Handler(_Handler):
            pass

        Handler.stub = stub
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, name="stub-bot-api", daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- faults

    def fail(
        self, method: str, status: int = 500, *, retry_after: int | None = None, times: int = 1, description: str = ""
    ) -> None:
        """Answer the next `times` calls of `method` with an error."""
        with self.cond:
            for _ in range(times):
                self.faults[method].append(Fault(status, retry_after, 0.0, description))

    def revoke_token(self, *, after_polls: int = 0) -> None:
        """The token is revoked (as in BotFather) after `after_polls` more getUpdates calls:
        from then on every call is answered 401 Unauthorized, as Telegram does."""
        with self.cond:
            self.revoked_after = after_polls
            self.cond.notify_all()

    def delay(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Hold the next `times` calls of `method` this long before answering."""
        with self.cond:
            for _ in range(times):
                self.faults[method].append(Fault(0, None, seconds))

    # -- what users do

    @staticmethod
    def user(user_id: int, name: str = "") -> dict:
        return {
            "id": user_id,
            "is_bot": False,
            "first_name": name or f"用户{user_id}",
            "username": f"user{user_id}",
            "language_code": "zh-hans",
        }

    @staticmethod
    def private(user_id: int) -> dict:
        return {"id": user_id, "type": "private", "first_name": f"用户{user_id}"}

    @staticmethod
    def group(chat_id: int, title: str = "测试群") -> dict:
        return {"id": chat_id, "type": "supergroup", "title": title}

    def push(self, update: dict) -> int:
        with self.cond:
            update_id = next(self._update_ids)
            update = {"update_id": update_id, **update}
            self.updates.append(update)
            self.pushed[update_id] = time.monotonic()
            self.cond.notify_all()
            return update_id

    def send(
        self,
        chat: dict,
        text: str,
        *,
        user: dict | None = None,
        reply_to: dict | None = None,
        entities: list[dict] | None = None,
    ) -> dict:
        """A user's text message arrives (with the entities Telegram would mark)."""
        user = user or self.user(chat["id"] if chat["type"] == "private" else 7)
        msg = self._new_message(chat, user, reply_to)
        msg["text"] = text
        ents = entities if entities is not None else auto_entities(text)
        if ents:
            msg["entities"] = ents
        msg["update_id"] = self.push({"message": _public(msg)})
        return msg

    def edit(self, msg: dict, text: str) -> dict:
        """The user edits their message `msg` to say `text`: Telegram sends edited_message."""
        with self.cond:
            stored = self.messages[(msg["chat"]["id"], msg["message_id"])]
            stored.update(text=text, edit_date=int(time.time()))
            ents = auto_entities(text)
            if ents:
                stored["entities"] = ents
            else:
                stored.pop("entities", None)
        self.push({"edited_message": _public(stored)})
        return stored

    def send_document(
        self,
        chat: dict,
        file_name: str,
        data: bytes,
        *,
        user: dict | None = None,
        mime_type: str = "text/plain",
        declared_size: int | None = None,
    ) -> dict:
        """A user sends a file; getFile and the download serve `data`."""
        user = user or self.user(chat["id"])
        file_id = f"FILE{next(self._ids)}"
        with self.cond:
            self.files[file_id] = (f"documents/{file_id}_{re.sub(r'[^A-Za-z0-9._-]', '_', file_name)}", data)
        msg = self._new_message(chat, user, None)
        msg["document"] = {
            "file_id": file_id,
            "file_unique_id": f"U{file_id}",
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": len(data) if declared_size is None else declared_size,
        }
        msg["update_id"] = self.push({"message": _public(msg)})
        return msg

    def send_photo(self, chat: dict, sizes: list[bytes], *, user: dict | None = None) -> dict:
        """A user sends a photo: Telegram offers it in several sizes (JPEGs), smallest first."""
        user = user or self.user(chat["id"])
        photo = []
        for data in sizes:
            file_id = f"PHOTO{next(self._ids)}"
            with self.cond:
                self.files[file_id] = (f"photos/{file_id}.jpg", data)
            photo.append(
                {"file_id": file_id, "file_unique_id": f"U{file_id}", "width": 0, "height": 0, "file_size": len(data)}
            )
        msg = self._new_message(chat, user, None)
        msg["photo"] = photo
        msg["update_id"] = self.push({"message": _public(msg)})
        return msg

    def press(self, message: dict, data: str, *, user: dict | None = None) -> str:
        """A user presses an inline button with `data` under `message` (data may be forged)."""
        stored = self.messages.get((message["chat"]["id"], message["message_id"]), message)
        query_id = f"CB{next(self._ids)}"
        self.push(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user or self.user(message["chat"]["id"]),
                    "message": _public(stored),
                    "chat_instance": "ci",
                    "data": data,
                }
            }
        )
        return query_id

    def inline(self, query: str, *, user: dict | None = None) -> str:
        query_id = f"IQ{next(self._ids)}"
        self.push(
            {
                "inline_query": {
                    "id": query_id,
                    "from": user or self.user(42),
                    "query": query,
                    "offset": "",
                    "chat_type": "private",
                }
            }
        )
        return query_id

    def add_bot(self, chat: dict, *, by: dict | None = None, status: str = "member", was: str = "left") -> None:
        """Someone adds the bot to a group: Telegram sends the bot's membership change
        (my_chat_member) and the service message (new_chat_members), both."""
        by = by or self.user(7)
        bot = {k: self.bot[k] for k in ("id", "is_bot", "first_name", "username")}
        member = lambda s: {"user": bot, "status": s, **({"until_date": 0} if s == "kicked" else {})}  # noqa: E731
        self.push(
            {
                "my_chat_member": {
                    "chat": chat,
                    "from": by,
                    "date": int(time.time()),
                    "old_chat_member": member(was),
                    "new_chat_member": member(status),
                }
            }
        )
        if was == "left" and status == "member":
            msg = self._new_message(chat, by, None)
            msg["new_chat_members"] = [bot]
            msg["update_id"] = self.push({"message": _public(msg)})

    def _new_message(self, chat: dict, user: dict, reply_to: dict | None) -> dict:
        with self.cond:
            msg = {"message_id": next(self._message_ids), "date": int(time.time()), "chat": chat, "from": user}
            self.chats[chat["id"]] = chat
            if reply_to is not None:
                msg["reply_to_message"] = _public(
                    self.messages.get((reply_to["chat"]["id"], reply_to["message_id"]), reply_to)
                )
            self.messages[(chat["id"], msg["message_id"])] = msg
            return msg

    # -- looking at what the bot did

    def mark(self) -> int:
        """A point in the call record: wait_* and calls_since look after it."""
        with self.cond:
            return len(self.calls)

    def calls_since(self, mark: int = 0, method: str | None = None, ok: bool = True) -> list[Call]:
        with self.cond:
            return [
                c for c in self.calls[mark:] if (method is None or c.method == method) and (not ok or c.status == 200)
            ]

    def wait(
        self,
        method: str,
        where: Callable[[Call], bool] = lambda c: True,
        *,
        since: int = 0,
        timeout: float = 10.0,
        ok: bool = True,
    ) -> Call:
        """The first call of `method` after `since` that `where` accepts (and was answered 200)."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for c in self.calls[since:]:
                    if c.method == method and (not ok or c.status == 200) and where(c):
                        return c
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [(c.method, c.status, str(c.params)[:200]) for c in self.calls[since:]]
                    raise AssertionError(f"no {method} within {timeout} s; calls since: {seen}")
                self.cond.wait(left)

    def wait_reply(self, msg: dict, *, timeout: float = 10.0, since: int = 0) -> Call:
        """The sendMessage that replies to the user message `msg`."""
        return self.wait(
            "sendMessage",
            lambda c: (
                c.params.get("chat_id") == msg["chat"]["id"]
                and (c.params.get("reply_parameters") or {}).get("message_id") == msg["message_id"]
            ),
            since=since,
            timeout=timeout,
        )

    def first_reply(self, msg: dict, *, timeout: float = 10.0) -> Call:
        """The first sendMessage (answered 200) replying to `msg`, by lookup: wait_reply
        scans every call, which is too slow for the benchmark's thousands."""
        key = (msg["chat"]["id"], msg["message_id"])
        deadline = time.monotonic() + timeout
        with self.cond:
            while key not in self.replies:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no reply to message {key} within {timeout} s")
                self.cond.wait(left)
            return self.replies[key]

    def wait_answer(self, query_id: str, method: str = "answerCallbackQuery", *, timeout: float = 10.0) -> Call:
        key = "callback_query_id" if method == "answerCallbackQuery" else "inline_query_id"
        return self.wait(method, lambda c: c.params.get(key) == query_id, timeout=timeout)

    def assert_silent(self, chat_id: int, since: int, seconds: float = 0.6) -> None:
        """Nothing was sent to `chat_id` since `since`, waiting `seconds` to be sure."""
        time.sleep(seconds)
        sent = [c for c in self.calls_since(since, ok=False) if c.params.get("chat_id") == chat_id]
        assert not sent, f"expected silence in chat {chat_id}, got {[(c.method, c.params.get('text')) for c in sent]}"

    def all_updates_handed_out(self) -> bool:
        with self.cond:
            return not self.updates

    # -- the API

    def handle(self, method: str, params: dict) -> tuple[int, dict]:
        call = Call(method, params, time.monotonic())
        with self.cond:
            self.calls.append(call)
            fault = self.faults[method].popleft() if self.faults.get(method) else None
            if self.revoked_after is not None:
                if method == "getUpdates" and self.revoked_after > 0:
                    self.revoked_after -= 1
                elif self.revoked_after == 0:
                    fault = Fault(401)
            self.cond.notify_all()
        if fault and fault.delay:
            time.sleep(fault.delay)
        if fault and fault.status:
            body = {
                "ok": False,
                "error_code": fault.status,
                "description": fault.description
                or {
                    401: "Unauthorized",
                    403: "Forbidden",
                    429: "Too Many Requests: retry later",
                    500: "Internal Server Error",
                }.get(fault.status, "Error"),
            }
            if fault.retry_after is not None:
                body["description"] = f"Too Many Requests: retry after {fault.retry_after}"
                body["parameters"] = {"retry_after": fault.retry_after}
            return self._finish(call, fault.status, body)
        try:
            result = getattr(self, "api_" + method)(params)
        except AttributeError:
            return self._finish(
                call,
                400,
                {"ok": False, "error_code": 400, "description": f"Bad Request: method {method} not in the stub"},
            )
        except HtmlError as exc:
            return self._finish(
                call, 400, {"ok": False, "error_code": 400, "description": f"Bad Request: can't parse entities: {exc}"}
            )
        except _ApiError as exc:
            return self._finish(call, 400, {"ok": False, "error_code": 400, "description": str(exc)})
        return self._finish(call, 200, {"ok": True, "result": result})

    def _finish(self, call: Call, status: int, body: dict) -> tuple[int, dict]:
        with self.cond:
            call.status = status
            call.result = body.get("result", body)
            call.done_at = time.monotonic()
            reply_to = (call.params.get("reply_parameters") or {}).get("message_id")
            if call.method == "sendMessage" and status == 200 and reply_to is not None:
                self.replies.setdefault((call.params.get("chat_id"), reply_to), call)
            self.cond.notify_all()
        return status, body

    def api_getMe(self, p):
        return self.bot

    def api_deleteWebhook(self, p):
        self.webhook = None
        return True

    def api_setWebhook(self, p):
        self.webhook = p
        return True

    def api_setMyCommands(self, p):
        return True

    def api_sendChatAction(self, p):
        return True

    def api_close(self, p):
        return True

    def api_getUpdates(self, p):
        offset = int(p.get("offset") or 0)
        timeout = min(float(p.get("timeout") or 0), self.max_poll)
        deadline = time.monotonic() + timeout
        allowed = set(p.get("allowed_updates") or []) or None  # as Telegram: the others are dropped
        with self.cond:
            while True:
                self.updates = [
                    u for u in self.updates if u["update_id"] >= offset and (allowed is None or allowed & u.keys())
                ]
                if self.updates or time.monotonic() >= deadline:
                    break
                self.cond.wait(max(0.0, deadline - time.monotonic()))
            allowed = p.get("allowed_updates")  # as Telegram: other kinds are never sent
            self.updates = [u for u in self.updates if not allowed or set(u) - {"update_id"} <= set(allowed)]
            batch = self.updates[: int(p.get("limit") or 100)]
            now = time.monotonic()
            for u in batch:
                self.delivered.setdefault(u["update_id"], now)
            return batch

    def api_sendMessage(self, p):
        chat_id = p["chat_id"]
        visible = check_message_text(p.get("text", ""), p.get("parse_mode"))
        with self.cond:
            chat = self._chat(chat_id)
            msg = {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": chat,
                "from": self.bot,
                "text": visible,
                "html": p.get("text"),
            }
            reply = (p.get("reply_parameters") or {}).get("message_id") or p.get("reply_to_message_id")
            if reply and (chat_id, int(reply)) in self.messages:
                msg["reply_to_message"] = _public(self.messages[(chat_id, int(reply))])
            elif reply and not (p.get("reply_parameters") or {}).get("allow_sending_without_reply"):
                raise _ApiError("Bad Request: message to be replied not found")
            if p.get("reply_markup"):
                msg["reply_markup"] = p["reply_markup"]
            self.messages[(chat_id, msg["message_id"])] = msg
            return _public(msg)

    def api_sendPhoto(self, p):
        """A photo uploaded as a file (its bytes in the call's params), with a caption."""
        caption = check_caption(p.get("caption", ""), p.get("parse_mode"))
        with self.cond:
            msg = {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": self._chat(p["chat_id"]),
                "from": self.bot,
                "photo": [self._photo_size()],
                "caption": caption,
                "html": p.get("caption"),
            }
            if p.get("reply_markup"):
                msg["reply_markup"] = p["reply_markup"]
            self.messages[(p["chat_id"], msg["message_id"])] = msg
            return _public(msg)

    def api_editMessageMedia(self, p):
        """The photo replaced by the one attached (`attach://name`), with its caption."""
        media = p["media"]
        if not isinstance(p.get(media["media"].removeprefix("attach://")), bytes):
            raise _ApiError("Bad Request: wrong file identifier/HTTP URL specified")
        caption = check_caption(media.get("caption", ""), media.get("parse_mode"))
        with self.cond:
            return _public(self._edited(p, photo=[self._photo_size()], caption=caption, html=media.get("caption")))

    def api_editMessageCaption(self, p):
        caption = check_caption(p.get("caption", ""), p.get("parse_mode"))
        with self.cond:
            return _public(self._edited(p, caption=caption, html=p.get("caption")))

    def _photo_size(self) -> dict:
        file_id = f"PHOTO{next(self._ids)}"
        return {"file_id": file_id, "file_unique_id": "U" + file_id, "width": 800, "height": 600}

    def _edited(self, p: dict, **changes) -> dict:
        msg = self.messages.get((p["chat_id"], p["message_id"]))
        if msg is None:
            raise _ApiError("Bad Request: message to edit not found")
        msg.update(changes, edit_date=int(time.time()))
        if p.get("reply_markup"):
            msg["reply_markup"] = p["reply_markup"]
        else:
            msg.pop("reply_markup", None)
        return msg

    def api_editMessageText(self, p):
        key = (p["chat_id"], p["message_id"])
        visible = check_message_text(p.get("text", ""), p.get("parse_mode"))
        with self.cond:
            msg = self.messages.get(key)
            if msg is None:
                raise _ApiError("Bad Request: message to edit not found")
            if msg.get("html") == p.get("text") and msg.get("reply_markup") == p.get("reply_markup"):
                raise _ApiError("Bad Request: message is not modified")
            msg.update(text=visible, html=p.get("text"), edit_date=int(time.time()))
            if p.get("reply_markup"):
                msg["reply_markup"] = p["reply_markup"]
            else:
                msg.pop("reply_markup", None)
            return _public(msg)

    def api_editMessageReplyMarkup(self, p):
        key = (p["chat_id"], p["message_id"])
        with self.cond:
            msg = self.messages.get(key)
            if msg is None:
                raise _ApiError("Bad Request: message to edit not found")
            if msg.get("reply_markup") == p.get("reply_markup"):
                raise _ApiError("Bad Request: message is not modified")
            if p.get("reply_markup"):
                msg["reply_markup"] = p["reply_markup"]
            else:
                msg.pop("reply_markup", None)
            return _public(msg)

    def api_answerCallbackQuery(self, p):
        return True

    def api_answerInlineQuery(self, p):
        results = p.get("results") or []
        if len(results) > 50:
            raise _ApiError("Bad Request: RESULTS_TOO_MUCH")
        for r in results:
            content = r.get("input_message_content") or {}
            check_message_text(content.get("message_text", ""), content.get("parse_mode"))
        return True

    def api_getFile(self, p):
        entry = self.files.get(p.get("file_id"))
        if entry is None:
            raise _ApiError("Bad Request: invalid file_id")
        path, data = entry
        return {
            "file_id": p["file_id"],
            "file_unique_id": "U" + p["file_id"],
            "file_size": len(data),
            "file_path": path,
        }

    def file_bytes(self, path: str) -> bytes | None:
        for file_path, data in self.files.values():
            if file_path == path:
                return data
        return None

    def _chat(self, chat_id: int) -> dict:
        return self.chats.get(chat_id) or (self.private(chat_id) if chat_id > 0 else self.group(chat_id))


class _ApiError(Exception):
    pass


def _public(msg: dict) -> dict:
    """A message as the Bot API shows it (without the stub's own bookkeeping)."""
    return {k: v for k, v in msg.items() if k not in ("html", "update_id")}


def auto_entities(text: str) -> list[dict]:
    """bot_command and mention entities, as Telegram marks them (offsets in UTF-16)."""
    out = []
    m = re.match(r"/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?", text)
    if m:
        out.append({"type": "bot_command", "offset": 0, "length": utf16_len(m.group())})
    for m in re.finditer(r"(?<![A-Za-z0-9_/])@[A-Za-z][A-Za-z0-9_]{3,31}", text):
        out.append({"type": "mention", "offset": utf16_len(text[: m.start()]), "length": utf16_len(m.group())})
    return out


class _Handler(BaseHTTPRequestHandler):
    disable_nagle_algorithm = True  # replies leave at once: no 40 ms delayed-ACK wait on loopback
    stub: StubBotApi
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):
        prefix = f"/file/bot{self.stub.token}/"
        path = unquote(self.path)  # python-telegram-bot quotes the URL path (':' too)
        if path.startswith(prefix):
            data = self.stub.file_bytes(path[len(prefix) :])
            if data is not None:
                return self._send(200, data, "application/octet-stream")
            return self._send(404, b"not found", "text/plain")
        return self._api()

    def do_POST(self):
        return self._api()

    def _api(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        prefix = f"/bot{self.stub.token}/"
        if not self.path.startswith(prefix):
            return self._json(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        method = self.path[len(prefix) :].split("?")[0]
        status, reply = self.stub.handle(method, _decode_params(self._form(body)))
        return self._json(status, reply)

    def _form(self, body: bytes) -> dict[str, str]:
        ctype = self.headers.get("Content-Type", "")
        if ctype.startswith("multipart/form-data"):
            msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                f"Content-Type: {ctype}\r\n\r\n".encode() + body
            )
            out = {}
            for part in msg.iter_parts():
                name = part.get_param("name", header="content-disposition")
                payload = part.get_payload(decode=True) or b""
                is_file = part.get_filename() is not None
                out[name] = payload if is_file else payload.decode("utf-8", "replace")  # a file: its bytes
            return out
        if ctype.startswith("application/json"):
            return {k: v if isinstance(v, str) else json.dumps(v) for k, v in json.loads(body or b"{}").items()}
        return {k: v[-1] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}

    def _json(self, status: int, obj: dict):
        self._send(status, json.dumps(obj, ensure_ascii=False).encode("utf-8"), "application/json")

    def _send(self, status: int, data: bytes, ctype: str):
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test)


# ---- the real bot against the stub ---------------------------------------------------------


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def copy_index(src_db: Path, dst_db: Path) -> None:
    """Copy a built index (the SQLite file, consistently, and its BM25 generations)."""
    import sqlite3

    dst_db.parent.mkdir(parents=True, exist_ok=True)
    src, dst = sqlite3.connect(src_db), sqlite3.connect(dst_db)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    generations = src_db.with_name(src_db.name + ".index")
    if generations.is_dir():
        shutil.copytree(generations, dst_db.with_name(dst_db.name + ".index"))


def write_config(
    tmp: Path,
    stub: StubBotApi,
    *,
    corpus: Path | None = None,
    index: dict | None = None,
    index_from: Path | None = None,
    **telegram,
) -> Config:
    """A config.toml in `tmp` (a private copy of the seeds, a fresh database, the stub's
    base URLs and token), loaded through bot.config like the real one. `index_from`: an
    index database of the seeds to start from, instead of indexing them again."""
    from bot import config as config_mod

    tmp = Path(tmp)
    tmp.mkdir(parents=True, exist_ok=True)
    if index_from is not None:
        copy_index(index_from, tmp / "db" / "index.db")
    if corpus is None:
        corpus = tmp / "corpus"
        corpus.mkdir(exist_ok=True)
        for f in SEEDS.iterdir():
            shutil.copy(f, corpus / f.name)
            (corpus / f.name).chmod(0o644)
    idx = {"corpus": str(corpus), "db": str(tmp / "db" / "index.db"), "workers": 1, **(index or {})}
    tg = {
        "token": stub.token,
        "base_url": stub.base_url,
        "base_file_url": stub.base_file_url,
        "admins": [ADMIN_ID],
        **telegram,
    }
    lines = ["[index]"] + [f"{k} = {_toml(v)}" for k, v in idx.items()]
    lines += ["", "[telegram]"] + [f"{k} = {_toml(v)}" for k, v in tg.items()]
    path = tmp / "config.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config_mod.load(path)


class BotRunner:
    """The real application (bot.telegram_app) polling the stub, in a thread of its own
    with its own event loop, until stop()."""

    def __init__(self, cfg, engine=None, *, poll_timeout: float = 1.0, **build_kwargs):
        self.cfg = cfg
        self.engine = engine
        self.poll_timeout = poll_timeout
        self.build_kwargs = build_kwargs
        self.app = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def start(self, timeout: float = 30.0) -> BotRunner:
        from index.engine import Engine

        if self.engine is None:
            self.engine = Engine.open(self.cfg.index)
        self._ready = threading.Event()
        self._error = None
        self._thread = threading.Thread(target=self._run, name="bot-under-test", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise RuntimeError(f"bot did not start in {timeout} s: {self._error!r}")
        if self._error:
            raise RuntimeError("bot failed to start") from self._error
        return self

    def _run(self) -> None:
        from bot.telegram_app import build_application, serve

        async def main():
            self._loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()
            ready = asyncio.Event()
            self.app = build_application(self.cfg, self.engine, **self.build_kwargs)
            task = asyncio.create_task(
                serve(self.app, self.cfg, self._stop, poll_timeout=self.poll_timeout, ready=ready)
            )
            waiter = asyncio.create_task(ready.wait())
            await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
            if task.done():  # failed to start: its error is what start() must see
                waiter.cancel()
                await task
            self._ready.set()
            await task

        try:
            asyncio.run(main())
        except BaseException as exc:  # surfaced by start() or stop()
            self._error = exc
            self._ready.set()

    @property
    def state(self):
        return self.app.bot_data["state"]

    def wait_ended(self, timeout: float) -> BaseException | None:
        """Wait for serve() to end by itself (not by stop()); what it raised, if anything.
        AssertionError if it is still running after `timeout` seconds."""
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise AssertionError(f"the bot still runs after {timeout} s")
        error, self._error = self._error, None
        return error

    def stop(self, timeout: float = 15.0) -> None:
        if self._loop is not None and self._stop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                raise RuntimeError("bot did not stop")
        if self._error:
            raise RuntimeError("bot failed") from self._error

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# ---- the benchmark hook (issue 4) ------------------------------------------------------------


def measure_bot(
    settings,
    questions: list[str],
    n: int = 200,
    *,
    rate: float | None = None,
    concurrent_updates: int = 16,
    rate_limit: bool = False,
    timeout: float = 300.0,
    workdir: Path | None = None,
    stub_process: bool = True,
    answer_process: bool = True,
) -> dict:
    """Push `n` private-chat questions (cycling through `questions`, each from its own user)
    through the real bot against a stub Bot API, and measure.

    settings: an index.engine.Settings whose corpus and database are used as they are
        (the index is built if the database is empty).
    rate: questions per second to push at (None: all at once, a burst: measures throughput).
    rate_limit: keep Telegram's rate limiter (30 messages a second overall) on; off by
        default so the engine and the handlers are what is measured.
    stub_process: run the stub (its HTTP server, the pushing and the timing) in a process
        of its own, as Telegram is: otherwise its request handling competes with the bot
        for this process's GIL and the bot is measured slower than it is.
    answer_process: the bot's `[telegram] answer_process` (Engine.ask in a process of its
        own, the default; False: on the bot's answering thread).
    Returns {"n", "seconds", "qps", "p50_ms", "p90_ms", "p99_ms", "max_ms", "answered",
    "stub", "answer_process"}: latency is from the update being pushed to the stub to the
    bot's sendMessage arriving there.
    """
    import tempfile

    from telegram.ext import AIORateLimiter

    from bot.telegram_app import RetryingRateLimiter
    from index.engine import Engine

    work = Path(workdir or tempfile.mkdtemp(prefix="bench-bot-"))
    with _StubProcess() if stub_process else StubBotApi() as stub:
        cfg = write_config(
            work,
            stub,
            corpus=settings.corpus_dir,
            user_questions_per_minute=0,
            chat_questions_per_minute=0,
            question_log=str(work / "questions.db"),
            answer_process=answer_process,
        )
        cfg.index = settings
        engine = Engine.open(settings)
        limiter = RetryingRateLimiter() if rate_limit else RetryingRateLimiter(overall_max_rate=0, group_max_rate=0)
        assert isinstance(limiter, AIORateLimiter)
        with BotRunner(cfg, engine, rate_limiter=limiter, concurrent_updates=concurrent_updates):
            if stub_process:
                out = stub.measure(questions, n, rate, timeout)
            else:
                out = _push_and_measure(stub, questions, n, rate, timeout)
    return {**out, "stub": "own process" if stub_process else "bot's process", "answer_process": answer_process}


def _push_and_measure(stub: StubBotApi, questions: list[str], n: int, rate: float | None, timeout: float) -> dict:
    """Push the questions (at `rate` a second, or all at once), wait for every reply, and
    say how fast and how soon they came."""
    sent = []
    t0 = time.monotonic()
    for i in range(n):
        if rate:
            wait = t0 + i / rate - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        sent.append(stub.send(stub.private(10_000_000 + i), questions[i % len(questions)]))
    latencies, answered, last = [], 0, t0
    deadline = time.monotonic() + timeout
    for msg in sent:
        call = stub.first_reply(msg, timeout=max(0.1, deadline - time.monotonic()))
        latencies.append((call.at - stub.pushed[msg["update_id"]]) * 1000)
        answered += "没有找到" not in (call.params.get("text") or "")
        last = max(last, call.at)
    seconds = last - t0
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return {
        "n": n,
        "seconds": round(seconds, 3),
        "qps": round(n / seconds, 1) if seconds else float("inf"),
        "p50_ms": round(statistics.median(latencies), 1),
        "p90_ms": round(q[89], 1),
        "p99_ms": round(q[98], 1),
        "max_ms": round(max(latencies), 1),
        "answered": answered,
    }


class _StubProcess:
    """A StubBotApi in a child process (`python tests/stub_bot_api.py --serve`), driven by
    JSON lines on its standard input and output. It has the attributes write_config needs,
    and measure() runs _push_and_measure there, so the timing never waits for the bot's GIL."""

    def __enter__(self) -> _StubProcess:
        import os
        import subprocess
        import sys

        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self._proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--serve"],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.token, self.base_url, self.base_file_url = self._read()
        return self

    def _read(self):
        line = self._proc.stdout.readline()
        if not line:
            raise AssertionError(f"the stub process ended (status {self._proc.wait()})")
        return json.loads(line)

    def measure(self, questions: list[str], n: int, rate: float | None, timeout: float) -> dict:
        self._proc.stdin.write(json.dumps([questions, n, rate, timeout], ensure_ascii=False) + "\n")
        self._proc.stdin.flush()
        ok, out = self._read()
        if not ok:
            raise AssertionError(f"the stub process failed: {out}")
        return out

    def __exit__(self, *exc) -> None:
        self._proc.stdin.close()  # end of input: the child stops its server and exits
        try:
            self._proc.wait(10)
        except Exception:
            self._proc.kill()
            self._proc.wait()


def _serve_stdio() -> None:
    """The child of _StubProcess: serve; each line of input is a measurement to make."""
    import sys

    with StubBotApi() as stub:
        print(json.dumps([stub.token, stub.base_url, stub.base_file_url]), flush=True)
        for line in sys.stdin:
            try:
                out = [True, _push_and_measure(stub, *json.loads(line))]
            except Exception as exc:  # the parent raises it
                out = [False, repr(exc)]
            print(json.dumps(out), flush=True)


# ---- a transcript for the README ---------------------------------------------------------


def _screen(html_text: str, markup: dict | None) -> list[str]:
    """Telegram HTML as a chat screen shows it, roughly: bold as **, quotes with a bar."""
    text = re.sub(r"</?(?:u|i|code)>", "", html_text)
    text = re.sub(r"</?b>", "**", text)
    text = re.sub(r"<blockquote[^>]*>", "\n\x01", text).replace("</blockquote>", "\n")
    lines = [("┃ " + line[1:]) if line.startswith("\x01") else line for line in text.split("\n")]
    lines = [html.unescape(line) for line in lines if line]
    rows = (markup or {}).get("inline_keyboard") or []
    if rows:
        lines.append("   ".join(f"[{b['text']}]" for row in rows for b in row))
    return lines


def transcript(workdir: Path | None = None) -> str:
    """A real exchange with the bot (private chat, 更多, a typed follow-up, not found, a
    group, inline mode, an admin upload, /stats with its chart), as text: what
    docs/telegram.md shows."""
    import tempfile

    work = Path(workdir or tempfile.mkdtemp(prefix="transcript-"))
    out: list[str] = []

    def show(who: str, text: str) -> None:
        out.append(f"{who}：{text}")

    def bot_says(call: Call, how: str = "") -> dict:
        msg = call.result
        out.append(f"🤖 机器人{how}：")
        if call.method == "sendPhoto":
            out.append(f"    （图：近 30 天的提问、答出率和反馈，PNG {len(call.params['photo'])} 字节）")
        text = call.params.get("text", call.params.get("caption"))
        out.extend("    " + line for line in _screen(text, call.params.get("reply_markup")))
        out.append("")
        return msg

    with StubBotApi() as stub:
        cfg = write_config(work, stub)
        with BotRunner(cfg):
            me = stub.private(2024)
            user = stub.user(2024, "小王")
            out.append("—— 私聊 ——")
            show("👤 小王", "雨花区有多少红色之家？")
            q = stub.send(me, "雨花区有多少红色之家？", user=user)
            answer = bot_says(stub.wait_reply(q), "（回复）")
            stored = stub.messages[(me["id"], answer["message_id"])]
            more = stored["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
            show("👤 小王", "（点“更多”）")
            mark = stub.mark()
            stub.press(stored, more, user=user)
            bot_says(stub.wait("sendMessage", since=mark), "（回复答案；答案不变，它的“更多”按钮收起）")
            show("👤 小王", "高塘岭社区的辖区有多少名党员？")
            q = stub.send(me, "高塘岭社区的辖区有多少名党员？", user=user)
            bot_says(stub.wait_reply(q), "（回复）")
            show("👤 小王", "那辖区面积呢？")
            q = stub.send(me, "那辖区面积呢？", user=user)
            bot_says(stub.wait_reply(q), "（回复：接着上一个问题理解，问的是高塘岭社区的辖区面积）")
            show("👤 小王", "量子计算机的原理是什么？")
            q = stub.send(me, "量子计算机的原理是什么？", user=user)
            bot_says(stub.wait_reply(q), "（回复）")
            out.append("—— 群聊（隐私模式关闭，或机器人是群管理员） ——")
            group = stub.group(-1002024, "社区工作群")
            show("👤 老李", "今天的会几点开？")
            stub.send(group, "今天的会几点开？", user=stub.user(7, "老李"))
            show("👤 老李", "@zh_answer_bot 高塘岭社区有多少名党员？")
            q = stub.send(group, "@zh_answer_bot 高塘岭社区有多少名党员？", user=stub.user(7, "老李"))
            bot_says(stub.wait_reply(q), "（回复老李的提问，前一句闲聊没有回应）")
            out.append("—— 行内模式（任意聊天输入 @zh_answer_bot 问题） ——")
            qid = stub.inline("雨花区有多少红色之家", user=user)
            results = stub.wait_answer(qid, "answerInlineQuery").params["results"]
            for r in results[:3]:
                out += [f"    ▸ {r['title']}", f"      {r['description']}"]
            out.append("")
            out.append("—— 管理员私聊 ——")
            admin = stub.private(ADMIN_ID)
            show("👤 管理员", "（发送文件 青松县.txt）")
            doc = (
                "青松县建设乡村图书馆纪实\n\n近年来，青松县大力推进乡村文化建设。截至去年底，青松县已建成乡村"
                "图书馆137座，覆盖全县所有行政村。\n\n图书馆每周开放六天，村民可以免费借阅图书、报刊，参加读书会。\n"
            )
            q = stub.send_document(admin, "青松县.txt", doc.encode(), user=stub.user(ADMIN_ID, "管理员"))
            bot_says(stub.wait_reply(q), "（回复）")
            show("👤 管理员", "/stats")
            q = stub.send(admin, "/stats", user=stub.user(ADMIN_ID, "管理员"))
            bot_says(stub.wait("sendPhoto", lambda c: c.params["chat_id"] == ADMIN_ID, timeout=30), "（回复）")
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":  # python tests/stub_bot_api.py [N] | --transcript | --serve
    import sys

    sys.path.insert(0, str(ROOT))
    if sys.argv[1:2] == ["--serve"]:  # measure_bot's stub in a process of its own
        _serve_stdio()
        sys.exit(0)
    if sys.argv[1:2] == ["--transcript"]:
        print(transcript())
        sys.exit(0)
    from tests.conftest import make_settings  # noqa: E402

    tmp = Path(__import__("tempfile").mkdtemp())
    print(
        measure_bot(
            make_settings(tmp),
            ["雨花区有多少红色之家？", "那新田县呢？", "高塘岭社区有多少党员？"],
            n=int(sys.argv[1]) if len(sys.argv) > 1 else 200,
        )
    )
