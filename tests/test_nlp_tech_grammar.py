"""Technology names read by the noun-phrase grammar in nlp/techgrammar.py.

Every sentence is invented for these tests.
"""

import pytest

import nlp
from bluecarbon.model import TECHNOLOGY


def _technologies(text: str) -> list[str]:
    return sorted(entity.name for entity in nlp.extract(text).entities if entity.type == TECHNOLOGY)


def _industries(text: str) -> dict[str, list[str]]:
    return {entity.name: entity.industries for entity in nlp.extract(text).entities if entity.type == TECHNOLOGY}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Head words outside the term list, with all their modifiers.
        ("公司研制的海藻酸盐止血海绵和褐藻岩藻多糖提取工艺已实现量产。", ["海藻酸盐止血海绵", "褐藻岩藻多糖提取工艺"]),
        ("项目研制了近岸单波束测深无人船和海洋工程重防污涂料。", ["海洋工程重防污涂料", "近岸单波束测深无人船"]),
        ("合作社推出扇贝裙边胶原蛋白肽。", ["扇贝裙边胶原蛋白肽"]),
        ("企业上线了蛤蜊壳粉饲料添加剂。", ["蛤蜊壳粉饲料添加剂"]),
        ("新品是可降解海带膜。", ["可降解海带膜"]),
        # A model code before the head belongs to the name.
        ("■ HY-AUV300作业级水下机器人：最大下潜深度500米。", ["HY-AUV300作业级水下机器人"]),
        # Two verbs joined by 与 share the head.
        ("团队研发裙带菜孢子高效采集与附着技术。", ["裙带菜孢子高效采集与附着技术"]),
        # A substance with a process after it is a method.
        ("课题组在海带寡糖提取方面积累了经验。", ["海带寡糖提取"]),
    ],
)
def test_head_phrase_spans(text, expected):
    assert _technologies(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("公司把研发重心转向海带基纤维材料。", ["海带基纤维材料"]),
        ("厂里从卖鲜货转向卖材料。", []),
        ("捷达主要从事船舶。", []),
    ],
)
def test_boundary_verbs_trim_names(text, expected):
    assert _technologies(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("合作社主要从事海珍品筏式养殖、贝藻套养和休闲垂钓。", ["海珍品筏式养殖", "贝藻套养"]),
        ("他从事扇贝育苗二十年。", ["扇贝育苗"]),
        ("双方围绕裙带菜褐藻胶提取和海藻纤维改性两个方向攻关。", ["海藻纤维改性", "裙带菜褐藻胶提取"]),
        ("公司主要从事船舶尾气脱硝、压载水处理系统的研发。", ["压载水处理系统", "船舶尾气脱硝"]),
    ],
)
def test_trigger_list_methods(text, expected):
    assert _technologies(text) == expected


def test_trigger_list_of_research_fields_rejected():
    assert _technologies("他长期从事鲆鲽类遗传育种研究。") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 扇贝裙边酶解提取生产线技术改造", ["扇贝裙边酶解提取"]),
        ("公司新开的船舶燃油动力改装业务进展顺利。", ["船舶燃油动力改装"]),
        ("我们建了扇贝工厂化循环水育苗车间。", ["扇贝工厂化循环水育苗"]),
    ],
)
def test_method_before_carrier_noun(text, expected):
    assert _technologies(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "鲜鱼直接送进冷冻加工车间。",
        "好渔家的鱼品加工车间里很忙。",
    ],
)
def test_carrier_without_method_rejected(text):
    assert _technologies(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('企业自主培育的抗病牡蛎新品系"海优2号"已推广到三个县。', ["海优2号"]),
        ("耐低温海带新品种“东方7号”通过审定。", ["东方7号"]),
        ("公司自主研发的“低温冷榨提取鱼油”工艺降低了能耗。", ["低温冷榨提取鱼油"]),
    ],
)
def test_quoted_names(text, expected):
    assert _technologies(text) == expected


def test_quote_without_code_after_kind_rejected():
    assert _technologies("这款产品“好用实惠”，卖得很好。") == []


@pytest.mark.parametrize(
    "text",
    [
        "中图分类号：P745；Q178.53　文献标志码：A",
        "中图分类号：S917.4",
    ],
)
def test_classification_codes_rejected(text):
    assert _technologies(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "实验室拥有大型仪器设备40台。",
        "企业重视相关技术和先进材料。",
        "园区推广玻璃纤维。",
        "鲍鱼被加工为即食鲍鱼、鲍鱼胶囊这类产品。",
        "仪器可监测温度、叶黄素等参数。",
        "以滩涂修复技术为抓手开展工作。",
        "聘请他担任技术总监和技术顾问。",
        "常用的有价值链分析法。",
        "产业链的关键技术需要攻关。",
    ],
)
def test_generic_names_rejected(text):
    assert _technologies(text) == []


def test_place_in_table_row_not_in_name():
    assert _technologies("7\t日照海蓝科技有限公司\t日照市\t海洋工程防污涂料") == ["海洋工程防污涂料"]


def test_verb_before_term_stays_out():
    assert _technologies("他专攻碳纤维二十年。") == ["碳纤维"]


def test_traditional_script_names():
    text = "公司把蛤蜊殼加工成蛤蜊殼粉土壤調理劑和蛤蜊殼粉塗料。"
    assert _technologies(text) == ["蛤蜊壳粉土壤调理剂", "蛤蜊壳粉涂料"]


@pytest.mark.parametrize(
    ("text", "name", "industry"),
    [
        ("公司研制了远海单波束测深无人船。", "远海单波束测深无人船", "海洋监测探测装备产业"),
        ("企业推出海藻基止血敷料。", "海藻基止血敷料", "海洋生态新材料产业"),
        ("研发船用岸电接入装置。", "船用岸电接入装置", "海洋节能环保装备产业"),
        ("合作社推出扇贝裙边胶原蛋白肽。", "扇贝裙边胶原蛋白肽", "海洋废弃物高值化利用产业"),
    ],
)
def test_grammar_names_get_industry(text, name, industry):
    assert industry in _industries(text)[name]
