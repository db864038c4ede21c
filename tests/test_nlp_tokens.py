"""Token alignment, the shared token table and the term search."""

from __future__ import annotations

import pytest
from spacy.util import get_words_and_spaces

from nlp.candidates import TokenTable
from nlp.matching import TermIndex
from nlp.pipeline import SPAN_KEY, align_words, load_pipeline, paragraph_state

ALIGNMENT_CASES = [
    ("烟台蓝海科技有限公司", ["烟台", "蓝海", "科技", "有限公司"]),
    ("Blue Harbour Loan 发布", ["Blue", " ", "Harbour", " ", "Loan", " ", "发布"]),
    ("两个  空格", ["两个", "  ", "空格"]),
    ("尾随空格 ", ["尾随", "空格", " "]),
    (" 开头", [" ", "开头"]),
    ("制表\t符", ["制表", "\t", "符"]),
]


@pytest.mark.parametrize(("text", "words"), ALIGNMENT_CASES)
def test_align_words_matches_spacy(text, words):
    aligned, spaces, starts = align_words(words, text)
    assert (aligned, spaces) == get_words_and_spaces(words, text)
    for word, start in zip(aligned, starts):
        assert text[start : start + len(word)] == word


def test_align_words_rejects_other_text():
    with pytest.raises(ValueError):
        align_words(["海洋", "局"], "海洋发展局")


def test_token_table_maps():
    table = TokenTable("威海市 海洋局", ["威海市", "海洋局"], [0, 4], {"威海市": "ns"})
    assert table.ends == [3, 7]
    assert table.covering == [0, 0, 0, 0, 1, 1, 1, 0]
    assert table.index_at_start == {0: 0, 4: 1}
    assert table.index_at_end == {3: 0, 7: 1}
    assert table[0].tag == "ns"
    assert table[1].tag is None
    assert [token.text for token in table] == ["威海市", "海洋局"]


def test_tokenizer_attaches_table():
    doc = load_pipeline()("青岛蓝谷海洋科技有限公司发布水下滑翔机。")
    text, tokens, mentions = paragraph_state(doc)
    assert text == doc.text
    assert tokens.words == [token.text for token in doc]
    assert tokens.starts == [token.idx for token in doc]
    assert {(m.start, m.end, m.label) for m in mentions} >= {(0, 12, "Firm"), (14, 19, "Technology")}


def test_spans_only_on_token_boundaries():
    doc = load_pipeline()("日照海韵新材料有限公司研发碳纤维复合材料。")
    _, tokens, mentions = paragraph_state(doc)
    expected = []
    for mention in mentions:
        span = doc.char_span(mention.start, mention.end, label=mention.label)
        if span is not None:
            expected.append((span.start, span.end, span.label_))
    assert [(span.start, span.end, span.label_) for span in doc.spans[SPAN_KEY]] == expected
    assert expected


def test_term_index_longest_first():
    index = TermIndex(["研究", "研究院", "研究所", "院", "中心"])
    text = "海洋研究院和研究中心院"
    assert list(index.finditer(text)) == [
        (2, 5, "研究院"),
        (6, 8, "研究"),
        (8, 10, "中心"),
        (10, 11, "院"),
    ]
    assert index.match_at(text, 2) == "研究院"
    assert index.match_at(text, 0) is None
    assert index.match_at(text, len(text)) is None


def test_term_index_escapes_and_empty():
    index = TermIndex(["a.b", "(c)", ""])
    assert list(index.finditer("axb a.b (c) c")) == [(4, 7, "a.b"), (8, 11, "(c)")]
    assert list(TermIndex([]).finditer("anything")) == []


def test_pipe_batches_match_single_calls():
    nlp = load_pipeline()
    paragraphs = [
        "烟台蓝鲸海洋装备有限公司与烟台市海洋经济研究院签订合作协议。",
        "董事长刘海波介绍，公司研发的声学浮标已交付市海洋发展局。",
        "没有名称的一句话。",
    ] * 3

    def mentions(doc):
        return [(m.label, m.start, m.end, m.name, m.rule) for m in paragraph_state(doc)[2]]

    batched = [mentions(doc) for doc in nlp.pipe(paragraphs, batch_size=2)]
    single = [mentions(nlp(paragraph)) for paragraph in paragraphs]
    assert batched == single
    assert batched[0]
    assert batched[2] == []
