"""Extraction limits: text length and evidence per entity."""

import pytest

import nlp
from bluecarbon.errors import DocumentError
from nlp.extract import MAX_EVIDENCE, MAX_TEXT_CHARS


def test_overlong_text_rejected():
    with pytest.raises(DocumentError) as raised:
        nlp.extract("海" * (MAX_TEXT_CHARS + 1))
    assert f"{MAX_TEXT_CHARS + 1:,} characters" in str(raised.value)
    assert "split it into parts" in str(raised.value)


def test_evidence_capped_per_entity():
    text = "威海海澜生物科技有限公司建设海带养殖基地。\n" * (MAX_EVIDENCE + 15)
    firm = next(e for e in nlp.extract(text).entities if e.type == "Firm")
    assert len(firm.evidence) == MAX_EVIDENCE
    assert firm.evidence[0].start == 0


def test_garbled_share_measured():
    text = "威海海澜生物科技有限公司建设海带养殖基地。"
    assert nlp.extract(text).garbled_share == 0.0
    latin = text.encode("utf-8").decode("latin-1")
    assert nlp.extract(latin).garbled_share == 1.0
