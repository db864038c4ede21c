"""Model codes and dash-joined method parts belong to technology names."""

from __future__ import annotations

import pytest

import nlp


def technologies(text):
    return [e.name for e in nlp.extract(text).entities if e.type == "Technology"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("公司推出海燕-3000型温盐深剖面仪。", ["海燕-3000型温盐深剖面仪"]),
        ("XK-TG30型水下机器人已批量交付。", ["XK-TG30型水下机器人"]),
        ("QH-EBW系列船舶压载水电解处理系统已获认证。", ["QH-EBW系列船舶压载水电解处理系统"]),
        ("研发了聚乳酸—蛤壳粉复合可降解渔具材料。", ["聚乳酸—蛤壳粉复合可降解渔具材料"]),
    ],
)
def test_prefix_joins_the_name(text, expected):
    assert technologies(text) == expected


def test_chain_links_and_ranges_stay_apart():
    # A verb before the brand stays out, and a dash-joined chain of terms
    # or a range of grades is not one name.
    assert technologies("公司推出海燕-3000型温盐深剖面仪。") == ["海燕-3000型温盐深剖面仪"]
    chain = technologies("打通了原丝—碳纤维—织物的链条。")
    assert "原丝—碳纤维" not in chain
    assert "T300–T1100" not in technologies("牌号包括T300–T1100等碳纤维。")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("公司开发的海带多酚植物生长调节剂已上市。", ["海带多酚植物生长调节剂"]),
        ("研制的仿生沟槽硅基减阻涂层通过检测。", ["仿生沟槽硅基减阻涂层"]),
    ],
)
def test_more_heads(text, expected):
    assert technologies(text) == expected
