"""Person names by context: titles, speech verbs and bylines.

No statistical tagger runs here. A person is a surname and one or two
given-name characters in a context that only people take: next to a title
(院长赵明波, 戴桂林教授), before a verb of speech (王志刚说), or in a
byline (记者 张琪 冯冬宁). A name followed by 思想 or 总书记 is part of
a slogan and is skipped.

NOTE: a person named only in running text, with no title, verb of speech
or byline anywhere in the document, is not found.
"""

from __future__ import annotations

import re

from bluecarbon.model import PERSON
from nlp.candidates import Mention, TokenTable
from nlp.matching import TermIndex
from nlp.namecues import REGIONAL_SURNAMES, STANDARD_COMPOUND_SURNAMES, find_labelled_people
from nlp.normalize import CJK
from nlp.resources import Resources

_CJK_CHAR = re.compile(f"[{CJK}]")
_CJK_NAME = re.compile(f"[{CJK}]{{2,4}}")
# Characters that, right after a two-character name, start the next word.
_AFTER_NAME = set("在把对等和与也就还首出陪带率是表介指认坦说称告向一主则给从为已先再又便都将被及担牵、，。；：,;:“”\"（）() 曾")
# Characters that can come right before a name.
_BEFORE_NAME = set("、，。；：,;:“”\"'（）()《》【】[] \n\t的和与及暨据")
# Last characters of an organisation or unit name, which a name may follow
# directly (绿色金融部潘政, 合作社负责人王欢).
_AFTER_UNIT = set("部处科室组院所局司社站行团厂")
# Characters that do not occur in given names but often follow a surname
# character in running text (关注的, 由此).
_NOT_IN_NAME = set("的了是在和与及等或被把将对从向为也就都而但之其这那些个们我你他她它不没有很更最已曾再又")
_FOUNDER = re.compile(
    f"([{CJK}]{{2,4}})是[^。，；！？\n]{{2,30}}?的(创始人|创办人|董事长|总经理|负责人|院长|所长)"
)
_SPEECH_TO = re.compile(r"向[^。，；！？\n]{1,16}?(介绍|表示|说)")
# Titles that also follow a name (戴桂林教授, 姜进军局长).
_POSTFIX_KINDS = ("expert", "official", "executive")
_POSTFIX_EXCLUDED = {"负责人", "创始人", "专家", "学者", "博士", "科学家", "主任", "书记", "董事"}
_BYLINE = re.compile(
    r"(本报记者|本刊记者|记者|通讯员|实习生|作者|责任编辑|责编|总编辑|值班总编|编辑|复审|终审|初审|校对|摄影)"
    r"[:：\s]*"
)
_SUFFIX_CHARS = set("局院所司会委厅部区市省县镇村站场港湾岛山河路街号楼")


def _surname_length(text: str, position: int, resources: Resources) -> int:
    pair = text[position : position + 2]
    if pair in resources.compound_surnames or pair in STANDARD_COMPOUND_SURNAMES:
        return 2
    if position < len(text) and (text[position] in resources.surnames or text[position] in REGIONAL_SURNAMES):
        return 1
    return 0


_PLAUSIBLE: dict[tuple[int, str], bool] = {}


def plausible_name(name: str, resources: Resources) -> bool:
    """Check the shape of a candidate name: surname, 1-2 given characters."""
    key = (id(resources), name)
    result = _PLAUSIBLE.get(key)
    if result is None:
        if len(_PLAUSIBLE) > 100_000:
            _PLAUSIBLE.clear()
        result = _PLAUSIBLE[key] = _plausible_name(name, resources)
    return result


def _plausible_name(name: str, resources: Resources) -> bool:
    if not _CJK_NAME.fullmatch(name):
        return False
    surname = _surname_length(name, 0, resources)
    if not surname or len(name) - surname not in (1, 2):
        return False
    if name in resources.not_person or name[-1] in _SUFFIX_CHARS:
        return False
    if len(name) == 2 and name[0] == name[1]:
        return False  # 谢谢: a doubled character is a word, not a surname and name
    if any(char in _NOT_IN_NAME for char in name[surname:]):
        return False
    if any(name[index:index + 2] in resources.titles for index in range(len(name) - 1)):
        return False  # 林教授: a surname and a title
    tag = resources.word_tags.get(name)
    if tag and not tag.startswith("nr"):
        return False
    head_tag = resources.word_tags.get(name[:2]) if surname == 1 and len(name) == 3 else None
    if head_tag and head_tag[0] in "vcdprua" and not head_tag.startswith("nr"):
        return False
    if head_tag and not head_tag.startswith("nr") and resources.word_tags.get(name[2], "")[:1] in ("p", "c", "u"):
        return False  # 单位由: a common word and a preposition, not a given name
    return True


def _name_after(text: str, position: int, tokens: TokenTable, resources: Resources) -> str | None:
    """Return the name starting at ``position`` (after a title), if any."""
    surname = _surname_length(text, position, resources)
    if not surname:
        return None
    index = tokens.index_at_start.get(position)
    token = tokens[index] if index is not None else None
    if token is not None and len(token.text) in (surname + 1, surname + 2) and resources.word_tags.get(token.text, "nr").startswith("nr"):
        following = text[token.end : token.end + 1]
        if len(token.text) == surname + 2 or following in _AFTER_NAME or not following or _starts_speech(text, token.end, resources):
            if plausible_name(token.text, resources):
                return token.text
    long_name = text[position : position + surname + 2]
    short_name = text[position : position + surname + 1]
    if len(long_name) == surname + 2 and _CJK_CHAR.match(long_name[-1]):
        third = long_name[-1]
        # 南宫浩博士: the third character may open a title, not end the name.
        title_follows = _title_index(resources).match_at(text, position + surname + 1) is not None
        if third not in _AFTER_NAME and not title_follows and not _starts_speech(text, position + surname + 1, resources):
            if plausible_name(long_name, resources):
                return long_name
    if len(short_name) == surname + 1 and plausible_name(short_name, resources):
        return short_name
    return None


def _starts_speech(text: str, position: int, resources: Resources) -> bool:
    return _speech_index(resources).match_at(text, position) is not None


def _name_before(text: str, position: int, resources: Resources) -> tuple[int, str] | None:
    """Return (start, name) of a name ending at ``position``, if any."""
    for length in (3, 2, 4):
        start = position - length
        if start < 0:
            continue
        name = text[start:position]
        before = text[start - 1] if start > 0 else "\n"
        if before not in _BEFORE_NAME and before not in _AFTER_UNIT and not _ends_title(text, start, resources):
            continue
        if plausible_name(name, resources):
            return start, name
    return None


def _ends_title(text: str, position: int, resources: Resources) -> bool:
    titles = resources.titles
    for length in range(2, 8):
        if length <= position and text[position - length : position] in titles:
            return True
    return False


def _slogan(text: str, end: int, resources: Resources) -> bool:
    return _index(resources, "slogan", resources.slogan_followers).match_at(text, end) is not None


_INDEXES: dict[tuple[int, str], TermIndex] = {}


def _index(resources: Resources, name: str, terms) -> TermIndex:
    key = (id(resources), name)
    if key not in _INDEXES:
        _INDEXES[key] = TermIndex(terms)
    return _INDEXES[key]


def _title_index(resources: Resources) -> TermIndex:
    """Titles, longest first at each position, so 总经理 wins over 经理."""
    return _index(resources, "titles", resources.titles)


def _speech_index(resources: Resources) -> TermIndex:
    return _index(resources, "speech", resources.speech_verbs)


def find_people(text: str, tokens: TokenTable, resources: Resources) -> list[Mention]:
    """Return person mentions in one paragraph of normalised text."""
    found: dict[tuple[int, int], Mention] = {}
    # The alternation lists longer titles first, so 总经理 wins over 经理.
    for start, end, title in _title_index(resources).finditer(text):
        kind = resources.titles[title]
        _title_then_name(text, start, end, title, kind, tokens, resources, found)
        if kind in _POSTFIX_KINDS and title not in _POSTFIX_EXCLUDED:
            _name_then_title(text, start, title, kind, resources, found)
    for start, _, _ in _speech_index(resources).finditer(text):
        hit = _name_before(text, start, resources)
        if hit and not any(s <= hit[0] < e for s, e in found):
            name_start, name = hit
            found[(name_start, start)] = Mention(PERSON, name_start, start, name, name, rule="speech")
    for match in _SPEECH_TO.finditer(text):
        hit = _name_before(text, match.start(), resources)
        if hit and not any(s <= hit[0] < e for s, e in found):
            name_start, name = hit
            found[(name_start, match.start())] = Mention(PERSON, name_start, match.start(), name, name, rule="speech")
    for match in _FOUNDER.finditer(text):
        for length in (3, 2):
            name = match.group(1)[-length:]
            start = match.end(1) - length
            before = text[start - 1] if start > 0 else "\n"
            if (before in _BEFORE_NAME or start == 0) and plausible_name(name, resources):
                if not any(s <= start < e for s, e in found):
                    title = match.group(2)
                    found[(start, match.end(1))] = Mention(
                        PERSON, start, match.end(1), name, name,
                        role=f"{resources.titles.get(title, 'executive')}: {title}", rule="founder",
                    )
                break
    return [mention for mention in found.values() if not _slogan(text, mention.end, resources)]


def _title_then_name(text, start, end, title, kind, tokens, resources, found) -> None:
    position = end
    while position < len(text) and text[position] in ":：":
        position += 1
    # A longer title continues here (副院长 inside 副院长兼所长).
    if _title_index(resources).match_at(text, position) is not None:
        return
    name = _name_after(text, position, tokens, resources)
    if name is None or _slogan(text, position + len(name), resources):
        return
    key = (position, position + len(name))
    if any(s <= position < e for s, e in found):
        return
    found[key] = Mention(
        PERSON, key[0], key[1], name, name, role=f"{kind}: {title}", title_start=start, rule="title"
    )
    # 市领导张海、李明、王强出席: the names listed after one title share it.
    position = key[1]
    while position < len(text) and text[position] == "、":
        following = _name_after(text, position + 1, tokens, resources)
        if following is None:
            break
        end = position + 1 + len(following)
        if end < len(text) and _CJK_CHAR.match(text[end]) and not _starts_speech(text, end, resources) and text[end] not in _AFTER_NAME:
            break
        found[(position + 1, end)] = Mention(
            PERSON, position + 1, end, following, following, role=f"{kind}: {title}", title_start=start, rule="title"
        )
        position = end


def _name_then_title(text, start, title, kind, resources, found) -> None:
    hit = _name_before(text, start, resources)
    if hit is None:
        return
    name_start, name = hit
    if _slogan(text, start, resources):
        return
    for span in list(found):
        if span[0] <= name_start < span[1]:
            return
    found[(name_start, start)] = Mention(
        PERSON, name_start, start, name, name, role=f"{kind}: {title}", rule="postfix-title"
    )
    # 唐启升、焦念志院士: earlier names in a 、 list share the title.
    position = name_start
    while position > 0 and text[position - 1] == "、":
        hit = None
        for length in (3, 2):
            candidate = text[max(0, position - 1 - length) : position - 1]
            if len(candidate) == length and plausible_name(candidate, resources):
                hit = (position - 1 - length, candidate)
                break
        if hit is None:
            break
        other_start, other = hit
        found[(other_start, position - 1)] = Mention(
            PERSON, other_start, position - 1, other, other, role=f"{kind}: {title}", rule="postfix-title"
        )
        position = other_start


def find_byline_people(flat: str, resources: Resources) -> list[Mention]:
    """Return people named in bylines and sign-offs of the 1:1 text.

    Bylines separate names with spaces (记者 张琪 冯冬宁), which the
    working copy deletes between CJK characters, so this rule reads the
    character-for-character Simplified text instead.
    """
    mentions = []
    for match in _BYLINE.finditer(flat):
        title = match.group(1)
        kind = resources.titles.get(title, "other")
        position = match.end()
        while True:
            name = _byline_name(flat, position, resources)
            if name is None:
                break
            mentions.append(
                Mention(PERSON, position, position + len(name), name, name, role=f"{kind}: {title}", rule="byline")
            )
            position += len(name)
            while position < len(flat) and flat[position] in " \t、,，\u3000":
                position += 1
    mentions.extend(_name_lines(flat, resources))
    mentions.extend(_profile_and_speaker_lines(flat, resources))
    mentions.extend(find_labelled_people(flat, resources))
    return mentions


_PROFILE = re.compile(f"(?:^|[\n。])\\s*([{CJK}]{{2,4}})[，,]\\s*(?:男|女)[，,、]")
_INTERVIEW = re.compile(r"(?:^|\n)\s*(?:记者|问|主持人)\s*[:：]")
_SPEAKER = re.compile(f"(?:^|\n)\\s*([{CJK}]{{2,4}})\\s*[:：]")


def _profile_and_speaker_lines(flat: str, resources: Resources) -> list[Mention]:
    """张海涛，男，… opens a profile; in an interview (记者：…) a line
    opening with a name and a colon gives the speaker."""
    mentions = []
    for match in _PROFILE.finditer(flat):
        name = match.group(1)
        if plausible_name(name, resources):
            mentions.append(Mention(PERSON, match.start(1), match.end(1), name, name, role="other", rule="profile"))
    if _INTERVIEW.search(flat):
        for match in _SPEAKER.finditer(flat):
            name = match.group(1)
            if plausible_name(name, resources) and name not in ("记者", "主持人"):
                mentions.append(Mention(PERSON, match.start(1), match.end(1), name, name, role="other", rule="speaker"))
    return mentions


def _byline_name(flat: str, position: int, resources: Resources) -> str | None:
    surname = _surname_length(flat, position, resources)
    if not surname:
        return None
    for length in (surname + 2, surname + 1):
        name = flat[position : position + length]
        after = flat[position + length : position + length + 1]
        if len(name) == length and plausible_name(name, resources) and (not after or not _CJK_CHAR.match(after)):
            return name
    return None


def _name_lines(flat: str, resources: Resources) -> list[Mention]:
    """Short lines ending in two or more space-separated names."""
    mentions = []
    offset = 0
    for line in flat.split("\n"):
        stripped = line.strip()
        chunks = stripped.split()
        if 3 <= len(chunks) <= 8 and len(stripped) <= 48:
            names = []
            for chunk in reversed(chunks[1:]):
                if plausible_name(chunk, resources) and resources.word_tags.get(chunk) is None:
                    names.append(chunk)
                else:
                    break
            if len(names) >= 2:
                cursor = len(line)
                for name in names:
                    index = line.rfind(name, 0, cursor)
                    mentions.append(
                        Mention(PERSON, offset + index, offset + index + len(name), name, name, role="other", rule="name-line")
                    )
                    cursor = index
        offset += len(line) + 1
    return mentions
