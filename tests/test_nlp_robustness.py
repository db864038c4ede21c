"""Extraction never fails on cut, noisy or mixed input, and offsets stay valid."""

from __future__ import annotations

import random

import nlp
from tests.test_nlp_extract import NEWS, NOTICE, PLAN

HTML = (
    '<div class="nav">首頁 &gt; 產業動態</div>\n<h1>日照港集團攜手上海交大 共建智慧港口聯合實驗室</h1>\n'
    "<p>9月15日，日照港集團有限公司與上海交通大學簽署戰略合作協議。Rizhao Port Group signed it.</p>\n"
    '<script>var id = "{{ page.id }}";</script><p>（責任編輯：趙靜）</p>'
)
NOISE = "（）()“”《》<>{}$#、，。\n \t\u3000abcXYZ123【】&;—"


def test_random_slices_with_noise():
    rng = random.Random(11)
    texts = [NEWS, NOTICE, PLAN, HTML]
    for _ in range(200):
        text = rng.choice(texts)
        start = rng.randrange(len(text))
        piece = text[start : start + rng.randrange(1, 300)]
        if rng.random() < 0.5:
            piece = "".join(char if rng.random() > 0.05 else rng.choice(NOISE) for char in piece)
        extraction = nlp.extract(piece)
        for entity in extraction.entities:
            for evidence in entity.evidence:
                assert 0 <= evidence.start < evidence.end <= len(piece)
                assert piece[evidence.start : evidence.end].strip()


def test_crlf_and_blank_input():
    assert nlp.extract("").entities == []
    assert nlp.extract("\r\n\r\n").entities == []
    extraction = nlp.extract("烟台蓝鲸海洋装备有限公司发布新品。\r\n董事长刘海波介绍。\r\n")
    names = {entity.name for entity in extraction.entities}
    assert names == {"烟台蓝鲸海洋装备有限公司", "刘海波"}
