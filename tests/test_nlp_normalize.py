"""Normalisation keeps every character mapped to the original text."""

from __future__ import annotations

from nlp.normalize import GARBLE, normalize, to_simplified
from nlp.resources import load_resources


def _check_map(norm, original):
    for index, char in enumerate(norm.text):
        source = original[norm.offsets[index]]
        assert char == source or to_simplified(source) == char or char in "（）\n" or char == GARBLE


def test_traditional_converted_one_for_one():
    original = "東營市海洋發展局與青島藍谷"
    norm = normalize(original)
    assert norm.text == "东营市海洋发展局与青岛蓝谷"
    assert len(norm.text) == len(original)
    _check_map(norm, original)


def test_pinyin_gloss_removed_and_mapped():
    original = "研發(fā)新技術(shù)，白(bái)海參(de)(de)上市"
    norm = normalize(original)
    assert norm.text == "研发新技术，白海参上市"
    start = norm.text.index("白海参")
    assert norm.span(start, start + 3) == (original.index("白"), original.index("參") + 1)


def test_space_inside_word_removed():
    resources = load_resources()
    original = "日照市海洋发 展局局长称，孙晓 明表示"
    norm = normalize(original, resources.char_frequency, resources.word_frequency)
    assert norm.text == "日照市海洋发展局局长称，孙晓明表示"
    _check_map(norm, original)


def test_headline_spaces_kept():
    resources = load_resources()
    original = "今日小雨转多云 气温较低 出海注意安全"
    assert normalize(original, resources.char_frequency, resources.word_frequency).text == original


def test_html_and_templates_masked():
    original = "<p>烟台<b>蓝海</b>科技有限公司</p>{{ footer }}${x}<script>var a='公司';</script>发布"
    norm = normalize(original)
    # Block tags (p, script) end a line; inline tags (b) vanish.
    assert norm.text == "\n烟台蓝海科技有限公司\n发布"
    start = norm.text.index("蓝海")
    assert norm.span(start, start + 2) == (original.index("蓝海"), original.index("蓝海") + 2)
    start = norm.text.index("海科")
    assert original[slice(*norm.span(start, start + 2))] == "海</b>科"


def test_html_entities_decoded():
    original = "首页&nbsp;&gt;&nbsp;要闻"
    norm = normalize(original)
    assert norm.text == "首页 > 要闻"
    assert norm.span(3, 4) == (8, 12)


def test_line_wrap_inside_long_line_joined():
    first = "本规划由日照市人民政府组织编制，日照市海洋与渔业研究"
    original = first + "\n院承担具体工作。\n\n第二章\n总体要求"
    norm = normalize(original)
    assert "海洋与渔业研究院承担" in norm.text
    assert "第二章\n总体要求" in norm.text


def test_mojibake_blanked():
    resources = load_resources()
    original = "会上，蓖呒瘓F董事长发言。"
    norm = normalize(original, resources.char_frequency)
    assert GARBLE in norm.text
    assert norm.garbled == [(3, 7)]
    assert "董事长发言" in norm.text


def test_brackets_unified():
    assert normalize("中国海洋工程研究院(青岛)").text == "中国海洋工程研究院（青岛）"
