"""The spaCy pipeline itself: configuration, components and exact spans."""

from __future__ import annotations

from nlp.pipeline import SPAN_KEY, load_pipeline

TEXT = "依托青岛蓝谷海洋科技有限公司，董事长王立群介绍，公司研发的水下滑翔机已交付市海洋发展局。"


def _mentions(text):
    doc = load_pipeline()(text)
    return doc, [(m.label, m.start, m.end, m.name, m.rule) for m in doc._.mentions]


def test_pipeline_components_in_order():
    nlp = load_pipeline()
    assert nlp.lang == "zh"
    assert nlp.pipe_names == ["bc_tokens", "bc_organisations", "bc_people", "bc_tagger", "bc_technologies"]
    assert load_pipeline() is nlp


def test_exact_spans_per_component():
    doc, mentions = _mentions(TEXT)
    assert ("Firm", 2, 14, "青岛蓝谷海洋科技有限公司", "suffix") in mentions
    assert ("Department", 37, 43, "市海洋发展局", "suffix") in mentions
    assert ("Person", 18, 21, "王立群", "title") in mentions
    assert ("Technology", 29, 34, "水下滑翔机", "lexicon") in mentions
    assert TEXT[2:14] == "青岛蓝谷海洋科技有限公司"
    assert TEXT[18:21] == "王立群"


def test_aligned_mentions_become_spans():
    doc, _ = _mentions(TEXT)
    spans = {(span.start_char, span.end_char, span.label_) for span in doc.spans[SPAN_KEY]}
    assert (2, 14, "Firm") in spans
    assert (29, 34, "Technology") in spans


def test_pipe_over_paragraphs():
    nlp = load_pipeline()
    docs = list(nlp.pipe(["烟台大学发布消息。", "记者 张明"]))
    assert [m.name for m in docs[0]._.mentions] == ["烟台大学"]
    assert docs[1]._.mentions == []


def test_short_form_flagged():
    _, mentions = _mentions("（责任单位：市财政局、省科技厅）")
    names = {name for _, _, _, name, _ in mentions}
    assert names == {"市财政局", "省科技厅"}
    doc = load_pipeline()("（责任单位：市财政局、省科技厅）")
    forms = {m.name: m.short_form for m in doc._.mentions}
    assert forms == {"市财政局": "city", "省科技厅": "province"}
