"""Scoring against gold annotations, on a hand-made two-document set."""

from __future__ import annotations

import json

import pytest

from bluecarbon.errors import DocumentError
from bluecarbon.model import Entity, Extraction
from nlp.evaluate import evaluate_dir, format_report, normalize_name, score_document

GOLD = {
    "doc": "d1",
    "entities": [
        {"type": "Firm", "name": "烟台蓝鲸海洋装备有限公司", "surface": ["烟台蓝鲸海洋装备有限公司", "蓝鲸装备"], "status": "current"},
        {"type": "Firm", "name": "日照海韵渔业科技有限公司", "surface": ["日照海韵渔业科技有限公司"], "status": "removed"},
        {"type": "Institute", "name": "中国海洋大学", "surface": ["中国海洋大学"]},
        {"type": "Institute", "name": "某示范园区", "surface": ["某示范园区"], "optional": True},
        {"type": "Person", "name": "刘海波", "surface": ["劉海波"]},
    ],
    "industries": [{"entity": "烟台蓝鲸海洋装备有限公司", "industry": "海洋监测探测装备产业"}],
}


def test_normalize_name_rules():
    assert normalize_name("山東大學 (威海)") == "山东大学(威海)"
    assert normalize_name("山东大学（威海）") == "山东大学(威海)"


def test_score_document_counts():
    extraction = Extraction(
        entities=[
            Entity("Firm", "烟台蓝鲸海洋装备有限公司", aliases=["蓝鲸装备"], industries=["海洋监测探测装备产业"]),
            Entity("Firm", "日照海韵渔业科技有限公司", status="current"),
            Entity("Firm", "不存在公司"),
            Entity("Institute", "某示范园区"),
            Entity("Person", "刘海波"),
        ]
    )
    result = score_document(extraction, GOLD)
    assert result["types"]["Firm"] == {"predicted": 3, "correct_predicted": 2, "gold": 2, "found": 2}
    # The optional institute is neither counted as predicted nor required.
    assert result["types"]["Institute"] == {"predicted": 0, "correct_predicted": 0, "gold": 1, "found": 0}
    assert result["types"]["Person"]["found"] == 1
    assert result["aliases"] == {"total": 1, "linked": 1, "unlinked": []}
    assert result["removed"]["correct"] == 0
    assert result["removed"]["wrong"] == ["日照海韵渔业科技有限公司"]
    assert result["industries"] == {"total": 1, "found": 1, "missing": []}


def test_evaluate_dir_runs_extraction(tmp_path):
    text = "烟台蓝鲸海洋装备有限公司（以下简称“蓝鲸装备”）与中国海洋大学合作研发水下机器人。蓝鲸装备董事长刘海波介绍了进展。"
    (tmp_path / "d1.txt").write_text(text, encoding="utf-8")
    gold = dict(GOLD, entities=[e for e in GOLD["entities"] if e.get("status") != "removed"])
    (tmp_path / "d1.gold.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "unscored.txt").write_text("没有金标准的文件。", encoding="utf-8")
    report = tmp_path / "report.txt"
    result = evaluate_dir(tmp_path, report_path=report)
    assert list(result["documents"]) == ["d1"]
    assert result["types"]["Firm"]["recall"] == 1.0
    assert result["types"]["Institute"]["recall"] == 1.0
    assert result["types"]["Person"]["f1"] == 1.0
    assert result["alias_linking"]["rate"] == 1.0
    assert result["industry_links"]["recall"] == 1.0
    assert report.read_text(encoding="utf-8") == format_report(result)
    assert "macro F1" in format_report(result)


def test_evaluate_dir_json_report(tmp_path):
    (tmp_path / "d1.txt").write_text("中国海洋大学。", encoding="utf-8")
    (tmp_path / "d1.gold.json").write_text(json.dumps({"entities": []}), encoding="utf-8")
    report = tmp_path / "report.json"
    result = evaluate_dir(tmp_path, report_path=report)
    assert json.loads(report.read_text(encoding="utf-8"))["macro_f1"] == result["macro_f1"]


def test_evaluate_dir_without_pairs(tmp_path):
    with pytest.raises(DocumentError, match="no NAME.txt"):
        evaluate_dir(tmp_path)
