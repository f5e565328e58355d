"""The learned answer model: which sentence answers, and how sure that is.

Trained by `training/train_answer_model.py` on CMRC 2018's trial set and stored as plain
numbers in `index/answers/models/answer_model.json`: boosted trees (LightGBM's LambdaRank) score
each candidate sentence, the best being the answer sentence; a logistic regression and
boosted trees turn the question against that sentence into the probability that it
answers. Scoring is numpy alone (the trees walked for all rows at once); no training
library runs here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from index.answers.answer_features import question_feature_names, sentence_feature_names
from index.answers.model_files import ModelMismatch, read_model

# On words alone, and with the meaning model's features too (index/answers/meaning.py).
MODEL_FILE = Path(__file__).resolve().parent / "models" / "answer_model.json"
MEANING_MODEL_FILE = MODEL_FILE.with_name("answer_model_meaning.json")
REMAKE = "training/train_answer_model.py"


def _check_features(part: dict, names: tuple[str, ...]) -> None:
    if tuple(part["features"]) != names:
        extra, lacking = set(part["features"]) - set(names), set(names) - set(part["features"])
        detail = (
            f"not computed now: {sorted(extra)}, new: {sorted(lacking)}" if extra or lacking else "in another order"
        )
        raise ModelMismatch("model_mismatch", detail=detail)


@dataclass(frozen=True)
class Linear:
    """Standardised inputs times weights, plus a bias."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    @classmethod
    def from_json(cls, part: dict, names: tuple[str, ...]) -> Linear:
        _check_features(part, names)
        return cls(np.array(part["mean"]), np.array(part["scale"]), np.array(part["coef"]), float(part["intercept"]))

    def logits(self, x: np.ndarray) -> np.ndarray:
        return ((x - self.mean) / self.scale) @ self.coef + self.intercept


@dataclass(frozen=True)
class Trees:
    """A sum of decision trees, each flattened into arrays and padded to one size; a
    node whose feature is -1 is a leaf. Row x goes left at a node when x[feature] <=
    threshold (the trees are grown on features that are never missing)."""

    feature: np.ndarray  # (trees, nodes)
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    depth: int

    @classmethod
    def from_json(cls, part: dict, names: tuple[str, ...]) -> Trees:
        _check_features(part, names)
        width = max(len(t["feature"]) for t in part["trees"])

        def padded(key: str, dtype) -> np.ndarray:
            fill = -1 if key == "feature" else 0
            return np.array([t[key] + [fill] * (width - len(t[key])) for t in part["trees"]], dtype=dtype)

        return cls(
            padded("feature", np.int64),
            padded("threshold", np.float64),
            padded("left", np.int64),
            padded("right", np.int64),
            padded("value", np.float64),
            int(part["depth"]),
        )

    def scores(self, x: np.ndarray) -> np.ndarray:
        trees = np.arange(self.feature.shape[0])[None, :]
        node = np.zeros((x.shape[0], self.feature.shape[0]), dtype=np.int64)
        rows = np.arange(x.shape[0])[:, None]
        for _ in range(self.depth):
            feature = self.feature[trees, node]
            inner = feature >= 0
            go_left = x[rows, np.maximum(feature, 0)] <= self.threshold[trees, node]
            node = np.where(inner, np.where(go_left, self.left[trees, node], self.right[trees, node]), node)
        return self.value[trees, node].sum(axis=1)


@dataclass(frozen=True)
class Answerability:
    """The probability that a sentence answers: a logistic regression and boosted trees
    on the same features, averaged (the regression carries over better to text unlike
    the training set's, the trees see what it cannot; together both do better)."""

    linear: Linear
    trees: Trees

    @classmethod
    def from_json(cls, part: dict, names: tuple[str, ...]) -> Answerability:
        return cls(Linear.from_json(part["linear"], names), Trees.from_json(part["trees"], names))

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        x = np.atleast_2d(x)
        return (_sigmoid(self.linear.logits(x)) + _sigmoid(self.trees.scores(x))) / 2


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


@dataclass(frozen=True)
class AnswerModel:
    sentence: Trees
    answerable: Answerability
    thresholds: dict  # {"answer": confidence for an answer, "closest": for the closest content}
    tie_margin: float  # sentences scored this close to the best are told apart by the question's phrase
    # The meaning model's: a logistic regression on the question's and each sentence's
    # vectors (weights, bias; answer_features.with_meaning); None on words alone.
    head: tuple[np.ndarray, float] | None = None

    def sentence_scores(self, features: np.ndarray) -> np.ndarray:
        """A score a candidate sentence: the highest is the answer sentence."""
        return self.sentence.scores(features)

    def confidence(self, features: np.ndarray) -> float:
        """The probability that the chosen sentence answers the question."""
        return float(self.answerable.probabilities(features)[0])


def from_json(data: dict, meaning: bool = False) -> AnswerModel:
    return AnswerModel(
        Trees.from_json(data["sentence"], sentence_feature_names(meaning)),
        Answerability.from_json(data["answerable"], question_feature_names(meaning)),
        dict(data["thresholds"]),
        float(data["tie_margin"]),
        (np.array(data["meaning_head"]["coef"]), float(data["meaning_head"]["intercept"])) if meaning else None,
    )


@lru_cache(maxsize=4)
def load(path: Path | None = None, meaning: bool = False) -> AnswerModel:
    """The model read on words alone (MODEL_FILE) or with the meaning model's features too
    (MEANING_MODEL_FILE), or ModelUnavailable (missing, damaged, other features)."""
    path = Path(path or (MEANING_MODEL_FILE if meaning else MODEL_FILE))
    return read_model(path, REMAKE, lambda data: from_json(data, meaning))
