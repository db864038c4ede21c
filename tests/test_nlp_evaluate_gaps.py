"""Alias gaps: the surface forms an unlinked gold entity lacks."""

from bluecarbon.model import Entity, Extraction
from nlp.evaluate import format_report, score_document

GOLD = {
    "doc": "d1",
    "entities": [
        {"type": "Firm", "name": "蓝鲸集团", "surface": ["蓝鲸集团", "蓝鲸", "藍鯨集團"], "status": "current"},
        {"type": "Firm", "name": "海韵公司", "surface": ["海韵公司", "海韵"], "status": "current"},
    ],
}


def test_alias_gaps_name_missing_forms():
    extraction = Extraction(entities=[Entity("Firm", "蓝鲸集团", aliases=["蓝鲸"]), Entity("Firm", "海韵公司", aliases=["海韵"])])
    result = score_document(extraction, GOLD)
    # 藍鯨集團 is 蓝鲸集团 once converted, so only the forms differing after
    # normalisation are reported.
    assert result["aliases"]["unlinked"] == []
    assert result["alias_gaps"] == {}


def test_alias_gaps_without_any_prediction():
    extraction = Extraction(entities=[Entity("Firm", "蓝鲸集团")])
    result = score_document(extraction, GOLD)
    assert result["aliases"]["unlinked"] == ["蓝鲸集团", "海韵公司"]
    assert result["alias_gaps"] == {"蓝鲸集团": ["蓝鲸"], "海韵公司": ["海韵公司", "海韵"]}


def test_report_prints_lacking_forms():
    extraction = Extraction(entities=[Entity("Firm", "蓝鲸集团")])
    document = score_document(extraction, GOLD)
    result = {"types": {}, "alias_linking": {"linked": 0, "total": 2, "rate": 0.0}, "removed": {"correct": 0, "total": 0}}
    result["industry_links"] = {"found": 0, "total": 0, "recall": 0.0}
    result.update(macro_f1=0.0, technology_f1=0.0, documents={"d1": document})
    report = format_report(result)
    assert "  aliases not linked: 蓝鲸集团 (lacks 蓝鲸); 海韵公司 (lacks 海韵公司, 海韵)\n" in report
