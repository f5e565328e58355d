"""BM25 over passages: the same scores as bm25s, kept current without a full rebuild."""

import bm25s
import numpy as np
import pytest

from index.search import processing, store
from index.search.ranking import Bm25Index, counts_from_rows

DOCS = [
    "雨花区 红色 之家 建成 28家 雨花 花区",
    "新田县 新 就业 群体 党支部 4个 新田",
    "红色 之家 红色 党建 联建 雨花区",
    "狂犬病 病死率 100% 狂犬",
    "禽流感 甲型 流感 病毒 流感",
]


def rows(docs, start=1):
    return [(start + i, d) for i, d in enumerate(docs)]


@pytest.mark.parametrize("query", [["红色", "之家"], ["雨花区", "28家", "红色"], ["流感"], ["没有", "的词"]])
def test_scores_are_bm25s_lucene_scores(query):
    ours = Bm25Index.build(rows(DOCS), k1=1.6, b=0.6)
    ref = bm25s.BM25(k1=1.6, b=0.6, method="lucene")
    ref.index([d.split() for d in DOCS], show_progress=False)
    known = [t for t in query if t in ref.vocab_dict]
    expected = ref.get_scores(known) if known else np.zeros(len(DOCS))
    # Weights are stored in 16-bit steps: off by at most a step a term.
    bound = len(query) * ours.scale + 1e-6
    np.testing.assert_allclose(ours.scores(query), expected, rtol=0, atol=bound)
    assert ours.scale < 2e-4  # a step is 1/65,535 of the largest weight (here about 2)


def test_top_is_sorted_bounded_and_skips_passages_without_the_words():
    index = Bm25Index.build(rows(DOCS))
    top = index.top(["红色", "之家"], 10)
    assert [pid for pid, _ in top][:2] in ([3, 1], [1, 3])
    assert len(top) == 2  # only two passages hold either word
    scores = [s for _, s in top]
    assert scores == sorted(scores, reverse=True)
    assert len(index.top(["红色", "之家"], 1)) == 1


def test_saved_and_loaded_index_answers_the_same(tmp_path):
    index = Bm25Index.build(rows(DOCS))
    index.save(tmp_path / "gen-1")
    loaded = Bm25Index.load(tmp_path / "gen-1")
    assert loaded.top(["流感", "病毒"], 3) == index.top(["流感", "病毒"], 3)
    assert loaded.idf("流感") == pytest.approx(index.idf("流感"))


def test_an_update_gives_the_matrix_a_full_build_gives(tmp_path):
    old = Bm25Index.build(rows(DOCS))
    old.save(tmp_path / "gen-1")
    # Passage 2 removed, two new passages (ids are never reused) added.
    now = [
        (1, DOCS[0]),
        (3, DOCS[2]),
        (4, DOCS[3]),
        (5, DOCS[4]),
        (6, "新田县 汽车站 党群 服务 中心"),
        (7, "红色 之家 28家"),
    ]
    updated = Bm25Index.update(
        tmp_path / "gen-1",
        np.array([pid for pid, _ in now]),
        lambda last, vocab: counts_from_rows([r for r in now if r[0] > last], vocab),
    )
    full = Bm25Index.build(now)
    for q in (["红色", "之家"], ["新田县"], ["流感", "28家"]):
        assert updated.top(q, 10) == full.top(q, 10)


def test_presence_says_which_passages_hold_which_terms():
    index = Bm25Index.build(rows(DOCS))
    held = index.presence(["红色", "流感", "不在"], [1, 2, 3, 5])
    assert held.tolist() == [[True, False, True, False], [False, False, False, True], [False] * 4]


def test_engine_index_matches_the_stored_passages(engine):
    index = engine._current_index()
    n = store.counts(engine.db)["passages"]
    assert len(index) == n
    rebuilt = Bm25Index.build(
        processing.stored_terms(store.iter_passage_tokens(engine.db)), engine.settings.k1, engine.settings.b
    )
    for q in (["红色", "之家"], ["色之", "雨花"], ["雨花区", "28家"]):  # words and character pairs
        assert rebuilt.top(q, 5) == index.top(q, 5)
        np.testing.assert_array_equal(rebuilt.scores(q), index.scores(q))


def test_bm25s_loads_a_saved_generation_and_ranks_as_the_index_does(tmp_path):
    """The generation stays in bm25s's file layout: bm25s.BM25.load reads it (its scores
    come out in the stored 16-bit steps), and ranks the passages the same way."""
    index = Bm25Index.build(rows(DOCS))
    index.save(tmp_path / "gen-1")
    theirs = bm25s.BM25.load(str(tmp_path / "gen-1"))
    query = ["红色", "之家", "雨花区"]
    steps = theirs.get_scores([index._vocab[t] for t in query])
    np.testing.assert_allclose(steps * index.scale, index.scores(query), rtol=1e-6)
    assert [int(index.passage_ids[i]) for i in np.argsort(-steps, kind="stable")[:2]] == [
        pid for pid, _ in index.top(query, 2)
    ]
