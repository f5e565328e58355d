"""Example questions made from the corpus's own sentences, for /help and the console."""

from __future__ import annotations

import re

from index.passages.cleaning import split_sentences
from index.passages.tokenizer import NUMBER_RE


def question_from_text(text: str) -> str | None:
    """ "目前，全区“红色之家”已建成28家。" -> "全区“红色之家”已建成多少家？"."""
    for sent in split_sentences(text):
        sent = sent.strip()
        for m in NUMBER_RE.finditer(sent):
            unit = re.sub(r"[\d.,\-~～至到万亿千百\s第]", "", m.group())
            clause = re.split(r"[，,；;。：:、]", sent[: m.start()])[-1].strip('“”"')
            # A count that ends its clause: "全区“红色之家”已建成28家。"
            if (
                unit
                and not re.search(r"年|月|日|时|%", unit)
                and 6 <= len(clause) <= 30
                and not re.search(r"\d", clause)
                and sent[m.end() : m.end() + 1] in "，,。；;、"
                and "第" not in m.group()
            ):
                return f"{clause}多少{unit}？"
    return None
