"""Boundary and type rules for organisation names found by suffix.

:mod:`nlp.orgs` finds a name from its suffix and walks left. The rules
here correct where that walk stops and what a name is:

- a word that introduces a subsidiary (子公司, 旗下, 设立) ends the walk;
- a county or city name split by the segmenter across the left edge
  (乳山东… segmented 乳 山东 …) is taken whole, because a name starts
  with its most specific place;
- a verb used as a noun inside a name (资源利用, 苗种培育) does not end
  the walk when the name would otherwise be a bare category;
- a parent body, a place and a branch suffix make one name
  (…生态环境局文登分局, …研究院威海分院);
- venues, media centres and other non-research heads are not institutes.
"""

from __future__ import annotations

import re

from bluecarbon.model import DEPARTMENT, FIRM, INSTITUTE
from nlp.candidates import Mention, TokenTable
from nlp.normalize import CJK
from nlp.resources import Resources

# Suffixes of test and demonstration sites, which are institutes, in
# addition to those of the lexicon.
EXTRA_SUFFIXES = {
    "试验基地": INSTITUTE,
    "实验基地": INSTITUTE,
    "实验站": INSTITUTE,
    "试验站": INSTITUTE,
    "分中心": INSTITUTE,
}
# Words that end the leftward walk: what precedes them is the owner or
# the verb of a subsidiary, not part of its name.
LEFT_STOP_WORDS = frozenset(
    {"子公司", "全资子公司", "控股子公司", "孙公司", "分支机构", "旗下", "设立", "成立", "组建", "新设"}
)
# Digits and numeral characters. A word tagged as a numeral (m) without
# any of them (良种) is a mis-tagged noun, so it does not end a name.
_NUMERAL_CHARS = re.compile(r"[0-9０-９零〇一二三四五六七八九十百千万亿两几数多半第]")
# Verbs that the segmenter tags as nouns and that names contain
# (刺参种质资源利用工程技术研究中心, 苗种培育中心).
_NOMINAL_VERBS = frozenset({"利用", "培育", "合作", "服务"})
_NOUN_TAGS = ("n", "vn", "l")
# Heads of centres that are venues, media or service offices, not
# research bodies. A service centre of a named city or county is a
# government body.
_VENUE_HEADS = ("会展中心", "展览中心", "会议中心", "博览中心", "体育中心", "购物中心", "文化中心", "商务中心")
_MEDIA_HEADS = ("融媒体中心", "新闻中心", "传媒中心", "广播电视台")
_SERVICE_HEADS = ("服务中心", "政务服务中心", "便民服务中心")
# Branch suffixes that follow a parent's name and a place.
_BRANCH = re.compile("分局|分院|分公司|分中心|分所|支队|大队")
_BRANCH_TYPES = {"分公司": FIRM}
# Prefixes that make a department name a category of every city or county.
_CATEGORY_PREFIXES = ("各市", "各县", "各区", "各级", "各地", "各县市区", "各区市", "各有关")
# 与 is left out because institute names join two fields with it
# (海洋资源与环境研究院).
_COORDINATORS = ("和", "及")

_PLACE_BRANCHES: dict[int, re.Pattern] = {}


def is_false_numeral(word: str, tag: str | None) -> bool:
    """Tell whether a word tagged as a numeral has no numeral in it (良种)."""
    return tag == "m" and not _NUMERAL_CHARS.search(word)


def extend_split_place(text: str, name_start: int, resources: Resources) -> int:
    """Move ``name_start`` left over a place the segmenter split.

    乳山东旭… is segmented 乳/山东/旭…, so the walk starts the name at
    山东. A place that begins one or two characters earlier and runs into
    the name (乳山) is the name's real start.
    """
    places = resources.places
    rest = text[name_start : name_start + 4]
    if not resources.starts_with_place(rest) and not rest.startswith(tuple(resources.provinces)):
        return name_start
    for back in (1, 2):
        begin = name_start - back
        if begin < 0 or not re.match(f"[{CJK}]", text[begin]):
            break
        for length in resources.place_lengths:
            if length > back and text[begin : begin + length] in places:
                if begin == 0 or not re.match(f"[{CJK}]", text[begin - 1]) or _is_boundary_word(text[begin - 1], resources):
                    return begin
    return name_start


def _is_boundary_word(char: str, resources: Resources) -> bool:
    return char in resources.triggers or (resources.word_tags.get(char) or "").startswith(("p", "c", "u", "v", "d"))


def extend_over_nominal_verb(text: str, tokens: TokenTable, name_start: int, suffix_start: int, resources: Resources) -> int:
    """Extend a name that stopped at a verb used as a noun.

    The walk stops at 利用 in 刺参种质资源利用工程技术研究中心 and leaves
    the bare category 工程技术研究中心. When no place or proper word is
    in the part found, the name continues left over 利用 and the nouns
    before it, up to the first word that is not a noun.
    """
    if name_start <= 0 or name_start >= suffix_start or resources.starts_with_place(text[name_start:suffix_start]):
        return name_start
    covering, starts, words = tokens.covering, tokens.starts, tokens.words
    index = covering[name_start - 1]
    if starts[index] + len(words[index]) != name_start or words[index] not in _NOMINAL_VERBS:
        return name_start
    position = starts[index]
    extended = name_start
    while position > 0:
        previous = covering[position - 1]
        word = words[previous]
        tag = resources.word_tags.get(word) or ""
        if word in resources.triggers or not tag.startswith(_NOUN_TAGS) or word in resources.titles:
            break
        position = starts[previous]
        extended = position
    return extended


def adjust_kind(name: str, kind: str, before: str, resources: Resources) -> str | None:
    """Return the type of a name found by suffix, or None if it names no body.

    ``before`` is the text right before the name.
    """
    if kind == INSTITUTE:
        if name.endswith(_VENUE_HEADS) or name.endswith(_MEDIA_HEADS):
            return None
        if name.endswith(_SERVICE_HEADS):
            return DEPARTMENT if resources.starts_with_place(name) or name.startswith(("市", "省", "县", "区")) else None
    if before.endswith(_CATEGORY_PREFIXES) and not resources.starts_with_place(name):
        return None  # 各市工业和信息化局 names one body per city, none by name
    if _owner_is_bare_suffix(name, resources):
        return None  # 实验室学术委员会: a committee of an unnamed laboratory
    if kind == INSTITUTE and _generic_coordination(name, resources):
        return None  # 海洋牧场和近海观测站: two categories, no name
    return kind


_SUFFIX_STARTS: dict[int, re.Pattern] = {}


def _owner_is_bare_suffix(name: str, resources: Resources) -> bool:
    pattern = _SUFFIX_STARTS.get(id(resources))
    if pattern is None:
        suffixes = "|".join(re.escape(suffix) for suffix, _ in resources.org_suffixes if len(suffix) >= 2)
        pattern = _SUFFIX_STARTS[id(resources)] = re.compile(f"(?:{suffixes})(?=.)")
    match = pattern.match(name)
    if match is None:
        return False
    rest = name[match.end() :]
    return any(rest.endswith(other) for other, _ in resources.org_suffixes if len(other) >= 2)


def _generic_coordination(name: str, resources: Resources) -> bool:
    """Check whether ``name`` joins categories with 和 and has no place or
    proper word in front of them."""
    for word in _COORDINATORS:
        if word in name:
            left = name.split(word, 1)[0]
            if resources.starts_with_place(left) or left.startswith(tuple(resources.provinces)):
                return False
            return not _proper(left, resources)
    return False


def _proper(text: str, resources: Resources) -> bool:
    """Tell whether ``text`` is not one or two common dictionary words.

    The segmenter tags some common words as places (海洋 as ns), so only
    a place of the gazetteer counts as one.
    """
    if _common_word(text, resources):
        return False
    return not any(
        _common_word(text[:split], resources) and _common_word(text[split:], resources) for split in range(1, len(text))
    )


def _common_word(word: str, resources: Resources) -> bool:
    tag = resources.word_tags.get(word)
    return tag is not None and not tag.startswith(("nr", "nt")) and word not in resources.places


def _place_branch(resources: Resources) -> re.Pattern:
    pattern = _PLACE_BRANCHES.get(id(resources))
    if pattern is None:
        places = "|".join(map(re.escape, resources.places_by_length))
        pattern = _PLACE_BRANCHES[id(resources)] = re.compile(f"(?:{places})[市区县]?(?:{_BRANCH.pattern})")
    return pattern


def branch_mentions(text: str, mentions: list[Mention], resources: Resources) -> list[Mention]:
    """Return the branches named as parent, place and branch suffix.

    威海市生态环境局文登分局 is one department, a part of
    威海市生态环境局. The parent keeps its own mention.
    """
    found = []
    for mention in mentions:
        match = _place_branch(resources).match(text, mention.end)
        if match is None or mention.label not in (DEPARTMENT, INSTITUTE, FIRM):
            continue
        branch = _BRANCH.search(match.group())
        kind = _BRANCH_TYPES.get(branch.group(), mention.label)
        name = text[mention.start : match.end()]
        branch_mention = Mention(kind, mention.start, match.end(), name, name, rule="suffix")
        branch_mention.part_of.append(mention.name)
        found.append(branch_mention)
    return found
