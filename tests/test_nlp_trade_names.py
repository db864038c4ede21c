"""Rare characters in a firm's trade name do not cut the name short."""

import pytest

import nlp


@pytest.mark.parametrize(
    ("text", "name", "region"),
    [
        ("承担单位：荣成市泓海水产科技有限公司，建设期两年。", "荣成市泓海水产科技有限公司", "荣成"),
        ("支持荣成市泓达水产有限公司建设海参育苗基地。", "荣成市泓达水产有限公司", "荣成"),
        ("威海市些岛海产有限公司在会上发言。", "威海市些岛海产有限公司", "威海"),
    ],
)
def test_trade_name_after_city_kept(text, name, region):
    firms = [entity for entity in nlp.extract(text).entities if entity.type == "Firm"]
    assert [firm.name for firm in firms] == [name]
    assert firms[0].region == region
    start = firms[0].evidence[0].start
    assert text[start:start + len(name)] == name


def test_campus_qualifier_gives_region():
    text = "哈尔滨工业大学（威海）与招商局金陵船舶（威海）有限公司合作。"
    regions = {entity.name: entity.region for entity in nlp.extract(text).entities}
    assert regions["哈尔滨工业大学（威海）"] == "威海"
    assert regions["招商局金陵船舶（威海）有限公司"] == "威海"


def test_credit_code_in_table_row():
    text = "企业名称\t统一社会信用代码\n威海海澜生物科技有限公司\t91371000MA3C7HL2X4\t环翠区"
    firms = [entity for entity in nlp.extract(text).entities if entity.type == "Firm"]
    assert [(firm.name, firm.credit_code) for firm in firms] == [
        ("威海海澜生物科技有限公司", "91371000MA3C7HL2X4")
    ]


def test_code_far_from_firm_not_taken():
    text = "威海海澜生物科技有限公司建设养殖基地，项目编号91371000MA3C7HL2X4。"
    firms = [entity for entity in nlp.extract(text).entities if entity.type == "Firm"]
    assert firms[0].credit_code is None
