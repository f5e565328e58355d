"""SQuAD-style question sets (CMRC 2018) as corpora with answerable and unanswerable
questions, made the way ../shared/eval/evaluate.py makes them: a share of paragraphs left
out (their questions are unanswerable unless the answer stands elsewhere in the article)
and a share that loses the sentence answering their first question (near misses)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

WS = re.compile(r"\s+")
SENTENCE = re.compile(r"[^。！？!?；;\n]*[。！？!?；;\n]*")


def strip(text: str | None) -> str:
    return WS.sub("", text or "")


def held_out(key: str, share: float) -> bool:
    return int(hashlib.md5(key.encode()).hexdigest()[:8], 16) % 10000 < share * 10000


def without_answer(context: str, qa: dict) -> str:
    golds = [strip(a["text"]) for a in qa.get("answers", []) if strip(a["text"])]
    return "".join(s for s in SENTENCE.findall(context) if not any(g in strip(s) for g in golds))


@dataclass
class Question:
    text: str
    golds: list[str]  # the gold answers
    doc: str | None  # the paragraph's file, None when the corpus does not answer it
    gone: str = ""  # why it does not: "paragraph" (left out) or "sentence" (cut out of it)
    paraphrase_of: str = ""  # the set's question this one rewords (training/paraphrase.py)


def write_corpus(path: Path, corpus: Path, holdout: float, holdout_sentence: float, salt: str = "") -> list[Question]:
    """Write the corpus's documents into `corpus`; return its questions. `salt` ""
    reproduces evaluate.py's choice of what is left out; another salt chooses afresh."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))["data"]
    corpus.mkdir(parents=True, exist_ok=True)
    questions = []
    for article in data:
        kept_text = "".join(
            strip(p["context"]) for p in article["paragraphs"] if not held_out(salt + str(p["id"]), holdout)
        )
        for para in article["paragraphs"]:
            name = f"{para['id']}.txt"
            out = held_out(salt + str(para["id"]), holdout)
            context = para["context"]
            if (
                not out
                and holdout_sentence
                and para["qas"]
                and held_out(salt + "s" + str(para["id"]), holdout_sentence)
            ):
                context = without_answer(context, para["qas"][0])
            if not out:
                (corpus / name).write_text(article.get("title", "") + "\n\n" + context + "\n", encoding="utf-8")
            for qa in para["qas"]:
                golds = [strip(a["text"]) for a in qa.get("answers", []) if strip(a["text"])]
                golds = [g for g in golds if g in strip(para["context"])]
                if not golds or (out and any(g in kept_text for g in golds)):
                    continue
                gone = "paragraph" if out else "" if any(g in strip(context) for g in golds) else "sentence"
                questions.append(Question(qa["question"], golds, None if gone else name, gone))
    return questions


def seed_questions(path: Path) -> list[Question]:
    """The public seed questions (JSON lines {"q", "answer", "doc"}): never trained on."""
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            out.append(
                Question(
                    item["q"],
                    [strip(item["answer"])] if item["answer"] else [],
                    item["doc"] if item["answer"] else None,
                )
            )
    return out
