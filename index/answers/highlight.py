"""Where the question's words, and the thing it asks for, stand in a quoted text."""

from __future__ import annotations

from index.chars import HAN_CHAR
from index.normalize import normalize


def mark_terms(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Spans of `text` whose normalised form is one of the question's terms."""
    wanted = {t for t in terms if len(t) >= 2 or HAN_CHAR.match(t) is None}
    if not wanted:
        return []
    norm = normalize(text)
    if len(norm) != len(text):
        return []
    spans: list[tuple[int, int]] = []
    for t in sorted(wanted, key=len, reverse=True):
        start = 0
        while (i := norm.find(t, start)) >= 0:
            if not any(a < i + len(t) and i < b for a, b in spans):
                spans.append((i, i + len(t)))
            start = i + len(t)
    return sorted(spans)


def nearest_span(spans: list[tuple[int, int]], sentence: str, terms: list[str]) -> tuple[int, int]:
    """Of the spans of the thing asked for, the one closest to the question's words."""
    marks = mark_terms(sentence, terms)
    if not marks:
        return spans[0]
    return min(spans, key=lambda sp: min(abs(sp[0] - m[1]) if sp[0] >= m[1] else abs(m[0] - sp[1]) for m in marks))
