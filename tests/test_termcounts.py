"""Term counts made in the tokenising workers give the index that counting the stored
passages gives, whichever worker read which document, and in parallel or not."""

import numpy as np
import pytest

from index import store
from index.engine import Engine
from index.ranking import Bm25Index
from index.termcounts import Batch, Coder
from tests.conftest import make_settings

DOCS = [
    ["雨花区 红色 之家 建成 28家 红色", "新田县 新 就业 群体 党支部"],
    ["红色 之家 党建 联建 雨花区", "狂犬病 病死率 100%"],
    ["禽流感 甲型 流感 病毒 流感", "新田县 汽车站 党群 服务 中心 新田县"],
    ["流感 疫苗 雨花区"],
]


def test_two_workers_counts_make_the_matrix_of_the_stored_rows():
    workers = [Coder(), Coder()]
    batch = Batch()
    rows, next_id = [], 1
    for i, doc in enumerate(DOCS):  # documents alternate between the workers, as a pool's do
        coded = workers[i % 2].count([p.split() for p in doc])
        batch.add(coded, next_id)
        rows += [(next_id + j, p) for j, p in enumerate(doc)]
        next_id += len(doc)
    vocab = {"": 0}
    ours = Bm25Index.from_counts(batch.counts(vocab), vocab)
    stored = Bm25Index.build(rows)
    for q in (["红色", "之家"], ["新田县"], ["流感", "28家", "雨花区"], ["没有"]):
        assert ours.top(q, 10) == stored.top(q, 10)
        np.testing.assert_array_equal(ours.scores(q), stored.scores(q))


def test_a_worker_counts_arriving_out_of_order_are_refused():
    coder, batch = Coder(), Batch()
    first = coder.count([DOCS[0][0].split()])
    second = coder.count([DOCS[1][0].split()])
    with pytest.raises(ValueError):
        batch.add(second, 1)  # would give its new terms the wrong numbers
    batch.add(first, 1)
    batch.add(second, 2)


def test_a_parallel_reindex_stores_and_ranks_what_a_serial_one_does(tmp_path):
    """Two worker processes (spawned, as in production) against one process."""
    serial = Engine.open(make_settings(tmp_path / "serial", workers=1))
    parallel = Engine.open(make_settings(tmp_path / "parallel", workers=2, parallel_min_bytes=0))
    assert store.counts(parallel.db)["passages"] == store.counts(serial.db)["passages"] > 0
    assert list(store.iter_passage_terms(parallel.db)) == list(store.iter_passage_terms(serial.db))
    for q in ("雨花区有多少红色之家？", "狂犬病的病死率是多少？", "新田县新就业群体"):
        a, b = parallel.ask(q), serial.ask(q)
        assert a.sentence == b.sentence and [h.id for h in a.passages] == [h.id for h in b.passages]
        assert [h.score for h in a.passages] == pytest.approx([h.score for h in b.passages])
    rebuilt = Bm25Index.build(store.iter_passage_terms(parallel.db))
    index = parallel._current_index()
    assert rebuilt.top(["红色", "之家"], 5) == index.top(["红色", "之家"], 5)
