"""Individual extraction rules, each on a short hand-written text."""

from __future__ import annotations

import nlp
from bluecarbon.model import DEPARTMENT, FIRM, INSTITUTE, PART_OF, PERSON, TECHNOLOGY
from nlp.english import aligns
from nlp.resources import load_resources


def _entities(text, kind):
    return {entity.name: entity for entity in nlp.extract(text).entities if entity.type == kind}


def test_english_rendering_aligns():
    glossary = load_resources().english_glossary
    assert aligns("烟台蓝鲸精密机械有限公司", "Yantai Lanjing Precision Machinery Co., Ltd.", glossary)
    assert aligns("日照港集团", "Rizhao Port Group", glossary)
    assert not aligns("日照港集团", "Rizhao Port Holdings", glossary)
    assert not aligns("烟台银行", "Weihai Bank", glossary)


def test_english_alias_added():
    text = "烟台蓝鲸精密机械有限公司（Yantai Lanjing Precision Machinery Co., Ltd.）成立于2010年。"
    firm = _entities(text, FIRM)["烟台蓝鲸精密机械有限公司"]
    assert "Yantai Lanjing Precision Machinery Co., Ltd." in firm.aliases


def test_quoted_english_product():
    text = 'The bank launched a "Blue Harbour Loan" for fishing co-operatives.'
    assert set(_entities(text, TECHNOLOGY)) == {"Blue Harbour Loan"}


def test_section_of_institute():
    text = "青岛海洋地质研究院海洋所副所长孙宏伟带队调研。青岛海洋地质研究院成立于1979年。"
    extraction = nlp.extract(text)
    institutes = {e.name for e in extraction.entities if e.type == INSTITUTE}
    assert institutes == {"青岛海洋地质研究院海洋所", "青岛海洋地质研究院"}
    parts = {(r.head, r.tail) for r in extraction.relations if r.type == PART_OF}
    assert ("青岛海洋地质研究院海洋所", "青岛海洋地质研究院") in parts
    person = next(e for e in extraction.entities if e.type == PERSON)
    assert person.affiliation == "青岛海洋地质研究院海洋所"


def test_parent_dropped_unless_alone():
    departments = _entities("人民银行日照市中心支行发布通知。", DEPARTMENT)
    assert set(departments) == {"人民银行日照市中心支行"}


def test_bracketed_second_name_merged():
    text = "日照市海洋信息研究所（日照市海洋发展战略研究所）所长李强介绍。2012年加挂日照市海洋发展战略研究所牌子。"
    institutes = _entities(text, INSTITUTE)
    assert set(institutes) == {"日照市海洋信息研究所"}
    assert institutes["日照市海洋信息研究所"].aliases == ["日照市海洋发展战略研究所"]


def test_cooperative_short_and_full_merged():
    text = "海阳鑫海牡蛎养殖合作社发货忙。海阳鑫海牡蛎养殖农民专业合作社成立于2018年。"
    firms = _entities(text, FIRM)
    assert set(firms) == {"海阳鑫海牡蛎养殖农民专业合作社"}
    assert firms["海阳鑫海牡蛎养殖农民专业合作社"].aliases == ["海阳鑫海牡蛎养殖合作社"]


def test_legal_suffix_variant_merged():
    text = "青岛海川测控研究院有限公司前身为青岛海川测控研究院。青岛海川测控研究院一行到访。"
    firms = _entities(text, FIRM)
    assert set(firms) == {"青岛海川测控研究院有限公司"}
    assert "青岛海川测控研究院" in firms["青岛海川测控研究院有限公司"].aliases
    assert _entities(text, INSTITUTE) == {}


def test_defined_short_name_not_a_person():
    text = "烟台东岸海洋科技股份有限公司（以下简称“东岸海洋”）发布年报。东岸海洋董事长马国栋说，订单饱满。"
    people = _entities(text, PERSON)
    assert set(people) == {"马国栋"}
    assert people["马国栋"].affiliation == "烟台东岸海洋科技股份有限公司"


def test_firm_list_without_suffixes():
    text = "以蓝海集团、鑫润、海之宝等企业为依托，建设海洋牧场。"
    assert set(_entities(text, FIRM)) == {"蓝海集团", "鑫润", "海之宝"}


def test_difficulty_frame_items():
    text = "集中攻克深海网箱抗风浪设计、海参副产物高值利用等方向的技术难题。"
    assert set(_entities(text, TECHNOLOGY)) == {"深海网箱抗风浪设计", "海参副产物高值利用"}


def test_finance_product_names():
    text = "该行推出海洋碳汇预期收益权质押贷款，并试点蓝色债券。"
    assert set(_entities(text, TECHNOLOGY)) == {"海洋碳汇预期收益权质押贷款", "蓝色债券"}


def test_breadcrumb_not_a_title():
    text = "首页 > 要闻 > 本地\n日照港集团开通新航线\n2024-01-02 来源：日照日报\n正文。"
    info = nlp.extract(text).document
    assert info.title == "日照港集团开通新航线"
    assert info.published == "2024-01-02"


def test_markdown_heading_title():
    info = nlp.extract("# 关于做好海洋牧场管理工作的通知\n\n正文内容。").document
    assert info.title == "关于做好海洋牧场管理工作的通知"


def test_heading_not_joined_to_number():
    text = "日照市人民政府关于加快海洋牧场建设发展的实施意见\n日政发〔2022〕3号\n各区县人民政府："
    info = nlp.extract(text).document
    assert info.title == "日照市人民政府关于加快海洋牧场建设发展的实施意见"
    assert info.document_number == "日政发〔2022〕3号"


def test_party_committee_and_government_split():
    text = "青岛市海洋科技研究所报送市委市政府。"
    departments = _entities(text, DEPARTMENT)
    assert set(departments) == {"青岛市委", "青岛市政府"}


def test_name_starts_at_its_place():
    text = "访烟台中集蓝海海洋工程有限公司总经理孙悦。"
    firms = _entities(text, FIRM)
    assert set(firms) == {"烟台中集蓝海海洋工程有限公司"}
    assert firms["烟台中集蓝海海洋工程有限公司"].region == "烟台"


def test_bank_branch_keeps_bank_before_place():
    departments = _entities("人民银行烟台市中心支行召开会议。", DEPARTMENT)
    assert set(departments) == {"人民银行烟台市中心支行"}


def test_named_equipment_in_quotes():
    text = "公司建造的养殖工船“海韵2号”已交付，“深蓝3号”海洋牧场平台同步开工。"
    assert {"海韵2号", "深蓝3号"} <= set(_entities(text, TECHNOLOGY))


def test_associations_and_glued_titles():
    text = "山东省海洋产业技术创新战略联盟成立。烟台市水产商会会长林志远出席。据王海涛介绍，联盟有成员单位40家。"
    extraction = nlp.extract(text)
    institutes = {e.name for e in extraction.entities if e.type == INSTITUTE}
    assert institutes == {"山东省海洋产业技术创新战略联盟", "烟台市水产商会"}
    people = {e.name: e for e in extraction.entities if e.type == PERSON}
    assert set(people) == {"林志远", "王海涛"}
    assert people["林志远"].affiliation == "烟台市水产商会"
    assert people["林志远"].role == "executive: 会长"


def test_repeal_notice_lists_numbers():
    text = (
        "烟台市人民政府办公室关于废止部分规范性文件的通知\n烟政办发〔2024〕8号\n"
        "决定废止下列规范性文件：\n"
        "1.《烟台市人民政府办公室关于加快海洋牧场建设的意见》（烟政办发〔2018〕21号）\n"
        "2.《关于支持远洋渔业发展的通知》（烟政办字〔2019〕36号）\n"
        "以上文件自本通知印发之日起废止。\n"
    )
    info = nlp.extract(text).document
    assert info.document_number == "烟政办发〔2024〕8号"
    assert info.repeals == ["烟政办发〔2018〕21号", "烟政办字〔2019〕36号"]


def test_deleted_clause_marks_removed():
    text = (
        "一、将第五条中“对日照海鑫水产有限公司给予补贴”修改为“对符合条件的企业给予补贴”。\n"
        "二、删除第八条第二款“由日照市海洋与渔业局负责组织实施”。\n"
        "三、第十条修改为：“本办法由日照市海洋发展局负责解释。”\n"
    )
    extraction = nlp.extract(text)
    status = {entity.name: entity.status for entity in extraction.entities}
    assert status == {
        "日照海鑫水产有限公司": "removed",
        "日照市海洋与渔业局": "removed",
        "日照市海洋发展局": "current",
    }


def test_credit_code_attached_to_firm():
    text = "企业名称：荣成海鑫渔业有限公司\n统一社会信用代码：91371082MA3C4XYP1K\n法定代表人：王立新"
    firm = _entities(text, FIRM)["荣成海鑫渔业有限公司"]
    assert firm.credit_code == "91371082MA3C4XYP1K"


def test_names_listed_after_one_title():
    people = _entities("市领导张海涛、李明、王晓强出席活动。", PERSON)
    assert set(people) == {"张海涛", "李明", "王晓强"}
    assert {person.role for person in people.values()} == {"official: 市领导"}


def test_species_sequence_method():
    text = "推广“鱼—贝—藻”综合养殖模式。"
    technology = _entities(text, TECHNOLOGY)["鱼—贝—藻综合养殖"]
    assert technology.aliases == ["鱼—贝—藻综合养殖模式", "鱼—贝—藻", "综合养殖"]
    assert technology.industries == ["绿色水产养殖业"]


def test_city_from_title_by_frequency():
    text = "长沙海工研究院一行赴烟台对接合作\n在烟台期间，市海洋发展局陪同调研了烟台港。"
    departments = _entities(text, DEPARTMENT)
    assert set(departments) == {"烟台市海洋发展局"}


def test_interview_speakers_and_profiles():
    text = "访谈\n记者：公司今年有何计划？\n林海峰：我们将扩大深水网箱养殖规模。\n记者：谢谢。\n周立，男，1972年出生，高级工程师。"
    people = _entities(text, PERSON)
    assert set(people) == {"林海峰", "周立"}


def test_inner_term_alias_only_when_head():
    text = "公司产品包括拉挤碳纤维风电叶片碳梁、高强耐蚀钛合金等材料。"
    technologies = _entities(text, TECHNOLOGY)
    assert "碳纤维" not in technologies["拉挤碳纤维风电叶片碳梁"].aliases
    assert "钛合金" in technologies["高强耐蚀钛合金"].aliases


def test_data_field_line_not_a_title():
    info = nlp.extract('name: "烟台蓝鲸海洋装备有限公司",\nlocation: "山东烟台",').document
    assert info.title is None


def test_region_from_place_before_firm():
    text = "在荣成市俚岛镇的鑫海水产有限公司车间里，工人正在分拣海带。"
    assert _entities(text, FIRM)["鑫海水产有限公司"].region == "荣成"


def test_shared_head_list_expanded():
    text = "建设市区长门岛浅海、荣成湾大型藻类、养马岛鲍鱼等海洋生态系统连续观测站，建立数据库。"
    institutes = _entities(text, INSTITUTE)
    assert set(institutes) == {
        "长门岛浅海海洋生态系统连续观测站",
        "荣成湾大型藻类海洋生态系统连续观测站",
        "养马岛鲍鱼海洋生态系统连续观测站",
    }


def test_tool_list_items_with_acronyms():
    text = "我们借助OceanData海洋数据分析平台（ODP）、蓝海专利检索（BPS）、德国“MARIS海事数据库”等工具开展分析。"
    technologies = _entities(text, TECHNOLOGY)
    assert set(technologies) == {"OceanData海洋数据分析平台", "蓝海专利检索", "MARIS海事数据库"}
    assert technologies["OceanData海洋数据分析平台"].aliases == ["ODP", "OceanData"]
    assert technologies["蓝海专利检索"].aliases == ["BPS"]


def _relations(text, kind):
    return {(r.head, r.tail) for r in nlp.extract(text).relations if r.type == kind}


def test_title_chain_gives_each_affiliation():
    text = "烟台市海洋发展局党组成员、烟台市海洋经济研究院院长刘建华出席会议。"
    assert _relations(text, "AFFILIATED_WITH") == {
        ("刘建华", "烟台市海洋经济研究院"),
        ("刘建华", "烟台市海洋发展局"),
    }


def test_membership_and_unit_parts():
    text = "烟台海川测控有限公司隶属中国船舶集团有限公司。烟台市人民政府办公室转发烟台市人民政府通知。"
    parts = _relations(text, "PART_OF")
    assert ("烟台海川测控有限公司", "中国船舶集团有限公司") in parts
    assert ("烟台市人民政府办公室", "烟台市人民政府") in parts


def test_single_firm_page_develops_its_products():
    text = "烟台蓝鲸海洋装备有限公司成立于2010年。\n主要产品：水下机器人、声学浮标。"
    developed = _relations(text, "DEVELOPS")
    assert developed == {
        ("烟台蓝鲸海洋装备有限公司", "水下机器人"),
        ("烟台蓝鲸海洋装备有限公司", "声学浮标"),
    }


def test_cooperation_headed_by_firm():
    text = "中国海洋大学与烟台蓝鲸海洋装备有限公司签订合作协议。"
    assert _relations(text, "COOPERATES_WITH") == {("烟台蓝鲸海洋装备有限公司", "中国海洋大学")}


def test_verb_before_material_not_in_name():
    text = "企业离不开碳纤维，他专攻碳纤维二十年，原本拿碳纤维做鱼竿。"
    assert set(_entities(text, TECHNOLOGY)) == {"碳纤维"}


def test_technology_verbs_stay_in_name():
    text = "公司推广压载水处理装置，船厂采用智能清洗装置。"
    assert set(_entities(text, TECHNOLOGY)) == {"压载水处理装置", "智能清洗装置"}


def test_technology_tail_as_list_item():
    text = "发展深海养殖工船、海上风电导管架基础等装备。此外，企业还生产网箱、导管架基础等制品。"
    foundation = _entities(text, TECHNOLOGY)["海上风电导管架基础"]
    assert foundation.aliases == ["导管架基础"]
    assert [(item.start, item.end) for item in foundation.evidence] == [(9, 18), (33, 38)]


def test_technology_tail_in_running_text():
    text = "发展深海养殖工船、海上风电导管架基础等装备。当天导管架基础吊装完成。"
    foundation = _entities(text, TECHNOLOGY)["海上风电导管架基础"]
    assert foundation.aliases == []


def test_sea_area_kept_in_technology():
    text = "将推动深海网箱监测系统和近海网箱监测系统建设。"
    assert set(_entities(text, TECHNOLOGY)) == {"深海网箱监测系统", "近海网箱监测系统"}


def test_defined_short_organisation_merged():
    text = "威海市商业银行（简称“威海银行”）推出“蓝色碳汇贷”。威海银行行长表示，将扩大投放。"
    firms = _entities(text, FIRM)
    assert set(firms) == {"威海市商业银行"}
    assert firms["威海市商业银行"].aliases == ["威海银行"]
    assert [(item.start, item.end) for item in firms["威海市商业银行"].evidence] == [(0, 7), (11, 15), (27, 31)]


def test_place_as_group_trade_name():
    text = "石島(dǎo)集團有限公司董事長王海(hǎi)濤說，荣成市集团有限公司一说并不存在。"
    firms = _entities(text, FIRM)
    assert set(firms) == {"石岛集团有限公司"}
    assert firms["石岛集团有限公司"].aliases == ["石島(dǎo)集團有限公司"]


def test_graded_category_not_institute():
    text = "认定威海蓝创海洋科技有限公司等15家企业为市级专精特新企业，认定8家为市级工程技术研究中心，该所升格为省级重点实验室。"
    assert set(_entities(text, INSTITUTE)) == set()
    assert set(_entities(text, FIRM)) == {"威海蓝创海洋科技有限公司"}


def test_bracketed_short_name_after_firm():
    text = "山东蓝色海洋科技股份有限公司（蓝色海洋）与中集来福士海洋工程有限公司（烟台）签约。蓝色海洋董事长王强说，项目已开工。"
    firms = _entities(text, FIRM)
    assert set(firms) == {"山东蓝色海洋科技股份有限公司", "中集来福士海洋工程有限公司（烟台）"}
    assert firms["山东蓝色海洋科技股份有限公司"].aliases == ["蓝色海洋"]
    evidence = [(item.start, item.end) for item in firms["山东蓝色海洋科技股份有限公司"].evidence]
    assert evidence == [(0, 14), (15, 19), (41, 45)]


def test_bracketed_short_name_after_university():
    text = "中国海洋大学（海大）与山东大学（威海）合作。海大教授李明说。"
    institutes = _entities(text, INSTITUTE)
    assert set(institutes) == {"中国海洋大学", "山东大学（威海）"}
    assert institutes["中国海洋大学"].aliases == ["海大"]


def test_university_president_title():
    text = "大连海洋大学副校长李华担任研究院院长。学校长期坚持开放办学。"
    people = _entities(text, PERSON)
    assert set(people) == {"李华"}
    assert people["李华"].role == "expert: 副校长"
    assert people["李华"].affiliation == "大连海洋大学"


def test_enforcement_units_are_departments():
    text = "威海市海洋与渔业监督监察支队、文登区综合行政执法大队联合开展执法检查。"
    assert set(_entities(text, DEPARTMENT)) == {"威海市海洋与渔业监督监察支队", "文登区综合行政执法大队"}


def test_brand_with_legal_form_merged():
    text = "荣成市鑫发水产食品有限公司与日本企业合作。鑫发公司副总经理李强介绍了情况。"
    firms = _entities(text, FIRM)
    assert set(firms) == {"荣成市鑫发水产食品有限公司"}
    assert firms["荣成市鑫发水产食品有限公司"].aliases == ["鑫发公司"]
    assert _entities(text, PERSON)["李强"].affiliation == "荣成市鑫发水产食品有限公司"


def test_shared_brand_not_merged():
    text = "荣成市鑫发水产食品有限公司和文登鑫发渔业有限公司参展，鑫发公司展位人气旺。"
    assert set(_entities(text, FIRM)) == {"荣成市鑫发水产食品有限公司", "文登鑫发渔业有限公司", "鑫发公司"}
