"""The answer inside the answer sentence: the words shown in bold."""

from __future__ import annotations

from index import answering
from index.highlight import nearest_span
from index.normalize import normalize


def answer_span(query: answering.Query, sentence: str) -> tuple[int, int] | None:
    """(start, end) in `sentence` of the thing the question asks for, or None."""
    norm = normalize(sentence)
    # Spans are found in the normalised text; NFKC may change its length ("㎡").
    if len(norm) != len(sentence):
        return None
    spans = answering.answer_spans(query, norm)
    return nearest_span(spans, sentence, query.tokens) if spans else None
