"""The stub Bot API's side of the wire: HTTP requests read (form-encoded, multipart or
JSON, as python-telegram-bot sends them), their parameters decoded, the JSON answers sent.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import re
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, unquote

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


def decode_params(raw: dict[str, str]) -> dict:
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


class ApiHandler(BaseHTTPRequestHandler):
    """One HTTP request to the stub: a file download, or a Bot API call handed to `stub.handle`."""

    disable_nagle_algorithm = True  # replies leave at once: no 40 ms delayed-ACK wait on loopback
    stub: Any  # the StubBotApi it serves (set on a subclass a server)
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
        status, reply = self.stub.handle(method, decode_params(self._form(body)))
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
