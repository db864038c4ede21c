"""Label cues, surname lists, organisation boundaries and type rejections.

Every sentence here is invented for these tests.
"""

from __future__ import annotations

import pytest

from bluecarbon.model import DEPARTMENT, FIRM, INSTITUTE, PERSON
from nlp.extract import extract


def _spans(text: str, kind: str) -> dict[str, list[str]]:
    """Map each entity of ``kind`` to the text of its evidence spans."""
    result = {}
    for entity in extract(text).entities:
        if entity.type == kind:
            result[entity.name] = [text[item.start : item.end] for item in entity.evidence]
    return result


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("联系人：滕书岳　联系电话：0631-5812345", {"滕书岳": ["滕书岳"]}),
        ("（责任编辑：宁嘉树　审核：韦佩芸）", {"宁嘉树": ["宁嘉树"], "韦佩芸": ["韦佩芸"]}),
        ("（记者：初明远　编辑：陆远）", {"初明远": ["初明远"], "陆远": ["陆远"]}),
        ("审稿：逄立新", {"逄立新": ["逄立新"]}),
    ],
)
def test_people_after_labels(text, expected):
    assert _spans(text, PERSON) == expected


def test_label_rejects_doubled_word():
    text = "访谈\n记者：谢谢。\n林海峰：不客气。"
    assert "谢谢" not in _spans(text, PERSON)


def test_author_line_with_markers():
    text = "海带养殖区碳汇研究\n刘子墨¹，欧晴川²*，上官可¹,²\n（1. 威海海洋生态研究院，山东 威海 264200；2. 鲁东大学，烟台）"
    people = _spans(text, PERSON)
    assert people == {"刘子墨": ["刘子墨"], "欧晴川": ["欧晴川"], "上官可": ["上官可"]}


def test_author_line_needs_markers():
    text = "海带养殖\n刘子墨，欧晴川\n"
    assert _spans(text, PERSON) == {}


def test_name_title_list():
    text = "项目组成员：郑海涛，高级工程师；冷雪梅，工程师。"
    people = extract(text).entities
    roles = {person.name: person.role for person in people if person.type == PERSON}
    assert roles == {"郑海涛": "expert: 高级工程师", "冷雪梅": "expert: 工程师"}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("研发部主任西门雪松博士介绍了新工艺。", "西门雪松"),
        ("研发部主任南宫浩博士介绍了新工艺。", "南宫浩"),
        ("公司总经理司马青云表示，订单已排到年底。", "司马青云"),
    ],
)
def test_compound_surname_after_title(text, name):
    assert list(_spans(text, PERSON)) == [name]


def test_common_word_and_preposition_not_a_name():
    assert _spans("联盟理事长单位由海泰生物担任。", PERSON) == {}


def test_nominal_verb_inside_name():
    text = "公司建有刺参种质资源利用工程技术研究中心。"
    assert _spans(text, INSTITUTE) == {"刺参种质资源利用工程技术研究中心": ["刺参种质资源利用工程技术研究中心"]}


def test_department_branch_after_place():
    text = "威海市生态环境局文登分局开展执法检查。"
    assert _spans(text, DEPARTMENT) == {"威海市生态环境局文登分局": ["威海市生态环境局文登分局"]}


def test_institute_branch_after_place():
    text = "山东省海洋渔业技术研究院威海分院承担项目。"
    assert _spans(text, INSTITUTE) == {"山东省海洋渔业技术研究院威海分院": ["山东省海洋渔业技术研究院威海分院"]}


def test_misstagged_numeral_inside_name():
    text = "全国海水鱼类良种审定委员会公布名单。"
    assert _spans(text, DEPARTMENT) == {"全国海水鱼类良种审定委员会": ["全国海水鱼类良种审定委员会"]}


def test_subsidiary_word_ends_firm_name():
    text = "公司在大连设立全资子公司大连海蓝智控科技有限公司。"
    assert _spans(text, FIRM) == {"大连海蓝智控科技有限公司": ["大连海蓝智控科技有限公司"]}


def test_county_wins_over_province_at_left_edge():
    text = "乳山东旭海洋科技有限公司成立于2015年。"
    firms = extract(text).entities
    assert [(firm.name, firm.region) for firm in firms if firm.type == FIRM] == [("乳山东旭海洋科技有限公司", "乳山")]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("乳山湾牡蛎礁修复试验基地建成。", "乳山湾牡蛎礁修复试验基地"),
        ("依托黄海冷水团观测实验站开展研究。", "黄海冷水团观测实验站"),
    ],
)
def test_test_site_suffixes(text, name):
    assert _spans(text, INSTITUTE) == {name: [name]}


@pytest.mark.parametrize(
    "text",
    [
        "展会在威海国际会展中心举行。",
        "来源：文登区融媒体中心",
        "建设海洋牧场和近海观测站。",
        "实验室学术委员会召开会议。",
        "各市工业和信息化局负责落实。",
    ],
)
def test_non_bodies_rejected(text):
    found = {entity.name for entity in extract(text).entities if entity.type in (INSTITUTE, DEPARTMENT)}
    assert found == set()


def test_government_service_centre_is_department():
    text = "荣成市渔业技术服务中心派员指导。"
    assert _spans(text, DEPARTMENT) == {"荣成市渔业技术服务中心": ["荣成市渔业技术服务中心"]}


def test_coordinated_names_with_place_kept():
    text = "威海市工业和信息化局发布通知。山东省海洋资源与环境研究院成立。"
    assert _spans(text, DEPARTMENT) == {"威海市工业和信息化局": ["威海市工业和信息化局"]}
    assert _spans(text, INSTITUTE) == {"山东省海洋资源与环境研究院": ["山东省海洋资源与环境研究院"]}


def test_html_quotes_around_short_name():
    text = "威海远帆海洋科技有限公司（以下简称&ldquo;远帆&rdquo;）成立。远帆主要生产网箱。"
    firm = next(entity for entity in extract(text).entities if entity.type == FIRM)
    assert firm.name == "威海远帆海洋科技有限公司"
    assert firm.aliases == ["远帆"]


def test_short_name_after_english_name():
    text = "威海鲲鹏海洋科技有限公司（Weihai Kunpeng Marine Co., Ltd.，以下简称“鲲鹏科技”）成立。鲲鹏科技主要生产浮标。"
    firm = next(entity for entity in extract(text).entities if entity.type == FIRM)
    assert firm.name == "威海鲲鹏海洋科技有限公司"
    assert "鲲鹏科技" in firm.aliases
    assert "WeihaiKunpengMarineCo.,Ltd." in firm.aliases


def test_flattened_table_binds_row_attributes():
    text = "序号 企业名称 所在市 1 青岛海川船舶科技有限公司 青岛市 2 海纳（山东）新材料有限公司 烟台市 3 远蓝海洋装备有限公司 威海市"
    firms = {entity.name: entity for entity in extract(text).entities if entity.type == FIRM}
    assert {name: firm.region for name, firm in firms.items()} == {
        "青岛海川船舶科技有限公司": "青岛",
        "海纳（山东）新材料有限公司": "烟台",
        "远蓝海洋装备有限公司": "威海",
    }
    assert firms["海纳（山东）新材料有限公司"].industries == ["海洋生态新材料产业"]
    assert firms["青岛海川船舶科技有限公司"].industries == []
