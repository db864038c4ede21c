"""Aliases: defined short names, repeated mentions, short and English names."""

from __future__ import annotations

import re
from bisect import bisect_left
from difflib import SequenceMatcher
from functools import lru_cache

from opencc import OpenCC

from bluecarbon.model import FIRM, INSTITUTE, PERSON, TECHNOLOGY
from nlp.candidates import Mention
from nlp.english import aligns, english_names
from nlp.mentions import (
    LEGAL_SUFFIX,
    ORG_TYPES,
    DocMention,
    Group,
    evidence_at,
    occurrences,
)
from nlp.normalize import NormText
from nlp.orgs import is_short_form
from nlp.people import plausible_name
from nlp.resources import Resources

# The bracket may give the English name first:
# （Weihai Kunpeng Marine Co., Ltd.，以下简称“鲲鹏科技”）.
_DEFINITION = re.compile(
    r"[（(]\s*(?:(?P<english>[A-Za-z][A-Za-z0-9&.,'\- ]{2,100}?)\s*[，,;；]\s*)?"
    r"(?:以下)?简称\s*[:：]?\s*[“\"「『]?(?P<short>[^”\"」』）)，,、]{1,16}?)[”\"」』]?\s*[）)]"
)
_DEFINED_GENERIC = {"公司", "集团", "本公司", "该公司", "示范区", "本办法", "本规划", "本方案", "公益金"}


def link_definitions(text: str, mentions: list[DocMention]) -> None:
    """（以下简称“X”） right after a name makes X an alias of that name.

    An organisation read elsewhere under the defined name (威海银行 after
    威海市商业银行（简称“威海银行”）) becomes a mention of the defining one.
    """
    ends = {}
    for item in mentions:
        if item.label != PERSON:
            ends.setdefault(item.end, item)
    owners: dict[str, DocMention] = {}
    for match in _DEFINITION.finditer(text):
        short = match.group("short").strip()
        owner = ends.get(match.start()) or ends.get(match.start() - 1)
        if owner is None or short in _DEFINED_GENERIC or len(short) < 2:
            continue
        owner.extra_aliases.append(short)
        if match.group("english") and owner.label in ORG_TYPES:
            owner.extra_aliases.append(match.group("english").strip())
        if owner.label in ORG_TYPES:
            owners.setdefault(short, owner)
    for item in mentions:
        owner = owners.get(item.name)
        if owner is not None and item is not owner and item.label in ORG_TYPES and item.name != owner.name:
            item.name, item.key, item.label = owner.name, owner.key, owner.label


def add_alias_mentions(groups: list[Group], norm: NormText, resources: Resources) -> None:
    """Find further mentions of names and aliases, then of firms' short
    names, then garbled runs that encode an organisation's name.

    Short names (光威 for 威海光威集团) are looked for only after every
    full name and alias is marked, so that they are never read inside one.
    """
    text = norm.text
    taken = bytearray(len(text) + 1)
    for group in groups:
        for item in group.mentions:
            taken[item.start : item.end] = b"\x01" * (item.end - item.start)

    def free(start: int, end: int) -> bool:
        return not any(taken[start:end])

    def mark(group: Group, form: str) -> None:
        entity = group.entity
        for position in occurrences(text, form):
            end = position + len(form)
            if not free(position, end):
                continue
            if entity.type == PERSON and not _person_boundary(text, position, end, resources):
                continue
            if form.startswith(("市", "省")) and not is_short_form(text, position, form, resources):
                continue  # 市政府 inside 各区市政府 is not this city's government
            taken[position:end] = b"\x01" * (end - position)
            group.mentions.append(
                DocMention(Mention(entity.type, position, end, form, entity.name, rule="repeat"), position, end, entity.name, entity.type)
            )
            entity.evidence.append(evidence_at(norm, position, end))

    for group in groups:
        entity = group.entity
        if entity.type == FIRM:
            for alias in _prefix_free_names(entity.name, resources):
                if alias not in entity.aliases:
                    entity.aliases.append(alias)
        for form in [entity.name, *entity.aliases]:
            if len(form) >= 2 and (entity.type != PERSON or form == entity.name):
                mark(group, form)
    for group in groups:
        entity = group.entity
        if entity.type != FIRM:
            continue
        for core in core_names(entity.name, resources):
            if core in entity.aliases or not _usable_short_name(core, resources):
                continue
            if any(free(position, position + len(core)) for position in occurrences(text, core)):
                entity.aliases.append(core)
                mark(group, core)
    _mark_technology_list_items(groups, text, free, mark)
    garbled_aliases(groups, norm)
    for group in groups:
        group.entity.evidence.sort(key=lambda item: item.start)


# Characters around a whole item of a list or a clause.
_ITEM_BEFORE = set("、，,；;：:（(“\"\n")
_ITEM_AFTER = set("、，,。；;）)”\"\n等和与及")


def _mark_technology_list_items(groups: list[Group], text: str, free, mark) -> None:
    """Mark a technology's name without its leading words where it is
    a whole list item (…、风电碳梁等 after 拉挤风电碳梁).

    Only tails of four or more characters that belong to one technology
    of the document are used.
    """
    owners: dict[str, set[int]] = {}
    by_id = {}
    for group in groups:
        entity = group.entity
        if entity.type != TECHNOLOGY:
            continue
        by_id[id(group)] = group
        for form in [entity.name, *entity.aliases]:
            for cut in range(1, len(form) - 3):
                owners.setdefault(form[cut:], set()).add(id(group))
    names = {group.entity.name for group in by_id.values()}
    for tail, group_ids in owners.items():
        if len(group_ids) != 1 or tail in names:
            continue
        group = by_id[next(iter(group_ids))]
        if tail in group.entity.aliases:
            continue
        standalone = False
        for position in occurrences(text, tail):
            end = position + len(tail)
            before = text[position - 1] if position > 0 else "\n"
            after = text[end] if end < len(text) else "\n"
            if before in _ITEM_BEFORE and after in _ITEM_AFTER and free(position, end):
                standalone = True
                break
        if standalone:
            group.entity.aliases.append(tail)
            mark(group, tail)


def _person_boundary(text: str, start: int, end: int, resources: Resources) -> bool:
    """王彬 inside 王彬彬 is not a mention of 王彬."""
    name = text[start:end]
    if len(name) != 2:
        return True
    after = text[end : end + 1]
    return not (after and plausible_name(name + after, resources))


def _prefix_free_names(name: str, resources: Resources) -> list[str]:
    """Names a firm also goes by without a province or country in front:
    山东省荣成市农商银行 is 荣成市农商银行, 日本东丽公司 is 东丽公司."""
    for province in resources.provinces:
        for form in (province + "省", province):
            rest = name[len(form) :]
            if name.startswith(form) and any(rest.startswith(place) for place in resources.places):
                return [rest]
    for place, region in resources.places.items():
        if region == "国外" and name.startswith(place) and len(name) > len(place) + 2:
            return [name[len(place) :]]
    return []


# Words for a line of business at the end of a firm's name; what is left
# before them is the brand (龙威 in 潍坊龙威实业).
_BUSINESS_WORDS = re.compile(
    r"(实业|科技|海洋科技|生物科技|新材料|食品|水产|渔业|海洋|贸易|投资|控股|发展|股份|工程|装备|重工|电子|技术)+$"
)


def core_names(name: str, resources: Resources) -> list[str]:
    """Short names of a firm: without province and place, without legal
    suffix, and the brand without its line of business."""
    cores = []
    body = name
    for province in resources.provinces:
        for form in (province + "省", province):
            if body.startswith(form) and len(body) > len(form) + 2:
                body = body[len(form) :]
                break
        else:
            continue
        break
    for place in resources.places_by_length:
        for form in (place + "市", place):
            if body.startswith(form) and len(body) > len(form) + 2:
                body = body[len(form) :]
                break
        else:
            continue
        break
    if body != name:
        cores.append(body)
    stripped = LEGAL_SUFFIX.sub("", body)
    if stripped != body and len(stripped) >= 2:
        cores.append(stripped)
    brand = _BUSINESS_WORDS.sub("", stripped)
    if brand != stripped and len(brand) >= 2:
        cores.append(brand)
    return cores


def _usable_short_name(core: str, resources: Resources) -> bool:
    if len(core) < 2 or core in resources.generic_cores or core in resources.places:
        return False
    tag = resources.word_tags.get(core)
    return not (tag and tag[0] in "nvadm" and tag not in ("nz", "nt", "nrt", "ns", "nr"))


def abbreviation_aliases(groups: list[Group], norm: NormText, resources: Resources) -> None:
    """蓝院 for 威海市蓝色经济研究院: first character plus the suffix's last."""
    text = norm.text
    taken = bytearray(len(text) + 1)
    for group in groups:
        for item in group.mentions:
            taken[item.start : item.end] = b"\x01" * (item.end - item.start)
    for group in groups:
        entity = group.entity
        if entity.type != INSTITUTE:
            continue
        match = re.search(r"(研究院|研究所|大学)$", entity.name)
        if not match:
            continue
        body = entity.name[: match.start()]
        place_prefix = ""
        for place in resources.places_by_length:
            for form in (place + "市", place):
                if body.startswith(form):
                    place_prefix = form
                    break
            if place_prefix:
                break
        core = body[len(place_prefix) :]
        if len(core) < 2:
            continue
        abbreviation = core[0] + {"研究院": "院", "研究所": "所", "大学": "大"}[match.group()]
        positions = [p for p in occurrences(text, abbreviation) if not taken[p]]
        if len(positions) >= 1 and abbreviation not in ("海院", "中大", "国大"):
            for form in ([place_prefix + abbreviation] if place_prefix else []) + [abbreviation]:
                if form in text and form not in entity.aliases:
                    entity.aliases.append(form)
            for position in positions:
                end = position + len(abbreviation)
                group.mentions.append(
                    DocMention(Mention(INSTITUTE, position, end, abbreviation, entity.name, rule="abbreviation"), position, end, entity.name, INSTITUTE)
                )
                entity.evidence.append(evidence_at(norm, position, end))


def english_aliases(groups: list[Group], norm: NormText, resources: Resources) -> None:
    """Weihai Bank for 威海银行: English renderings become aliases."""
    text = norm.text
    if not re.search("[A-Z][a-z]", text):
        return
    spans = english_names(text)[:5000]
    for group in groups:
        entity = group.entity
        if entity.type not in ORG_TYPES:
            continue
        best = None
        for start, end, name in spans:
            if best is not None and end - start <= best[1] - best[0]:
                continue
            if aligns(entity.name, name, resources.english_glossary):
                best = (start, end, name)
        if best is None:
            continue
        alias = best[2]
        if alias.endswith(".") and not alias.lower().endswith(("ltd.", "co.", "inc.", "corp.")):
            alias = alias[:-1]
        if alias not in entity.aliases:
            entity.aliases.append(alias)
        for position in occurrences(text, alias):
            end = position + len(alias)
            group.mentions.append(
                DocMention(Mention(entity.type, position, end, alias, entity.name, rule="english"), position, end, entity.name, entity.type)
            )
            entity.evidence.append(evidence_at(norm, position, end))
        entity.evidence.sort(key=lambda item: item.start)




def pinyin_aliases(groups: list[Group], norm: NormText, resources: Resources) -> None:
    """LENG Xuesong for 冷雪松: a person's name in pinyin in the same
    document, as an English abstract writes its authors, becomes an alias."""
    from nlp.english import pinyin_name_pattern
    from nlp.namecues import surname_length

    text = norm.text
    if not re.search("[A-Z][a-z]", text):
        return
    for group in groups:
        entity = group.entity
        if entity.type != PERSON or not 2 <= len(entity.name) <= 4:
            continue
        pattern = pinyin_name_pattern(entity.name, surname_length(entity.name, 0, resources) or 1)
        if pattern is None:
            continue
        for match in pattern.finditer(text):
            alias = match.group()
            if alias not in entity.aliases:
                entity.aliases.append(alias)
            group.mentions.append(
                DocMention(
                    Mention(PERSON, match.start(), match.end(), alias, entity.name, rule="pinyin"),
                    match.start(),
                    match.end(),
                    entity.name,
                    PERSON,
                )
            )
            entity.evidence.append(evidence_at(norm, match.start(), match.end()))
        entity.evidence.sort(key=lambda item: item.start)


# Mojibake keeps the bytes of the text it damages: GBK or UTF-8 bytes read
# with the wrong codec, sometimes shifted by a lost byte. A garbled run is
# compared with an organisation's name byte by byte for each pair of
# (codec the name was written in, codec the run was read with).
_CODEC_PAIRS = (("gbk", "gbk"), ("utf-8", "gbk"), ("big5", "big5"), ("utf-8", "big5"), ("utf-8", "cp1252"))
# Shortest common byte run, and the share of the name's bytes that must
# reappear in order inside the garbled run.
_MIN_BYTE_RUN = 4
_MIN_BYTE_SHARE = 0.6


_WIDEN = 2


@lru_cache(maxsize=1)
def _to_traditional() -> OpenCC:
    return OpenCC("s2t")


def _traditional(text: str) -> str:
    return _to_traditional().convert(text)


def _encoded(text: str, codec: str) -> tuple[bytes, list[int]] | None:
    """Return ``text`` in ``codec`` and the byte offset where each character starts."""
    parts = []
    starts = []
    length = 0
    for char in text:
        try:
            part = char.encode(codec)
        except UnicodeEncodeError:
            part = b"\x00"  # matches no byte of a CJK name
        starts.append(length)
        parts.append(part)
        length += len(part)
    if not parts:
        return None
    starts.append(length)
    return b"".join(parts), starts


def garbled_form_of(run: str, name: str) -> str | None:
    """Return the part of the garbled ``run`` that encodes ``name``, or None.

    金沙渔业集團 written in GBK and read one byte off comes out as 苯鹕秤嬉导瘓F. The
    bytes of the run must contain a common block of at least four bytes with
    the name's bytes, and at least 60% of the name's bytes in order.
    """
    for name_codec, run_codec in _CODEC_PAIRS:
        try:
            name_bytes = name.encode(name_codec)
        except UnicodeEncodeError:
            continue
        encoded = _encoded(run, run_codec)
        if encoded is None:
            continue
        run_bytes, char_starts = encoded
        matcher = SequenceMatcher(None, run_bytes, name_bytes, autojunk=False)
        blocks = [block for block in matcher.get_matching_blocks() if block.size]
        if not blocks or max(block.size for block in blocks) < _MIN_BYTE_RUN:
            continue
        if sum(block.size for block in blocks) < _MIN_BYTE_SHARE * len(name_bytes):
            continue
        # Where the whole name would lie in the run's bytes.
        low = max(0, blocks[0].a - blocks[0].b)
        high = min(len(run_bytes), blocks[-1].a + len(name_bytes) - blocks[-1].b)
        first = next(index for index in range(len(run)) if char_starts[index + 1] > low)
        last = max(index for index in range(len(run)) if char_starts[index] < high)
        form = run[first : last + 1].strip()
        if len(form) >= 2:
            return form
    return None


def garbled_aliases(groups: list[Group], norm: NormText) -> None:
    """Add a garbled run as an alias of the organisation whose name it encodes.

    Only organisations with a name of three or more characters are tried,
    in every spelling the document gives them and in Traditional script.
    A run is therefore linked only to a name that is also written intact
    in the same document.
    """
    if not norm.garbled:
        return
    candidates = []
    for group in groups:
        entity = group.entity
        if entity.type not in ORG_TYPES:
            continue
        spellings = [entity.name, *entity.aliases]
        spellings += [_traditional(form) for form in spellings]
        forms = [form for form in dict.fromkeys(spellings) if len(form) >= 3]
        if forms:
            candidates.append((group, forms))
    original = norm.original
    for start, end in norm.garbled:
        # The detector leaves out garbled characters that happen to be
        # common ones (苯 before 鹕秤嬉导), so the run is widened by up to
        # two letters on each side.
        for _ in range(_WIDEN):
            if start > 0 and original[start - 1].isalpha():
                start -= 1
            if end < len(original) and original[end].isalpha():
                end += 1
        run = original[start:end]
        for group, forms in candidates:
            form = next((found for found in map(lambda name: garbled_form_of(run, name), forms) if found), None)
            if form is None:
                continue
            entity = group.entity
            if form not in entity.aliases:
                entity.aliases.append(form)
            position = start + run.index(form)
            low = bisect_left(norm.offsets, position)
            high = bisect_left(norm.offsets, position + len(form))
            if low < high:
                group.mentions.append(
                    DocMention(Mention(entity.type, low, high, form, entity.name, rule="garbled"), low, high, entity.name, entity.type)
                )
                entity.evidence.append(evidence_at(norm, low, high))
            break
