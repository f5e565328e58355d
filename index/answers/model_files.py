"""The learned model files beside the code (models/): read once, and when one is missing,
damaged or made for other features, a typed reason naming the file and the command that
remakes it, raised when the engine opens, never a traceback at the first question.
"""

from __future__ import annotations

import json
from pathlib import Path

from index.reasons import Reason


class ModelUnavailable(Reason):
    """A model file the answers need cannot be used: `path` says which, `remake` the fix."""

    SENTENCES = {
        "model_missing": "model file {path} is missing; reinstall the package or run {remake}",
        "model_damaged": "model file {path} is damaged ({detail}); reinstall the package or run {remake}",
        "model_mismatch": "model file {path} was trained on other features ({detail}); run {remake}",
        "meaning_broken": "the meaning model ({package}) is installed but cannot load ({detail}); run {fix}",
    }


class ModelMismatch(ModelUnavailable):
    """The model file was made for other features than this code computes."""


def read_model(path: Path, remake: str, parse):
    """parse(the file's JSON), with every way of failing as ModelUnavailable."""
    where = {"path": str(path), "remake": remake}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelUnavailable("model_missing", **where) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ModelUnavailable("model_damaged", detail=_brief(exc), **where) from None
    try:
        return parse(data)
    except ModelMismatch as exc:
        raise ModelMismatch("model_mismatch", detail=exc.details.get("detail", ""), **where) from None
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        raise ModelUnavailable("model_damaged", detail=_brief(exc), **where) from None


def _brief(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc)[:120]}"
