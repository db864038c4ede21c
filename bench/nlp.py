"""Throughput of extraction against bare jieba segmentation, same run.

Generates a synthetic Chinese policy-and-news text (no external data),
then for the text at 1x and 4x its size prints characters per second of
``nlp.extract`` beside ``jieba.lcut`` over the same paragraphs, and the
peak Python memory of one extraction (tracemalloc). The 4x text repeats
the 1x text. A third row, "4x new", has four times as many paragraphs
drawn afresh, so that it also names four times as many entities.

Run: .venv/bin/python bench/nlp.py
"""

from __future__ import annotations

import random
import sys
import time
import tracemalloc
from pathlib import Path

# This file is named nlp.py, so its own folder must not shadow the package.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

PLACES = ["烟台", "日照", "青岛", "威海", "荣成", "东营", "潍坊"]
BRANDS = ["蓝鲸", "海韵", "远帆", "潮信", "鸿运", "海丰", "金沙", "碧波", "晨光", "瀚海"]
BUSINESS = ["海洋装备", "渔业科技", "水产", "生物科技", "新材料", "船舶重工"]
TECH = ["水下机器人", "深水网箱", "海带养殖", "碳纤维", "浮标", "声学浮标", "船舶压载水处理"]
PEOPLE = ["刘海波", "周立群", "陈晓东", "王建华", "孙明远", "赵丽娜"]
TITLES = ["董事长", "总经理", "研究员", "教授"]


def make_text(paragraphs: int, seed: int = 7) -> str:
    """Build ``paragraphs`` paragraphs of plausible, invented text."""
    rng = random.Random(seed)
    lines = []
    for _ in range(paragraphs):
        place = rng.choice(PLACES)
        firm = f"{place}{rng.choice(BRANDS)}{rng.choice(BUSINESS)}有限公司"
        person = rng.choice(PEOPLE)
        lines.append(
            f"近日，{firm}与{place}市海洋经济研究院签订合作协议，双方将联合研发"
            f"{rng.choice(TECH)}、{rng.choice(TECH)}等海洋观测装备。"
            f"{firm}{rng.choice(TITLES)}{person}介绍，公司今年产值增长百分之二十，"
            f"并在市海洋发展局支持下推广{rng.choice(TECH)}，带动周边渔民增收。"
        )
    return "\n".join(lines)


def rate(function, text: str, repeat: int = 2) -> float:
    """Characters per CPU second, best of ``repeat`` runs.

    CPU time (time.process_time) rather than wall time, so that other
    processes on a shared machine do not distort the comparison.
    """
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        function(text)
        best = min(best, time.process_time() - started)
    return len(text) / best


def main() -> None:
    import jieba

    import nlp

    base = make_text(120)
    nlp.extract(base[:2000])  # load the pipeline and the dictionaries once

    from nlp.pipeline import load_pipeline

    tokenizer = load_pipeline().tokenizer

    def segment(text: str) -> None:
        for line in text.split("\n"):
            jieba.lcut(line)

    def tokenize(text: str) -> None:
        for line in text.split("\n"):
            tokenizer(line)

    print("characters per CPU second; ratio = extraction / bare jieba segmentation")
    print("(spaCy tokenizer = the zh tokenizer with jieba alone, the floor of any spaCy pipeline)")
    header = f"{'input':>6} {'characters':>11} {'extract':>9} {'spaCy tokenizer':>16} {'bare jieba':>11} {'ratio':>6}"
    print(header)
    cases = [("1x", base), ("4x", "\n".join([base] * 4)), ("4x new", make_text(480, seed=11))]
    for label, text in cases:
        extract_rate = rate(nlp.extract, text)
        tokenizer_rate = rate(tokenize, text)
        segment_rate = rate(segment, text)
        print(
            f"{label:>6} {len(text):>11} {extract_rate:>9,.0f} {tokenizer_rate:>16,.0f} "
            f"{segment_rate:>11,.0f} {extract_rate / segment_rate:>6.2f}"
        )

    tracemalloc.start()
    nlp.extract("\n".join([base] * 4))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak Python memory of one 4x extraction: {peak / 2**20:.1f} MiB (tracemalloc)")


if __name__ == "__main__":
    main()
