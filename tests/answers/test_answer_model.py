"""The learned answer model: the committed file matches the code, its trees are walked as
written, scoring is deterministic, and the engine's confidence and thresholds behave."""

from __future__ import annotations

import json

import numpy as np
import pytest

from index.answers import answer_features, answer_model, answering
from index.answers.answer_features import question_feature_names, sentence_feature_names
from index.answers.answer_model import MEANING_MODEL_FILE, MODEL_FILE, ModelMismatch, Trees
from index.engine import Engine
from tests.conftest import make_settings

QUESTIONS = [
    "雨花区有多少红色之家？",
    "狂犬病一旦发病病死率有多高？",
    "芙蓉区一共建了多少家红色之家？",
    "新田县的水稻产量是多少吨？",
    "火星上有几个县？",
]


def model_json(meaning: bool = False) -> dict:
    return json.loads((MEANING_MODEL_FILE if meaning else MODEL_FILE).read_text(encoding="utf-8"))


@pytest.mark.parametrize("meaning", [False, True], ids=["words", "meaning"])
def test_committed_model_loads_and_its_features_are_the_codes(meaning):
    """Each shipped model file names exactly the features the code computes, in order."""
    data = model_json(meaning)
    sentence, question = sentence_feature_names(meaning), question_feature_names(meaning)
    assert tuple(data["sentence"]["features"]) == sentence
    assert tuple(data["answerable"]["linear"]["features"]) == question
    assert tuple(data["answerable"]["trees"]["features"]) == question
    model = answer_model.load(meaning=meaning)
    assert model.sentence.feature.max() < len(sentence)
    assert model.answerable.trees.feature.max() < len(question)
    assert model.answerable.linear.coef.shape == (len(question),)
    assert 0 <= model.thresholds["closest"] <= model.thresholds["answer"] <= 1


@pytest.mark.parametrize("part", ["sentence", "answerable"])
def test_committed_trees_reach_a_leaf_within_their_depth(part):
    """Walking `depth` steps ends every row of every tree on a leaf (no tree is cut short)."""
    model = answer_model.load()
    trees = model.sentence if part == "sentence" else model.answerable.trees
    x = np.random.default_rng(0).normal(0, 3, size=(200, trees.feature.max() + 1))
    t = np.arange(trees.feature.shape[0])[None, :]
    node = np.zeros((len(x), trees.feature.shape[0]), dtype=np.int64)
    rows = np.arange(len(x))[:, None]
    for _ in range(trees.depth):
        f = trees.feature[t, node]
        left = x[rows, np.maximum(f, 0)] <= trees.threshold[t, node]
        node = np.where(f >= 0, np.where(left, trees.left[t, node], trees.right[t, node]), node)
    assert (trees.feature[t, node] == -1).all()


# Two features (a, b); three trees: a split on a then b, a split on b, a lone leaf (padded).
TINY = {
    "features": ["a", "b"],
    "depth": 2,
    "trees": [
        {
            "feature": [0, -1, 1, -1, -1],
            "threshold": [1.0, 0, 0.5, 0, 0],
            "left": [1, 0, 3, 0, 0],
            "right": [2, 0, 4, 0, 0],
            "value": [0, 10.0, 0, 20.0, 30.0],
        },
        {
            "feature": [1, -1, -1],
            "threshold": [-1.0, 0, 0],
            "left": [1, 0, 0],
            "right": [2, 0, 0],
            "value": [0, 1.0, 2.0],
        },
        {"feature": [-1], "threshold": [0], "left": [0], "right": [0], "value": [0.25]},
    ],
}

TINY_ROWS = [
    # a, b, the sum of the three trees' leaves
    (1.0, 0.0, 10 + 2 + 0.25),  # a exactly on its threshold goes left
    (0.0, -1.0, 10 + 1 + 0.25),  # b exactly on the second tree's threshold goes left
    (2.0, 0.5, 20 + 2 + 0.25),  # right on a, b on its threshold: left
    (2.0, 0.6, 30 + 2 + 0.25),
    (1.0000001, -5.0, 20 + 1 + 0.25),  # just above a's threshold: right
]


def test_trees_score_a_hand_written_forest_as_computed_by_hand():
    """Trees.scores sums each tree's leaf; x <= threshold goes left, ties included."""
    trees = Trees.from_json(TINY, ("a", "b"))
    x = np.array([r[:2] for r in TINY_ROWS])
    assert trees.scores(x).tolist() == pytest.approx([r[2] for r in TINY_ROWS], abs=1e-12)


def test_trees_with_other_feature_names_raise_model_mismatch():
    """A tree part made for other features is refused, not silently misread."""
    with pytest.raises(ModelMismatch):
        Trees.from_json(TINY, ("b", "a"))


@pytest.mark.parametrize("where", [("sentence",), ("answerable", "linear"), ("answerable", "trees")])
@pytest.mark.parametrize("change", ["renamed", "dropped", "reordered"])
def test_a_model_file_with_other_features_raises_model_mismatch(tmp_path, where, change):
    """A model file whose feature list differs from the code's is refused on load."""
    data = model_json()
    part = data
    for key in where:
        part = part[key]
    names = part["features"]
    if change == "renamed":
        names[3] = names[3] + "_old"
    elif change == "dropped":
        names.pop()
    else:
        names[0], names[1] = names[1], names[0]
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ModelMismatch):
        answer_model.load(path)


def sentence_and_question_features(engine: Engine, question: str) -> tuple[np.ndarray, np.ndarray]:
    """The real features of a question on an engine's corpus, as Engine.read computes them."""
    query, cands, _rows, index = engine.retrieve(question, engine.settings.candidates)
    model = answer_model.load()
    sents = answer_features.sentence_candidates(query, cands, index.idf, index.known, engine.settings.answer_passages)
    scores = model.sentence_scores(sents.features)
    best = answer_features.best_sentence(query, sents, scores)
    return sents.features, answer_features.question_features(query, cands, sents, scores, best, index.idf, index.known)


@pytest.mark.parametrize("question", QUESTIONS[:4])
def test_scoring_is_deterministic_and_the_same_for_a_fresh_load(seed_engine, question):
    """The same features give the same scores twice, and from a second parse of the file."""
    sent_x, question_x = sentence_and_question_features(seed_engine, question)
    model, fresh = answer_model.load(), answer_model.from_json(model_json())
    assert model is not fresh
    first = model.sentence_scores(sent_x)
    assert np.array_equal(first, model.sentence_scores(sent_x.copy()))
    assert np.array_equal(first, fresh.sentence_scores(sent_x))
    assert model.confidence(question_x) == model.confidence(question_x.copy()) == fresh.confidence(question_x)
    assert fresh.thresholds == model.thresholds


@pytest.mark.parametrize("question", QUESTIONS)
def test_confidence_is_a_probability_and_the_same_when_asked_again(seed_engine, question):
    """Engine.ask's confidence lies in [0, 1] and does not change between two asks."""
    first, again = seed_engine.ask(question), seed_engine.ask(question)
    assert first.confidence is not None and 0.0 <= first.confidence <= 1.0
    assert again.confidence == first.confidence
    assert (again.outcome, again.sentence, again.closest) == (first.outcome, first.sentence, first.closest)


def test_thresholds_default_to_the_model_files(seed_engine):
    """With answer_confidence and closest_confidence unset, the file's thresholds rule."""
    assert seed_engine.settings.answer_confidence is None and seed_engine.settings.closest_confidence is None
    trained = model_json(seed_engine.reads_meaning)["thresholds"]
    assert seed_engine.thresholds() == (trained["answer"], trained["closest"])


@pytest.mark.parametrize(
    "answer, closest, expected",
    [
        (0.6, 0.3, (0.6, 0.3)),
        (0.9, 0.0, (0.9, 0.0)),
        (0.4, 0.7, (0.4, 0.4)),  # the closest content never needs more than an answer
    ],
)
def test_thresholds_from_the_settings_override_the_file(tmp_path, answer, closest, expected):
    """Settings' answer_confidence / closest_confidence are the thresholds when set."""
    engine = Engine.open(make_settings(tmp_path, answer_confidence=answer, closest_confidence=closest))
    assert engine.thresholds() == expected


@pytest.fixture(scope="module")
def never_sure(tmp_path_factory):
    """An engine on the seeds whose answer threshold no probability reaches."""
    return Engine.open(make_settings(tmp_path_factory.mktemp("never"), answer_confidence=1.01, closest_confidence=0.0))


@pytest.mark.parametrize("question", QUESTIONS)
def test_an_answer_threshold_above_one_answers_nothing(never_sure, question):
    """answer_confidence > 1: no question gets outcome "answer"."""
    a = never_sure.ask(question)
    assert a.outcome != "answer" and a.sentence is None and a.span is None


def test_above_one_a_good_sentence_is_shown_as_the_closest(never_sure):
    """answer_confidence > 1: a question with a good sentence is "unsure" with it as closest."""
    a = never_sure.ask("雨花区有多少红色之家？")
    assert a.outcome == "unsure" and a.sentence is None
    assert a.closest and "28家" in a.closest and a.closest in a.quoted.text


def _rows(asked: list[float], typed: list[float]) -> answer_features.Sentences:
    """Candidate sentences whose features are zero but the asked phrase and the form held."""
    x = np.zeros((len(asked), len(answer_features.SENTENCE_FEATURES)))
    x[:, answer_features.SENTENCE_FEATURES.index("asked_phrase")] = asked
    x[:, answer_features.SENTENCE_FEATURES.index("typed_any")] = typed
    return answer_features.Sentences([(0, i) for i in range(len(asked))], x, {}, 1.0)


@pytest.mark.parametrize(
    "margin, kind, expected",
    [
        (0.0, "what", 0),  # no margin: the best scored
        (0.3, "what", 1),  # within the margin, the one saying the question's phrase
        (0.05, "what", 0),  # 0.1 apart is not a tie at 0.05
        (1.0, "count", 2),  # a count question: only the sentence holding a number
    ],
)
def test_best_sentence_breaks_ties_by_the_question_phrase(margin, kind, expected):
    """The ranker's near-ties go to the sentence saying the question's own phrase; a
    question asking for a number takes only sentences holding one."""
    chosen = _rows(asked=[0.2, 1.0, 0.5], typed=[0.0, 0.0, 1.0])
    query = answering.Query("x", [], kind)
    scores = np.array([1.0, 0.9, 0.1])
    assert answer_features.best_sentence(query, chosen, scores, margin) == expected
