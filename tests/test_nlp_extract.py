"""Extraction through the real spaCy pipeline on short hand-written texts."""

from __future__ import annotations

import pytest

import nlp
from bluecarbon.model import (
    AFFILIATED_WITH,
    COOPERATES_WITH,
    DEPARTMENT,
    FIRM,
    INSTITUTE,
    PART_OF,
    PERSON,
    REMOVED,
    SHORT_NAME_OF,
    TECHNOLOGY,
)
from nlp.normalize import to_simplified

NOTICE = """日照市人民政府办公室
关于修改日照市海洋牧场建设实施意见的通知
日政办字〔2023〕5号

根据工作需要，市政府办公室决定对《日照市人民政府办公室关于印发日照市海洋牧场建设实施意见的通知》（日政办字〔2020〕9号）作出如下修改：

1.将第三条第二项“依托日照海韵渔业科技有限公司，推广“深水网箱”养殖。（责任单位：市海洋发展局）”修改为“推广“深水网箱”养殖。（责任单位：市海洋发展局、市财政局）”。

《日照市人民政府办公室关于印发日照市海洋牧场建设实施意见的通知》（日政办字〔2020〕9号）自本通知公布之日起废止。

日照市人民政府办公室
2023年3月8日
"""

NEWS = """烟台蓝鲸海洋装备有限公司（以下简称“蓝鲸装备”）日前与中国海洋大学签订合作协议。蓝鲸装备董事长刘海波介绍，双方将联合研发深海网箱。
会上，哈工大（威海）教授周立群发言。以习近平生态文明思想为指导，助力碳达峰、碳中和。
推进林海涛、郑文博院士工作站建设。在烟台市海洋经济研究院加挂烟台市海洋生态研究院牌子。
"""

PLAN = """（五）发展壮大六大生态产业。
15.发展壮大绿色水产养殖业。推广贝藻综合养殖，扩大海带养殖规模。
17.海洋监测探测装备产业。大力发展水下机器人、波浪滑翔器、声学浮标等海洋观测装备。
19.海洋生态新材料产业。以高强耐蚀钛合金、海洋防污涂层材料等为重点。
"""


def _entity(extraction, kind, name):
    matches = [entity for entity in extraction.entities if entity.type == kind and entity.name == name]
    assert matches, f"{kind} {name} not found in {[(e.type, e.name) for e in extraction.entities]}"
    return matches[0]


def _names(extraction, kind):
    return {entity.name for entity in extraction.entities if entity.type == kind}


@pytest.fixture(scope="module")
def notice():
    return nlp.extract(NOTICE)


@pytest.fixture(scope="module")
def news():
    return nlp.extract(NEWS)


@pytest.fixture(scope="module")
def plan():
    return nlp.extract(PLAN)


def test_notice_document_info(notice):
    info = notice.document
    assert info.issuer == "日照市人民政府办公室"
    assert info.document_number == "日政办字〔2023〕5号"
    assert info.published == "2023-03-08"
    assert info.amends == ["日政办字〔2020〕9号"]
    assert info.repeals == ["日政办字〔2020〕9号"]
    assert notice.extractor_version == nlp.EXTRACTOR_VERSION


def test_notice_deleted_firm_removed(notice):
    firm = _entity(notice, FIRM, "日照海韵渔业科技有限公司")
    assert firm.status == REMOVED
    assert firm.industries == []
    assert firm.region == "日照"
    start = NOTICE.index("日照海韵渔业科技有限公司")
    assert [(item.start, item.end) for item in firm.evidence] == [(start, start + 12)]


def test_notice_city_bureaus_resolved(notice):
    bureau = _entity(notice, DEPARTMENT, "日照市海洋发展局")
    assert bureau.aliases == ["市海洋发展局"]
    assert bureau.status == "current"
    assert _entity(notice, DEPARTMENT, "日照市财政局").status == "current"
    office = _entity(notice, DEPARTMENT, "日照市人民政府办公室")
    assert "市政府办公室" in office.aliases


def test_evidence_offsets_index_input(news):
    for entity in news.entities:
        forms = {entity.name, *entity.aliases}
        for evidence in entity.evidence:
            surface = to_simplified(NEWS[evidence.start : evidence.end])
            assert surface in forms or "、" in surface, (entity.name, surface)
            assert NEWS[evidence.start : evidence.end] in evidence.sentence


def test_defined_short_name_linked(news):
    firm = _entity(news, FIRM, "烟台蓝鲸海洋装备有限公司")
    assert "蓝鲸装备" in firm.aliases
    assert firm.region == "烟台"
    # The full name, the short name inside the definition, and its later use.
    assert [NEWS[item.start : item.end] for item in firm.evidence] == [
        "烟台蓝鲸海洋装备有限公司",
        "蓝鲸装备",
        "蓝鲸装备",
    ]
    shorts = [r for r in news.relations if r.type == SHORT_NAME_OF and r.tail == firm.name]
    assert [r.head for r in shorts] == ["蓝鲸装备"]


def test_person_with_role_and_affiliation(news):
    person = _entity(news, PERSON, "刘海波")
    assert person.role == "executive: 董事长"
    assert person.affiliation == "烟台蓝鲸海洋装备有限公司"
    affiliations = {(r.head, r.tail) for r in news.relations if r.type == AFFILIATED_WITH}
    assert ("刘海波", "烟台蓝鲸海洋装备有限公司") in affiliations


def test_campus_abbreviation_expanded(news):
    campus = _entity(news, INSTITUTE, "哈尔滨工业大学（威海）")
    assert campus.aliases == ["哈工大（威海）"]
    expert = _entity(news, PERSON, "周立群")
    assert expert.role == "expert: 教授"


def test_slogan_names_are_not_people(news):
    people = _names(news, PERSON)
    assert "习近平" not in people
    assert not any("碳达峰" in name for name in people)
    assert people == {"刘海波", "周立群", "林海涛", "郑文博"}


def test_elided_coordination_split(news):
    assert {"林海涛院士工作站", "郑文博院士工作站"} <= _names(news, INSTITUTE)
    assert _entity(news, PERSON, "林海涛").role == "expert: 院士"
    affiliations = {(r.head, r.tail) for r in news.relations if r.type == AFFILIATED_WITH}
    assert ("郑文博", "郑文博院士工作站") in affiliations


def test_second_nameplate_is_part_of(news):
    parts = {(r.head, r.tail) for r in news.relations if r.type == PART_OF}
    assert ("烟台市海洋生态研究院", "烟台市海洋经济研究院") in parts


def test_cooperation_relation(news):
    pairs = {(r.head, r.tail) for r in news.relations if r.type == COOPERATES_WITH}
    assert ("烟台蓝鲸海洋装备有限公司", "中国海洋大学") in pairs


def test_plan_items_give_industries(plan):
    expected = {
        "水下机器人": ["海洋监测探测装备产业"],
        "波浪滑翔器": ["海洋监测探测装备产业"],
        "声学浮标": ["海洋监测探测装备产业"],
        "高强耐蚀钛合金": ["海洋生态新材料产业"],
        "海带养殖": ["绿色水产养殖业"],
    }
    for name, industries in expected.items():
        assert _entity(plan, TECHNOLOGY, name).industries == industries


def test_lexicon_industry_outside_plan():
    extraction = nlp.extract("该公司在近海开展海带养殖，并试验水下机器人巡检。")
    assert _entity(extraction, TECHNOLOGY, "海带养殖").industries == ["绿色水产养殖业"]
    assert _entity(extraction, TECHNOLOGY, "水下机器人").industries == ["海洋监测探测装备产业"]


def test_year_range_not_a_qualifier():
    extraction = nlp.extract("印发《日照市海洋经济发展规划（2021—2025年）》。日照港集团（岚山）有限公司参加。")
    names = _names(extraction, FIRM)
    assert names == {"日照港集团（岚山）有限公司"}


def test_left_boundary_excludes_verbs():
    extraction = nlp.extract("依托青岛北海船舶重工有限责任公司，支持威海市海洋科学研究院建设。")
    assert _names(extraction, FIRM) == {"青岛北海船舶重工有限责任公司"}
    assert _names(extraction, INSTITUTE) == {"威海市海洋科学研究院"}


def test_other_city_firm_keeps_region():
    extraction = nlp.extract("潍坊海丰水产有限公司与荣成市鸿运渔业有限公司签约。")
    regions = {entity.name: entity.region for entity in extraction.entities if entity.type == FIRM}
    assert regions == {"潍坊海丰水产有限公司": "潍坊", "荣成市鸿运渔业有限公司": "荣成"}


def test_garbled_name_yields_no_entity():
    extraction = nlp.extract("会上，蓖呒瘓F总裁赵海洋说，项目进展顺利。")
    assert _names(extraction, FIRM) == set()
    assert _names(extraction, PERSON) == {"赵海洋"}


def test_traditional_text_with_glosses():
    text = "榮成海鑫漁業有限公司總經理王立(lì)新介紹，公司研發(fā)的深水網箱已投產。"
    extraction = nlp.extract(text)
    firm = _entity(extraction, FIRM, "荣成海鑫渔业有限公司")
    assert text[firm.evidence[0].start : firm.evidence[0].end] == "榮成海鑫漁業有限公司"
    person = _entity(extraction, PERSON, "王立新")
    assert text[person.evidence[0].start : person.evidence[0].end] == "王立(lì)新"


def test_traditional_surface_kept_as_alias():
    extraction = nlp.extract("榮成海鑫漁業有限公司與威海市海洋發展局簽約。")
    firm = _entity(extraction, FIRM, "荣成海鑫渔业有限公司")
    assert firm.aliases == ["榮成海鑫漁業有限公司"]
    department = _entity(extraction, DEPARTMENT, "威海市海洋发展局")
    assert department.aliases == ["威海市海洋發展局"]


def test_technology_without_modifier_merged():
    extraction = nlp.extract("该团队研制的深远海智能投喂装置已交付使用。此后，智能投喂装置在黄海完成试验。")
    assert _names(extraction, TECHNOLOGY) == {"深远海智能投喂装置"}
    device = _entity(extraction, TECHNOLOGY, "深远海智能投喂装置")
    assert device.aliases == ["智能投喂装置"]
    assert [(item.start, item.end) for item in device.evidence] == [(6, 15), (24, 30)]


def test_technology_without_inner_words_merged():
    extraction = nlp.extract("公司推出了模块化海水淡化集装箱装置。展会上，模块化淡化装置引人注目。")
    assert _names(extraction, TECHNOLOGY) == {"模块化海水淡化集装箱装置"}
    assert _entity(extraction, TECHNOLOGY, "模块化海水淡化集装箱装置").aliases == ["模块化淡化装置"]


def test_ambiguous_technology_short_form_kept():
    text = "甲公司研制了深远海智能投喂装置，乙公司研制了池塘智能投喂装置。两种智能投喂装置都已交付。"
    names = _names(nlp.extract(text), TECHNOLOGY)
    assert names == {"深远海智能投喂装置", "池塘智能投喂装置", "智能投喂装置"}


def test_non_string_rejected():
    with pytest.raises(nlp.extract.__globals__["ExtractionError"]):
        nlp.extract(b"bytes")
