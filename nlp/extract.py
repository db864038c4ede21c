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
from itertools import accumulate

from bluecarbon.errors import DocumentError, ExtractionError
from bluecarbon.model import DEPARTMENT, FIRM, INSTITUTE, PERSON, TECHNOLOGY, Entity, Extraction
from nlp.aliases import (
    abbreviation_aliases,
    add_alias_mentions,
    core_names,
    english_aliases,
    link_definitions,
    pinyin_aliases,
)
from nlp.attributes import (
    assign_credit_codes,
    assign_industries,
    assign_people,
    assign_regions,
    mark_removed,
)
from nlp.document import find_amendments, read_document_info
from nlp.matching import is_subsequence
from nlp.mentions import LEGAL_SUFFIX, ORG_TYPES, DocMention, Group, evidence_at, occurrences
from nlp.normalize import CJK, GARBLE, NormText, normalize, to_simplified
from nlp.people import find_byline_people
from nlp.pipeline import load_pipeline, paragraph_state
from nlp.relations import build_relations
from nlp.resources import Resources, load_resources

EXTRACTOR_VERSION = "bluecarbon-nlp 0.3"
MAX_PARAGRAPH = 1500
_CJK_CHAR = re.compile(f"[{CJK}]")
_WHITESPACE = re.compile(r"\s+")
# Spaces and quotation marks are not part of an alias.
_ALIAS_NOISE = re.compile(r"[\s“”「」]+")


# Extraction takes about a minute and several hundred MB per million
# characters (measured on a 2-core machine), and policy documents are far
# shorter, so longer input is rejected rather than left to exhaust memory.
MAX_TEXT_CHARS = 2_000_000
# Evidence kept per entity and relation in one document: the first
# mentions, so that a page repeating a name thousands of times neither
# floods the graph nor outweighs other documents.
MAX_EVIDENCE = 20

def extract(text: str) -> Extraction:
    """Extract entities, relations and document facts from ``text``."""
    if not isinstance(text, str):
        raise ExtractionError(f"extract() needs a str, got {type(text).__name__}")
    if len(text) > MAX_TEXT_CHARS:
        raise DocumentError(
            f"the text has {len(text):,} characters, more than the limit of "
            f"{MAX_TEXT_CHARS:,} for one document; split it into parts"
        )
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
    link_definitions(norm.text, mentions)
    mentions = _drop_people_named_like_organisations(mentions)
    entities = _merge(mentions, norm, resources)
    entities = _merge_legal_variants(entities)
    entities = _merge_bureau_short_forms(entities)
    entities = _merge_technology_short_forms(entities, resources)
    entities = _merge_brand_short_forms(entities, resources)
    _government_aliases(entities)
    add_alias_mentions(entities, norm, resources)
    abbreviation_aliases(entities, norm, resources)
    english_aliases(entities, norm, resources)
    pinyin_aliases(entities, norm, resources)
    entities = _drop_generic_names(entities, resources)
    mark_removed(entities, amendments, norm.text)
    assign_regions(entities, norm.text, resources)
    assign_credit_codes(entities, norm.text)
    assign_people(entities, norm.text, resources)
    assign_industries(entities, norm.text, resources)
    relations = build_relations(entities, norm, resources)
    for group in entities:
        del group.entity.evidence[MAX_EVIDENCE:]
    for relation in relations:
        del relation.evidence[MAX_EVIDENCE:]
    return Extraction(
        entities=[group.entity for group in entities],
        relations=relations,
        document=info,
        extractor_version=EXTRACTOR_VERSION,
        garbled_share=_garbled_share(text, norm.text),
    )


# UTF-8 read as Latin-1 or cp1252 turns every Chinese character into two
# or three characters of U+0080-U+00FF; decoding errors leave U+FFFD.
_FOREIGN = re.compile("[\u0080-\u00ff\ufffd]")


def _garbled_share(text: str, normalised: str) -> float:
    """Return the share of visible characters that are mojibake: blanked
    by normalisation, replacement characters, or Latin-1 bytes."""
    visible = len("".join(text.split()))
    if not visible:
        return 0.0
    blanked = max(0, normalised.count(GARBLE) - text.count(GARBLE))
    return min(1.0, (blanked + len(_FOREIGN.findall(text))) / visible)


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
            for mention in paragraph_state(doc)[2]:
                result.append(
                    DocMention(mention, offset + mention.start, offset + mention.end, mention.name, mention.label)
                )
    except (ValueError, KeyError, IndexError) as error:
        raise ExtractionError(f"the spaCy pipeline failed: {error}") from error
    return result


def _byline_mentions(text: str, norm: NormText, resources: Resources) -> list[DocMention]:
    """People in bylines, mapped from original offsets to normalised ones."""
    flat = to_simplified(text)
    result = []
    for mention in find_byline_people(flat, resources):
        start = _normalised_position(norm, mention.start)
        end = _normalised_position(norm, mention.end - 1)
        if start is None or end is None:
            continue
        result.append(DocMention(mention, start, end + 1, mention.name, PERSON))
    return result


def _normalised_position(norm: NormText, original: int) -> int | None:
    """Return the normalised offset of the original character at
    ``original``, or None if normalisation dropped it."""
    # The offsets increase strictly, so a binary search finds the character.
    index = bisect_left(norm.offsets, original)
    if index < len(norm.offsets) and norm.offsets[index] == original:
        return index
    return None


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
    # The titles do not overlap, so only the last one starting at or before
    # a mention can contain it.
    title_starts = [low for low, _ in titles]
    kept = []
    for item in mentions:
        index = bisect_right(title_starts, item.start) - 1
        if item.label == PERSON or index < 0 or item.end > titles[index][1]:
            kept.append(item)
    return kept


def _drop_unsupported_parents(mentions: list[DocMention], text: str) -> list[DocMention]:
    """Keep a parent read off a sub-unit's name only if it also occurs alone.

    人民银行威海市中心支行 names 人民银行, but 人民银行 is an entity of the
    document only when the text also mentions it on its own.
    """
    others = sorted((item.start, item.end) for item in mentions if item.mention.rule != "parent")
    other_starts = [low for low, _ in others]
    # reach[i] is the furthest end among the first i + 1 spans, so a span
    # starting at or before a position contains [position, end) exactly
    # when the reach of those spans is at least end.
    reach = list(accumulate((high for _, high in others), max))
    kept = []
    for item in mentions:
        if item.mention.rule == "parent":
            surface = item.mention.surface
            alone = False
            for position in occurrences(text, surface):
                index = bisect_right(other_starts, position) - 1
                if index < 0 or reach[index] < position + len(surface):
                    alone = True
                    break
            if not alone:
                continue
        kept.append(item)
    return kept


def _drop_technology_inside_names(mentions: list[DocMention]) -> list[DocMention]:
    """Drop technologies read across an organisation's name, which wins."""
    if not mentions:
        return mentions
    covered = bytearray(max(item.end for item in mentions) + 1)
    for item in mentions:
        if item.label != TECHNOLOGY:
            covered[item.start : item.end] = b"\x01" * (item.end - item.start)
    return [item for item in mentions if item.label != TECHNOLOGY or not any(covered[item.start : item.end])]


_BARE_ACRONYM = re.compile(r"[A-Z]{2,5}")
_BARE_BUREAU = re.compile(f"[{CJK}]{{2,6}}局")


def _drop_generic_names(groups: list[Group], resources: Resources) -> list[Group]:
    """Drop names that stand for a kind, not one body or product: a bare
    capital acronym that no longer name explains (SEM, XRD), and a bureau
    without a place (财政局 in 各区市海洋发展局、财政局)."""
    kept = []
    for group in groups:
        entity = group.entity
        if entity.type == TECHNOLOGY and _BARE_ACRONYM.fullmatch(entity.name) and not entity.aliases:
            continue
        if (
            entity.type == DEPARTMENT
            and _BARE_BUREAU.fullmatch(entity.name)
            and not entity.name.startswith(("市", "省", "区", "县", "镇"))
            and not any(entity.name[:length] in resources.places for length in (2, 3, 4))
        ):
            continue
        kept.append(group)
    return kept


def _drop_people_named_like_organisations(mentions: list[DocMention]) -> list[DocMention]:
    """东方海洋董事长: a defined short name before a title is not a person."""
    org_forms = set()
    for item in mentions:
        if item.label in ORG_TYPES:
            org_forms.update([item.name, item.mention.surface, *item.extra_aliases, *item.mention.aliases])
    return [item for item in mentions if item.label != PERSON or item.name not in org_forms]


_BRACKETED_CJK = re.compile(f"（([{CJK}]{{2,8}})）")
_BRACKETED_ACRONYM = re.compile(r"（([A-Z][A-Za-z]{1,7})）")


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
        match = _BRACKETED_ACRONYM.match(text, item.end)
        if match:
            item.extra_aliases.append(match.group(1))
            continue
        # 山东蓝色海洋科技股份有限公司（蓝色海洋）: a short name keeps the
        # characters of the full name in order.
        match = _BRACKETED_CJK.match(text, item.end)
        if match and item.label in ORG_TYPES and is_subsequence(match.group(1), item.name):
            item.extra_aliases.append(match.group(1))
    # Every mention of the second name now belongs to the first.
    for item in mentions:
        owner = renamed.get(item.key)
        if owner is not None and owner is not item:
            item.name, item.key = owner.name, owner.key


# --- names and keys ---------------------------------------------------


_KEYS: dict[tuple[int, str, str], str] = {}


def entity_key(name: str, label: str, resources: Resources) -> str:
    """Return the key under which mentions of one entity are merged."""
    cache_key = (id(resources), name, label)
    key = _KEYS.get(cache_key)
    if key is None:
        if len(_KEYS) > 100_000:
            _KEYS.clear()
        key = _KEYS[cache_key] = _entity_key(name, label, resources)
    return key


def _entity_key(name: str, label: str, resources: Resources) -> str:
    key = _WHITESPACE.sub("", name).replace("(", "（").replace(")", "）")
    key = key.replace("人民政府", "政府").replace("农民专业合作社", "合作社").replace("专业合作社", "合作社")
    match = resources.place_prefix.match(key)
    if match and match.group(2) == "市":
        key = match.group(1) + key[match.end() :]
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
    """Return the mention as the input writes it, when that differs beyond
    spacing and bracket width: Traditional script (威高集團) or a pinyin gloss
    inside (白(bái)海参)."""
    start, end = norm.span(item.start, item.end)
    original = norm.original[start:end]
    surface = item.mention.surface
    if original == surface and "".join(original.split()) == original:
        return surface  # the common case: the input writes the surface as it is
    original = _WHITESPACE.sub("", original)
    if original.replace("(", "（").replace(")", "）") == surface:
        return surface
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
    # A form met again adds nothing, so each distinct form is cleaned once.
    seen_forms = set()
    evidence = []
    for item in sorted(group.mentions, key=lambda m: m.start):
        original = _original_surface(norm, item)
        for form in [item.mention.surface, original, item.name, *item.mention.aliases, *item.extra_aliases]:
            if form in seen_forms:
                continue
            seen_forms.add(form)
            alias = _ALIAS_NOISE.sub("", form)
            if alias and alias != group.entity.name and alias not in aliases:
                aliases.append(alias)
        # extract() keeps the first MAX_EVIDENCE by offset, and merging or
        # sorting lists never moves a later entry of one list ahead of its
        # first MAX_EVIDENCE, so later ones need not be built.
        if len(evidence) < MAX_EVIDENCE and (item.start, item.end) not in seen_spans:
            seen_spans.add((item.start, item.end))
            evidence.append(evidence_at(norm, item.start, item.end))
    # A coordination span (唐启升、焦念志院士工作站) is not an alias.
    group.entity.aliases = [alias for alias in aliases if "、" not in alias]
    group.entity.confidence = max(_RULE_CONFIDENCE.get(item.mention.rule, 0.8) for item in group.mentions)
    group.entity.evidence = evidence


def _merge_legal_variants(groups: list[Group]) -> list[Group]:
    """长沙矿冶研究院 and 长沙矿冶研究院有限责任公司 are one firm."""
    firms = {group.entity.name: group for group in groups if group.entity.type == FIRM}
    # Firms by their name without the legal form, in the order of ``firms``.
    # Removing a suffix leaves a prefix, so this also covers the prefix test.
    by_stripped: dict[str, list[Group]] = defaultdict(list)
    for name, firm in firms.items():
        by_stripped[LEGAL_SUFFIX.sub("", name)].append(firm)
    result = []
    for group in groups:
        target = None
        if group.entity.type in (FIRM, INSTITUTE):
            target = next((firm for firm in by_stripped.get(group.entity.name, ()) if firm is not group), None)
        if target is None:
            result.append(group)
            continue
        _absorb(target, group)
        for parent in group.part_of:
            if parent not in target.part_of:
                target.part_of.append(parent)
    return result


# Official short forms of government bodies' names, by the ending they replace.
_BUREAU_SHORT_FORMS = {
    "科学技术局": "科技局",
    "工业和信息化局": "工信局",
    "发展和改革委员会": "发改委",
    "人力资源和社会保障局": "人社局",
    "住房和城乡建设局": "住建局",
    "市场监督管理局": "市场监管局",
    "交通运输局": "交通局",
    "文化和旅游局": "文旅局",
    "科学技术厅": "科技厅",
    "工业和信息化厅": "工信厅",
}


def _merge_bureau_short_forms(groups: list[Group]) -> list[Group]:
    """威海市科技局 and 威海市科学技术局 are one department: the short form
    becomes an alias of the full name."""
    by_name = {group.entity.name: group for group in groups if group.entity.type == DEPARTMENT}
    short_of: dict[str, Group] = {}
    for name, group in by_name.items():
        for ending, short in _BUREAU_SHORT_FORMS.items():
            if name.endswith(ending):
                short_of[name[: -len(ending)] + short] = group
    result = []
    for group in groups:
        target = short_of.get(group.entity.name) if group.entity.type == DEPARTMENT else None
        if target is None or target is group:
            result.append(group)
            continue
        _absorb(target, group)
    return result


def _absorb(target: Group, group: Group) -> None:
    """Move the mentions and evidence of ``group`` into ``target``, whose
    aliases gain the names of ``group``."""
    target.mentions.extend(group.mentions)
    target.entity.evidence.extend(group.entity.evidence)
    for alias in [group.entity.name, *group.entity.aliases]:
        if alias not in target.entity.aliases and alias != target.entity.name:
            target.entity.aliases.append(alias)


def _technology_short_form_of(short: str, long: str, resources: Resources) -> bool:
    """Decide whether ``short`` is a shortened writing of ``long``.

    Two ways of shortening are accepted. Dropping leading modifiers keeps
    the head (智能清洗机器人 for 水下智能清洗机器人). Dropping inner words
    keeps the first character and the two-character head, and the
    remaining characters stay in order (拉挤风电碳梁 for
    拉挤碳纤维风电叶片碳梁). A lexicon term is a technology of its own,
    so it is never the inner-word form (水下机器人).
    """
    if len(short) < 4 or len(short) >= len(long):
        return False
    if long.endswith(short):
        return True
    return (
        short[0] == long[0]
        and short[-2:] == long[-2:]
        and short not in resources.tech_terms
        and is_subsequence(short, long)
    )


def _merge_technology_short_forms(groups: list[Group], resources: Resources) -> list[Group]:
    """Merge a technology into the one longer technology it shortens.

    A short form that fits several longer names (碳纤维 in 高强碳纤维 and
    高模碳纤维) is left alone, because the text does not say which it is.
    """
    technologies = [group for group in groups if group.entity.type == TECHNOLOGY]
    targets: dict[int, Group] = {}
    for group in technologies:
        short = group.entity.name
        longer = [
            other
            for other in technologies
            if other is not group and _technology_short_form_of(short, other.entity.name, resources)
        ]
        if len(longer) == 1:
            targets[id(group)] = longer[0]
    result = []
    for group in groups:
        target = targets.get(id(group))
        # Chains (A shortens B, B shortens C) stop at the first step.
        if target is None or id(target) in targets:
            result.append(group)
            continue
        _absorb(target, group)
        target.entity.evidence.sort(key=lambda item: item.start)
        target.entity.confidence = max(target.entity.confidence, group.entity.confidence)
    return result


def _merge_brand_short_forms(groups: list[Group], resources: Resources) -> list[Group]:
    """鑫发公司 after 荣成市鑫发水产食品有限公司: a firm named by another
    firm's short name and a legal form is that firm.

    A short name shared by several firms of the document is left alone.
    """
    firms = [group for group in groups if group.entity.type == FIRM]
    owners: dict[str, list[Group]] = defaultdict(list)
    for group in firms:
        for core in core_names(group.entity.name, resources):
            owners[core].append(group)
    result = []
    for group in groups:
        target = None
        if group.entity.type == FIRM:
            stripped = LEGAL_SUFFIX.sub("", group.entity.name)
            candidates = [other for other in owners.get(stripped, []) if other is not group]
            if stripped != group.entity.name and len(candidates) == 1:
                target = candidates[0]
        if target is None:
            result.append(group)
            continue
        _absorb(target, group)
        target.entity.evidence.sort(key=lambda item: item.start)
        target.entity.confidence = max(target.entity.confidence, group.entity.confidence)
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
    """Give each name one type: the type with the most mentions."""
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


