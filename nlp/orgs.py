"""Organisation names by suffix grammar, gazetteer and coordination.

A name is found from its end: a suffix such as 有限公司, 研究院 or 局,
then the words to its left while they can belong to a name. The walk
stops at punctuation, at a trigger word (依托, 推进, 在 ...), at a
function word or verb by its part-of-speech tag, or at a title. A place
or campus qualifier in brackets, 山东大学（威海）, belongs to the name; a
year range, （2021—2025年）, does not.
"""

from __future__ import annotations

import re

from bluecarbon.model import DEPARTMENT, FIRM, INSTITUTE
from nlp.candidates import Mention, Token
from nlp.normalize import CJK
from nlp.resources import Resources

MAX_NAME = 34
_NAME_CHAR = re.compile(f"[{CJK}A-Za-z0-9·]")
_QUALIFIER = re.compile(f"（([{CJK}]{{2,6}})）")
# Tags that end a name when met on the way left (jieba's tag set).
_STOP_TAGS = ("v", "vd", "d", "ad", "p", "c", "u", "r", "m", "q", "t", "i", "l", "y", "e", "o", "f", "z", "zg", "uj", "ul", "ud", "ug", "uv", "uz")
_CONJUNCTIONS = {"与", "和", "暨"}
# Sub-units whose parent is named in front of them (中国海洋大学经济学院).
_SUB_UNIT = re.compile(r"(学院|分院|研究所|所|系|分校|分公司|分行|支行|中心)$")
_PARENT_SUFFIX = re.compile(r"(大学|研究院|科学院|集团|公司|银行|研究所)$")
_GOVERNMENT = re.compile(r"(政府|人民银行|委员会|党委|市委|省委|县委|区委|指挥部|管委|局|厅|海关)")
_LEGAL_SUFFIX = re.compile(
    r"(集团股份有限公司|集团有限公司|股份有限公司|有限责任公司|有限公司|公司)$"
)
_COORDINATED_STATION = re.compile(
    f"((?:[{CJK}]{{2,3}}、)+)([{CJK}]{{2,3}})(院士|教授|专家)(工作站|实验室|工作室)"
)


def _suffix_pattern(resources: Resources) -> re.Pattern:
    alternatives = "|".join(re.escape(suffix) for suffix, _ in resources.org_suffixes)
    return re.compile(f"(?:{alternatives})")


_PATTERN_CACHE: dict[int, re.Pattern] = {}


def find_organisations(text: str, tokens: list[Token], resources: Resources) -> list[Mention]:
    """Return organisation mentions in one paragraph."""
    pattern = _PATTERN_CACHE.get(id(resources))
    if pattern is None:
        pattern = _PATTERN_CACHE[id(resources)] = _suffix_pattern(resources)
    suffix_kind = dict(resources.org_suffixes)
    starts = {token.start: index for index, token in enumerate(tokens)}
    ends = {token.end: index for index, token in enumerate(tokens)}
    covering = _covering_index(tokens, len(text))

    mentions: list[Mention] = []
    for match in pattern.finditer(text):
        suffix = match.group()
        start, end = match.span()
        if not _suffix_is_word(text, tokens, covering, starts, ends, start, end, resources):
            continue
        end = _extend_qualifier(text, end, resources)
        name_start = _walk_left(text, tokens, covering, start, resources)
        name_start = _strip_leading(text, tokens, starts, name_start, start, resources)
        if name_start >= start:
            continue
        name = text[name_start:end]
        if not _acceptable(name, suffix, text[name_start:start], resources, tokens, starts):
            continue
        kind = _classify(name, suffix, suffix_kind[suffix])
        mention = Mention(kind, name_start, end, name, name, rule="suffix")
        if _is_short_form(text, name_start, name):
            mention.short_form = "province" if name.startswith("省") else "city"
        mentions.append(mention)
    mentions.extend(_coordinated_stations(text, resources))
    mentions.extend(_gazetteer_mentions(text, tokens, starts, ends, resources))
    return _resolve_nesting(mentions)


def _covering_index(tokens: list[Token], length: int) -> list[int]:
    covering = [0] * (length + 1)
    for index, token in enumerate(tokens):
        for position in range(token.start, token.end):
            covering[position] = index
    return covering


def _suffix_is_word(text, tokens, covering, starts, ends, start, end, resources) -> bool:
    """Check that the suffix is a word of its own, not part of 布局 or 大学生."""
    if end not in ends:
        token = tokens[covering[end - 1]] if end - 1 < len(covering) else None
        if token is None or token.end != end:
            return False
    if start in starts:
        return True
    token = tokens[covering[start]]
    if token.end != end:
        return False
    return token.text not in resources.not_org_words


def _extend_qualifier(text: str, end: int, resources: Resources) -> int:
    match = _QUALIFIER.match(text, end)
    if match and _is_place_qualifier(match.group(1), resources):
        return match.end()
    return end


def _is_place_qualifier(content: str, resources: Resources) -> bool:
    if content in resources.places or content[:-1] in resources.places:
        return True
    return content.endswith(("市", "区", "县", "校区", "分校"))


def _walk_left(text: str, tokens: list[Token], covering: list[int], start: int, resources: Resources) -> int:
    """Return where the name ending at ``start`` begins."""
    position = start
    collected = 0
    while position > 0 and start - position < MAX_NAME:
        before = text[position - 1]
        if before == "）":
            opening = text.rfind("（", max(0, position - 9), position)
            if opening >= 0 and _is_place_qualifier(text[opening + 1 : position - 1], resources):
                position = opening
                continue
            break
        if not _NAME_CHAR.match(before):
            break
        token = tokens[covering[position - 1]]
        word_start = token.start
        word = text[word_start:position]
        if not all(_NAME_CHAR.match(char) for char in word):
            break
        if word in resources.titles or word in ("委员", "党委委员", "党组成员", "党组书记"):
            break
        tag = resources.word_tags.get(word)
        if word in resources.triggers and collected:
            break
        if word in _CONJUNCTIONS:
            if _ends_with_entity(text, word_start, resources) or not collected:
                break
        elif tag and tag.startswith(_STOP_TAGS) and word not in resources.in_name_verbs:
            if tag[0] == "v" and not collected and tag != "vd":
                pass  # 建设局, 发展改革委: a verb right before the suffix
            elif tag == "m" and word.isdigit():
                pass
            else:
                break
        position = word_start
        collected += 1
    return position


def _ends_with_entity(text: str, position: int, resources: Resources) -> bool:
    head = text[max(0, position - 8) : position]
    for suffix, _ in resources.org_suffixes:
        if len(suffix) >= 2 and head.endswith(suffix):
            return True
    return False


def _strip_leading(text, tokens, starts, name_start, suffix_start, resources) -> int:
    """Drop words at the front that cannot open a name (建设, 推进 ...)."""
    position = name_start
    while position < suffix_start and position in starts:
        token = tokens[starts[position]]
        if token.end >= suffix_start:
            break
        word = token.text
        if word in resources.triggers or (
            (resources.word_tags.get(word) or "").startswith(("v", "d", "p", "c", "u", "r", "m"))
            and word not in resources.in_name_verbs
            and not word.isdigit()
        ):
            position = token.end
            continue
        if word in ("国家级", "省级", "市级") and token.end < suffix_start:
            break
        break
    return position


def _core(name: str, suffix: str, resources: Resources) -> str:
    core = name[: len(name) - len(suffix)] if name.endswith(suffix) else name
    core = re.sub(r"（[^（）]*）", "", core)
    for place in sorted(resources.places, key=len, reverse=True):
        for form in (place + "市", place + "区", place + "县", place):
            if core.startswith(form) and len(core) > len(form):
                return core[len(form) :]
    return core.lstrip("省市县区")


def _acceptable(name, suffix, before_suffix, resources, tokens, starts) -> bool:
    if name in resources.not_org_words or len(name) < 3:
        return False
    core = _core(name, suffix, resources)
    if not core or core in resources.generic_cores:
        return False
    if len(core) == 1 and not name.startswith(("市", "省")) and suffix not in ("局", "委", "厅", "办"):
        return False
    if core.isdigit():
        return False
    # A core that is one everyday word (养殖公司, 投资集团) names no one.
    tag = resources.word_tags.get(core)
    if tag and tag[0] in "nvad" and tag not in ("nr", "ns", "nt", "nz", "nrt", "nrfg") and len(core) <= 3:
        if not name.startswith(("市", "省")) and suffix not in ("局", "厅", "委", "政府", "海关"):
            return False
    if suffix in ("委", "部", "厅", "局") and len(name) <= 2:
        return False
    if suffix == "办公室" and not _GOVERNMENT.search(name) and len(core) < 4:
        return False
    if suffix in ("新闻办", "外办") and not name.startswith(("市", "省")) and not any(
        name.startswith(place) for place in resources.places
    ):
        return False
    return True


def _classify(name: str, suffix: str, kind: str) -> str:
    if "人民银行" in name or "银保监" in name or "金融监管" in name or "证监" in name:
        return DEPARTMENT
    if suffix == "办公室":
        return DEPARTMENT if _GOVERNMENT.search(name[: -len(suffix)]) or name.startswith(("市", "省")) else INSTITUTE
    if suffix in ("委员会",) and not _GOVERNMENT.search(name[: -len(suffix)]) and not name.startswith(("市", "省", "县", "区")):
        return INSTITUTE if "专门" in name or "学术" in name or "专家" in name else DEPARTMENT
    if kind == INSTITUTE and suffix == "中心" and name.startswith(("市", "省", "县", "区")) and "研究" not in name:
        return DEPARTMENT
    if kind == INSTITUTE and suffix == "中心" and ("政务" in name or "公共资源交易" in name):
        return DEPARTMENT
    if kind == FIRM and suffix in ("分行", "支行") and "人民银行" in name:
        return DEPARTMENT
    if kind == INSTITUTE and ("院士工作站" in name or "专家工作站" in name):
        return INSTITUTE
    if suffix == "科协":
        return INSTITUTE
    return kind


def _is_short_form(text: str, start: int, name: str) -> bool:
    """A bare 市X局 or 省X厅: the city or province is implied."""
    if not name.startswith(("市", "省")) or name.startswith(("市场", "省级", "市级")):
        return False
    before = text[start - 1] if start > 0 else ""
    return not (before and re.match(f"[{CJK}]", before) and before not in "、和与及暨的在由对向经")


def _coordinated_stations(text: str, resources: Resources) -> list[Mention]:
    """Split 唐启升、焦念志院士工作站 into one workstation per name."""
    mentions = []
    for match in _COORDINATED_STATION.finditer(text):
        names_part = match.group(1)
        title, kind = match.group(3), match.group(4)
        for name in names_part.split("、")[:-1]:
            if name and name[0] in resources.surnames:
                full = f"{name}{title}{kind}"
                surface = match.group()
                mentions.append(
                    Mention(INSTITUTE, match.start(), match.end(), surface, full, rule="coordination")
                )
    return mentions


def _gazetteer_mentions(text, tokens, starts, ends, resources) -> list[Mention]:
    """Known organisations and abbreviations (哈工大, 中科院), with qualifiers."""
    mentions = []
    for index, token in enumerate(tokens):
        entry = resources.gazetteer.get(token.text)
        if entry is None:
            continue
        kind, canonical = entry
        end = _extend_qualifier(text, token.end, resources)
        surface = text[token.start : end]
        qualifier = surface[len(token.text) :]
        name = canonical + qualifier
        aliases = [surface] if surface != name else []
        mentions.append(Mention(kind, token.start, end, surface, name, aliases=aliases, rule="gazetteer"))
    return mentions


def _resolve_nesting(mentions: list[Mention]) -> list[Mention]:
    """Keep the longest of overlapping names, except parents of sub-units."""
    mentions.sort(key=lambda item: (item.start, -(item.end - item.start)))
    kept: list[Mention] = []
    for mention in mentions:
        container = next(
            (
                other
                for other in kept
                if other.start <= mention.start
                and mention.end <= other.end
                and (other.start, other.end) != (mention.start, mention.end)
            ),
            None,
        )
        if container is not None:
            if container.start == mention.start and _is_parent(mention, container):
                container.part_of.append(mention.name)
                kept.append(mention)
            elif container.start == mention.start and container.label == mention.label:
                # 长沙矿冶研究院有限责任公司 also answers to 长沙矿冶研究院.
                if _LEGAL_SUFFIX.search(container.name) and mention.surface not in container.aliases:
                    container.aliases.append(mention.surface)
            elif container.rule == "coordination":
                kept.append(mention)
            continue
        overlapping = next(
            (other for other in kept if other.start < mention.end and mention.start < other.end),
            None,
        )
        if overlapping is not None and mention.rule != "coordination":
            if overlapping.rule == "coordination":
                kept.append(mention)
            continue
        if any(
            (other.start, other.end, other.name) == (mention.start, mention.end, mention.name)
            for other in kept
        ):
            continue
        kept.append(mention)
    return kept


def _is_parent(inner: Mention, outer: Mention) -> bool:
    rest = outer.name[len(inner.surface) :]
    return bool(_PARENT_SUFFIX.search(inner.surface)) and bool(_SUB_UNIT.search(rest)) and len(rest) >= 2
