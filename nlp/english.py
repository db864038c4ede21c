"""English renderings of Chinese organisation names.

Bilingual pages name a firm twice: 威海银行 and Weihai Bank. A run of
capitalised English words is an alias of a Chinese name when the two
align completely: each Chinese part either has a glossary translation
(银行 = Bank, 复材 = Composite) or spells, in pinyin, one English word
(威海 = Weihai). Legal forms (有限公司, Co., Ltd.) may be left out on
either side.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import lazy_pinyin

_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*\.?")
_LEGAL_WORDS = {"co.", "co", "ltd.", "ltd", "inc.", "inc", "corp.", "plc"}
MAX_WORDS = 8
_SKIPPED_WORDS = {"the", "business", "co", "ltd", "inc", "corp", "limited", "plc", "company", "corporation", "&"}
_LEGAL = re.compile(r"(集团股份有限公司|集团有限公司|股份有限公司|有限责任公司|有限公司|公司)$")


def english_names(text: str) -> list[tuple[int, int, str]]:
    """Return (start, end, name) for every span of capitalised words.

    A span starts and ends on a capitalised word (or a legal form such as
    Ltd.) and stays within one phrase: punctuation other than the comma
    before a legal form ends it. All sub-spans are returned, because
    "Weihai Tuozhan Fiber, the General New Materials business" contains two
    names; the caller keeps the ones that align with a Chinese name.
    """
    runs: list[list[re.Match]] = []
    current: list[re.Match] = []
    previous_end = None
    for match in _WORD.finditer(text):
        gap = text[previous_end : match.start()] if previous_end is not None else ""
        joined = previous_end is not None and (
            gap.strip() == "" or (gap.strip() == "," and match.group().lower() in _LEGAL_WORDS)
        )
        if current and (not joined or current[-1].group().endswith(".") and current[-1].group().lower() not in _LEGAL_WORDS):
            runs.append(current)
            current = []
        current.append(match)
        previous_end = match.end()
    if current:
        runs.append(current)
    spans = []
    for run in runs:
        for first in range(len(run)):
            if not run[first].group()[0].isupper():
                continue
            for last in range(first, min(len(run), first + MAX_WORDS)):
                word = run[last].group()
                if word[0].isupper() or word.lower() in _LEGAL_WORDS:
                    start, end = run[first].start(), run[last].end()
                    spans.append((start, end, text[start:end]))
    return spans


def _words(name: str) -> tuple[str, ...]:
    words = [word.strip(".,'").lower() for word in re.split(r"[\s,]+", name)]
    return tuple(word for word in words if word and word not in _SKIPPED_WORDS)


@lru_cache(maxsize=4096)
def _syllables(text: str) -> tuple[str, ...]:
    return tuple(lazy_pinyin(text))


def aligns(chinese: str, english: str, glossary: dict[str, list[str]]) -> bool:
    """True when ``english`` renders every part of ``chinese``."""
    core = re.sub(r"（[^）]*）", "", chinese)
    stripped = _LEGAL.sub("", core)
    words = _words(english)
    if not words or not stripped:
        return False
    return _align(stripped, words, _prepared(glossary))


_PREPARED: dict[int, tuple] = {}


def _prepared(glossary: dict[str, list[str]]) -> tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]:
    """Return the glossary as (Chinese part, English word tuples), longest
    part first."""
    cached = _PREPARED.get(id(glossary))
    if cached is None or cached[0] is not glossary:
        entries = tuple(
            (chinese, tuple(tuple(phrase.lower().split()) for phrase in phrases))
            for chinese, phrases in sorted(glossary.items(), key=lambda item: -len(item[0]))
        )
        cached = _PREPARED[id(glossary)] = (glossary, entries)
    return cached[1]


def _align(chinese: str, words: tuple[str, ...], glossary) -> bool:
    pending = [(0, 0)]
    seen = set()
    syllables = _syllables(chinese)
    if len(syllables) != len(chinese):
        return False  # characters pypinyin cannot spell one by one
    while pending:
        i, j = pending.pop()
        if (i, j) in seen:
            continue
        seen.add((i, j))
        if i == len(chinese) and j == len(words):
            return True
        if i == len(chinese) or j == len(words):
            continue
        for part, phrases in glossary:
            if chinese.startswith(part, i):
                for phrase in phrases:
                    if words[j : j + len(phrase)] == phrase:
                        pending.append((i + len(part), j + len(phrase)))
        for length in range(1, 5):
            if i + length > len(chinese):
                break
            if "".join(syllables[i : i + length]) == words[j]:
                pending.append((i + length, j + 1))
    return False


def pinyin_name_pattern(name: str, surname_length: int) -> re.Pattern | None:
    """Return a pattern for a Chinese person's name written in pinyin, as
    English abstracts write authors: LENG Xuesong, Leng Xue-song, Xuesong
    Leng. Return None when a character has no single pinyin syllable."""
    syllables = lazy_pinyin(name)
    if len(syllables) != len(name) or not all(s.isascii() and s.isalpha() for s in syllables):
        return None
    surname = "".join(syllables[:surname_length])
    given_name = r"[\-\s]?".join(syllables[surname_length:])
    if not given_name:
        return None
    return re.compile(
        rf"(?<![A-Za-z])(?:{surname}\s+{given_name}|{given_name}\s+{surname})(?![A-Za-z])", re.IGNORECASE
    )
