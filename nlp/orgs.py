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
from nlp.candidates import Mention, Token, TokenTable
from nlp.matching import TermIndex, is_subsequence
from nlp.normalize import CJK
from nlp.orgcues import (
    EXTRA_SUFFIXES,
    LEFT_STOP_WORDS,
    adjust_kind,
    branch_mentions,
    extend_over_nominal_verb,
    extend_split_place,
    is_false_numeral,
)
from nlp.resources import Resources

MAX_NAME = 34
_NAME_CHAR = re.compile(f"[{CJK}A-Za-z0-9·]")
_NAME_WORD = re.compile(f"[{CJK}A-Za-z0-9·]*")
_QUALIFIER = re.compile(f"（([{CJK}]{{2,6}})）")
# Tags that end a name when met on the way left (jieba's tag set).
# Verbs do not end a name: names contain them (…技术开发有限公司), and the
# verbs that introduce a name are listed as trigger words instead.
_STOP_TAGS = ("d", "ad", "p", "c", "u", "r", "m", "q", "i", "y", "e", "o")
_SINGLE_STOP_TAGS = ("f", "t")
# An out-of-vocabulary token that starts with one of these (由省, 以好当家)
# has a function word glued to the front of a name.
_GLUED_FUNCTION = set("由以来在对向为被把将从与和及经据交于给让跟同是的了这那该")
_CONJUNCTIONS = {"与", "和", "暨"}
# Measure words that count organisations (12家, 3个, 5所).
_MEASURE_WORDS = set("个家处所座项批")
# A grade of recognition names a category (市级工程技术研究中心), because a
# named institution starts with its owner or place.
_GRADES = ("国家级", "省级", "市级", "县级", "区级")
# Endings of an organisation that may precede a place inside a longer
# name: 人民银行威海市中心支行, 农业银行威海市分行.
_ORG_END = re.compile(r"(银行|集团|公司|大学|研究院|科学院|部|局|委|厅|会)$")
_PARTY_COMMITTEES = {"市委", "省委", "县委", "区委", "党委"}
# Facility names that end the left part of "A和B": 产业园和…研究院.
_FACILITY_ENDS = ("产业园", "园区", "科技园", "开发区", "新区", "湾区", "基地", "平台", "港", "城")
# Sub-units whose parent is named in front of them (中国海洋大学经济学院).
_SUB_UNIT = re.compile(r"(学院|分院|研究所|所|系|分校|分公司|分行|支行|中心)$")
_PARENT_SUFFIX = re.compile(r"(大学|研究院|科学院|集团|公司|银行|研究所)$")
_GOVERNMENT = re.compile(r"(政府|人民银行|委员会|党委|市委|省委|县委|区委|指挥部|管委|局|厅|海关)")
_LEGAL_SUFFIX = re.compile(
    r"(集团股份有限公司|集团有限公司|股份有限公司|有限责任公司|有限公司|公司)$"
)
_COUNTED = re.compile(r"\d+\s*(个|家|处|所|座)")
_BRACKETED = re.compile(r"（[^（）]*）")
_CJK_2_TO_4 = re.compile(f"[{CJK}]{{2,4}}")
_DIGIT = re.compile(r"\d")
_MEDIA_TAILS = ("报", "网", "杂志", "保险报", "日报", "晚报", "出版社", "学报", "电视台")
_COORDINATED_STATION = re.compile(
    f"((?:[{CJK}]{{2,3}}、)+)([{CJK}]{{2,3}})(院士|教授|专家)(工作站|实验室|工作室)"
)


_INDEX_CACHE: dict[int, TermIndex] = {}
_SUFFIX_KINDS: dict[int, dict[str, str]] = {}


def _suffix_kinds(resources: Resources) -> dict[str, str]:
    kinds = _SUFFIX_KINDS.get(id(resources))
    if kinds is None:
        kinds = _SUFFIX_KINDS[id(resources)] = {**EXTRA_SUFFIXES, **resources.org_suffix_kinds}
    return kinds


def find_organisations(text: str, tokens: TokenTable, resources: Resources) -> list[Mention]:
    """Return organisation mentions in one paragraph."""
    index = _INDEX_CACHE.get(id(resources))
    if index is None:
        suffixes = [suffix for suffix, _ in resources.org_suffixes] + list(EXTRA_SUFFIXES)
        index = _INDEX_CACHE[id(resources)] = TermIndex(suffixes)
    suffix_kind = _suffix_kinds(resources)
    starts = tokens.index_at_start
    ends = tokens.index_at_end
    covering = tokens.covering

    mentions: list[Mention] = []
    for start, end, suffix in index.finditer(text):
        if not _suffix_is_word(text, tokens, covering, starts, ends, start, end, resources):
            continue
        suffix_end = end
        end = _extend_qualifier(text, end, resources, places_only=suffix.endswith("公司"))
        name_start = _walk_left(text, tokens, covering, start, resources)
        name_start = _strip_leading(text, tokens, starts, name_start, start, resources)
        name_start = extend_over_nominal_verb(text, tokens, name_start, start, resources)
        name_start = extend_split_place(text, name_start, resources)
        name_start = _after_joined_place(text, name_start, start, resources)
        name_start = _after_verb_before_city(text, name_start, start)
        if end > suffix_end and _short_name_in_brackets(text[suffix_end + 1 : end - 1], text[name_start:suffix_end], resources):
            end = suffix_end
        while name_start < start and (text[name_start].isdigit() or text[name_start] in "·-"):
            name_start += 1  # heading numbers glued to a name: 1青岛市…
        if name_start >= start:
            continue
        name = text[name_start:end]
        if text.startswith(_MEDIA_TAILS, end) or _COUNTED.match(text, end):
            continue  # 中国银行保险报; 示范基地9个 counts a category
        if not _acceptable(name, suffix, text[name_start:start], resources, tokens, starts):
            continue
        kind = adjust_kind(name, _classify(name, suffix, suffix_kind[suffix]), text[max(0, name_start - 4) : name_start], resources)
        if kind is None:
            continue
        mention = Mention(kind, name_start, end, name, name, rule="suffix")
        if is_short_form(text, name_start, name, resources):
            mention.short_form = "province" if name.startswith("省") else "city"
        elif name.startswith(("市", "省")) and not name.startswith(("市场", "省级", "市级")):
            continue  # a fragment such as 市人民政府 cut from 各区市人民政府
        mentions.append(mention)
    mentions.extend(branch_mentions(text, mentions, resources))
    mentions = _expand_shared_heads(text, mentions, resources)
    mentions.extend(_institute_sections(text, resources))
    mentions.extend(_coordinated_stations(text, resources))
    mentions.extend(_gazetteer_mentions(text, tokens, starts, ends, resources))
    mentions = _resolve_nesting(mentions)
    mentions.extend(_enumerated_firms(text, tokens, covering, mentions, resources))
    return mentions


def _expand_shared_heads(text: str, mentions: list[Mention], resources: Resources) -> list[Mention]:
    """Expand 建设A、B、C等X观测站 into the stations AX, BX and CX.

    The shared head X alone names no station, so it is dropped."""
    result = []
    for mention in mentions:
        start = mention.start
        if mention.label != INSTITUTE or start == 0 or text[start - 1] != "等":
            result.append(mention)
            continue
        clause_start = max(text.rfind(mark, 0, start) for mark in "，。；;：:,\n（）“”") + 1
        items = text[clause_start : start - 1].split("、")
        if len(items) < 2 or not all(_is_modifier(item, resources) for item in items[1:]):
            result.append(mention)
            continue
        first = items[0]
        # The first item follows the verb of the clause: keep its last part.
        first = re.sub(r"^.*?(?:建设|建立|布设|设立|推进|依托|包括|在)", "", first)
        first = re.sub(r"^(?:市区|城区|全市|全省|沿海|各地)", "", first)
        items[0] = first
        position = start - 1 - sum(len(item) + 1 for item in items[1:])
        begin = position - len(first)
        for item in items:
            if _is_modifier(item, resources):
                name = item + mention.name
                result.append(Mention(INSTITUTE, begin, mention.end, text[begin : mention.end], name, rule="coordination"))
    return result


def _is_modifier(item: str, resources: Resources) -> bool:
    """Tell whether ITEM is a short modifier such as 桑沟湾大型藻类 rather
    than a name of its own."""
    if not 2 <= len(item) <= 10 or not re.fullmatch(f"[{CJK}]+", item):
        return False
    return not any(item.endswith(suffix) for suffix, _ in resources.org_suffixes if len(suffix) >= 2)


_FIRM_LIST = re.compile(r"等(?:龙头|骨干|重点)?(企业|公司|单位|集团)")


def _enumerated_firms(text, tokens, covering, mentions, resources) -> list[Mention]:
    """Items of "A、B、C等企业" without a suffix of their own are firms."""
    found = []
    for match in _FIRM_LIST.finditer(text):
        clause_start = max(text.rfind(mark, 0, match.start()) for mark in "，。；;：:,\n（）“”") + 1
        segment = text[clause_start : match.start()]
        if "、" not in segment:
            continue
        position = clause_start
        for index, item in enumerate(segment.split("、")):
            start, end = position, position + len(item)
            position = end + 1
            if index == 0:
                start = _walk_left(text, tokens, covering, end, resources)
                start = _strip_leading(text, tokens, tokens.index_at_start, start, end, resources)
            name = text[start:end]
            if not 2 <= len(name) <= 12 or not re.fullmatch(f"[{CJK}A-Za-z0-9]+", name):
                continue
            if name in resources.places or name in resources.generic_cores:
                continue
            if any(other.start < end and start < other.end for other in mentions):
                continue
            found.append(Mention(FIRM, start, end, name, name, rule="enumeration"))
    return found


def _suffix_is_word(text, tokens, covering, starts, ends, start, end, resources) -> bool:
    """Check that the suffix is a word of its own, not part of 布局 or 大学生."""
    if end not in ends:
        token = tokens[covering[end - 1]] if end - 1 < len(covering) else None
        if token is None:
            return False
        # 商会会长: the segmenter glued a title to the suffix.
        if token.end != end and text[end : token.end] not in resources.titles:
            return False
    if start in starts or end - start >= 4:
        return True
    token = tokens[covering[start]]
    if token.end != end:
        return False
    # Some word of not_org_words longer than the suffix ends the token.
    word = token.text
    not_org_words = resources.not_org_words
    return not any(word[-length:] in not_org_words for length in range(end - start + 1, len(word) + 1))


_JOINERS = "与和及同跟"
# Verbs that send a document to a body: 报市海洋发展局, 送省厅.
_SENDING_VERBS = "报送交呈向经由请至赴"


def _after_verb_before_city(text: str, name_start: int, suffix_start: int) -> int:
    """Return where a name starts when the walk took in a verb glued to a
    bare 市 or 省 (jieba reads 报市 as one word): the name is the city's
    or province's body, 市海洋发展局."""
    for position in range(suffix_start - 1, name_start, -1):
        if text[position] in "市省" and text[position - 1] in _SENDING_VERBS:
            return position
    return name_start


def _after_joined_place(text: str, name_start: int, suffix_start: int, resources: Resources) -> int:
    """Return where a name starts when the walk crossed a conjunction that
    a place follows: in 团队与威海瑞海水产养殖有限公司 the name starts at
    威海, because names start with their place, and the segmenter may
    have split the place (威|海瑞) so that the walk did not stop there."""
    for position in range(suffix_start - 1, name_start - 1, -1):
        if text[position] in _JOINERS and position + 1 < suffix_start:
            following = text[position + 1 : position + 4]
            if any(following[:length] in resources.places for length in (2, 3)):
                return position + 1
    return name_start


def _extend_qualifier(text: str, end: int, resources: Resources, places_only: bool = False) -> int:
    """Extend a name over a place or campus in brackets right after it.

    With ``places_only`` (after a legal form such as 有限公司), only a known
    place qualifies, because a bracket there usually contains the firm's
    short name (…股份有限公司（蓝色海洋）).
    """
    match = _QUALIFIER.match(text, end)
    if match is None:
        return end
    content = match.group(1)
    if places_only:
        # （文登区） or （荣成市） after a legal form annotates where the firm
        # is, as lists do; a bare （威海） is a qualifier of the name.
        if content[-1] in _ADMIN_UNITS:
            return end
        known = content in resources.places or content[:-1] in resources.places
        return match.end() if known else end
    if _is_place_qualifier(content, resources):
        return match.end()
    return end


def _short_name_in_brackets(content: str, name: str, resources: Resources) -> bool:
    """中国海洋大学（海大）: a bracket that is not a place and keeps the
    name's characters in order is its short name, not a campus."""
    if content in resources.places or content[:-1] in resources.places:
        return False
    return is_subsequence(content, name)


_ADMIN_UNITS = "区市县镇乡"
_NOT_QUALIFIERS = {"试行", "草案", "暂行", "修订", "节选", "全文", "附件", "上", "下", "筹", "筹建", "摘要", "简称"}


def _is_place_qualifier(content: str, resources: Resources) -> bool:
    """A campus or place in brackets: （威海）, （青岛）, （岚山）, not （试行）."""
    if content in resources.places or content[:-1] in resources.places:
        return True
    if content in _NOT_QUALIFIERS or any(word in content for word in ("简称", "年", "以下")):
        return False
    return bool(_CJK_2_TO_4.fullmatch(content))


def _walk_left(text: str, tokens: TokenTable, covering: list[int], start: int, resources: Resources) -> int:
    """Return where the name ending at ``start`` begins."""
    position = start
    collected = 0
    reached_place = False
    words, starts = tokens.words, tokens.starts
    gazetteer = resources.gazetteer
    word_info = _word_infos(resources)
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
        index = covering[position - 1]
        word_start = starts[index]
        word = text[word_start:position]
        info = word_info.get(word)
        if info is None:
            info = _word_info(word, resources)
        stop, party, is_place, org_end, conjunction, trigger, in_name_verb, measure, glued, stop_tag, single_stop_tag = info
        if stop:
            break  # not a name word, a title, a number or a date word
        if party and collected:
            break  # 市委市政府 is two bodies
        if collected and _bare_region_start(text, tokens, covering, position) and not is_place:
            break  # only a place name can precede a bare 市…/省…
        if reached_place and not is_place and not org_end and words[index] not in gazetteer:
            break  # a name starts with its place: 访烟台中集…, but 人民银行威海市…
        if conjunction:
            # 工业和信息化局 keeps its 和; 实验室和…中心 is two names.
            if _ends_with_entity(text, word_start, resources) or not collected:
                break
        elif trigger and (collected or not in_name_verb):
            break  # a verb right before the suffix may belong to it: 建设局
        elif measure and word_start > 0 and text[word_start - 1].isdigit():
            break  # 12家为…中心: a count and the verb glued after it
        elif glued and collected:
            position = word_start + 1
            break
        elif stop_tag:
            token = tokens[index]
            if not _single_char_run(text, tokens, covering, token, resources) and not _after_city(
                tokens, covering, token, resources
            ):
                break
        elif single_stop_tag and collected:
            token = tokens[index]
            if not _single_char_run(text, tokens, covering, token, resources) and not _after_city(
                tokens, covering, token, resources
            ):
                break
        position = word_start
        collected += 1
        reached_place = reached_place or is_place
        entry = gazetteer.get(words[index])
        if entry is not None and entry[0] != "place":
            break  # a known organisation heads the name: 中科院海洋大科学中心
    return position


_WORD_INFOS: dict[int, dict[str, tuple]] = {}


def _word_infos(resources: Resources) -> dict[str, tuple]:
    infos = _WORD_INFOS.get(id(resources))
    if infos is None or len(infos) > 200_000:
        infos = _WORD_INFOS[id(resources)] = {}
    return infos


def _word_info(word: str, resources: Resources) -> tuple:
    """Return and cache what :func:`_walk_left` needs to know about ``word``
    apart from its context, in the order that function unpacks it."""
    tag = resources.word_tags.get(word)
    in_name_verb = word in resources.in_name_verbs
    stop = (
        not _NAME_WORD.fullmatch(word)
        or word in resources.titles
        or word in ("委员", "党委委员", "党组成员", "党组书记")
        or word in LEFT_STOP_WORDS
        or word.isdigit()
        or word in ("年", "年度", "月", "日")
    )
    info = (
        stop,
        word in _PARTY_COMMITTEES,
        _is_place_word(word, resources),
        bool(_ORG_END.search(word)),
        word in _CONJUNCTIONS,
        word in resources.triggers,
        in_name_verb,
        tag is None and word[0] in _MEASURE_WORDS,
        tag is None and len(word) >= 2 and word[0] in _GLUED_FUNCTION,
        bool(tag) and tag.startswith(_STOP_TAGS) and not in_name_verb and not is_false_numeral(word, tag),
        bool(tag) and len(word) == 1 and tag.startswith(_SINGLE_STOP_TAGS),
    )
    _word_infos(resources)[word] = info
    return info


def _is_place_word(word: str, resources: Resources) -> bool:
    """威海, 威海市, 山东省, 文登区: a place name, with or without its level."""
    if word in resources.places or word in resources.provinces:
        return True
    stem = word[:-1] if word[-1:] in "市省县区" else None
    return bool(stem) and (stem in resources.places or stem in resources.provinces)


def _single_char_run(text, tokens, covering, token, resources) -> bool:
    """中/集 in 烟台中集来福士: single characters the segmenter could not
    group are part of an unknown name, not function words."""
    if len(token.text) != 1:
        return False
    neighbours = []
    if token.start > 0:
        neighbours.append(tokens[covering[token.start - 1]])
    if token.end < len(text) and text[token.end] != "\n":
        neighbours.append(tokens[covering[token.end]])
    return any(
        len(other.text) == 1
        and bool(_NAME_CHAR.match(other.text))
        and other.text not in resources.triggers
        and not (resources.word_tags.get(other.text) or "").startswith(("p", "c", "u", "r", "d"))
        for other in neighbours
    )


def _after_city(tokens, covering, token, resources) -> bool:
    """泓 in 荣成市泓海水产: a registered firm name runs place, trade name,
    trade, form, so one character right after a city or county name
    belongs to the trade name whatever its tag as a common word."""
    if len(token.text) != 1 or token.start == 0:
        return False
    left = tokens[covering[token.start - 1]]
    return left.text.endswith(("市", "县", "区")) and _is_place_word(left.text, resources)


def _bare_region_start(text, tokens, covering, position) -> bool:
    index = covering[position]
    return tokens.starts[index] == position and tokens.words[index] in ("市", "省", "市委", "省委", "市政府", "省政府")


def _ends_with_entity(text: str, position: int, resources: Resources) -> bool:
    # Look past a place qualifier: 山东大学（威海）与… ends with 大学.
    if position > 0 and text[position - 1] == "）":
        opening = text.rfind("（", max(0, position - 9), position)
        if opening > 0 and _is_place_qualifier(text[opening + 1 : position - 1], resources):
            position = opening
    head = text[max(0, position - 8) : position]
    if head.endswith(_FACILITY_ENDS):
        return True
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
    if "（" in core:
        core = _BRACKETED.sub("", core)
    match = resources.place_prefix.match(core)
    if match:
        return core[match.end() :]
    return core.lstrip("省市县区")


_PLACE_INSTITUTES = {"大学", "学院", "实验室", "国家实验室", "研究院", "研究所", "科学院"}
_PLACE_BODIES = {"银行", "商业银行", "农商银行", "农村商业银行", "海关", "海事局", "电视台", "日报"}
_GOVERNMENT_SUFFIXES = {"人民政府", "政府", "人大常委会", "常委会", "政协", "纪委监委", "管委", "管委会", "委", "外办", "新闻办", "海关", "人民政府办公室", "政府办公室"}


def _acceptable(name, suffix, before_suffix, resources, tokens, starts) -> bool:
    if name in resources.not_org_words or (len(name) < 3 and name not in ("市委", "省委")):
        return False
    if name.startswith(_GRADES) and not suffix_kind_is_department(suffix, resources):
        return False  # 国家级开发区管委 is one body, 省级重点实验室 a category
    if "领域" in name or _DIGIT.search(name) and suffix_kind_is_department(suffix, resources):
        return False
    core = _core(name, suffix, resources)
    if not core:
        # 荣成市政府, 市外办, 省科协, 威海银行: a place, or a bare 市/省,
        # and a suffix that names a body of that place.
        if name.startswith(("市", "省")) and len(name) > len(suffix):
            return True
        if suffix in _PLACE_INSTITUTES and len(name) > len(suffix):
            return True  # 崂山实验室, 烟台大学
        if suffix in ("集团有限公司", "集团股份有限公司"):
            # 石岛集团有限公司: a place without its level (市, 区, 县) can
            # be the trade name of a group under its full legal form.
            place = resources.place_prefix.match(name)
            return place is not None and place.group(2) is None and place.end() + len(suffix) == len(name)
        return suffix in _GOVERNMENT_SUFFIXES or suffix in _PLACE_BODIES and name != suffix
    if suffix in ("政府", "人民政府") and name[-len(suffix) - 1] not in "市省县区镇乡州旗盟":
        return False  # 围绕政府: not a named government
    if core in resources.generic_cores and not suffix_kind_is_department(suffix, resources):
        return False
    if len(core) == 1 and not name.startswith(("市", "省")) and len(suffix) < 2:
        return False
    if core.isdigit():
        return False
    # A core that is one everyday word (养殖公司, 投资集团) names no one.
    tag = resources.word_tags.get(core)
    if tag and tag[0] in "nvad" and tag not in ("nr", "ns", "nt", "nz", "nrt", "nrfg") and len(core) <= 3:
        # 养殖公司, 投资集团: an everyday word names no one, unless a place
        # in front makes it a name (烟台市水产商会).
        has_place = resources.starts_with_place(name)
        if not suffix_kind_is_department(suffix, resources) and not name.startswith(("市", "省")) and not has_place:
            return False
    if suffix in ("委", "部", "厅", "局") and len(name) <= 2:
        return False
    if suffix == "办公室" and not _GOVERNMENT.search(name) and len(core) < 4:
        return False
    if suffix in ("新闻办", "外办") and not name.startswith(("市", "省")) and not resources.starts_with_place(name):
        return False
    return True


def suffix_kind_is_department(suffix: str, resources: Resources) -> bool:
    return resources.org_suffix_kinds.get(suffix) == DEPARTMENT


def _classify(name: str, suffix: str, kind: str) -> str:
    if "人民银行" in name or "银保监" in name or "金融监管" in name or "证监" in name:
        return DEPARTMENT
    if suffix == "办公室":
        return DEPARTMENT if _GOVERNMENT.search(name[: -len(suffix)]) or name.startswith(("市", "省")) else INSTITUTE
    if suffix == "委员会" and ("专门" in name or "学术" in name or "专家" in name or "联合会" in name):
        return INSTITUTE
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


def is_short_form(text: str, start: int, name: str, resources: Resources) -> bool:
    """Tell whether NAME is a bare 市X局 or 省X厅, whose city or province
    the document implies."""
    if not name.startswith(("市", "省")) or name.startswith(("市场", "省级", "市级")):
        return False
    head = text[max(0, start - 4) : start]
    if head.endswith(("区", "县", "各", "地")):
        return False  # 各区市政府, 地市: not one city's body
    return not resources.ends_with_place(head)


_SECTION = re.compile(f"(研究院|科学院|大学)([{CJK}]{{2,4}}所)(?!长|里|内)")


def _institute_sections(text: str, resources: Resources) -> list[Mention]:
    """长沙矿冶研究院海洋所: a section (所) named after its institute."""
    mentions = []
    for match in _SECTION.finditer(text):
        parent_end = match.end(1)
        parent_start = _walk_left_plain(text, match.start(1))
        if parent_start >= match.start(1):
            continue
        name = text[parent_start : match.end()]
        parent = text[parent_start:parent_end]
        mention = Mention(INSTITUTE, parent_start, match.end(), name, name, rule="section")
        mention.part_of.append(parent)
        mentions.append(mention)
    return mentions


def _walk_left_plain(text: str, position: int) -> int:
    start = position
    while start > 0 and position - start < 12 and re.match(f"[{CJK}]", text[start - 1]) and text[start - 1] not in "的和与及在由对向为是":
        start -= 1
    return start


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
    gazetteer = resources.gazetteer
    # Most paragraphs name no known organisation, so a set operation in C
    # checks for one before any word is visited.
    if gazetteer.keys().isdisjoint(tokens.words):
        return mentions
    for index, word in enumerate(tokens.words):
        entry = gazetteer.get(word)
        if entry is None:
            continue
        token = tokens[index]
        kind, canonical = entry
        if text.startswith(_MEDIA_TAILS, token.end):
            continue  # 中国银行保险报 is a newspaper, not the bank
        end = _extend_qualifier(text, token.end, resources)
        if end > token.end and _short_name_in_brackets(text[token.end + 1 : end - 1], canonical, resources):
            end = token.end
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
                if mention.name not in container.part_of:
                    container.part_of.append(mention.name)
                mention.rule = "parent"
                kept.append(mention)
            elif container.start == mention.start and container.label == mention.label:
                # 长沙矿冶研究院有限责任公司 is also called 长沙矿冶研究院.
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
