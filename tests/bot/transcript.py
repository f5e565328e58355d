"""A real exchange with the bot against the loopback Bot API, as text: what
docs/telegram.md shows.

    /work/main/.venv/bin/python tests/bot/transcript.py
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

if __name__ == "__main__":  # run as a script: the repository's packages importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from loopback.runner import BotRunner, write_config  # noqa: E402
from loopback.server import ADMIN_ID, Call, StubBotApi  # noqa: E402


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


if __name__ == "__main__":
    print(transcript())
