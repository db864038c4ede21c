"""Garbled runs linked to the organisation whose name they encode."""

from nlp import extract
from nlp.aliases import garbled_form_of

# “…！”金沙渔业集團总经理 written in GBK, read back one byte off.
SHIFTED = "苯鹕秤嬉导瘓F总经理"


def test_garbled_form_found_in_shifted_gbk():
    assert garbled_form_of(SHIFTED, "金沙渔业集團") == "苯鹕秤嬉导瘓F"


def test_garbled_form_found_in_utf8_read_as_gbk():
    run = "“蓝鲸海洋装备集团”".encode("utf-8").decode("gbk", errors="replace")
    assert garbled_form_of(run, "蓝鲸海洋装备集团") == "滆摑椴告捣娲嬭\ufffd呭\ufffd囬泦鍥⑩"


def test_garbled_form_rejects_other_name():
    assert garbled_form_of(SHIFTED, "远帆海洋科技有限公司") is None


def test_garbled_form_rejects_intact_text():
    assert garbled_form_of("今年投资建设海参加工车间", "金沙渔业集团") is None


def test_extract_links_garbled_run_to_firm():
    text = (
        "“我们要把深加工做强做大！苯鹕秤嬉导瘓F总经理周立群说。"
        "荣成金沙渔业集团今年投资建设海参加工车间。"
    )
    entities = {entity.name: entity for entity in extract(text).entities}
    firm = entities["荣成金沙渔业集团"]
    assert firm.aliases == ["苯鹕秤嬉导瘓F"]
    assert [(item.start, item.end) for item in firm.evidence] == [(13, 20), (28, 36)]
    # The garbled mention is the organisation right before the title.
    assert entities["周立群"].affiliation == "荣成金沙渔业集团"


def test_extract_leaves_unrelated_garble_alone():
    text = "苯鹕秤嬉导瘓F总经理周立群说。远帆海洋科技有限公司今年投资建设海参加工车间。"
    entities = {entity.name: entity for entity in extract(text).entities}
    assert entities["远帆海洋科技有限公司"].aliases == []
