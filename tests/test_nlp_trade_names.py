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
