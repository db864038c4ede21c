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
from nlp.mentions import ORG_TYPES, DocMention, Group, evidence_at, sentence_span
from nlp.normalize import NormText
from nlp.resources import Resources

_DEVELOP_VERBS = re.compile(r"研发|研制|开发|生产|推出|攻克|突破|掌握|发布|打造|制造|试制|设计|发放|提供|创新|通过验收|实施|应用|推广|装有")
_COOPERATE_VERBS = re.compile(r"合作|共建|签订|签署|携手|联合|共同|会同|协议")


def build_relations(groups: list[Group], norm: NormText, resources: Resources) -> list[Relation]:
    text = norm.text
    relations: dict[tuple[str, str, str], Relation] = {}
    by_name = {group.entity.name: group for group in groups}

    def add(head: Entity, kind: str, tail_name: str, tail_type: str, start: int, end: int, status=CURRENT):
        key = (head.name, kind, tail_name)
        relation = relations.get(key)
        if relation is None:
            relation = relations[key] = Relation(head.name, head.type, kind, tail_name, tail_type, [], status)
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
    return list(relations.values())


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
    for group in groups:
        for item in group.mentions:
            by_sentence[sentence_span(text, item.start, item.end)].append((item, group))
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
