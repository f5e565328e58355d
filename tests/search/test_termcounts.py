"""Term counts made in the tokenising workers give the index that counting the stored
passages gives, whichever worker read which document, and in parallel or not."""

import numpy as np
import pytest

from index.engine import Engine
from index.search import store
from index.search.processing import process_document, stored_terms
from index.search.ranking import Bm25Index
from index.search.termcounts import Batch, Coder
from tests.conftest import make_settings

# A title, then paragraphs: passages share their heading and take the sentence before.
DOCS = [
    "雨花区红色之家\n\n雨花区红色之家建成28家。\n\n红色之家服务新田县新就业群体党支部。",
    "党建联建\n\n红色之家党建联建覆盖雨花区。\n\n狂犬病病死率100%。",
    "禽流感\n\n禽流感是甲型流感病毒引起的流感。\n\n新田县汽车站党群服务中心在新田县。",
    "流感疫苗在雨花区接种。",
]


def _stored_terms(pid: int, row: tuple) -> tuple[int, str]:
    """A passage's BM25 terms as read back from its stored row (store.PASSAGE_FIELDS)."""
    text, cuts, tokens, head = row[4], row[7], row[8], row[9]
    return next(stored_terms([(pid, head, tokens, text, cuts)]))


def test_two_workers_counts_make_the_matrix_of_the_stored_rows():
    workers = [Coder(), Coder()]
    batch = Batch()
    rows, next_id = [], 1
    for i, text in enumerate(DOCS):  # documents alternate between the workers, as a pool's do
        p = process_document(f"{i}.txt", text.encode(), 40, 10, workers[i % 2])
        batch.add(p.counts, next_id)
        rows += [_stored_terms(next_id + j, r) for j, r in enumerate(p.passages)]
        next_id += len(p.passages)
    assert next_id > len(DOCS) + 1  # some document made several passages
    vocab = {"": 0}
    ours = Bm25Index.from_counts(batch.counts(vocab), vocab)
    stored = Bm25Index.build(rows)
    for q in (["红色", "之家"], ["新田县"], ["流感", "28家", "雨花区"], ["没有"], ["党支"]):
        assert ours.top(q, 10) == stored.top(q, 10)
        np.testing.assert_array_equal(ours.scores(q), stored.scores(q))
    assert ours.top(["红色"], 10)


def test_a_word_and_the_same_character_pair_are_one_term():
    p = process_document("a.txt", "红色之家。".encode(), 40, 1)
    assert p.passages[0][8].split() == ["红色", "家"]  # its words are stored, its pairs counted
    assert _stored_terms(1, p.passages[0])[1].split() == ["红色", "家", "红色", "色之", "之家"]
    counted = {p.counts.new_terms[t]: tf for t, tf in zip(p.counts.terms.tolist(), p.counts.tf.tolist())}
    assert counted == {"红色": 2, "家": 1, "色之": 1, "之家": 1}


def test_a_worker_counts_arriving_out_of_order_are_refused():
    coder, batch = Coder(), Batch()
    first = process_document("a.txt", DOCS[0].encode(), 400, 10, coder).counts
    second = process_document("b.txt", DOCS[2].encode(), 400, 10, coder).counts
    with pytest.raises(ValueError):
        batch.add(second, 1)  # would give its new terms the wrong numbers
    batch.add(first, 1)
    batch.add(second, 2)


def test_a_parallel_reindex_stores_and_ranks_what_a_serial_one_does(tmp_path):
    """Two worker processes (spawned, as in production) against one process."""
    serial = Engine.open(make_settings(tmp_path / "serial", workers=1))
    parallel = Engine.open(make_settings(tmp_path / "parallel", workers=2, parallel_min_bytes=0))
    assert store.counts(parallel.db)["passages"] == store.counts(serial.db)["passages"] > 0
    assert list(store.iter_passage_tokens(parallel.db)) == list(store.iter_passage_tokens(serial.db))
    for q in ("雨花区有多少红色之家？", "狂犬病的病死率是多少？", "新田县新就业群体"):
        a, b = parallel.ask(q), serial.ask(q)
        assert a.sentence == b.sentence and [h.id for h in a.passages] == [h.id for h in b.passages]
        assert [h.score for h in a.passages] == pytest.approx([h.score for h in b.passages])
    rebuilt = Bm25Index.build(stored_terms(store.iter_passage_tokens(parallel.db)))
    index = parallel._current_index()
    assert rebuilt.top(["红色", "之家"], 5) == index.top(["红色", "之家"], 5)
