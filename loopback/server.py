"""The stand-in for the Telegram Bot API on 127.0.0.1: a thread of its own, real HTTP.

The stub reads what python-telegram-bot sends (form-encoded or multipart POSTs to
/bot<token>/<method>), answers getMe, deleteWebhook, setWebhook, setMyCommands, getUpdates
(honouring offset, blocking briefly until an update arrives), sendMessage,
editMessageText, editMessageReplyMarkup, sendPhoto, editMessageMedia and editMessageCaption
(a photo's bytes kept in its call's params), sendChatAction, answerCallbackQuery,
answerInlineQuery, getFile and file downloads, and records every call. Like Telegram it
refuses (400) text that is not valid Telegram HTML or longer than 4096 characters (a
caption: 1024; loopback.telegram_html checks them). It can be told to answer a method with
an error (429 with retry_after, 500, ...) or to delay it.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from typing import Any

from loopback.telegram_html import HtmlError, check_message_text, utf16_len
from loopback.wire import ApiHandler

TOKEN = "123456789:AAHfake-TOKEN_for_the_stub_0123456789xyz"
BOT_ID = 123456789
BOT_USERNAME = "zh_answer_bot"
ADMIN_ID = 1001


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

        class Handler(ApiHandler):
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


def check_caption(text: str, parse_mode: str | None) -> str:
    """A photo's caption: valid as a message's text, and at most 1024 characters."""
    visible = check_message_text(text, parse_mode) if text else ""
    if utf16_len(visible) > 1024:
        raise _ApiError("Bad Request: message caption is too long")
    return visible


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
