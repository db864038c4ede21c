"""Noun-phrase grammar for technology names outside the term list.

A technology name is a head word (…技术, …涂料, …无人艇, …肽) plus the
modifier words to its left, read over jieba tokens. The walk stops at a
boundary: a verb that opens the object phrase (研制, 转向), a function
word (的, 和), a number, punctuation or an organisation name. Lists after a trigger
(主要从事A、B和C) also yield method names that end in a verb (扇贝育苗),
and quoted variety names follow their kind word (新品种“海优2号”).
Names found by the older rules in nlp/techs.py are trimmed at the same
boundaries, and library classification codes are dropped.

The word lists live in the ``technology_grammar`` section of
seeds/lexicon.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

from bluecarbon.model import TECHNOLOGY
from nlp.candidates import Mention, TokenTable
from nlp.matching import TermIndex
from nlp.normalize import CJK
from nlp.resources import LEXICON_PATH, Resources

# Maximum name length in visible characters, a Latin run counting as two.
MAX_NAME = 16
_NAME_CHAR = re.compile(f"[{CJK}A-Za-z0-9·\\-–αβγδω]")
_LATIN_RUN = re.compile(r"[A-Za-z0-9]+")
_DIGITS = re.compile(r"[0-9０-９.]+")
# jieba tags that end a name read leftwards: prepositions, conjunctions,
# particles, pronouns, adverbs, time words, interjections, numerals and
# measure words. Numerals and measure words in _NAME_NUMERALS and
# _NAME_MEASURES are exceptions (多波束, 作业级).
_STOP_TAGS = ("p", "c", "u", "r", "d", "ad", "vd", "t", "y", "e", "o", "m", "q")
_NAME_NUMERALS = frozenset({"多", "双", "单", "三维", "多级", "多功能", "多用途"})
_NAME_MEASURES = frozenset({"级", "型", "式"})
_ORG_ENDINGS = ("公司", "集团", "研究院", "研究所", "大学", "学院", "实验室", "合作社", "联盟")
# 大力发展, 积极推广: an adverb glued to a boundary verb is one token.
_ADVERBS = frozenset({"大力", "积极", "重点", "加快", "着力", "进一步", "全力", "集中", "努力", "持续"})
_CONJUNCTIONS = frozenset({"与", "和", "及", "、"})
_LIST_END = re.compile(r"[，,。；;：:！？!?\n（()）\t 　“”「」]")
_ITEM_SEPARATORS = frozenset({"、", "和", "与", "及", "以及"})
_QUOTE_OPEN = "“\"「『"
_QUOTE_CLOSE = "”\"」』"
# Labels of library classification and article codes in journal headers.
_CODE_LABEL = re.compile(r"分类号|文献标[识志]码|文章编号|DOI|ISSN|CN")
_CODE_FIELD = re.compile(r"[\sA-Za-z0-9.;；,，:：/\-]*")
_DECIMAL_AFTER = re.compile(r"\.\d")


@dataclass(frozen=True)
class Grammar:
    """The word lists of the ``technology_grammar`` lexicon section."""

    heads: TermIndex
    head_words: frozenset[str]
    weak_heads: frozenset[str]
    substance_heads: frozenset[str]
    head_modifier_of: frozenset[str]
    generic_modifiers: frozenset[str]
    boundaries: frozenset[str]
    triggers: TermIndex
    process_endings: tuple[str, ...]
    field_words: frozenset[str]
    carriers: TermIndex
    quoted_name_after_kind: re.Pattern
    quoted_name_before_head: re.Pattern
    name_verbs: frozenset[str]
    vague_endings: tuple[str, ...]


@lru_cache(maxsize=1)
def load_grammar() -> Grammar:
    """Read the grammar word lists from seeds/lexicon.yaml, once."""
    with LEXICON_PATH.open(encoding="utf-8") as handle:
        section = yaml.safe_load(handle)["technology_grammar"]
    kinds = "|".join(map(re.escape, sorted(section["quoted_kinds"], key=len, reverse=True)))
    quoted_heads = "|".join(map(re.escape, section["quoted_heads"]))
    inner = f"[{CJK}A-Za-z0-9·\\-–]"
    return Grammar(
        heads=TermIndex(section["heads"]),
        head_words=frozenset(section["heads"]),
        weak_heads=frozenset(section["weak_heads"]),
        substance_heads=frozenset(section["substance_heads"]),
        head_modifier_of=frozenset(section["head_modifier_of"]),
        generic_modifiers=frozenset(section["generic_modifiers"]),
        boundaries=frozenset(section["boundaries"]),
        triggers=TermIndex(section["list_triggers"]),
        process_endings=tuple(section["process_endings"]),
        field_words=frozenset(section["list_field_words"]),
        carriers=TermIndex(section["process_carriers"]),
        quoted_name_after_kind=re.compile(
            f"(?:{kinds})[{_QUOTE_OPEN}]({inner}{{2,10}})[{_QUOTE_CLOSE}]"
        ),
        quoted_name_before_head=re.compile(
            f"[{_QUOTE_OPEN}]({inner}{{3,16}})[{_QUOTE_CLOSE}](?:{quoted_heads})"
        ),
        name_verbs=frozenset(section["name_verbs"]),
        vague_endings=tuple(section["vague_endings"]),
    )


def apply_grammar(text: str, tokens: TokenTable, resources: Resources, mentions: list[Mention]) -> list[Mention]:
    """Return ``mentions`` trimmed at phrase boundaries, plus the names the grammar finds.

    Overlaps are left to the caller, which keeps the longest name.
    """
    grammar = load_grammar()
    kept = []
    for mention in mentions:
        if mention.rule == "code" and _classification_code(text, mention):
            continue
        if mention.rule in ("suffix", "enumeration"):
            mention = _trim(text, tokens, mention, grammar, resources)
            if mention is None or _generic_suffix_name(tokens, mention, grammar, resources):
                continue
        kept.append(mention)
    suffix_ends = {mention.end for mention in kept if mention.rule in ("suffix", "lexicon", "enumeration")}
    kept.extend(_head_phrases(text, tokens, grammar, resources, suffix_ends))
    kept.extend(_carried_methods(text, tokens, grammar, resources))
    kept.extend(_trigger_lists(text, tokens, grammar, resources))
    kept.extend(_quoted_names(text, grammar))
    return [_extend_prefix(text, tokens, grammar, resources, mention) for mention in kept]


# A series or model code right before a name (ZY-AT3型, ZT-EBW系列,
# HT-TG20, -2000型 after a brand word).
_MODEL_CODE = re.compile(r"-?[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*(?:型|系列|式)?$")
# Em dashes join the parts of a method; en dashes mark ranges (T300–T1100).
_DASHES = "—"


def _extend_prefix(
    text: str, tokens: TokenTable, grammar: Grammar, resources: Resources, mention: Mention
) -> Mention:
    """Return ``mention`` extended leftwards over a model code (with the
    brand word before its hyphen: 海鹰-2000型) and over method parts
    joined by dashes (煅烧—镧浸渍—造孔三步法)."""
    if mention.label != TECHNOLOGY:
        return mention
    start = mention.start
    code = _MODEL_CODE.search(text, max(0, start - 16), start)
    if code and code.end() == start and any(char.isalnum() and char.isascii() for char in code.group()):
        start = code.start()
        if text[start] == "-" or (start > 0 and text[start - 1] == "-"):
            hyphen = start if text[start] == "-" else start - 1
            brand = _walk_left(text, tokens, hyphen, hyphen, grammar, resources)
            start = brand if brand < hyphen else hyphen + 1
    # A term of a dash-joined chain (原丝—碳纤维—织物) is one link, not a method.
    in_chain = mention.end < len(text) and text[mention.end] in _DASHES
    while start > 1 and text[start - 1] in _DASHES and not in_chain and mention.rule != "lexicon":
        part = _walk_left(text, tokens, start - 1, start - 1, grammar, resources)
        if part >= start - 1 or not re.search(f"[{CJK}]", text[part : start - 1]):
            break
        start = part
    if start == mention.start:
        return mention
    name = text[start : mention.end]
    return Mention(TECHNOLOGY, start, mention.end, name, name, rule=mention.rule)


# --- reading a phrase leftwards -------------------------------------------


def _visible_length(name: str) -> int:
    return len(_LATIN_RUN.sub("AA", name))


def _ends_phrase(word: str, tag: str | None, grammar: Grammar, resources: Resources) -> bool:
    """Decide whether the token ``word`` ends a name read leftwards."""
    if word in grammar.boundaries or word.endswith(_ORG_ENDINGS) or word in resources.org_suffix_kinds:
        return True
    if len(word) >= 2 and word.endswith(("的", "了")):
        return True  # jieba keeps some words ending in 的 or 了 whole
    if len(word) >= 4 and word[-2:] in grammar.boundaries and word[:-2] in _ADVERBS:
        return True
    if _DIGITS.fullmatch(word):
        return True
    if resources.place_prefix is not None and resources.place_prefix.fullmatch(word):
        return True  # 莱州市 in a flattened table row before the product
    tag = tag or ""
    if word in _NAME_NUMERALS or word in _NAME_MEASURES:
        return False
    if tag == "f" and len(word) == 1:
        return True  # 上, 中, 内: a locality word after a noun
    return tag.startswith(_STOP_TAGS)


def _walk_left(text: str, tokens: TokenTable, position: int, end: int, grammar: Grammar, resources: Resources) -> int:
    """Return where the name ending at ``end`` starts, reading tokens left of ``position``.

    Two verbs joined by 与 or 和 share the head (采集与附着技术), so the
    walk crosses such a conjunction.
    """
    covering = tokens.covering
    starts = tokens.starts
    words = tokens.words
    while position > 0:
        if not _NAME_CHAR.match(text[position - 1]):
            break
        index = covering[position - 1]
        word = words[index]
        token_start = starts[index]
        if word in _CONJUNCTIONS and word != "、":
            if _joins_verbs(tokens, index, position) and token_start > 0:
                position = token_start
                continue
            break
        tag = tokens.tag(index)
        if _ends_phrase(word, tag, grammar, resources):
            break
        if (tag or "").startswith("v") and word not in grammar.name_verbs and _starts_term(text, position, resources):
            break  # 专攻碳纤维: the verb takes the term as its object
        if _visible_length(text[token_start:end]) > MAX_NAME:
            break
        position = token_start
    return position


def _starts_term(text: str, position: int, resources: Resources) -> bool:
    """Check that a technology term of the lexicon starts at ``position``."""
    for length in range(2, 9):
        if text[position : position + length] in resources.tech_terms:
            return True
    return False


def _joins_verbs(tokens: TokenTable, index: int, position: int) -> bool:
    """Check that the conjunction at token ``index`` joins two verbs."""
    if index == 0 or index + 1 >= len(tokens) or tokens.starts[index + 1] != position:
        return False
    before, after = tokens.tag(index - 1) or "", tokens.tag(index + 1) or ""
    return before.startswith("v") and after.startswith("v")


def _strip_leading(text: str, tokens: TokenTable, start: int, limit: int, grammar: Grammar) -> int:
    """Drop sentence verbs at the start of a name (提升养殖装备 → 养殖装备)."""
    covering = tokens.covering
    while start < limit:
        index = covering[start]
        if tokens.starts[index] != start or tokens.ends[index] > limit:
            break
        word = tokens.words[index]
        if tokens.tag(index) != "v" or word in grammar.name_verbs or word.endswith(grammar.process_endings):
            break
        start = tokens.ends[index]
    return start


def _core_words(tokens: TokenTable, start: int, end: int) -> list[str]:
    """Return the token texts inside [start, end), clipped to the span."""
    covering = tokens.covering
    words = []
    position = start
    while position < end:
        index = covering[position]
        token_end = min(tokens.ends[index], end)
        if token_end <= position:
            break
        words.append(tokens.text[position:token_end])
        position = token_end
    return words


def _specific(name: str, core: str, head: str, tokens: TokenTable, start: int, grammar: Grammar, resources: Resources) -> bool:
    """Check that a head phrase names one thing, not a kind (大型科研设备, 相关技术)."""
    if not core or name in resources.tech_generic or core in resources.tech_generic:
        return False
    if name.endswith(grammar.vague_endings) or not 3 <= _visible_length(name) <= MAX_NAME:
        return False
    words = _core_words(tokens, start, start + len(core))
    if all(word in grammar.generic_modifiers for word in words):
        return False
    if head in grammar.weak_heads and sum(word not in grammar.generic_modifiers for word in words) < 3:
        return False
    if _single_dictionary_word(tokens, start, start + len(name), resources):
        return False  # 叶黄素, 多肽: an everyday word
    if len(words) == 1 and len(core) <= 2 and head not in grammar.substance_heads:
        # One everyday word before the head names a kind: 陶瓷纤维.
        return resources.word_tags.get(core) is None
    return True


def _single_dictionary_word(tokens: TokenTable, start: int, end: int, resources: Resources) -> bool:
    index = tokens.index_at_start.get(start)
    return index is not None and tokens.ends[index] == end and tokens.tag(index) is not None


# --- head phrases ------------------------------------------------------------


def _head_at_token_end(text: str, tokens: TokenTable, start: int, end: int, head: str, grammar: Grammar) -> bool:
    """Check that a head match ends a token and is not itself a modifier (技术骨干)."""
    index_at_end = tokens.index_at_end
    if end not in index_at_end and end < len(text) and _NAME_CHAR.match(text[end]):
        return False
    if len(head) == 1:
        token = tokens.words[tokens.covering[start]]
        if token != head and not (len(token) >= 3 and token.endswith(head)):
            return False
    following = tokens.index_at_start.get(end)
    return following is None or tokens.words[following] not in grammar.head_modifier_of


_SUFFIX_SETS: dict[int, frozenset[str]] = {}


def _suffix_set(resources: Resources) -> frozenset[str]:
    suffixes = _SUFFIX_SETS.get(id(resources))
    if suffixes is None:
        suffixes = _SUFFIX_SETS[id(resources)] = frozenset(resources.tech_suffixes)
    return suffixes


def _head_phrases(
    text: str, tokens: TokenTable, grammar: Grammar, resources: Resources, suffix_ends: set[int]
) -> list[Mention]:
    """Names ending in a head word. A head that is also a suffix of the
    older rule only re-reads the start of a name that rule found, which
    ends at one of ``suffix_ends``."""
    mentions = []
    starts = tokens.starts
    covering = tokens.covering
    suffixes = _suffix_set(resources)
    for head_start, end, head in grammar.heads.finditer(text):
        if head in suffixes and end not in suffix_ends:
            continue
        if not _head_at_token_end(text, tokens, head_start, end, head, grammar):
            continue
        position = min(head_start, starts[covering[head_start]])
        start = _walk_left(text, tokens, position, end, grammar, resources)
        start = _strip_leading(text, tokens, start, head_start, grammar)
        name = text[start:end]
        core = text[start:head_start]
        if not _specific(name, core, head, tokens, start, grammar, resources):
            continue
        if head in grammar.substance_heads:
            # 海带寡糖改性: a process on a substance is a method.
            following = tokens.index_at_start.get(end)
            if following is not None and tokens.words[following] in grammar.process_endings:
                end = tokens.ends[following]
                name = text[start:end]
        mentions.append(Mention(TECHNOLOGY, start, end, name, name, rule="grammar"))
        left = _left_conjunct(text, tokens, start, grammar, resources)
        if left is not None:
            mentions.append(left)
    return mentions


def _method_name(
    text: str, tokens: TokenTable, start: int, end: int, grammar: Grammar, resources: Resources
) -> bool:
    """Check that text[start:end] is a method ending in a process verb (裙带菜多酚提取).

    The method starts with the thing it works on, a noun or an unknown
    word, not with a verb or adverb of the sentence (送进冷冻加工).
    """
    name = text[start:end]
    if not name.endswith(grammar.process_endings) or name in resources.tech_generic:
        return False
    first = tokens.index_at_start.get(start)
    if first is None or (tokens.tag(first) or "n").startswith(("v", "d", "a")):
        return False
    if not 4 <= _visible_length(name) <= MAX_NAME:
        return False
    return all(_NAME_CHAR.match(char) for char in name)


def _left_conjunct(text: str, tokens: TokenTable, start: int, grammar: Grammar, resources: Resources) -> Mention | None:
    """A method joined to a named technology: 藻场生态修复与水质监测浮标."""
    if start < 2 or text[start - 1] not in "与和及、":
        return None
    end = start - 1
    left = _walk_left(text, tokens, end, end, grammar, resources)
    left = _strip_leading(text, tokens, left, end, grammar)
    if left >= end or not _method_name(text, tokens, left, end, grammar, resources):
        return None
    name = text[left:end]
    return Mention(TECHNOLOGY, left, end, name, name, rule="grammar")


def _carried_methods(text: str, tokens: TokenTable, grammar: Grammar, resources: Resources) -> list[Mention]:
    """Methods named by what follows them: 酶解提取生产线, 燃油动力改装业务."""
    mentions = []
    for carrier_start, _, _ in grammar.carriers.finditer(text):
        if carrier_start not in tokens.index_at_end:
            continue
        start = _walk_left(text, tokens, carrier_start, carrier_start, grammar, resources)
        start = _strip_leading(text, tokens, start, carrier_start, grammar)
        if len(_core_words(tokens, start, carrier_start)) < 3:
            continue
        if _method_name(text, tokens, start, carrier_start, grammar, resources):
            name = text[start:carrier_start]
            mentions.append(Mention(TECHNOLOGY, start, carrier_start, name, name, rule="grammar"))
    return mentions


# --- lists after a trigger ---------------------------------------------------


def _trigger_lists(text: str, tokens: TokenTable, grammar: Grammar, resources: Resources) -> list[Mention]:
    """Method names in a list after a trigger: 主要从事海珍品筏式养殖、贝藻套养.

    Items that end in a head word are found by :func:`_head_phrases`; this
    adds the items that end in a process verb.
    """
    mentions = []
    index_at_start = tokens.index_at_start
    for _, trigger_end, _ in grammar.triggers.finditer(text):
        index = index_at_start.get(trigger_end)
        if index is None:
            continue
        limit = _LIST_END.search(text, trigger_end)
        clause_end = limit.start() if limit else len(text)
        items = []
        item_start = trigger_end
        while index < len(tokens) and tokens.starts[index] < clause_end:
            word = tokens.words[index]
            if word in _ITEM_SEPARATORS:
                items.append((item_start, tokens.starts[index]))
                item_start = tokens.ends[index]
            elif word in grammar.field_words:
                items = []  # 从事鲆鲽类遗传育种研究: a research field
                break
            elif _ends_phrase(word, tokens.tag(index), grammar, resources) and word not in _NAME_NUMERALS:
                # 的研发, 两个方向, 二十年: the list ends here.
                items.append((item_start, tokens.starts[index]))
                break
            index += 1
        else:
            items.append((item_start, min(clause_end, len(text))))
        for start, end in items:
            _add_list_item(text, tokens, start, end, grammar, resources, mentions)
    return mentions


def _add_list_item(
    text: str, tokens: TokenTable, start: int, end: int, grammar: Grammar, resources: Resources, mentions: list[Mention]
) -> None:
    if start < end and _method_name(text, tokens, start, end, grammar, resources):
        name = text[start:end]
        mentions.append(Mention(TECHNOLOGY, start, end, name, name, rule="grammar"))


# --- quoted names --------------------------------------------------------------


def _quoted_names(text: str, grammar: Grammar) -> list[Mention]:
    """Quoted variety and product names: 新品种“海优2号”, “低温冷榨提取鱼油”工艺."""
    if not any(quote in text for quote in _QUOTE_OPEN):
        return []
    mentions = []
    for match in grammar.quoted_name_after_kind.finditer(text):
        name = match.group(1)
        if not re.search(r"[0-9一二三四五六七八九十]号|[0-9]", name):
            continue
        mentions.append(Mention(TECHNOLOGY, match.start(1), match.end(1), name, name, rule="quoted"))
    for match in grammar.quoted_name_before_head.finditer(text):
        name = match.group(1)
        mentions.append(Mention(TECHNOLOGY, match.start(1), match.end(1), name, name, rule="quoted"))
    return mentions


# --- checks on the older rules' names ------------------------------------------------


def _classification_code(text: str, mention: Mention) -> bool:
    """Check that a code is a library classification or article code (中图分类号：P745)."""
    if _DECIMAL_AFTER.match(text, mention.end):
        return True
    labels = [match.end() for match in _CODE_LABEL.finditer(text, 0, mention.start)]
    if not labels:
        return False
    return _CODE_FIELD.fullmatch(text, labels[-1], mention.start) is not None


def _generic_suffix_name(tokens: TokenTable, mention: Mention, grammar: Grammar, resources: Resources) -> bool:
    """Check that the words before a suffix are all generic (大型科研设备)."""
    suffix = next((suffix for suffix in resources.tech_suffixes if mention.surface.endswith(suffix)), "")
    core_end = mention.end - len(suffix)
    if not suffix or core_end <= mention.start:
        return False
    return all(word in grammar.generic_modifiers for word in _core_words(tokens, mention.start, core_end))


def _ending_head(name: str, grammar: Grammar) -> str:
    """Return the longest head word that ends ``name``, or ""."""
    for length in range(min(5, len(name)), 0, -1):
        if name[-length:] in grammar.head_words:
            return name[-length:]
    return ""


def _trim(text: str, tokens: TokenTable, mention: Mention, grammar: Grammar, resources: Resources) -> Mention | None:
    """Cut a name at the last boundary word inside it (重心转向海带基纤维材料).

    Return the mention, a shortened copy, or None when what remains is
    generic.
    """
    covering = tokens.covering
    cut = None
    position = mention.start
    while position < mention.end:
        index = covering[position]
        token_end = tokens.ends[index]
        if token_end <= position:
            break
        if token_end < mention.end and tokens.starts[index] >= mention.start:
            word = tokens.words[index]
            if word in grammar.boundaries and word not in _CONJUNCTIONS and word not in resources.tech_terms:
                cut = token_end
        position = token_end
    if cut is None:
        return mention
    name = text[cut : mention.end]
    if name in resources.tech_generic or _visible_length(name) < 3:
        return None
    head = _ending_head(name, grammar)
    if not _specific(name, name[: len(name) - len(head)], head, tokens, cut, grammar, resources):
        return None
    return Mention(TECHNOLOGY, cut, mention.end, name, name, rule=mention.rule)

