"""A deterministic corpus of realistic Chinese for the benchmark, and questions over it.

    python bench/corpus.py --passages 100000 [--out bench/out]

Sentences come from the project's seeds (cleaned by the project's own pipeline) and from
the CMRC 2018 development set (`../shared/data/cmrc2018_dev.json`, read only when the
benchmark is run by hand; without it the seeds alone are used). They are recombined with
a fixed random seed: most sentences are drawn whole, some are spliced from the clauses
of two or three sentences, and the digits of numbers are redrawn, so the same N always
gives byte-identical files.

Each document is a title line, a blank line and ~20 paragraphs; each paragraph is built
to be one passage for the engine (60..220 characters, whole sentences, ending in 。), so
N passages are N paragraphs. The questions are the CMRC questions (their evidence is in
the pool) and questions made from generated sentences (the 多少 form the bot itself
suggests, and "...是什么？" / "...？" cuts), shuffled with the same seed.

The vocabulary is bounded by the sentence pool (a few tens of thousands of words), so at
1M passages every word's posting list is longer than in a real newspaper archive of the
same size: query latency measured on this corpus errs on the slow side.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SEED = 20240601
VERSION = 1  # bump when the generator changes: cached corpora are rebuilt
PASSAGES_PER_DOC = 20
SEEDS_DIR = ROOT / "seeds"
CMRC = ROOT.parent / "shared" / "data" / "cmrc2018_dev.json"

_SENT = re.compile(r"[^。！？!?]+[。！？!?]+[”」』）)]*")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _ok_sentence(s: str) -> bool:
    s = s.strip()
    return 8 <= len(s) <= 150 and len(_CJK.findall(s)) >= len(s) * 0.4


def load_pool(cmrc: Path | None = CMRC) -> tuple[list[str], list[str], list[str]]:
    """(sentences, titles, cmrc questions), deduplicated, in a fixed order."""
    from index.passages.cleaning import clean

    sentences: list[str] = []
    titles: list[str] = []
    questions: list[str] = []
    for path in sorted(SEEDS_DIR.glob("*.txt")):
        for p in clean(path.read_text(encoding="utf-8")):
            sentences.extend(s.strip() for s in p.sentences)
            if p.title:
                titles.append(p.title)
    if cmrc is not None and cmrc.is_file():
        for article in json.loads(cmrc.read_text(encoding="utf-8"))["data"]:
            titles.append(article.get("title", ""))
            for para in article["paragraphs"]:
                sentences.extend(m.group().strip() for m in _SENT.finditer(para["context"]))
                questions.extend(qa["question"].strip() for qa in para["qas"])
    sentences = list(dict.fromkeys(s for s in sentences if _ok_sentence(s)))
    titles = list(dict.fromkeys(t.strip() for t in titles if t and t.strip()))
    questions = list(dict.fromkeys(q for q in questions if q))
    return sentences, titles, questions


class Generator:
    def __init__(self, sentences: list[str], titles: list[str], seed: int = SEED):
        self.rng = random.Random(seed)
        self.sentences = sentences
        self.titles = titles or ["新闻"]
        self.clauses = [
            c for s in sentences for c in re.split(r"(?<=[，；、])", s.rstrip("。！？!?”」』）)")) if len(c) >= 4
        ]

    def _digits(self, s: str) -> str:
        rng = self.rng
        return re.sub(
            r"\d+",
            lambda m: (
                str(rng.randint(1, 10 ** len(m.group()) - 1))
                if not re.fullmatch(r"(19|20)\d\d", m.group())
                else m.group()
            ),
            s,
        )

    def sentence(self) -> str:
        rng = self.rng
        if rng.random() < 0.7:
            s = rng.choice(self.sentences)
        else:
            parts = [rng.choice(self.clauses) for _ in range(rng.randint(2, 3))]
            s = (
                "".join(p if p.endswith(("，", "；", "、")) else p + "，" for p in parts[:-1])
                + parts[-1].rstrip("，；、")
                + "。"
            )
        return self._digits(s) if rng.random() < 0.5 else s

    def paragraph(self) -> str:
        target = self.rng.randint(80, 210)
        out = ""
        while len(out) < target:
            s = self.sentence()
            if len(out) + len(s) > 220:
                if len(out) >= 60:
                    break
                continue
            out += s
        return out

    def document(self, n: int) -> tuple[str, list[str]]:
        title = self.rng.choice(self.titles)
        if self.rng.random() < 0.5:
            title = f"{title}：{self.rng.choice(self.sentences)[:12].rstrip('，。、；')}"
        paras = [self.paragraph() for _ in range(n)]
        return title + "\n\n" + "\n\n".join(paras) + "\n", paras

    def question(self, paragraph: str) -> str | None:
        from index.answers.examples import question_from_text

        sents = [s for s in _SENT.findall(paragraph) if len(s) >= 10]
        if not sents:
            return None
        s = self.rng.choice(sents)
        q = question_from_text(s)
        if q and self.rng.random() < 0.6:
            return q
        import jieba

        body = s.rstrip("。！？!?”」』）)")
        clause = max(re.split(r"[，；：“”（）()《》]", body), key=len)
        words = jieba.lcut(clause)
        if len(words) > 6:
            start = self.rng.randint(0, len(words) - 4)
            words = words[start : start + self.rng.randint(4, 6)]
        clause = "".join(words).strip()
        if len(clause) < 4:
            return None
        return clause + self.rng.choice(["是什么？", "是哪里？", "是谁？", "？", "吗？"])


def corpus_dir(out: Path, passages: int) -> Path:
    return out / f"corpus-{passages}"


def generate(passages: int, out: Path, questions: int = 2000, cmrc: Path | None = CMRC, quiet: bool = False) -> dict:
    """Write (or reuse) the corpus of `passages` passages; returns its manifest."""
    directory = corpus_dir(out, passages)
    manifest_path = directory / ".manifest.json"
    sentences, titles, cmrc_questions = load_pool(cmrc)
    pool_hash = hashlib.sha256("\n".join(sentences + titles + cmrc_questions).encode()).hexdigest()[:16]
    want = {"version": VERSION, "seed": SEED, "passages": passages, "pool": pool_hash, "questions_wanted": questions}
    if manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text())
        if all(manifest.get(k) == v for k, v in want.items()):
            return manifest
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("*.txt"):
        old.unlink()
    gen = Generator(sentences, titles)
    docs = (passages + PASSAGES_PER_DOC - 1) // PASSAGES_PER_DOC
    total_bytes = made = 0
    generated_q: list[str] = []
    q_every = max(1, passages // questions)
    bar = None
    if not quiet:
        from tqdm import tqdm

        bar = tqdm(
            total=passages, unit="passage", desc=f"generating {passages}", file=sys.stderr, disable=passages < 20000
        )
    for d in range(docs):
        n = min(PASSAGES_PER_DOC, passages - made)
        text, paras = gen.document(n)
        data = text.encode("utf-8")
        (directory / f"doc-{d:07d}.txt").write_bytes(data)
        total_bytes += len(data)
        for i, para in enumerate(paras):
            if (made + i) % q_every == 0:
                q = gen.question(para)
                if q:
                    generated_q.append(q)
        made += n
        if bar:
            bar.update(n)
    if bar:
        bar.close()
    rng = random.Random(SEED + 1)
    half = questions // 2
    picked = rng.sample(cmrc_questions, min(half, len(cmrc_questions)))
    qs = picked + generated_q[: questions - len(picked)]
    rng.shuffle(qs)
    (directory.parent / f"questions-{passages}.json").write_text(json.dumps(qs, ensure_ascii=False))
    manifest = dict(
        want,
        documents=docs,
        bytes=total_bytes,
        questions=len(qs),
        questions_file=str(directory.parent / f"questions-{passages}.json"),
        sentence_pool=len(sentences),
        cmrc=bool(cmrc_questions),
    )
    manifest_path.write_text(json.dumps(manifest))
    return manifest


def load_questions(manifest: dict) -> list[str]:
    return json.loads(Path(manifest["questions_file"]).read_text())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--passages", type=int, required=True)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    ap.add_argument("--questions", type=int, default=2000)
    ap.add_argument("--seeds-only", action="store_true", help="ignore the CMRC file even if present")
    args = ap.parse_args()
    m = generate(args.passages, args.out, args.questions, None if args.seeds_only else CMRC)
    print(json.dumps(m, ensure_ascii=False))


if __name__ == "__main__":
    main()
