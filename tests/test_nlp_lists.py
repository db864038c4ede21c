"""Staff lists, contact lines, list annotations and generic names."""

from __future__ import annotations

import pytest

import nlp


def names(text, type_):
    return [(e.name, e.status) for e in nlp.extract(text).entities if e.type == type_]


def test_place_annotation_left_out_of_name():
    text = "入选企业：威海澄岚海洋科技有限公司（环翠区）、荣成市鸥港水产有限公司（荣成市）。"
    assert names(text, "Firm") == [
        ("威海澄岚海洋科技有限公司", "current"),
        ("荣成市鸥港水产有限公司", "current"),
    ]


def test_qualifier_before_legal_form_stays_in_the_name():
    text = "远澜船舶（威海）有限公司承建了科考船。"
    assert names(text, "Firm") == [("远澜船舶（威海）有限公司", "current")]


def test_holding_company_keeps_its_name():
    assert names("控股股东为东瀛渔业控股有限公司。", "Firm") == [("东瀛渔业控股有限公司", "current")]


def test_staff_list_with_wide_spaces():
    text = "师资队伍\n车明远　教授，博士生导师\n隋晓岚　副教授，硕士生导师\n"
    assert [name for name, _ in names(text, "Person")] == ["车明远", "隋晓岚"]


def test_contact_after_an_office_name():
    text = "联系人：成果转化科 衣晓丹，电话：0631-5200000"
    assert [name for name, _ in names(text, "Person")] == ["衣晓丹"]


def test_shandong_surname_after_a_title():
    assert [name for name, _ in names("副局长衣明杰表示，工作进展顺利。", "Person")] == ["衣明杰"]


@pytest.mark.parametrize(
    ("text", "type_"),
    [
        ("通过SEM、XRD和XPS等手段对样品进行了表征。", "Technology"),
        ("各区市海洋发展局、财政局：", "Department"),
    ],
)
def test_generic_names_are_dropped(text, type_):
    assert names(text, type_) == []


def test_name_starts_at_the_place_after_a_conjunction():
    text = "张明远教授团队与威海瑞海水产养殖有限公司共建研发中心。"
    assert names(text, "Firm") == [("威海瑞海水产养殖有限公司", "current")]
    # A conjunction inside an institute's name stays.
    assert names("海洋资源与环境研究院成立。", "Institute") == [("海洋资源与环境研究院", "current")]


def test_bureau_short_form_is_an_alias():
    entities = [e for e in nlp.extract("威海市科技局和威海市科学技术局联合发文。").entities if e.type == "Department"]
    assert [(e.name, e.aliases) for e in entities] == [("威海市科学技术局", ["威海市科技局"])]


def test_pinyin_author_names_are_aliases():
    text = "冷雪峰¹，阎慧芳²*\n（1. 鲁东海洋学院）\nLENG Xuefeng, YAN Hui-fang\n"
    people = [(e.name, e.aliases) for e in nlp.extract(text).entities if e.type == "Person"]
    assert people == [("冷雪峰", ["LENG Xuefeng"]), ("阎慧芳", ["YAN Hui-fang"])]
    # Without the pinyin in the text there is no alias.
    alone = [(e.name, e.aliases) for e in nlp.extract("冷雪峰¹，阎慧芳²*\n").entities if e.type == "Person"]
    assert alone == [("冷雪峰", []), ("阎慧芳", [])]


def test_sending_verb_left_out():
    text = "威海市人民政府\n重大变更须书面报市海洋发展局审核同意。"
    assert [name for name, _ in names(text, "Department")] == ["威海市人民政府", "威海市海洋发展局"]
    assert names("都市农业研究院成立。", "Institute") == [("都市农业研究院", "current")]
