"""Training questions worded otherwise than their text (issue 19, item 4): a verb, adjective
or adverb of the question that its paragraph uses is replaced by a synonym the paragraph
does not use ("芙蓉洞位于什么地方" -> "芙蓉洞坐落什么地方"), so that the answer model
learns from questions whose words are not all the text's, as people ask them.

The synonyms come from cnsyn 1.2.0 (Apache-2.0, the `train` extra), read from its installed
files: its own import fails on Linux (it opens a Windows path). Two sources, which must
agree: its thesaurus (chinese_dictionary/sim_words.txt, lines of words of one meaning) and
its 129,691 word vectors (query/words_tree_mini.m, a pickled scikit-learn BallTree), at a
cosine of at least MIN_COSINE. The thesaurus alone groups a word's kin with its synonyms
(冠军 with 亚军), the vectors alone put related words close (导演 by 编剧); together, and
kept to words of those parts of speech (nouns would be kin: 足球 for 网球), they are mostly
synonyms (举行 召开, 获得 得到, 实行 推行). Nothing is chosen by hand: no word list.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import rjieba

from index.answers.answering import analyze
from index.normalize import normalize
from index.passages.tokenizer import tokenize

MIN_COSINE = 0.6
MAX_WORDS = 2  # replaced in one question, at most
PARTS_OF_SPEECH = ("v", "a", "d")  # jieba's tags' first letters: verbs, adjectives, adverbs
_WORD = re.compile(r"^[\u4e00-\u9fff]{2,4}$")


@dataclass(frozen=True)
class Thesaurus:
    index: dict[str, int]  # a word's row of `vectors`
    vectors: np.ndarray  # unit length
    groups: dict[str, frozenset[str]]  # a word and every word of the thesaurus's lines it is on

    def synonyms(self, word: str) -> list[str]:
        """The thesaurus's words for `word` that the vectors hold close, closest first."""
        row = self.index.get(word)
        if row is None:
            return []
        close = []
        for other in self.groups.get(word, ()):
            k = self.index.get(other)
            if k is None or other in word or word in other:
                continue
            cosine = float(self.vectors[row] @ self.vectors[k])
            if cosine >= MIN_COSINE:
                close.append((-cosine, other))
        return [other for _, other in sorted(close)]


@lru_cache(maxsize=1)
def thesaurus() -> Thesaurus:
    spec = importlib.util.find_spec("cnsyn")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("paraphrased training questions need cnsyn: pip install -e '.[train]'")
    package = Path(next(iter(spec.submodule_search_locations)))
    import joblib
    import sklearn.metrics._dist_metrics as dist_metrics

    # The tree was pickled by an older scikit-learn, whose metric had this name.
    if not hasattr(dist_metrics, "EuclideanDistance"):
        dist_metrics.EuclideanDistance = dist_metrics.EuclideanDistance64
    tree = joblib.load(package / "query" / "words_tree_mini.m")
    vectors = np.asarray(tree["model"].get_arrays()[0], dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-12
    groups: dict[str, set[str]] = {}
    lines = (package / "chinese_dictionary" / "sim_words.txt").read_text(encoding="utf-8").splitlines()
    for line in lines:
        words = [w for w in line.split() if _WORD.match(w)]
        for w in words:
            groups.setdefault(w, set()).update(words)
    return Thesaurus({w: k for k, w in enumerate(tree["words"])}, vectors, {w: frozenset(g) for w, g in groups.items()})


def paraphrase(question: str, paragraph: str, salt: str) -> str | None:
    """`question` with up to MAX_WORDS of its words that `paragraph` (normalised) uses
    replaced by synonyms it does not use; None when no word has one. The words tried and
    the synonyms taken are chosen by a hash of the question, so a run remakes the same."""
    words_of = thesaurus()
    norm = normalize(question)
    names = {t for group in analyze(question).entities for t in group}
    tags = dict(rjieba.tag(norm, False))
    key = hashlib.md5((salt + "paraphrase" + question).encode()).hexdigest()
    words = [
        w
        for w in dict.fromkeys(tokenize(question))
        if _WORD.match(w) and w not in names and w in paragraph and w in norm and tags.get(w, "")[:1] in PARTS_OF_SPEECH
    ]
    replaced = 0
    for w in sorted(words, key=lambda w: hashlib.md5((key + w).encode()).hexdigest()):
        synonyms = [s for s in words_of.synonyms(w) if s not in paragraph]
        if synonyms:
            norm = norm.replace(w, synonyms[int(key[:8], 16) % min(len(synonyms), 2)], 1)
            replaced += 1
            if replaced == MAX_WORDS:
                break
    return norm if replaced else None
