"""Turn one SourceVersion and its Extraction into the rows the loader writes.

Everything here is pure Python. Keys are resolved, and duplicate entities
in one extraction are merged. Relation endpoints that extraction did not
list as entities are added. Every fact gets at least one Evidence row, and
a fact given without a sentence gets one with ``start = end = -1``.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field, fields, is_dataclass
from functools import cache

from bluecarbon.model import (
    AFFILIATED_WITH,
    CURRENT,
    DEPARTMENT,
    ENTITY_LABELS,
    FIRM,
    IN_INDUSTRY,
    INDUSTRY,
    INSTITUTE,
    LOCATED_IN,
    PERSON,
    PLACE,
    RELATION_TYPES,
    REMOVED,
    SHORT_NAME_OF,
    Entity,
    Evidence,
    Extraction,
    SourceVersion,
)
from graph import keys

log = logging.getLogger(__name__)

ORGANISATION_LABELS = (FIRM, INSTITUTE, DEPARTMENT)
MENTION = "mention"
RELATION = "relation"


@dataclass
class EntityRow:
    key: str
    label: str
    name: str
    aliases: set[str] = field(default_factory=set)
    industries: set[str] = field(default_factory=set)
    region: str | None = None
    role: str | None = None
    affiliation: str | None = None
    credit_code: str | None = None
    status: str = REMOVED
    confidence: float = 0.0
    evidence: list[Evidence] = field(default_factory=list)

    def as_params(self) -> dict:
        return {
            "key": self.key,
            "props": {
                "name": self.name,
                "aliases": sorted(self.aliases - {self.name}),
                "industries": sorted(self.industries),
                "region": self.region,
                "role": self.role,
                "affiliation": self.affiliation,
                "credit_code": self.credit_code,
                "extracted_status": self.status,
                "confidence": self.confidence,
            },
        }


@dataclass
class LoadPlan:
    """The rows for one document version, grouped the way they are written."""

    document_key: str
    version: dict
    digest: str
    document_number: str | None
    amends: list[str]
    repeals: list[str]
    entities: dict[str, list[dict]]
    places: list[dict]
    evidence: list[dict]
    # (type, head label, tail label) -> [{"head": key, "tail": key}]
    relationships: dict[tuple[str, str, str], list[dict]]
    skipped: int


def extraction_digest(extraction: Extraction, redirected: dict | None = None) -> str:
    """Return a hash of the extraction's content and of the keys that
    merge and split decisions changed in its plan. It is stored on what
    the load wrote, so that a later, different extraction of the same
    version, or the same one under other decisions, can find and drop the
    facts it no longer contains."""
    text = json.dumps(
        extraction, default=_dataclass_fields, sort_keys=True, ensure_ascii=False
    )
    if redirected:
        text += "\n" + json.dumps(sorted(redirected.items()), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _dataclass_fields(value) -> dict:
    """Return a dataclass instance's fields as a dict for ``json.dumps``,
    which encodes the nested values itself. The JSON is the same as that
    of ``dataclasses.asdict``, which is several times slower because it
    copies every nested value first."""
    if not is_dataclass(value) or isinstance(value, type):
        raise TypeError(f"{type(value).__name__} is not JSON serializable")
    return {name: getattr(value, name) for name in _field_names(type(value))}


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(item.name for item in fields(cls))


class _Planner:
    def __init__(self, version: SourceVersion, extraction: Extraction, redirects=None):
        self.version = version
        self.extraction = extraction
        self.document_key = version.url
        # Merge and split decisions (graph.identity.Redirects), and the
        # keys they changed in this plan.
        self.redirects = redirects
        self.redirected: dict[str, str] = {}
        self.entities: dict[str, EntityRow] = {}
        self.by_name: dict[tuple[str, str], str] = {}
        self.places: dict[str, str] = {}
        self.evidence: dict[str, dict] = {}
        self.relationships: dict[tuple[str, str, str], dict[tuple[str, str], None]] = (
            defaultdict(dict)
        )
        self.skipped = 0

    # -- entities --------------------------------------------------------

    def add_entities(self) -> None:
        organisations = [e for e in self.extraction.entities if e.type != PERSON]
        people = [e for e in self.extraction.entities if e.type == PERSON]
        # Organisations first, so that a person's affiliation resolves to
        # the key of an organisation named in the same document.
        for entity in organisations + people:
            if entity.type not in ENTITY_LABELS:
                log.warning(
                    "skipping entity %r of unknown type %r in %s",
                    entity.name,
                    entity.type,
                    self.version.key,
                )
                self.skipped += 1
                continue
            if not keys.normalise(entity.name):
                log.warning(
                    "skipping a %s with an empty name in %s",
                    entity.type,
                    self.version.key,
                )
                self.skipped += 1
                continue
            self._add_entity(entity)

    def _add_entity(self, entity: Entity) -> EntityRow:
        key = self._key_for(entity)
        row = self.entities.get(key)
        if row is None:
            row = EntityRow(key=key, label=entity.type, name=entity.name)
            self.entities[key] = row
        row.aliases.update(a for a in entity.aliases if a)
        if entity.name != row.name:
            row.aliases.add(entity.name)
        row.industries.update(entity.industries)
        row.region = row.region or entity.region
        row.role = row.role or entity.role
        row.affiliation = row.affiliation or entity.affiliation
        row.credit_code = row.credit_code or _credit_code(entity.credit_code)
        if entity.status == CURRENT:
            row.status = CURRENT
        row.confidence = max(row.confidence, entity.confidence)
        row.evidence.extend(entity.evidence)
        for name in (entity.name, *entity.aliases):
            if name:
                self.by_name.setdefault((entity.type, keys.normalise(name)), key)
        return row

    def _key_for(self, entity: Entity) -> str:
        affiliation_key = None
        if entity.type == PERSON and entity.affiliation:
            affiliation_key = self._organisation_key(entity.affiliation)
        key = keys.entity_key(
            entity.type,
            entity.name,
            affiliation_key=affiliation_key,
            document_key=self.document_key,
        )
        if self.redirects:
            target = self.redirects.resolve(key, self.document_key)
            if target != key:
                self.redirected[key] = target
                key = target
        return key

    def _organisation_key(self, name: str) -> str:
        normalised = keys.normalise(name)
        for label in ORGANISATION_LABELS:
            key = self.by_name.get((label, normalised))
            if key:
                return key
        return f"org:{normalised}"

    def _endpoint_key(
        self, label: str, name: str, evidence: list[Evidence]
    ) -> str | None:
        if label == INDUSTRY:
            industry = keys.find_industry(name)
            return keys.industry_key(industry.code) if industry else None
        if label == PLACE:
            key = keys.place_key(name)
            self.places[key] = name
            return key
        if label not in ENTITY_LABELS:
            return None
        key = self.by_name.get((label, keys.normalise(name)))
        if key:
            return key
        # An endpoint that extraction did not list as an entity: add it,
        # with the relation's sentences as its mention evidence.
        implicit = Entity(type=label, name=name, evidence=list(evidence))
        return self._add_entity(implicit).key

    # -- relations -------------------------------------------------------

    def add_relations(self) -> None:
        for relation in self.extraction.relations:
            if relation.type not in RELATION_TYPES:
                self._skip_relation(relation, "unknown relationship type")
                continue
            if not keys.normalise(relation.head) or not keys.normalise(relation.tail):
                self._skip_relation(relation, "empty endpoint name")
                continue
            if relation.type == SHORT_NAME_OF and self._add_short_name(relation):
                continue
            head = self._endpoint_key(
                relation.head_type, relation.head, relation.evidence
            )
            tail = self._endpoint_key(
                relation.tail_type, relation.tail, relation.evidence
            )
            if head is None or tail is None or relation.head_type not in ENTITY_LABELS:
                self._skip_relation(relation, "unknown endpoint type or industry")
                continue
            if head == tail:
                self._skip_relation(relation, "both ends are the same entity")
                continue
            self._add_fact(
                relation.type,
                (relation.head_type, head),
                (relation.tail_type, tail),
                relation.evidence,
                relation.status,
                relation.confidence,
            )

    def _add_short_name(self, relation) -> bool:
        """Record the head of a SHORT_NAME_OF as an alias of its tail and
        return True, unless the head is an entity of its own."""
        tail = self.by_name.get((relation.tail_type, keys.normalise(relation.tail)))
        head = self.by_name.get((relation.head_type, keys.normalise(relation.head)))
        if tail is None or head not in (None, tail):
            return False
        self.entities[tail].aliases.add(relation.head)
        self.by_name.setdefault(
            (relation.head_type, keys.normalise(relation.head)), tail
        )
        return True

    def _skip_relation(self, relation, reason: str) -> None:
        log.warning(
            "skipping relation %s(%r, %r) in %s: %s",
            relation.type,
            relation.head,
            relation.tail,
            self.version.key,
            reason,
        )
        self.skipped += 1

    def add_entity_facts(self) -> None:
        """Add mention evidence, IN_INDUSTRY, LOCATED_IN and a Person's
        AFFILIATED_WITH for every entity row."""
        for row in list(self.entities.values()):
            for item in row.evidence or [None]:
                self._add_evidence(
                    row.key, MENTION, None, item, row.status, row.confidence
                )
            endpoint = (row.label, row.key)
            for name in sorted(row.industries):
                industry = keys.find_industry(name)
                if industry is None:
                    log.warning(
                        "skipping unknown industry %r of %r in %s",
                        name,
                        row.name,
                        self.version.key,
                    )
                    self.skipped += 1
                    continue
                industry_end = (INDUSTRY, keys.industry_key(industry.code))
                self._add_fact(
                    IN_INDUSTRY,
                    endpoint,
                    industry_end,
                    row.evidence,
                    row.status,
                    row.confidence,
                )
            if row.region:
                place = keys.place_key(row.region)
                self.places[place] = row.region
                self._add_fact(
                    LOCATED_IN,
                    endpoint,
                    (PLACE, place),
                    row.evidence,
                    row.status,
                    row.confidence,
                )
            if row.label == PERSON and row.affiliation:
                organisation = self._organisation_key(row.affiliation)
                label = (
                    self.entities[organisation].label
                    if organisation in self.entities
                    else None
                )
                if label is not None:
                    self._add_fact(
                        AFFILIATED_WITH,
                        endpoint,
                        (label, organisation),
                        row.evidence,
                        row.status,
                        row.confidence,
                    )

    def _add_fact(self, type_, head, tail, evidence, status, confidence) -> None:
        (head_label, head_key), (tail_label, tail_key) = head, tail
        self.relationships[(type_, head_label, tail_label)][(head_key, tail_key)] = None
        fact = keys.relation_fact(type_, head_key, tail_key)
        labels = {"head_label": head_label, "tail_label": tail_label}
        for item in evidence or [None]:
            self._add_evidence(fact, RELATION, labels, item, status, confidence)

    def _add_evidence(self, fact, kind, labels, item, status, confidence) -> None:
        start, end = (item.start, item.end) if item else (-1, -1)
        key = keys.evidence_key(self.version.key, fact, start, end)
        existing = self.evidence.get(key)
        if existing is not None:
            # The same fact at the same offsets given twice holds if
            # either occurrence holds.
            if status == CURRENT:
                existing["props"]["extracted_status"] = CURRENT
            return
        props = {
            "fact": fact,
            "kind": kind,
            "sentence": item.sentence if item else None,
            "start": start,
            "end": end,
            "extracted_status": status,
            "confidence": confidence,
            "extractor_version": self.extraction.extractor_version,
        }
        props.update(labels or {})
        self.evidence[key] = {"key": key, "props": props}

    # -- result ----------------------------------------------------------

    def plan(self) -> LoadPlan:
        self.add_entities()
        self.add_relations()
        self.add_entity_facts()
        info = self.extraction.document
        version = self.version
        entities: dict[str, list[dict]] = defaultdict(list)
        for row in self.entities.values():
            entities[row.label].append(row.as_params())
        number = version.document_number or info.document_number
        return LoadPlan(
            document_key=self.document_key,
            version={
                "url": version.url,
                "content_hash": version.content_hash,
                "fetched_at": version.fetched_at,
                "title": version.title or info.title,
                "issuer": version.issuer or info.issuer,
                "document_number": number,
                "published": version.published or info.published,
                "content_type": version.content_type,
                "extractor_version": self.extraction.extractor_version,
                "amends": list(info.amends),
                "repeals": list(info.repeals),
            },
            digest=extraction_digest(self.extraction, self.redirected),
            document_number=number,
            amends=_other_numbers(info.amends, number),
            repeals=_other_numbers(info.repeals, number),
            entities=dict(entities),
            places=[{"key": k, "name": v} for k, v in sorted(self.places.items())],
            evidence=list(self.evidence.values()),
            relationships={
                group: [{"head": h, "tail": t} for h, t in pairs]
                for group, pairs in self.relationships.items()
            },
            skipped=self.skipped,
        )


def _other_numbers(numbers: list[str], own: str | None) -> list[str]:
    """Return the document numbers other than the document's own: a notice
    that quotes its own number is not amending or repealing itself."""
    own_key = keys.normalise(own) if own else None
    return [n for n in numbers if n and keys.normalise(n) != own_key]


def build_plan(version: SourceVersion, extraction: Extraction, redirects=None) -> LoadPlan:
    """Return the rows to write for ``version``; ``redirects``
    (graph.identity.Redirects) rekeys the entities that merge and split
    decisions name."""
    return _Planner(version, extraction, redirects).plan()


def _credit_code(code: str | None) -> str | None:
    """Return a unified social credit code in its printed form: 18
    characters, upper case, without spaces."""
    if not code:
        return None
    return keys.normalise(code).upper() or None
