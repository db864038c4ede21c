"""Notices that take firms off an earlier list mark them removed."""

from __future__ import annotations

import nlp
from nlp.document import find_delistings

NOTICE = """关于调整2025年度海洋科技企业名单的通知
经复核，现对名单作如下调整：
一、删除企业
经核查，威海澄波海洋科技有限公司因违法失信，不再符合入选条件。澄波海洋已享受的补助依规收回。
二、增补企业
增补荣成市远岚水产有限公司入选名单。
"""


def test_removal_section_and_sentences_found():
    spans = [NOTICE[start:end] for start, end in find_delistings(NOTICE)]

    assert spans == [
        "\n经核查，威海澄波海洋科技有限公司因违法失信，不再符合入选条件。澄波海洋已享受的补助依规收回。\n",
        "经核查，威海澄波海洋科技有限公司因违法失信，不再符合入选条件。",
    ]


def test_delisted_firm_is_removed_and_added_one_current():
    statuses = {e.name: e.status for e in nlp.extract(NOTICE).entities if e.type == "Firm"}

    assert statuses == {"威海澄波海洋科技有限公司": "removed", "荣成市远岚水产有限公司": "current"}


def test_removal_phrases_in_running_text():
    text = "决定将威海鸥鸣渔业有限公司从示范企业名单中删除。威海鸥鸣渔业有限公司的海参育苗项目已完工。"
    assert [text[a:b] for a, b in find_delistings(text)] == ["决定将威海鸥鸣渔业有限公司从示范企业名单中删除。"]
    # Named again outside the removal, the firm still holds.
    statuses = {e.name: e.status for e in nlp.extract(text).entities if e.type == "Firm"}
    assert statuses == {"威海鸥鸣渔业有限公司": "current"}

    for sentence in (
        "撤销威海鸥鸣渔业有限公司“市级专精特新企业”称号。",
        "荣成市远岚水产有限公司主动申请退出。",
        "取消威海鸥鸣渔业有限公司的示范企业资格。",
    ):
        assert [sentence[a:b] for a, b in find_delistings(sentence)] == [sentence]


def test_ordinary_sentences_are_not_removals():
    text = "威海鸥鸣渔业有限公司入选名单。公司不断完善养殖条件，退出率为零。"
    assert find_delistings(text) == []
