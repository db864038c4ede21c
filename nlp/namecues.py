"""Person names cued by labels, author lines and name-title lists.

These rules read the character-for-character Simplified text, as the
byline rule in :mod:`nlp.people` does, and add three cues:

- a label and a colon: 联系人：滕某某, 审核：韦某某, 记者：初某某;
- a journal author line, whose names carry affiliation numbers
  (张三¹，李四²*) before the affiliation list;
- a list of names each followed by a professional title
  (王某，高级工程师；李某，工程师。).

A name after a label may take any surname of the standard list,
including rare single surnames (初, 逄) and compound ones (南宫, 西门),
because the label leaves no doubt that a person follows.
"""

from __future__ import annotations

import re

from bluecarbon.model import PERSON
from nlp.candidates import Mention
from nlp.normalize import CJK
from nlp.resources import Resources

# Single surnames of the Hundred Family Surnames (百家姓), then common
# surnames that it lacks or writes in another form (初, 衣, 矫, 闫, 付, 肖).
STANDARD_SURNAMES = frozenset(
    "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛奚范彭郎"
    "鲁韦昌马苗凤花方俞任袁柳酆鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常乐于时傅皮卞齐康伍余元卜顾孟平黄"
    "和穆萧尹姚邵湛汪祁毛禹狄米贝明臧计伏成戴谈宋茅庞熊纪舒屈项祝董梁杜阮蓝闵席季麻强贾路娄危江童颜郭"
    "梅盛林刁钟徐邱骆高夏蔡田樊胡凌霍虞万支柯昝管卢莫经房裘缪干解应宗丁宣贲邓郁单杭洪包诸左石崔吉钮龚"
    "程嵇邢滑裴陆荣翁荀羊於惠甄曲家封芮羿储靳汲邴糜松井段富巫乌焦巴弓牧隗山谷车侯宓蓬全郗班仰秋仲伊宫"
    "宁仇栾暴甘钭厉戎祖武符刘景詹束龙叶幸司韶郜黎蓟薄印宿白怀蒲邰从鄂索咸籍赖卓蔺屠蒙池乔阴郁胥能苍双"
    "闻莘党翟谭贡劳逄姬申扶堵冉宰郦雍郤璩桑桂濮牛寿通边扈燕冀郏浦尚农温别庄晏柴瞿阎充慕连茹习宦艾鱼容"
    "向古易慎戈廖庾终暨居衡步都耿满弘匡国文寇广禄阙东欧殳沃利蔚越夔隆师巩厍聂晁勾敖融冷訾辛阚那简饶空"
    "曾毋沙乜养鞠须丰巢关蒯相查后荆红游竺权逯盖益桓公"
    "初衣矫战丛隋亓仝闫付肖覃谌鄢冼佟"
)
# Compound surnames of the Hundred Family Surnames. 第五 and 百里 are left
# out because they open ordinary phrases (第五届, 百里海岸).
STANDARD_COMPOUND_SURNAMES = frozenset(
    """万俟 司马 上官 欧阳 夏侯 诸葛 闻人 东方 赫连 皇甫 尉迟 公羊 澹台 公冶 宗政 濮阳 淳于 单于 太叔
    申屠 公孙 仲孙 轩辕 令狐 钟离 宇文 长孙 慕容 鲜于 闾丘 司徒 司空 亓官 司寇 子车 颛孙 端木 巫马
    公西 漆雕 乐正 壤驷 公良 拓跋 夹谷 宰父 谷梁 段干 东郭 南门 呼延 羊舌 微生 梁丘 左丘 东门 西门
    南宫 独孤""".split()
)

# Surnames common in Shandong that the lexicon lacks, accepted in every
# context that names a person.
REGIONAL_SURNAMES = frozenset("初逄衣矫丛隋")

# Labels that a name follows after a colon or a wide space. Longer labels
# come first so that 责任编辑 wins over 编辑.
_LABELS = (
    "联系人", "责任编辑", "责任校对", "本报记者", "通讯员", "实习生", "审核人", "审核", "审校", "审稿",
    "终审", "复审", "初审", "校对", "记者", "编辑", "责编", "撰稿", "供稿", "摄影", "主编", "监制",
    "统筹", "策划", "签发", "作者", "执笔",
)
_LABELLED = re.compile("(" + "|".join(_LABELS) + r")(?:[:：]\s*|\u3000+)")
_NAME_SEPARATORS = " \t、,，\u3000"
# An office named between a label and the name, then a space.
_UNIT_BEFORE_NAME = re.compile(f"[{CJK}]{{2,14}}(?:科|处|室|部|办|中心|站|所|局)[ \t\u3000]+")
_CJK_CHAR = re.compile(f"[{CJK}]")
# Characters that do not occur in given names but often follow a surname
# character in running text (关注的, 由此).
_NOT_IN_NAME = set("的了是在和与及等或被把将对从向为也就都而但之其这那些个们我你他她它不没有很更最已曾再又由于")

# Affiliation markers after an author's name: superscript or plain digits,
# commas between them, and an asterisk for the corresponding author.
_MARK_END = "¹²³⁴⁵⁶⁷⁸⁹⁰0-9*＊"
_AUTHOR = f"[{CJK}]{{2,4}}[{_MARK_END},]*[{_MARK_END}]"
_AUTHOR_LINE = re.compile(
    f"(?m)^[ \t\u3000]*({_AUTHOR}(?:[ \t\u3000]*[，,、][ \t\u3000]*{_AUTHOR})*)[ \t\u3000]*(?:[（(]|$)"
)
_AUTHOR_NAME = re.compile(f"[{CJK}]{{2,4}}")

_TITLE_LISTS: dict[int, re.Pattern] = {}


def find_labelled_people(flat: str, resources: Resources) -> list[Mention]:
    """Return people after labels, in author lines and in name-title lists."""
    mentions = _after_labels(flat, resources)
    mentions.extend(_author_lines(flat, resources))
    mentions.extend(_title_lists(flat, resources))
    return mentions


def surname_length(text: str, position: int, resources: Resources) -> int:
    """Return the length of a standard surname at ``position``, or 0."""
    pair = text[position : position + 2]
    if pair in STANDARD_COMPOUND_SURNAMES or pair in resources.compound_surnames:
        return 2
    char = text[position : position + 1]
    if char and (char in STANDARD_SURNAMES or char in resources.surnames):
        return 1
    return 0


def labelled_name(name: str, resources: Resources) -> bool:
    """Check that ``name`` is a standard surname and one or two given characters."""
    if not 2 <= len(name) <= 4 or not all(_CJK_CHAR.match(char) for char in name):
        return False
    surname = surname_length(name, 0, resources)
    if not surname or len(name) - surname not in (1, 2):
        return False
    if name in resources.not_person or any(char in _NOT_IN_NAME for char in name[surname:]):
        return False
    if len(name) == 2 and name[0] == name[1]:
        return False  # 谢谢: a doubled character is a word
    if any(name[index : index + 2] in resources.titles for index in range(len(name) - 1)):
        return False
    tag = resources.word_tags.get(name)
    return not tag or tag.startswith("nr")


def _after_labels(flat: str, resources: Resources) -> list[Mention]:
    mentions = []
    for match in _LABELLED.finditer(flat):
        label = match.group(1)
        role = f"{resources.titles.get(label, 'other')}: {label}"
        position = match.end()
        unit = _UNIT_BEFORE_NAME.match(flat, position)
        if unit and _name_at(flat, position, resources) is None:
            position = unit.end()  # 联系人：产业发展科 谭某某
        while True:
            name = _name_at(flat, position, resources)
            if name is None:
                break
            end = position + len(name)
            mentions.append(Mention(PERSON, position, end, name, name, role=role, rule="byline"))
            position = end
            while position < len(flat) and flat[position] in _NAME_SEPARATORS:
                position += 1
    return mentions


def _name_at(flat: str, position: int, resources: Resources) -> str | None:
    """Return the name at ``position`` that a non-CJK character ends."""
    surname = surname_length(flat, position, resources)
    if not surname:
        return None
    for length in (surname + 2, surname + 1):
        name = flat[position : position + length]
        after = flat[position + length : position + length + 1]
        if len(name) == length and (not after or not _CJK_CHAR.match(after)) and labelled_name(name, resources):
            return name
    return None


def _author_lines(flat: str, resources: Resources) -> list[Mention]:
    """张三¹，李四¹,²*（1. …）: names with affiliation markers."""
    mentions = []
    for match in _AUTHOR_LINE.finditer(flat):
        names = list(_AUTHOR_NAME.finditer(match.group(1)))
        offset = match.start(1)
        if not names or not all(labelled_name(item.group(), resources) for item in names):
            continue
        for item in names:
            start = offset + item.start()
            mentions.append(
                Mention(PERSON, start, start + len(item.group()), item.group(), item.group(), role="expert: 作者", rule="byline")
            )
    return mentions


def _title_list_pattern(resources: Resources) -> re.Pattern:
    pattern = _TITLE_LISTS.get(id(resources))
    if pattern is None:
        titles = sorted((title for title, kind in resources.titles.items() if kind != "other"), key=len, reverse=True)
        pattern = _TITLE_LISTS[id(resources)] = re.compile(
            f"(?:^|(?<=[\n；;：:。]))[ \t\u3000]*([{CJK}]{{2,4}})(?:[，,][ \t\u3000]*|[ \t\u3000]+)("
            + "|".join(map(re.escape, titles))
            + r")(?=[；;。，,\n]|$)",
            re.MULTILINE,
        )
    return pattern


def _title_lists(flat: str, resources: Resources) -> list[Mention]:
    """王某，高级工程师；李某，工程师。 or 王某　教授 at the start of a
    line: each name is followed by its title."""
    mentions = []
    for match in _title_list_pattern(resources).finditer(flat):
        name, title = match.group(1), match.group(2)
        if labelled_name(name, resources):
            role = f"{resources.titles[title]}: {title}"
            mentions.append(Mention(PERSON, match.start(1), match.end(1), name, name, role=role, rule="byline"))
    return mentions
