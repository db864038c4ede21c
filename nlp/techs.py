"""Technologies, products, equipment and materials.

Three sources: the domain lexicon (水下机器人, 碳纤维 ...), names ending
in an equipment or material word (…探测系统, …装置, …合金) read leftwards
like organisation names, and enumerations in a frame such as
"发展A、B、C等…装备", whose items are technologies whatever they end in.
Grade and model codes (T300, M40J) are products too.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from bluecarbon.model import TECHNOLOGY
from nlp.candidates import Mention, TokenTable
from nlp.matching import TermIndex
from nlp.normalize import CJK
from nlp.resources import Resources
from nlp.techgrammar import apply_grammar

MAX_TECH = 16
_NAME_CHAR = re.compile(f"[{CJK}A-Za-z0-9·\\-–]")
_STOP_TAGS = ("vd", "d", "ad", "p", "c", "u", "r", "m", "q", "t", "i", "y", "e", "o", "f", "z")
# Verbs that open the object phrase containing a technology name. Other
# verbs may be part of the name (压载水处理, 质押贷款), so only these end it.
_OPENERS = {
    "发展", "推广", "扩大", "研发", "研制", "生产", "建立", "布设", "引进", "使用", "采用",
    "应用", "安装", "开发", "攻克", "突破", "掌握", "打造", "推动", "加快", "大力发展",
    "重点发展", "积极发展", "探索", "实施", "开展", "建设", "形成", "提供", "包括", "涵盖",
    "拥有", "推出", "发布", "实现", "集中", "加强", "支持", "鼓励", "以", "用", "把", "将",
    "国家级", "省级", "市级", "全省", "全市", "全国", "官网", "特种",
    "对", "在", "为", "是", "与", "和", "及", "或", "等", "的", "了", "各类", "各种", "多种",
    "一批", "新型", "先进", "自主", "一种", "这种", "该", "其", "首款", "装有", "配备",
    "借助", "通过", "依托", "研究", "加速", "促进", "提升", "提高", "优化", "完善",
    "试验", "测试", "巡检", "部署", "投放", "投入", "引入", "购置", "购买", "销售", "出口",
    "进口", "交付", "供应", "采购", "参与", "承担", "涉及", "覆盖", "包含", "具有", "具备",
}
_TECH_VERBS = {
    "处理", "分析", "探测", "观测", "监测", "检测", "清洗", "抓取", "推进", "淡化", "循环",
    "利用", "养殖", "捕获", "拉挤", "耐压", "密封", "防水", "导热", "耐蚀", "综合", "检波",
    "滑翔", "控制", "制造", "建造", "纺丝", "增强", "定位", "导航", "通信", "储能", "发电",
    "脱硫", "压载", "测深", "采矿", "智能", "修复", "育苗", "加工", "回收", "排放",
    "质押", "抵押", "挂钩", "融资", "自适应",
}
_FRAME_HEAD = re.compile(
    r"(?:等|及其他)(?:[^。；;！？!?，,（）]{0,12}?(?:装备|设备|装置|仪器|器材|材料)"
    r"|(?:方向|领域)?的?[^。；;！？!?，,（）]{0,6}?(?:难题|关键技术|核心技术|技术难题|技术攻关)"
    r"|[^。；;！？!?，,（）]{0,4}?(?:工具|软件|数据库))"
)
_CODE = re.compile(
    r"(?<![A-Za-z0-9\-])([A-Z]{1,3}\d{2,5}[A-Z]?)(?![A-Za-z0-9])"
    f"(级[{CJK}]{{0,4}}?(?:碳纤维|纤维|钢|合金|材料))?"
)
# Endings of category names rather than of one product: 海洋生态新材料.
_VAGUE_ENDINGS = ("新材料", "生态系统", "工程材料", "信息系统", "管理系统", "体系")
_GENERIC_TAIL = re.compile(r"(技术|模式|工艺|方法)$")


def find_technologies(text: str, tokens: TokenTable, resources: Resources) -> list[Mention]:
    """Return technology mentions in one paragraph of normalised text."""
    covering = tokens.covering
    mentions: list[Mention] = []
    mentions.extend(_lexicon_terms(text, resources))
    mentions.extend(_suffix_names(text, tokens, covering, resources))
    mentions.extend(_enumerations(text, tokens, covering, resources))
    mentions.extend(_codes(text))
    mentions.extend(_english_products(text))
    mentions.extend(_named_vessels(text))
    mentions.extend(_species_sequences(text))
    mentions = apply_grammar(text, tokens, resources, mentions)
    return _resolve(mentions, resources)


_INDEXES: dict[tuple[int, str], TermIndex] = {}


def _index(resources: Resources, kind: str) -> TermIndex:
    key = (id(resources), kind)
    if key not in _INDEXES:
        terms = resources.tech_terms if kind == "terms" else resources.tech_suffixes
        _INDEXES[key] = TermIndex(terms)
    return _INDEXES[key]


def _lexicon_terms(text: str, resources: Resources) -> list[Mention]:
    return [
        Mention(TECHNOLOGY, start, end, term, term, rule="lexicon")
        for start, end, term in _index(resources, "terms").finditer(text)
    ]


def _suffix_names(text, tokens, covering, resources) -> list[Mention]:
    ends = tokens.index_at_end
    mentions = []
    for suffix_start, end, suffix in _index(resources, "suffixes").finditer(text):
        if end not in ends and not (end < len(text) and not _NAME_CHAR.match(text[end])):
            continue
        if text.startswith(("报", "网", "杂志"), end):
            continue  # 中国银行保险报 is a newspaper
        start = _walk_left(text, tokens, covering, suffix_start, resources)
        start = _strip_leading_verbs(tokens, covering, start, suffix_start, resources)
        name = text[start:end]
        core = name[: len(name) - len(suffix)]
        if len(core) < 2 or name in resources.tech_generic or core in resources.tech_generic:
            continue
        if name.endswith(_VAGUE_ENDINGS):
            continue
        # A modifier of a specific device (声学浮标) needs no further check.
        if suffix not in resources.tech_terms and not _specific(core, resources):
            continue
        mentions.append(Mention(TECHNOLOGY, start, end, name, name, rule="suffix"))
    return mentions


def _specific(core: str, resources: Resources) -> bool:
    """Reject cores that are one everyday word: 海洋装备, 生产设备."""
    tag = resources.word_tags.get(core)
    if core.isdigit():
        return False
    if tag is None:
        return True
    return len(core) >= 3 and tag not in ("n", "vn", "v", "a", "ns")


def _walk_left(text, tokens, covering, start, resources) -> int:
    # NOTE: a facility or place noun in front of a technology stays in its
    # name (海洋牧场海水淡化…装置), because nothing marks where the name starts.
    position = start
    starts = tokens.starts
    stops = _stop_words(resources)
    while position > 0 and start - position < MAX_TECH:
        before = text[position - 1]
        if not _NAME_CHAR.match(before):
            break
        token_start = starts[covering[position - 1]]
        word = text[token_start:position]
        stop = stops.get(word)
        if stop is None:
            stop = stops[word] = _ends_name(word, resources)
        if stop:
            break
        # The visible length is at most twice the length, so short spans
        # need no count.
        if 2 * (start - token_start) > MAX_TECH and _visible_length(text[token_start:start]) > MAX_TECH:
            break
        position = token_start
    return position


_STOP_WORDS: dict[int, dict[str, bool]] = {}


def _stop_words(resources: Resources) -> dict[str, bool]:
    """Return the cache of :func:`_ends_name` results for ``resources``."""
    stops = _STOP_WORDS.get(id(resources))
    if stops is None or len(stops) > 200_000:
        stops = _STOP_WORDS[id(resources)] = {}
    return stops


def _ends_name(word: str, resources: Resources) -> bool:
    """Decide whether ``word`` ends a technology name read leftwards."""
    if word in _OPENERS or word in _ADVERB_OPENERS:
        return True
    if word in resources.triggers and word not in _TECH_VERBS:
        return True
    tag = resources.word_tags.get(word) or ""
    numeral_word = tag == "m" and len(word) >= 3 and not word.startswith("第")  # 多层次
    # jieba tags 近海, 沿海 and 外海 as locality words but 深海 and 远海
    # as places, and all of them name the sea area a device is for.
    sea_area = tag == "f" and len(word) == 2 and word.endswith("海")
    return tag.startswith(_STOP_TAGS) and word not in _TECH_VERBS and not numeral_word and not sea_area


def _strip_leading_verbs(tokens, covering, start, suffix_start, resources) -> int:
    """Drop verbs that open the name, and what precedes a verb whose
    object is a lexicon term (拿碳纤维, 专攻碳纤维, 原本拿碳纤维).

    Verbs inside a name (压载水处理装置) are kept by the walk, but a name
    starts with a verb only when the verb is a technology word (拉挤, 清洗).
    """
    position = start
    while position < suffix_start:
        token = tokens[covering[position]]
        if token.start != position or token.end > suffix_start:
            break
        tag = token.tag or ""
        if tag not in ("v", "vn") or token.text in _TECH_VERBS:
            break
        position = token.end
    cursor = position
    while cursor < suffix_start:
        token = tokens[covering[cursor]]
        if token.end >= suffix_start:
            break
        following = tokens[covering[token.end]]
        if token.tag == "v" and token.text not in _TECH_VERBS and following.text in resources.tech_terms:
            position = token.end
        cursor = token.end
    return position


_ADVERBS = ("大力", "积极", "重点", "加快", "着力", "进一步", "全力", "集中", "努力", "持续")
# 大力发展, 积极推广: an adverb glued to an opening verb.
_ADVERB_OPENERS = frozenset(adverb + opener for adverb in _ADVERBS for opener in _OPENERS)


_LATIN_RUN = re.compile(r"[A-Za-z0-9]+")
_LATIN_BRAND = re.compile(f"([A-Za-z][A-Za-z0-9]{{2,}})[{CJK}]{{2,}}$")
_ACRONYM = re.compile(r"（([A-Za-z]{2,8})）")
_SHORT_QUOTE = re.compile(r"“[^“”。，；\n]{1,20}”")
# Verbs that introduce the first item of a list: 利用DIALOG、….
_LEADING_VERB = re.compile(r"(?:利用|借助|采用|使用|通过|依托|应用|包括)?")
_FRAME_START = re.compile("等|及其他")
_CLAUSE_MARK = re.compile("[，。；;：:,\n（）“”]")
_ITEM_SEPARATOR = re.compile("(、|及|和)")


def _visible_length(name: str) -> int:
    """Length of a name, counting a run of Latin letters or digits as two."""
    return len(_LATIN_RUN.sub("AA", name))


def _enumerations(text, tokens, covering, resources) -> list[Mention]:
    """Items of "A、B、C等…装备" lists. An item may end in its acronym,
    专利分析平台（TI）, which becomes an alias."""
    mentions = []
    masked = None
    for match in _FRAME_START.finditer(text):
        head = _FRAME_HEAD.match(text, match.start())
        if head is None:
            continue
        if masked is None:
            # Acronym brackets and short quotations are masked so that they
            # do not end the clause.
            masked = _ACRONYM.sub(lambda match: "\0" * len(match.group()), text)
            masked = _SHORT_QUOTE.sub(lambda match: "\1" * len(match.group()), masked)
            clause_marks = [mark.start() for mark in _CLAUSE_MARK.finditer(masked)]
        # The clause starts after the last clause mark before the frame.
        index = bisect_left(clause_marks, match.start())
        clause_start = clause_marks[index - 1] + 1 if index else 0
        segment = masked[clause_start : match.start()]
        if "、" not in segment:
            continue
        items = _ITEM_SEPARATOR.split(segment)
        position = clause_start
        for index, item in enumerate(items):
            if item in ("、", "及", "和"):
                position += len(item)
                continue
            item_start = position
            item_end = position + len(item)
            position = item_end
            quoted = _SHORT_QUOTE.search(text, item_start, item_end)
            if quoted is not None:
                # 法国“ORBIT专利分析系统”: the quoted part is the name.
                item_start, item_end = quoted.start() + 1, quoted.end() - 1
            acronym = _ACRONYM.search(text, item_start, item_end)
            if acronym is not None and acronym.end() == item_end:
                item_end = acronym.start()
            if index == 0 and quoted is None:
                item_start = _walk_left(text, tokens, covering, item_end, resources)
                item_start += len(_LEADING_VERB.match(text, item_start).group())
            name = text[item_start:item_end]
            if "等" in name:
                # …防水材料等海洋工程材料: the item ends an earlier list.
                item_start += name.rindex("等") + 1
                name = text[item_start:item_end]
            if not 2 <= _visible_length(name) <= 16 or name in resources.tech_generic:
                continue
            if not all(_NAME_CHAR.match(char) for char in name):
                continue
            mention = Mention(TECHNOLOGY, item_start, item_end, name, name, rule="enumeration")
            if acronym is not None and acronym.end() == position:
                mention.aliases.append(acronym.group(1))
            mentions.append(mention)
    return mentions


_ENGLISH_PRODUCT = re.compile(
    r"[“\"'‘]([A-Z][A-Za-z\-]+(?: [A-Z][A-Za-z\-]+){0,5} "
    r"(?:Loan|Loans|Bond|Bonds|Insurance|Fund|System|Platform|Robot|Vessel|Buoy|Sensor))[”\"'’]"
)


def _english_products(text: str) -> list[Mention]:
    """Quoted English product names on bilingual pages: "Green Agricultural Loan"."""
    return [
        Mention(TECHNOLOGY, match.start(1), match.end(1), match.group(1), match.group(1), rule="english")
        for match in _ENGLISH_PRODUCT.finditer(text)
    ]


_KINDS = "平台|船|工船|网箱|综合体|潜水器|机器人|装备|浮标"
_NAMED_VESSEL = re.compile(
    f"(?:(?:{_KINDS})[“\"]([{CJK}]{{1,4}}[0-9一二三四五六七八九十]{{1,3}}号)[”\"]"
    f"|[“\"]([{CJK}]{{1,4}}[0-9一二三四五六七八九十]{{1,3}}号)[”\"](?=[{CJK}]{{0,6}}(?:{_KINDS})))"
)


def _named_vessels(text: str) -> list[Mention]:
    """Named equipment in quotes after its kind: 钻井平台“蓝鲸1号”."""
    mentions = []
    for match in _NAMED_VESSEL.finditer(text):
        group = 1 if match.group(1) else 2
        name = match.group(group)
        mentions.append(Mention(TECHNOLOGY, match.start(group), match.end(group), name, name, rule="named"))
    return mentions


_SPECIES_SEQUENCE = re.compile(
    f"[“\"]?([{CJK}](?:[—\\-－–][{CJK}]){{2,}})[”\"]?"
    "(立体养殖|综合养殖|生态养殖|混养|养殖)(模式)?"
)


def _species_sequences(text: str) -> list[Mention]:
    """“藻—贝—鱼—参”立体养殖模式: a multi-species farming method."""
    mentions = []
    for match in _SPECIES_SEQUENCE.finditer(text):
        sequence, method = match.group(1), match.group(2)
        name = sequence + method
        mention = Mention(TECHNOLOGY, match.start(), match.end(), match.group(), name, rule="species")
        mention.aliases.extend([sequence, method])
        if match.group(3):
            mention.aliases.append(name + match.group(3))
        mentions.append(mention)
    return mentions


def _codes(text: str) -> list[Mention]:
    """Grade codes, with the material they grade: T300级碳纤维.

    A code counts when a grade word follows it (级, 型, 系列) or when the
    paragraph lists several codes, as product catalogues do. A lone G20 in
    running text is not a product.
    """
    matches = list(_CODE.finditer(text))
    several = len({match.group(1) for match in matches}) >= 2
    return [
        Mention(TECHNOLOGY, match.start(), match.end(), match.group(), match.group(), rule="code")
        for match in matches
        if several or match.group(2) or text.startswith(("级", "型", "系列", "牌号"), match.end(1))
    ]


def _resolve(mentions: list[Mention], resources: Resources) -> list[Mention]:
    """Keep the longest of overlapping names; inner lexicon terms become aliases."""
    mentions.sort(key=lambda item: (item.start, -(item.end - item.start)))
    kept: list[Mention] = []
    for mention in mentions:
        container = next(
            (other for other in kept if other.start <= mention.start and mention.end <= other.end),
            None,
        )
        if container is not None:
            if mention.rule == "lexicon" and mention.surface != container.surface:
                if _split_pair(container, mention, resources):
                    kept.append(mention)
                elif _term_heads(container, mention):
                    # 桑沟湾多营养层次综合养殖模式, 高性能耐蚀钛合金: the term at
                    # the end, alone or with a generic tail, names the same thing.
                    tail = container.surface[mention.start - container.start :]
                    for alias in (mention.surface, tail):
                        if alias != container.surface and alias not in container.aliases:
                            container.aliases.append(alias)
            continue
        if any(other.start < mention.end and mention.start < other.end for other in kept):
            continue
        tail = _GENERIC_TAIL.search(mention.name)
        if tail and len(mention.name) - len(tail.group()) >= 2:
            mention.aliases.append(mention.name[: tail.start()])
        brand = _LATIN_BRAND.match(mention.name)
        if brand and brand.group(1) not in mention.aliases:
            # ThomsonInnovation专利分析平台 is also called ThomsonInnovation.
            mention.aliases.append(brand.group(1))
        kept.append(mention)
    # A container made only of lexicon terms (浮标潜标) is replaced by them.
    result = []
    for mention in kept:
        if getattr(mention, "_split", False):
            continue
        result.append(mention)
    return result


_TERM_TAILS = {"技术", "模式", "工艺", "方法", "制造", "研发", "研制", "应用", "生产", "产业化", "检测"}


def _term_heads(container: Mention, inner: Mention) -> bool:
    """True when the lexicon term ends the name, or only a method or
    activity word follows it (技术, 模式, 制造), so the term names the same
    thing (not 碳纤维 inside 拉挤碳纤维风电叶片碳梁)."""
    rest = container.surface[inner.end - container.start :]
    return rest == "" or rest in _TERM_TAILS


def _split_pair(container: Mention, inner: Mention, resources: Resources) -> bool:
    """True when ``container`` is two lexicon terms written together."""
    surface = container.surface
    for cut in range(2, len(surface) - 1):
        if surface[:cut] in resources.tech_terms and surface[cut:] in resources.tech_terms:
            container._split = True  # type: ignore[attr-defined]
            return True
    return False
