"""Relations between entities, each with its evidence."""

from __future__ import annotations

import re
from collections import defaultdict

from bluecarbon.model import (
    AFFILIATED_WITH,
    COOPERATES_WITH,
    CURRENT,
    DEPARTMENT,
    DEVELOPS,
    FIRM,
    IN_INDUSTRY,
    INSTITUTE,
    LOCATED_IN,
    PART_OF,
    PERSON,
    REMOVED,
    RESPONSIBLE_FOR,
    SHORT_NAME_OF,
    TECHNOLOGY,
    Entity,
    Relation,
)
from nlp.attributes import industry_item_spans
from nlp.mentions import ORG_TYPES, DocMention, Group, evidence_at, sentence_span, sentence_spans
from nlp.normalize import NormText
from nlp.resources import Resources

_DEVELOP_VERBS = re.compile(r"研发|研制|开发|生产|推出|攻克|突破|掌握|发布|打造|制造|试制|设计|发放|提供|创新|通过验收|实施|应用|推广|装有")
_COOPERATE_VERBS = re.compile(r"合作|共建|签订|签署|携手|联合|共同|会同|协议")


def build_relations(groups: list[Group], norm: NormText, resources: Resources) -> list[Relation]:
    text = norm.text
    relations: dict[tuple[str, str, str], Relation] = {}
    by_name = {group.entity.name: group for group in groups}

    def add(
        head: Entity, kind: str, tail_name: str, tail_type: str, start: int, end: int, status=CURRENT, confidence=1.0
    ):
        key = (head.name, kind, tail_name)
        relation = relations.get(key)
        if relation is None:
            relation = relations[key] = Relation(
                head.name, head.type, kind, tail_name, tail_type, [], status, confidence
            )
        else:
            relation.confidence = max(relation.confidence, confidence)
        if len(relation.evidence) < 3:
            relation.evidence.append(evidence_at(norm, start, end))

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
    _title_chain_affiliations(groups, text, resources, add)
    _membership_relations(groups, text, add)
    _name_prefix_parts(groups, resources, add)
    _main_firm_developments(groups, text, relations, add)
    return list(relations.values())


_CHAIN_WORDS = ("党委", "党组", "党组成员", "党委委员", "委员", "兼", "、")


def _title_chain_affiliations(groups: list[Group], text: str, resources: Resources, add) -> None:
    """威海市海洋发展局党组成员、威海市海洋发展研究院院长程剑: every
    organisation in the chain of titles before a name is an affiliation."""
    org_ends = {}
    for group in groups:
        if group.entity.type in ORG_TYPES:
            for item in group.mentions:
                org_ends.setdefault(item.end, (item.start, group))
    for group in groups:
        if group.entity.type != PERSON:
            continue
        for item in group.mentions:
            position = item.start
            found = []
            while position > 0:
                if position in org_ends:
                    start, org = org_ends[position]
                    found.append(org)
                    position = start
                    continue
                step = _chain_step(text, position, resources)
                if not step:
                    break
                position -= step
            for org in found:
                add(group.entity, AFFILIATED_WITH, org.entity.name, org.entity.type, item.start, item.end, group.entity.status)


def _chain_step(text: str, position: int, resources: Resources) -> int:
    """Length of the title or joining word that ends at ``position``, or 0."""
    for length in range(7, 0, -1):
        if length > position:
            continue
        word = text[position - length : position]
        if word in resources.titles or word in _CHAIN_WORDS:
            return length
    return 0


_MEMBERSHIP = re.compile(r"隶属于?|旗下|下属|的子公司|控股子公司")


def _membership_relations(groups: list[Group], text: str, add) -> None:
    """A隶属B and A是B旗下企业: A is part of B."""
    mentions = sorted(
        ((item, group) for group in groups if group.entity.type in ORG_TYPES for item in group.mentions),
        key=lambda pair: pair[0].start,
    )
    for match in _MEMBERSHIP.finditer(text):
        low, high = sentence_span(text, match.start(), match.end())
        before = [(item, group) for item, group in mentions if low <= item.start and item.end <= match.start()]
        after = [(item, group) for item, group in mentions if match.end() <= item.start and item.end <= high]
        if match.group().startswith("隶属") and before and after:
            child, parent = before[0], after[0]
        elif not match.group().startswith("隶属") and len(before) >= 2:
            child, parent = before[0], before[-1]  # A是B旗下: B comes last before the cue
        else:
            continue
        if child[1] is not parent[1]:
            add(child[1].entity, PART_OF, parent[1].entity.name, parent[1].entity.type, child[0].start, parent[0].end)


_SUB_UNIT_END = re.compile(r"(学院|研究所|所|中心|办公室|办公厅|分行|支行|分局|分公司|分院|部|处|室|站)$")


def _name_prefix_parts(groups: list[Group], resources: Resources, add) -> None:
    """威海市人民政府办公室 is part of 威海市人民政府, 中科院文献情报中心 of
    中国科学院: a unit named after another organisation of the document."""
    organisations = [group for group in groups if group.entity.type in ORG_TYPES]
    for child in organisations:
        name = child.entity.name
        if not _SUB_UNIT_END.search(name):
            continue
        for parent in organisations:
            if parent is child:
                continue
            forms = [parent.entity.name, *parent.entity.aliases, *resources.gazetteer_aliases.get(parent.entity.name, [])]
            if any(len(form) >= 2 and name.startswith(form) and len(name) > len(form) + 1 for form in forms):
                first = child.mentions[0]
                add(child.entity, PART_OF, parent.entity.name, parent.entity.type, first.start, first.end, child.entity.status)
                break


def _main_firm_developments(groups: list[Group], text: str, relations: dict, add) -> None:
    """In a page about one firm, the firm develops the technologies named
    on it. That firm is the only one, or the one named most often and
    more often than any other; plans (with industry items) are left out."""
    if industry_item_spans(text):
        return
    firms = [group for group in groups if group.entity.type == FIRM and group.entity.status == CURRENT]
    if not firms:
        return
    firms.sort(key=lambda group: len(group.mentions), reverse=True)
    main = firms[0]
    if len(firms) > 1 and (len(main.mentions) < 2 or len(main.mentions) == len(firms[1].mentions)):
        return
    developed = {tail for (_, kind, tail) in relations if kind == DEVELOPS}
    for group in groups:
        entity = group.entity
        if entity.type != TECHNOLOGY or entity.status != CURRENT or entity.name in developed:
            continue
        item = group.mentions[0]
        add(main.entity, DEVELOPS, entity.name, TECHNOLOGY, item.start, item.end, confidence=0.5)


_RESPONSIBLE = re.compile(r"[（(]\s*(?:责任单位|牵头单位|责任部门)\s*[:：]([^）)]*)[）)]")


def _responsibility_relations(groups: list[Group], text: str, add) -> None:
    """（责任单位：市海洋发展局、…） inside a plan item names the departments
    responsible for that item's industry."""
    items = industry_item_spans(text)
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
    pairs = [(item, group) for group in groups for item in group.mentions]
    for pair, span in zip(pairs, sentence_spans(text, [(item.start, item.end) for item, _ in pairs])):
        by_sentence[span].append(pair)
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
        # Firms head a cooperation, then institutes; otherwise text order.
        distinct.sort(key=lambda pair: pair[1].entity.type != FIRM)
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
