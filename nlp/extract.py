"""Document-level extraction: run the pipeline and merge its mentions.

``extract`` normalises the text and feeds it paragraph by paragraph
through the spaCy pipeline. It then works on the whole document. It
resolves short forms (市海洋发展局 in a Weihai document is
威海市海洋发展局) and merges mentions into entities with aliases. An
entity that occurs only in text an amendment deleted is marked removed.
Last come regions, industries and relations, each with its evidence.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from bluecarbon.errors import ExtractionError
from bluecarbon.model import (
    AFFILIATED_WITH,
    COOPERATES_WITH,
    CURRENT,
    DEPARTMENT,
    DEVELOPS,
    FIRM,
    IN_INDUSTRY,
    INDUSTRY_NAMES,
    INSTITUTE,
    LOCATED_IN,
    PART_OF,
    PERSON,
    REMOVED,
    RESPONSIBLE_FOR,
    SHORT_NAME_OF,
    TECHNOLOGY,
    Entity,
    Evidence,
    Extraction,
    Relation,
)
from nlp.candidates import Mention
from nlp.document import Amendments, find_amendments, read_document_info
from nlp.english import aligns, english_names
from nlp.normalize import CJK, GARBLE, NormText, normalize, to_simplified
from nlp.orgs import is_short_form
from nlp.people import find_byline_people, plausible_name
from nlp.pipeline import load_pipeline
from nlp.resources import Resources, load_resources

EXTRACTOR_VERSION = "bluecarbon-nlp 0.3"
MAX_PARAGRAPH = 1500
ORG_TYPES = (FIRM, INSTITUTE, DEPARTMENT)
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_CJK_CHAR = re.compile(f"[{CJK}]")
_DEFINITION = re.compile(
    r"[（(]\s*(?:以下)?简称\s*[:：]?\s*[“\"「『]?([^”\"」』）)，,、]{1,16}?)[”\"」』]?\s*[）)]"
)
_LEGAL = re.compile(r"(集团股份有限公司|集团有限公司|股份有限公司|有限责任公司|有限公司|公司|集团)$")
_DEVELOP_VERBS = re.compile(r"研发|研制|开发|生产|推出|攻克|突破|掌握|发布|打造|制造|试制|设计|发放|提供|创新|通过验收|实施|应用|推广|装有")
_COOPERATE_VERBS = re.compile(r"合作|共建|签订|签署|携手|联合|共同|会同|协议")
_PLAN_ITEM = re.compile(r"^\s*(\d{1,2})\s*[.．、]")
_DEFINED_GENERIC = {"公司", "集团", "本公司", "该公司", "示范区", "本办法", "本规划", "本方案", "公益金"}


@dataclass
class DocMention:
    """A mention with offsets into the normalised document text."""

    mention: Mention
    start: int
    end: int
    name: str
    label: str
    key: str = ""
    extra_aliases: list[str] = field(default_factory=list)


def extract(text: str) -> Extraction:
    """Extract entities, relations and document facts from ``text``."""
    if not isinstance(text, str):
        raise ExtractionError(f"extract() needs a str, got {type(text).__name__}")
    resources = load_resources()
    norm = normalize(text, resources.char_frequency, resources.word_frequency)
    mentions = _run_pipeline(norm)
    info = read_document_info(norm.text)
    city, province = _document_city(norm.text, info, resources)
    mentions = _add_bylines(mentions, _byline_mentions(text, norm, resources))
    mentions = _drop_garbled(mentions, norm)
    mentions = _drop_in_titles(mentions, norm.text)
    mentions = _drop_unsupported_parents(mentions, norm.text)
    mentions = _drop_technology_inside_names(mentions)
    amendments = find_amendments(norm.text)

    for item in mentions:
        item.name = _resolve_name(item, city, province, resources)
        item.key = entity_key(item.name, item.label, resources)
    _bracketed_names(mentions, norm.text)
    mentions.extend(_definition_mentions(norm.text, mentions, resources))
    mentions = _drop_people_named_like_organisations(mentions)
    entities = _merge(mentions, norm, resources)
    entities = _merge_legal_variants(entities)
    _government_aliases(entities)
    _add_alias_mentions(entities, norm, resources)
    _abbreviation_aliases(entities, norm, resources)
    _english_aliases(entities, norm, resources)
    _mark_removed(entities, amendments, norm.text)
    _assign_regions(entities, norm.text, resources)
    _assign_credit_codes(entities, norm.text)
    _assign_people(entities, norm.text, resources)
    _assign_industries(entities, norm.text, resources)
    relations = _relations(entities, norm, resources)
    return Extraction(
        entities=[group.entity for group in entities],
        relations=relations,
        document=info,
        extractor_version=EXTRACTOR_VERSION,
    )


# --- pipeline ---------------------------------------------------------


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans = []
    position = 0
    for line in text.split("\n"):
        start, end = position, position + len(line)
        position = end + 1
        while end - start > MAX_PARAGRAPH:
            cut = max(text.rfind(mark, start, start + MAX_PARAGRAPH) for mark in "。；！？;!?")
            cut = cut + 1 if cut > start else start + MAX_PARAGRAPH
            spans.append((start, cut))
            start = cut
        if end > start and text[start:end].strip():
            spans.append((start, end))
    return spans


def _run_pipeline(norm: NormText) -> list[DocMention]:
    nlp = load_pipeline()
    spans = _paragraphs(norm.text)
    result: list[DocMention] = []
    try:
        docs = nlp.pipe(norm.text[start:end] for start, end in spans)
        for (offset, _), doc in zip(spans, docs):
            for mention in doc._.mentions:
                result.append(
                    DocMention(mention, offset + mention.start, offset + mention.end, mention.name, mention.label)
                )
    except (ValueError, KeyError, IndexError) as error:
        raise ExtractionError(f"the spaCy pipeline failed: {error}") from error
    return result


def _byline_mentions(text: str, norm: NormText, resources: Resources) -> list[DocMention]:
    """People in bylines, mapped from original offsets to normalised ones."""
    flat = to_simplified(text)
    position_of = {original: index for index, original in enumerate(norm.offsets)}
    result = []
    for mention in find_byline_people(flat, resources):
        start = position_of.get(mention.start)
        end = position_of.get(mention.end - 1)
        if start is None or end is None:
            continue
        result.append(DocMention(mention, start, end + 1, mention.name, PERSON))
    return result


def _drop_garbled(mentions: list[DocMention], norm: NormText) -> list[DocMention]:
    return [item for item in mentions if GARBLE not in norm.text[item.start : item.end]]


def _add_bylines(mentions: list[DocMention], bylines: list[DocMention]) -> list[DocMention]:
    """Byline names win over overlapping names read from joined text."""
    spans = [(item.start, item.end) for item in bylines]
    kept = [
        item
        for item in mentions
        if item.label != PERSON or not any(low < item.end and item.start < high for low, high in spans)
    ]
    seen = set()
    for item in bylines:
        if (item.start, item.end) not in seen:
            seen.add((item.start, item.end))
            kept.append(item)
    return kept


_BOOK_TITLE = re.compile(r"《[^《》\n]{1,120}》")


def _drop_in_titles(mentions: list[DocMention], text: str) -> list[DocMention]:
    """Names inside 《…》 are part of a document title, not mentions."""
    titles = [match.span() for match in _BOOK_TITLE.finditer(text)]
    if not titles:
        return mentions
    return [
        item
        for item in mentions
        if item.label == PERSON or not any(low <= item.start and item.end <= high for low, high in titles)
    ]


def _drop_unsupported_parents(mentions: list[DocMention], text: str) -> list[DocMention]:
    """Keep a parent read off a sub-unit's name only if it also occurs alone.

    人民银行威海市中心支行 names 人民银行, but 人民银行 is an entity of the
    document only when the text also mentions it on its own.
    """
    others = [(item.start, item.end) for item in mentions if item.mention.rule != "parent"]
    kept = []
    for item in mentions:
        if item.mention.rule == "parent":
            surface = item.mention.surface
            alone = any(
                not any(low <= position and position + len(surface) <= high for low, high in others)
                for position in _occurrences(text, surface)
            )
            if not alone:
                continue
        kept.append(item)
    return kept


def _drop_technology_inside_names(mentions: list[DocMention]) -> list[DocMention]:
    """An organisation's name wins over a technology read across it."""
    if not mentions:
        return mentions
    covered = bytearray(max(item.end for item in mentions) + 1)
    for item in mentions:
        if item.label != TECHNOLOGY:
            covered[item.start : item.end] = b"\x01" * (item.end - item.start)
    return [item for item in mentions if item.label != TECHNOLOGY or not any(covered[item.start : item.end])]


def _drop_people_named_like_organisations(mentions: list[DocMention]) -> list[DocMention]:
    """东方海洋董事长: a defined short name before a title is not a person."""
    org_forms = set()
    for item in mentions:
        if item.label in ORG_TYPES:
            org_forms.update([item.name, item.mention.surface, *item.extra_aliases, *item.mention.aliases])
    return [item for item in mentions if item.label != PERSON or item.name not in org_forms]


def _bracketed_names(mentions: list[DocMention], text: str) -> None:
    """NAME（OTHER NAME） or NAME（ABC）: the bracket gives a second name."""
    by_start = {item.start: item for item in mentions}
    renamed: dict[str, DocMention] = {}
    for item in mentions:
        if item.end >= len(text) or text[item.end] != "（":
            continue
        inner = by_start.get(item.end + 1)
        if inner is not None and inner.label == item.label and text[inner.end : inner.end + 1] == "）":
            renamed[inner.key] = item
            continue
        match = re.match(r"（([A-Z][A-Za-z]{1,7})）", text[item.end :])
        if match:
            item.extra_aliases.append(match.group(1))
    # Every mention of the second name now belongs to the first.
    for item in mentions:
        owner = renamed.get(item.key)
        if owner is not None and owner is not item:
            item.name, item.key = owner.name, owner.key


# --- names and keys ---------------------------------------------------


def entity_key(name: str, label: str, resources: Resources) -> str:
    """Return the key under which mentions of one entity are merged."""
    key = re.sub(r"\s+", "", name).replace("(", "（").replace(")", "）")
    key = key.replace("人民政府", "政府").replace("农民专业合作社", "合作社").replace("专业合作社", "合作社")
    for place in resources.places:
        if key.startswith(place + "市"):
            key = place + key[len(place) + 1 :]
            break
    return f"{label}|{key}"


def _document_city(text: str, info, resources: Resources) -> tuple[str | None, str | None]:
    """Return the city and province a bare 市X局 or 省X厅 refers to.

    The issuer's city comes first. Without one, the title's cities are
    tried, taking the one the text mentions most. Failing both, the city
    mentioned most in the whole text is used.
    """
    counts: Counter = Counter()
    for place, region in resources.places.items():
        if len(place) >= 2 and place != "南海新区" and region != "国外":
            counts[place] = text.count(place)
    city = None
    for source in (info.issuer or "", info.title or ""):
        named = [place for place in counts if place in source]
        if named:
            city = max(named, key=lambda place: counts[place])
            break
    if city is None and counts:
        place, count = counts.most_common(1)[0]
        city = place if count else None
    province = resources.places.get(city) if city else None
    if province is None:
        for name in resources.provinces:
            if name + "省" in text:
                province = name
                break
    return city, province


def _resolve_name(item: DocMention, city: str | None, province: str | None, resources: Resources) -> str:
    mention = item.mention
    name = mention.name
    if mention.short_form == "city" and city:
        item.extra_aliases.append(name)
        return f"{city}{name}" if name.startswith("市") else name
    if mention.short_form == "province" and province:
        item.extra_aliases.append(name)
        return f"{province}{name}"
    return name


# --- merging ----------------------------------------------------------


@dataclass
class Group:
    """An entity under construction with its mentions."""

    entity: Entity
    mentions: list[DocMention]
    key: str
    part_of: list[str] = field(default_factory=list)

    @property
    def spans(self) -> list[tuple[int, int]]:
        return [(item.start, item.end) for item in self.mentions]


_BOUNDARY_CACHE: dict[int, tuple[str, list[int]]] = {}


def _boundaries(text: str) -> list[int]:
    """Offsets just after each sentence end of ``text``, cached per text."""
    cached = _BOUNDARY_CACHE.get(id(text))
    if cached is not None and cached[0] is text:
        return cached[1]
    ends = [match.end() for match in _SENTENCE_END.finditer(text)]
    _BOUNDARY_CACHE.clear()
    _BOUNDARY_CACHE[id(text)] = (text, ends)
    return ends


def _sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Return the sentence around [start, end): after the previous end mark
    up to and including the next one (a line break is not included)."""
    ends = _boundaries(text)
    index = bisect_right(ends, start)
    left = ends[index - 1] if index > 0 else 0
    index = bisect_right(ends, max(start, end - 1))
    right = ends[index] if index < len(ends) else len(text)
    if right > 0 and right <= len(text) and text[right - 1] == "\n":
        right -= 1
    return left, right


def _evidence(norm: NormText, start: int, end: int) -> Evidence:
    sentence_start, sentence_end = _sentence_span(norm.text, start, end)
    original_start, original_end = norm.span(start, end)
    sentence_original = norm.span(sentence_start, sentence_end)
    sentence = norm.original[sentence_original[0] : sentence_original[1]].strip()
    return Evidence(sentence=sentence, start=original_start, end=original_end)


def _better_name(current: str, candidate: str, label: str) -> bool:
    if label == PERSON:
        return False
    return len(candidate) > len(current)


def _merge(mentions: list[DocMention], norm: NormText, resources: Resources) -> list[Group]:
    groups: dict[str, Group] = {}
    order: list[str] = []
    for item in sorted(mentions, key=lambda m: m.start):
        group = groups.get(item.key)
        if group is None:
            entity = Entity(type=item.label, name=item.name)
            group = groups[item.key] = Group(entity, [], item.key)
            order.append(item.key)
        elif _better_name(group.entity.name, item.name, item.label) and item.mention.rule != "gazetteer":
            group.entity.name = item.name
        if item.mention.rule == "gazetteer":
            group.entity.name = item.name
        group.mentions.append(item)
        if item.mention.role and not group.entity.role:
            group.entity.role = item.mention.role
        for parent in item.mention.part_of:
            if parent not in group.part_of:
                group.part_of.append(parent)
    result = [groups[key] for key in order]
    for group in result:
        _finish_group(group, norm)
    return _merge_cross_type(result)


def _original_surface(norm: NormText, item: DocMention) -> str:
    """The mention as the input writes it, when that differs beyond script
    and spacing (a pinyin gloss inside: 白(bái)海参)."""
    start, end = norm.span(item.start, item.end)
    original = re.sub(r"\s+", "", norm.original[start:end])
    if to_simplified(original).replace("(", "（").replace(")", "）") == item.mention.surface:
        return item.mention.surface
    return original


# How much a mention's rule is trusted; an entity takes its best mention's.
_RULE_CONFIDENCE = {
    "suffix": 0.9,
    "gazetteer": 1.0,
    "coordination": 0.9,
    "section": 0.85,
    "parent": 0.8,
    "title": 0.9,
    "postfix-title": 0.85,
    "byline": 0.9,
    "founder": 0.8,
    "speech": 0.75,
    "name-line": 0.6,
    "lexicon": 0.95,
    "enumeration": 0.7,
    "code": 0.7,
    "named": 0.8,
    "english": 0.75,
}


def _finish_group(group: Group, norm: NormText) -> None:
    aliases: list[str] = []
    seen_spans = set()
    evidence = []
    for item in sorted(group.mentions, key=lambda m: m.start):
        original = _original_surface(norm, item)
        for alias in [item.mention.surface, original, item.name, *item.mention.aliases, *item.extra_aliases]:
            alias = re.sub(r"[\s“”「」]+", "", alias)
            if alias and alias != group.entity.name and alias not in aliases:
                aliases.append(alias)
        if (item.start, item.end) not in seen_spans:
            seen_spans.add((item.start, item.end))
            evidence.append(_evidence(norm, item.start, item.end))
    # A coordination span (唐启升、焦念志院士工作站) is not an alias.
    group.entity.aliases = [alias for alias in aliases if "、" not in alias]
    group.entity.confidence = max(_RULE_CONFIDENCE.get(item.mention.rule, 0.8) for item in group.mentions)
    group.entity.evidence = evidence


def _merge_legal_variants(groups: list[Group]) -> list[Group]:
    """长沙矿冶研究院 and 长沙矿冶研究院有限责任公司 are one firm."""
    firms = {group.entity.name: group for group in groups if group.entity.type == FIRM}
    result = []
    for group in groups:
        target = None
        if group.entity.type in (FIRM, INSTITUTE):
            for name, firm in firms.items():
                if firm is not group and name.startswith(group.entity.name) and _LEGAL.sub("", name) == group.entity.name:
                    target = firm
                    break
        if target is None:
            result.append(group)
            continue
        target.mentions.extend(group.mentions)
        target.entity.evidence.extend(group.entity.evidence)
        for alias in [group.entity.name, *group.entity.aliases]:
            if alias not in target.entity.aliases and alias != target.entity.name:
                target.entity.aliases.append(alias)
        for parent in group.part_of:
            if parent not in target.part_of:
                target.part_of.append(parent)
    return result


def _government_aliases(groups: list[Group]) -> None:
    """威海市政府 is also written 威海市人民政府, and the other way round."""
    for group in groups:
        entity = group.entity
        if entity.type != DEPARTMENT:
            continue
        if "人民政府" in entity.name:
            variant = entity.name.replace("人民政府", "政府")
        elif re.search("[市省县区]政府", entity.name):
            variant = re.sub("([市省县区])政府", r"\1人民政府", entity.name)
        else:
            continue
        if variant not in entity.aliases:
            entity.aliases.append(variant)


def _merge_cross_type(groups: list[Group]) -> list[Group]:
    """One name, one type: keep the type with most mentions."""
    by_name: dict[str, list[Group]] = defaultdict(list)
    for group in groups:
        by_name[group.key.split("|", 1)[1]].append(group)
    result = []
    for group in groups:
        same = by_name[group.key.split("|", 1)[1]]
        if len(same) == 1:
            result.append(group)
            continue
        best = max(same, key=lambda g: (g.entity.type != PERSON, len(g.mentions)))
        if group is best:
            for other in same:
                if other is not best:
                    best.mentions.extend(other.mentions)
                    best.entity.evidence.extend(other.entity.evidence)
            result.append(best)
    return result


# --- aliases ----------------------------------------------------------


def _definition_mentions(text: str, mentions: list[DocMention], resources: Resources) -> list[DocMention]:
    """（以下简称“X”） right after a name makes X an alias of that name."""
    extra = []
    ends = {}
    for item in mentions:
        if item.label != PERSON:
            ends.setdefault(item.end, item)
    for match in _DEFINITION.finditer(text):
        short = match.group(1).strip()
        owner = ends.get(match.start()) or ends.get(match.start() - 1)
        if owner is None or short in _DEFINED_GENERIC or len(short) < 2:
            continue
        owner.extra_aliases.append(short)
    return extra


def _occurrences(text: str, needle: str) -> list[int]:
    positions = []
    start = text.find(needle)
    while start >= 0:
        positions.append(start)
        start = text.find(needle, start + len(needle))
    return positions


def _add_alias_mentions(groups: list[Group], norm: NormText, resources: Resources) -> None:
    """Find further mentions of names and aliases, then of firms' short names.

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
        for position in _occurrences(text, form):
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
            entity.evidence.append(_evidence(norm, position, end))

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
        for core in _core_names(entity.name, resources):
            if core in entity.aliases or not _usable_short_name(core, resources):
                continue
            if any(free(position, position + len(core)) for position in _occurrences(text, core)):
                entity.aliases.append(core)
                mark(group, core)
    for group in groups:
        group.entity.evidence.sort(key=lambda item: item.start)


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


def _core_names(name: str, resources: Resources) -> list[str]:
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
    stripped = _LEGAL.sub("", body)
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


def _abbreviation_aliases(groups: list[Group], norm: NormText, resources: Resources) -> None:
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
        positions = [p for p in _occurrences(text, abbreviation) if not taken[p]]
        if len(positions) >= 1 and abbreviation not in ("海院", "中大", "国大"):
            for form in ([place_prefix + abbreviation] if place_prefix else []) + [abbreviation]:
                if form in text and form not in entity.aliases:
                    entity.aliases.append(form)
            for position in positions:
                end = position + len(abbreviation)
                group.mentions.append(
                    DocMention(Mention(INSTITUTE, position, end, abbreviation, entity.name, rule="abbreviation"), position, end, entity.name, INSTITUTE)
                )
                entity.evidence.append(_evidence(norm, position, end))


def _english_aliases(groups: list[Group], norm: NormText, resources: Resources) -> None:
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
        for position in _occurrences(text, alias):
            end = position + len(alias)
            group.mentions.append(
                DocMention(Mention(entity.type, position, end, alias, entity.name, rule="english"), position, end, entity.name, entity.type)
            )
            entity.evidence.append(_evidence(norm, position, end))
        entity.evidence.sort(key=lambda item: item.start)


# --- status, region, people, industries ---------------------------------


def _mark_removed(groups: list[Group], amendments: Amendments, text: str) -> None:
    """An entity seen only in deleted text, and nowhere else, is removed."""
    if not amendments.deleted:
        return
    for group in groups:
        if not all(amendments.is_deleted(item.start, item.end) for item in group.mentions):
            continue
        forms = [group.entity.name, *group.entity.aliases]
        elsewhere = False
        for form in forms:
            for position in _occurrences(text, form):
                if not amendments.is_deleted(position, position + len(form)):
                    elsewhere = True
        if not elsewhere:
            group.entity.status = REMOVED


def _assign_regions(groups: list[Group], text: str, resources: Resources) -> None:
    places = resources.places_by_length
    for group in groups:
        entity = group.entity
        if entity.type == TECHNOLOGY or entity.type == PERSON:
            continue
        name = entity.name
        for province in resources.provinces:
            if name.startswith(province + "省"):
                name = name[len(province) + 1 :]
                break
            if name.startswith(province) and not name.startswith(province + "大学"):
                name = name[len(province) :]
                break
        for place in places:
            if name.startswith(place) and place != "南海新区":
                entity.region = place
                break


_CREDIT_CODE = re.compile(
    r"(?:统一社会信用代码|社会信用代码|信用代码)\s*[:：]?\s*([0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10})"
)


def _assign_credit_codes(groups: list[Group], text: str) -> None:
    """统一社会信用代码：9137… belongs to the firm named last before it."""
    firm_mentions = sorted(
        ((item.start, group) for group in groups if group.entity.type == FIRM for item in group.mentions),
        key=lambda entry: entry[0],
    )
    starts = [start for start, _ in firm_mentions]
    for match in _CREDIT_CODE.finditer(text):
        index = bisect_left(starts, match.start())
        if index == 0:
            continue
        group = firm_mentions[index - 1][1]
        if group.entity.credit_code is None:
            group.entity.credit_code = match.group(1)


def _assign_people(groups: list[Group], text: str, resources: Resources) -> None:
    """Give each person an affiliation: the organisation before the title."""
    orgs = [
        (item.start, item.end, group)
        for group in groups
        if group.entity.type in ORG_TYPES
        for item in group.mentions
    ]
    orgs.sort(key=lambda entry: entry[0])
    for group in groups:
        entity = group.entity
        if entity.type != PERSON:
            continue
        for item in group.mentions:
            best = _affiliation_for(orgs, text, item, resources)
            if best is not None:
                entity.affiliation = best.entity.name
                if best.entity.region and not entity.region:
                    entity.region = best.entity.region
                break
        # Workstations named after a person: 唐启升院士工作站.
        for other in groups:
            if other.entity.type == INSTITUTE and other.entity.name.startswith(entity.name) and "工作站" in other.entity.name:
                entity.affiliation = entity.affiliation or other.entity.name
                if not entity.role:
                    entity.role = "expert: 院士" if "院士" in other.entity.name else "expert"
        if entity.role is None:
            entity.role = "other"


def _affiliation_for(orgs, text: str, item: DocMention, resources: Resources):
    sentence_start, sentence_end = _sentence_span(text, item.start, item.end)
    starts = [entry[0] for entry in orgs]
    low = bisect_left(starts, sentence_start)
    high = bisect_right(starts, sentence_end)
    window = orgs[low:high]
    before = [entry for entry in window if entry[1] <= item.start]
    if before:
        # The nearest organisation before the person in the same sentence.
        return before[-1][2]
    after = [entry for entry in window if item.end <= entry[0] and entry[1] <= sentence_end]
    role = item.mention.role or ""
    if after and ("创始人" in role or "负责人" in role):
        return after[0][2]
    title = role.split(": ", 1)[-1]
    wanted = None
    if title.endswith("院长"):
        wanted = "院"
    elif title.endswith("所长"):
        wanted = "所"
    elif title.endswith(("经理", "总裁", "董事长", "副总")):
        wanted = "FIRM"
    if wanted:
        previous = orgs[: bisect_left(starts, item.start)]
        for entry in reversed(previous):
            group = entry[2]
            if wanted == "FIRM" and group.entity.type == FIRM:
                return group
            if wanted != "FIRM" and group.entity.type == INSTITUTE and group.entity.name.endswith(wanted):
                return group
    return None


def _industry_item_spans(text: str) -> list[tuple[int, int, str]]:
    """Numbered plan items whose heading names one of the six industries."""
    spans = []
    position = 0
    lines = text.split("\n")
    for line in lines:
        start = position
        position += len(line) + 1
        if not _PLAN_ITEM.match(line):
            continue
        heading = line[:40]
        for industry in INDUSTRY_NAMES:
            if industry in heading:
                spans.append((start, start + len(line), industry))
                break
    return spans


def _assign_industries(groups: list[Group], text: str, resources: Resources) -> None:
    """Give technologies, firms and institutes the industries they belong to.

    A technology inside a plan item on an industry belongs to it, and
    otherwise takes the industry of its lexicon term. A firm or institute
    takes every industry whose keywords occur in its sentences. A firm
    named at least twice with no such keyword takes the industry most of
    the document's technologies belong to.
    """
    items = _industry_item_spans(text)
    live = [group for group in groups if group.entity.status != REMOVED]
    technology_counts: Counter = Counter()
    for group in live:
        if group.entity.type == TECHNOLOGY:
            group.entity.industries = _technology_industries(group, items, resources)
            for industry in group.entity.industries:
                technology_counts[industry] += len(group.mentions)
    for group in live:
        if group.entity.type not in (FIRM, INSTITUTE):
            continue
        found = _sentence_industries(group, text, resources)
        if not found and group.entity.type == FIRM and len(group.mentions) >= 2 and technology_counts:
            found = [technology_counts.most_common(1)[0][0]]
        group.entity.industries = [name for name in INDUSTRY_NAMES if name in found]


def _technology_industries(group: Group, items, resources: Resources) -> list[str]:
    found: list[str] = []
    for item in group.mentions:
        for low, high, industry in items:
            if low <= item.start < high and industry not in found:
                found.append(industry)
    if not found:
        found.extend(_lexicon_industries(group.entity, resources))
    return [name for name in INDUSTRY_NAMES if name in found]


def _sentence_industries(group: Group, text: str, resources: Resources) -> list[str]:
    sentences = set()
    for item in group.mentions:
        low, high = _sentence_span(text, item.start, item.end)
        sentences.add((low, high))
        if text[low : low + 1] in "”」’\"" and low > 0:
            # “…。”NAME经理说: the quoted words belong to this sentence.
            sentences.add(_sentence_span(text, low - 1, low - 1))
    found: list[str] = []
    for low, high in sentences:
        sentence = text[low:high]
        for industry, keywords in resources.industry_keywords.items():
            if industry not in found and any(word in sentence for word in keywords):
                found.append(industry)
    return found


def _lexicon_industries(entity: Entity, resources: Resources) -> list[str]:
    found = []
    for form in [entity.name, *entity.aliases]:
        industry = resources.tech_terms.get(form)
        if industry and industry not in found:
            found.append(industry)
    if found:
        return found
    for term, industry in sorted(resources.tech_terms.items(), key=lambda pair: -len(pair[0])):
        if industry and term in entity.name:
            return [industry]
    for industry, keywords in resources.industry_keywords.items():
        if any(word in entity.name for word in keywords):
            found.append(industry)
    return found


# --- relations ----------------------------------------------------------


def _relations(groups: list[Group], norm: NormText, resources: Resources) -> list[Relation]:
    text = norm.text
    relations: dict[tuple[str, str, str], Relation] = {}
    by_name = {group.entity.name: group for group in groups}

    def add(head: Entity, kind: str, tail_name: str, tail_type: str, start: int, end: int, status=CURRENT):
        key = (head.name, kind, tail_name)
        relation = relations.get(key)
        if relation is None:
            relation = relations[key] = Relation(head.name, head.type, kind, tail_name, tail_type, [], status)
        if len(relation.evidence) < 3:
            relation.evidence.append(_evidence(norm, start, end))

    for group in groups:
        entity = group.entity
        status = entity.status
        first = group.mentions[0]
        if entity.type == PERSON and entity.affiliation and entity.affiliation in by_name:
            tail = by_name[entity.affiliation].entity
            add(entity, AFFILIATED_WITH, tail.name, tail.type, first.start, first.end, status)
        for parent in group.part_of:
            key_group = next((g for g in groups if g.entity.name == parent or parent in g.entity.aliases), None)
            if key_group is not None:
                add(entity, PART_OF, key_group.entity.name, key_group.entity.type, first.start, first.end, status)
        for alias in entity.aliases:
            if entity.type in ORG_TYPES and len(alias) < len(entity.name) and alias in text:
                position = text.find(alias)
                add(_named(alias, entity.type), SHORT_NAME_OF, entity.name, entity.type, position, position + len(alias), status)
        if entity.region and entity.type == FIRM:
            add(entity, LOCATED_IN, entity.region, "Place", first.start, first.end, status)
        for industry in entity.industries:
            add(entity, IN_INDUSTRY, industry, "Industry", first.start, first.end, status)

    _sentence_relations(groups, text, add)
    _responsibility_relations(groups, text, add)
    return list(relations.values())


_RESPONSIBLE = re.compile(r"[（(]\s*(?:责任单位|牵头单位|责任部门)\s*[:：]([^）)]*)[）)]")


def _responsibility_relations(groups: list[Group], text: str, add) -> None:
    """（责任单位：市海洋发展局、…） inside a plan item names the departments
    responsible for that item's industry."""
    items = _industry_item_spans(text)
    if not items:
        return
    departments = [
        (item, group) for group in groups if group.entity.type == DEPARTMENT for item in group.mentions
    ]
    for match in _RESPONSIBLE.finditer(text):
        industry = next((name for low, high, name in items if low <= match.start() < high), None)
        if industry is None:
            continue
        for item, group in departments:
            if match.start(1) <= item.start and item.end <= match.end(1):
                add(group.entity, RESPONSIBLE_FOR, industry, "Industry", item.start, item.end)


def _named(name: str, kind: str) -> Entity:
    return Entity(type=kind, name=name)


def _sentence_relations(groups: list[Group], text: str, add) -> None:
    """DEVELOPS, COOPERATES_WITH and PART_OF cues within one sentence."""
    by_sentence: dict[tuple[int, int], list[tuple[DocMention, Group]]] = defaultdict(list)
    for group in groups:
        for item in group.mentions:
            by_sentence[_sentence_span(text, item.start, item.end)].append((item, group))
    for (low, high), members in by_sentence.items():
        sentence = text[low:high]
        members.sort(key=lambda pair: pair[0].start)
        orgs = [(item, group) for item, group in members if group.entity.type in (FIRM, INSTITUTE)]
        techs = [(item, group) for item, group in members if group.entity.type == TECHNOLOGY]
        if orgs and techs and _DEVELOP_VERBS.search(sentence):
            for item, group in orgs[:2]:
                for tech_item, tech in techs:
                    status = REMOVED if REMOVED in (group.entity.status, tech.entity.status) else CURRENT
                    add(group.entity, DEVELOPS, tech.entity.name, TECHNOLOGY, tech_item.start, tech_item.end, status)
        distinct = []
        for item, group in orgs:
            if group not in [g for _, g in distinct]:
                distinct.append((item, group))
        if len(distinct) >= 2 and _COOPERATE_VERBS.search(sentence):
            for index, (item, group) in enumerate(distinct):
                for other_item, other in distinct[index + 1 :]:
                    status = REMOVED if REMOVED in (group.entity.status, other.entity.status) else CURRENT
                    add(group.entity, COOPERATES_WITH, other.entity.name, other.entity.type, item.start, other_item.end, status)
        if "加挂" in sentence:
            position = low + sentence.index("加挂")
            before = [(i, g) for i, g in members if i.end <= position and g.entity.type in ORG_TYPES]
            after = [(i, g) for i, g in members if i.start >= position and g.entity.type in ORG_TYPES]
            if before and after and before[-1][1] is not after[0][1]:
                add(after[0][1].entity, PART_OF, before[-1][1].entity.name, before[-1][1].entity.type, after[0][0].start, after[0][0].end)
