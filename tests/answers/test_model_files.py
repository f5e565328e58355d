"""A learned model file missing, damaged or made for other features: `python -m bot`
says which file and the fix in one line at start-up and exits, never a traceback at the
first question; the engine raises the typed reason for it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from index.answers import answer_model, spans
from index.answers.model_files import ModelMismatch
from tests.conftest import ROOT, SEEDS

MODELS = {
    "answer_model.json": "training/train_answer_model.py",
    "answer_model_meaning.json": "training/train_answer_model.py",
    "span_ranker.json": "training/train_span.py",
}
DAMAGES = {
    "missing": None,
    "cut off": lambda text: text[: len(text) // 2],
    "not the model's shape": lambda text: json.dumps({"weights": []}),
    "not text": lambda text: "\udcff",
}


def _tree_with(tmp_path, name: str, damage):
    """A copy of the code with model file `name` damaged: what a broken install holds."""
    for part in ("index", "bot"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "config.toml", tmp_path)
    path = tmp_path / "index" / "answers" / "models" / name
    if damage is None:
        path.unlink()
    else:
        text = damage(path.read_text(encoding="utf-8"))
        path.write_bytes(text.encode("utf-8", "surrogateescape"))
    return path


@pytest.mark.parametrize("name", sorted(MODELS))
@pytest.mark.parametrize("how", sorted(DAMAGES))
def test_a_broken_model_file_is_one_clear_line_at_start_up(tmp_path, name, how):
    path = _tree_with(tmp_path, name, DAMAGES[how])
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "ask",
            "--corpus",
            str(SEEDS),
            "--db",
            str(tmp_path / "i.db"),
            "雨花区有多少红色之家",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert out.returncode == 2 and not out.stdout
    assert "Traceback" not in out.stderr
    said = [line for line in out.stderr.splitlines() if line.startswith("错误：")]
    assert len(said) == 1, out.stderr
    assert str(path) in said[0] and MODELS[name] in said[0]
    assert ("不存在" if how == "missing" else "损坏") in said[0]


def test_a_model_file_for_other_features_names_the_training_script(tmp_path):
    data = json.loads(answer_model.MODEL_FILE.read_text(encoding="utf-8"))
    data["answerable"]["linear"]["features"].reverse()
    path = tmp_path / "answer_model.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ModelMismatch) as caught:
        answer_model.load(path)
    assert caught.value.code == "model_mismatch" and "train_answer_model.py" in str(caught.value)


def test_the_installed_model_files_load():
    assert answer_model.load().thresholds["answer"] > 0
    assert answer_model.load(meaning=True).thresholds["answer"] > 0
    assert set(spans.reload_model())
