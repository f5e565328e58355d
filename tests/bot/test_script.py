"""The script a user writes in (bot/script.py): told from a few characters, and the bot's
words converted while the corpus's stay as written."""

from __future__ import annotations

import pytest

from bot.script import is_traditional, to_user_script


@pytest.mark.parametrize(
    "text, traditional",
    [
        ("雨花區有多少紅色之家？", True),
        ("雨花区有多少红色之家？", False),
        ("高塘嶺社區有多少名黨員？", True),
        ("那新田縣呢", True),
        ("你好", False),  # the same in both scripts: the default, simplified
        ("hello 123", False),
    ],
)
def test_traditional_is_told_from_the_characters_that_differ(text, traditional):
    assert is_traditional(text) is traditional


def test_only_the_bots_words_are_converted():
    html = "<b>答：</b>全区“红色之家”已建成28家。\n出处：长沙市雨花区纪实（雨花区.txt，第18段）\n没有找到"
    keep = ["目前，全区“红色之家”已建成28家。", "长沙市雨花区纪实", "雨花区.txt"]
    out = to_user_script(html, True, keep)
    assert out == "<b>答：</b>全区“红色之家”已建成28家。\n出處：长沙市雨花区纪实（雨花区.txt，第18段）\n沒有找到"
    assert to_user_script(html, False, keep) == html
