"""Cleaning PDF-extracted newspaper text into passages with their article titles."""

import json
import re

from bench.cleaning_snapshot import seed_documents, snapshot
from index.passages.cleaning import clean, split_sentences
from index.passages.lines import remove_stray_spaces
from tests.conftest import ROOT, SEEDS

PAGE_1 = (SEEDS / "000_7524f48e644b9190.txt").read_text(encoding="utf-8")
PAGE_2 = (SEEDS / "002_55373102cb5227f0.txt").read_text(encoding="utf-8")


def squeeze(s: str) -> str:
    return re.sub(r"\s+", "", s)


def passage_with(passages, needle):
    found = [p for p in passages if needle in p.text]
    assert found, f"no passage holds {needle!r}"
    return found[0]


def test_stray_spaces_inside_chinese_go_and_latin_spaces_stay():
    assert remove_stray_spaces("引 领 和 重 要 保 障 。 2023 年 ，在", 0).chars == "引领和重要保障。2023年，在"
    assert remove_stray_spaces("New York 与 Hong Kong", 0).chars == "New York与Hong Kong"
    assert remove_stray_spaces("3 5 个", 0).chars == "3 5个"


def test_a_sentence_broken_across_lines_is_joined():
    passages = clean(PAGE_2)
    p = passage_with(passages, "已建成28家")
    assert "目前，全区“红色之家”已建成28家。" in p.text


def test_no_passage_starts_or_ends_mid_sentence_in_column_text():
    for p in clean(PAGE_2):
        assert re.search(r"[。！？；…”）：]$", p.text), p.text[-30:]


def test_article_titles_are_found_even_when_printed_after_the_article():
    titles = {p.title for p in clean(PAGE_2)}
    assert "党建引领有力度 基层治理有温度——长沙市雨花区打造高质量党建纪实" in titles
    assert "隆回交通安全宣传接地气重实效" in titles
    assert "热血暖寒冬——郴州多措并举保障低温天气临床用血正常" in titles
    assert "新田建成25个新就业群体党群服务站投用" in titles
    blood = passage_with(clean(PAGE_2), "采血科主任李海文")
    assert blood.title.startswith("热血暖寒冬")
    longhui = passage_with(clean(PAGE_2), "企业微信")
    assert longhui.title == "隆回交通安全宣传接地气重实效"


def test_vertical_title_is_read_back_for_its_article():
    p = passage_with(clean(PAGE_2), "狂犬病可防不可治")
    assert p.title == "健康迎新春快乐过新年——2024年春节健康提示"


def test_numbered_sections_are_attached():
    passages = clean(PAGE_2)
    assert passage_with(passages, "公筷公勺").section == "二、预防消化道传染病"
    assert passage_with(passages, "甲型流感病毒").section == "三、预防动物源性传染病 · （二）预防人感染禽流感"
    assert passage_with(clean(PAGE_1), "老旧宿舍小区32个").section == "让为民服务更精准高效"


def test_debris_is_dropped():
    text = "".join(p.text for p in clean(PAGE_2))
    assert "鸟瞰一长沙" not in text and "鸟 瞰" not in text
    assert "版式编辑" not in text
    assert "星期一" not in text
    assert "健健" not in text
    assert "匡后丽" not in text  # a byline, not a passage


def test_a_caption_inside_a_sentence_is_cut_out():
    p = passage_with(clean(PAGE_1), "坚强领导下")
    assert "在省委、省政府的坚强领导下，省人社厅会同各有关单位" in p.text
    assert "授牌仪式现场" not in "".join(x.text for x in clean(PAGE_1))


def test_page_1_articles():
    titles = [p.title for p in clean(PAGE_1)]
    assert titles[0].startswith("高塘岭社区：党建引领社区治理")
    assert "湖南省工伤预防安全发展推进行动启动" in titles
    assert passage_with(clean(PAGE_1), "中考成绩将于7月3日公布").title == "一句话新闻"


def test_passages_are_bounded_and_keep_their_place_in_the_source():
    for source in (PAGE_1, PAGE_2):
        for p in clean(source, max_chars=220):
            assert len(p.text) <= 220 or len(p.sentences) == 1
            span = squeeze(source[p.start : p.end])
            assert _is_subsequence(squeeze(p.text), span)


def _is_subsequence(small: str, big: str) -> bool:
    it = iter(big)
    return all(c in it for c in small)


def test_cleaning_is_deterministic_and_idempotent():
    first = clean(PAGE_2)
    assert [p.text for p in clean(PAGE_2)] == [p.text for p in first]
    again = clean("\n\n".join(p.text for p in first))
    assert "".join(p.text for p in again) == "".join(p.text for p in first)


def test_a_long_sentence_without_end_is_cut_at_commas_not_mid_word():
    text = "，".join(["这是一个没有句号的很长的分句"] * 60)
    passages = clean(text, max_chars=100)
    assert len(passages) > 1
    assert all(len(p.text) <= 200 for p in passages)
    assert all(p.text.endswith(("，", "句")) for p in passages)


def test_prose_file_with_one_paragraph_a_line():
    text = "标题在这里\n\n第一段说了一件事。第二句还在第一段。\n\n第二段说了另一件事。\n"
    passages = clean(text)
    assert passages[0].title == "标题在这里"
    assert "第一段说了一件事。" in passages[0].text


def test_split_sentences_keeps_closing_quotes():
    assert split_sentences("他说：“好。”然后走了。") == ["他说：“好。”", "然后走了。"]


def test_empty_and_blank_text_give_no_passages():
    assert clean("") == []
    assert clean("\n\n  \n") == []


def test_the_seeds_are_cleaned_as_the_snapshot_holds():
    """Cleaning made linear (issue 11) left ordinary documents as they were: the seeds'
    passages (title, section, text, paragraph, place in the source) against the snapshot
    made before the change. Remade with `python -m bench.cleaning_snapshot seeds
    tests/fixtures/seeds_passages.json` when cleaning is meant to change."""
    expected = json.loads((ROOT / "tests" / "fixtures" / "seeds_passages.json").read_text(encoding="utf-8"))
    assert snapshot(seed_documents()) == expected
