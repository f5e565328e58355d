"""A follow-up ("那新田县呢？") read in the light of the question before it."""

from __future__ import annotations

import re

from index import answering
from index.normalize import normalize

_FOLLOW_UP = re.compile(r"^(?:那么?|那你说|还有|另外)?(.{1,15}?)(?:呢|又如何|怎么样|情况如何)?[？?。!！]*$")


def follow_up(question: str, previous: str) -> str:
    """"那新田县呢？" after "雨花区有多少红色之家？" -> "新田县有多少红色之家？"."""
    q = question.strip()
    m = _FOLLOW_UP.match(q)
    if not m or not (q.startswith(("那", "还有", "另外")) or re.search(r"呢[？?]*$", q)):
        return question
    subject = m.group(1).strip()
    if not subject:
        return question
    # The new question names a place or a name: it takes the place of the one before it,
    # a place for a place ("雨花区" -> "新田县") before any other name.
    before = answering.analyze(previous)
    names = [g[0] for g in before.entities if g[0] in before.places] + [g[0] for g in before.entities]
    norm_prev = normalize(previous)
    for word in names:
        at = norm_prev.find(word)
        if at >= 0 and len(norm_prev) == len(previous):
            return previous[:at] + subject + previous[at + len(word):]
    return f"{subject} {previous}"
