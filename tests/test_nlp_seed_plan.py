"""Extraction on the Weihai blue-carbon plan and its amendment notice.

The plan is the user's input document; it lies beside the repository in
``../shared/seeds`` in CI, and these tests skip when it is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import nlp
from bluecarbon.model import DEPARTMENT, FIRM, INSTITUTE, PERSON, REMOVED, TECHNOLOGY

PLAN = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "weihai-blue-carbon-action-plan-2021-2025.txt"

pytestmark = pytest.mark.skipif(not PLAN.exists(), reason=f"{PLAN} is not present")


@pytest.fixture(scope="module")
def plan():
    text = PLAN.read_text(encoding="utf-8")
    return text, nlp.extract(text)


def _by_name(extraction, kind):
    return {entity.name: entity for entity in extraction.entities if entity.type == kind}


def test_deleted_firms_removed_without_industry(plan):
    text, extraction = plan
    firms = _by_name(extraction, FIRM)
    assert len(firms) == 6
    for firm in firms.values():
        assert firm.status == REMOVED, firm.name
        assert firm.industries == [], firm.name
        for evidence in firm.evidence:
            assert text[evidence.start : evidence.end] == firm.name
            # The evidence lies in the deleted text of amendment item 1.
            assert evidence.start < text.index("修改为“16.")


def test_academicians_are_experts(plan):
    _, extraction = plan
    people = _by_name(extraction, PERSON)
    assert set(people) == {"唐启升", "焦念志"}
    for person in people.values():
        assert person.role == "expert: 院士"


def test_institutes_and_aliases(plan):
    _, extraction = plan
    institutes = _by_name(extraction, INSTITUTE)
    for name in ("桑沟湾贝藻碳汇实验室", "山东大学（威海）", "唐启升院士工作站", "焦念志院士工作站"):
        assert name in institutes
    assert "威海海洋生态经济研究院" in institutes["威海市海洋生态经济研究院"].aliases
    assert institutes["哈尔滨工业大学（威海）"].aliases == ["哈工大（威海）"]


def test_city_bureaus_resolved(plan):
    _, extraction = plan
    departments = _by_name(extraction, DEPARTMENT)
    for name in ("威海市海洋发展局", "威海市工业和信息化局", "威海市生态环境局", "威海市科技局"):
        assert name in departments
        assert departments[name].aliases == [name[2:]]
    assert "威海银保监分局" in departments
    assert "人民银行威海市中心支行" in departments


def test_plan_technologies_linked_to_items(plan):
    _, extraction = plan
    technologies = _by_name(extraction, TECHNOLOGY)
    expected = {
        "水下滑翔机": "海洋监测探测装备产业",
        "光纤海洋水声探测系统": "海洋监测探测装备产业",
        "浮标": "海洋监测探测装备产业",
        "船舶废气在线分析": "海洋节能环保装备产业",
        "高导热镁铝合金": "海洋生态新材料产业",
        "纳米材料": "海洋生态新材料产业",
    }
    for name, industry in expected.items():
        assert technologies[name].industries == [industry], name


def test_document_info(plan):
    _, extraction = plan
    info = extraction.document
    assert info.issuer == "威海市人民政府办公室"
    assert info.published == "2022-01-12"
    assert info.amends == ["威政办字〔2021〕17号"]
    assert info.repeals == ["威政办字〔2021〕17号"]
