"""Where a quoted passage comes from, as the bot and the console say it: 第N段 names one
passage, even when a long paragraph was cut into several."""

from __future__ import annotations

from collections import defaultdict

from bot import render, telegram_html


def test_passages_of_one_long_paragraph_have_numbers_of_their_own(seed_engine):
    hits = seed_engine.ask("雨花区有多少红色之家？", top_k=30).passages
    by_paragraph = defaultdict(list)
    for h in hits:
        by_paragraph[h.doc, h.paragraph].append(h)
    cut = [same for same in by_paragraph.values() if len(same) > 1]
    assert cut, "the seeds have a paragraph cut in several passages among these"
    for same in cut:
        for line in (render.source_line, telegram_html.source_line):
            assert len({line(h) for h in same}) == len(same), [line(h) for h in same]
    assert len({(h.doc, h.number) for h in hits}) == len(hits)
