"""GraphQL object types, in the graph's vocabulary.

Objects are dicts from ``graph.api_reads``. Fields that need another read
load it for the whole list their object came in (see :mod:`api.loading`),
so nested fields cost one query per level, not one per object.
"""

from __future__ import annotations

import base64
import binascii

import graphene

from api import loading
from bluecarbon.model import (
    DEPARTMENT,
    ENTITY_LABELS,
    FIRM,
    INDUSTRIES,
    INSTITUTE,
    PERSON,
    TECHNOLOGY,
)
from graph import api_reads

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
# Cursors are offsets into the ordered result; pages past this offset
# are rejected, because each page re-reads the rows before it.
MAX_OFFSET = 10_000
MAX_EVIDENCE = 100
MAX_NEIGHBOURHOOD_RELATIONSHIPS = 200
CURSOR_PREFIX = "offset:"

INDUSTRY_BY_NAME = {}
for _industry in INDUSTRIES:
    for _name in (_industry.code, _industry.name, _industry.name_en):
        INDUSTRY_BY_NAME[_name.lower()] = _industry


class UserInputError(ValueError):
    """Invalid arguments; the message reaches the client as it is."""


def graph(info):
    return info.context["graph"]


def industry_name(value: str | None) -> str | None:
    """Return the Chinese name of an industry given by name, code or
    English name; raise UserInputError for any other value."""
    if value is None:
        return None
    found = INDUSTRY_BY_NAME.get(value.strip().lower())
    if found is None:
        names = ", ".join(f"{i.code} {i.name}" for i in INDUSTRIES)
        raise UserInputError(f"industry {value!r} is unknown; use a name or code of: {names}")
    return found.name


def industry_dict(name: str) -> dict:
    found = INDUSTRY_BY_NAME.get(name.lower())
    if found is None:
        return {"key": None, "code": None, "name": name, "name_en": None}
    return {"key": f"industry:{found.code}", "code": found.code, "name": found.name, "name_en": found.name_en}


# -- enums ---------------------------------------------------------------


EntityType = graphene.Enum(
    "EntityType",
    [(label, label) for label in ENTITY_LABELS],
    description="The label of an entity node.",
)


class ReviewStatus(graphene.Enum):
    """A reviewer's decision on a candidate."""

    SHORTLISTED = "SHORTLISTED"
    REJECTED = "REJECTED"
    NEEDS_REVIEW = "NEEDS_REVIEW"


class CandidateSort(graphene.Enum):
    """Orders of candidates. RANK lists candidates flagged non-local or
    thin-evidence after the others, each part by score."""

    RANK = "RANK"
    SCORE_DESC = "SCORE_DESC"
    SCORE_ASC = "SCORE_ASC"
    NAME_ASC = "NAME_ASC"


class EntitySort(graphene.Enum):
    """Orders of entities."""

    NAME_ASC = "NAME_ASC"
    NAME_DESC = "NAME_DESC"


class CountBy(graphene.Enum):
    """The property that entities are grouped by for counting."""

    INDUSTRY = "INDUSTRY"
    REGION = "REGION"
    TYPE = "TYPE"


def enum_value(value):
    """Return the string value of a graphene enum argument."""
    return getattr(value, "value", value)


# -- pagination --------------------------------------------------------------


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{CURSOR_PREFIX}{offset}".encode("ascii")).decode("ascii")


def decode_cursor(cursor: str | None) -> int:
    """Return the offset after ``cursor`` (0 without one); raise
    UserInputError for a cursor this API did not issue."""
    if cursor is None:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("ascii")
    except (UnicodeError, binascii.Error, ValueError):
        text = ""
    number = text[len(CURSOR_PREFIX):] if text.startswith(CURSOR_PREFIX) else ""
    if not number.isdigit():
        raise UserInputError(f"cursor {cursor!r} is invalid; pass an endCursor or cursor from an earlier page")
    offset = int(number) + 1
    if offset > MAX_OFFSET:
        raise UserInputError(f"cursor {cursor!r} is past offset {MAX_OFFSET}; narrow the filters instead")
    return offset


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE_SIZE
    if first < 0 or first > MAX_PAGE_SIZE:
        raise UserInputError(f"first={first} is out of range; use 0 to {MAX_PAGE_SIZE}")
    return first


def connection(rows: list[dict], skip: int, limit: int, count) -> dict:
    """Return a connection object for ``rows``, read as ``limit + 1``
    rows from offset ``skip``; ``count()`` returns the total on demand."""
    has_next = len(rows) > limit
    rows = loading.batch(rows[:limit])
    return {"rows": rows, "skip": skip, "has_next": has_next, "count": count}


def paged(first, after, read, count) -> dict:
    """Read one page with ``read(skip, limit)`` and wrap it."""
    limit = page_size(first)
    skip = decode_cursor(after)
    rows = read(skip, limit + 1) if limit else read(skip, 1)
    return connection(rows, skip, limit, count)


class PageInfo(graphene.ObjectType):
    """Whether more items follow, and the cursor to ask for them with."""

    has_next_page = graphene.Boolean(required=True)
    end_cursor = graphene.String()

    @staticmethod
    def resolve_has_next_page(page, info):
        return page["has_next"]

    @staticmethod
    def resolve_end_cursor(page, info):
        if not page["rows"]:
            return None
        return encode_cursor(page["skip"] + len(page["rows"]) - 1)


def make_connection(node_type, name: str):
    """Return a Relay-style connection type of ``node_type``."""
    edge = type(
        f"{name}Edge",
        (graphene.ObjectType,),
        {
            "__doc__": f"One {name} with its cursor.",
            "cursor": graphene.String(required=True),
            "node": graphene.Field(node_type, required=True),
        },
    )

    def resolve_edges(page, info):
        return [
            {"cursor": encode_cursor(page["skip"] + index), "node": row}
            for index, row in enumerate(page["rows"])
        ]

    def resolve_nodes(page, info):
        return page["rows"]

    def resolve_page_info(page, info):
        return page

    def resolve_total_count(page, info):
        return page["count"]()

    return type(
        f"{name}Connection",
        (graphene.ObjectType,),
        {
            "__doc__": f"A page of {name} items; `totalCount` counts all pages.",
            "edges": graphene.List(graphene.NonNull(edge), required=True),
            "nodes": graphene.List(graphene.NonNull(node_type), required=True),
            "page_info": graphene.Field(PageInfo, required=True),
            "total_count": graphene.Int(required=True),
            "resolve_edges": staticmethod(resolve_edges),
            "resolve_nodes": staticmethod(resolve_nodes),
            "resolve_page_info": staticmethod(resolve_page_info),
            "resolve_total_count": staticmethod(resolve_total_count),
        },
    )


# -- documents and evidence --------------------------------------------------


class DocumentVersion(graphene.ObjectType):
    """One stored version of a document: its content at one hash."""

    key = graphene.ID(required=True)
    url = graphene.String()
    content_hash = graphene.String()
    fetched_at = graphene.String(description="ISO time of the fetch")
    title = graphene.String()
    issuer = graphene.String()
    document_number = graphene.String()
    published = graphene.String()
    status = graphene.String(description="current, superseded or removed, as the graph records it")
    extractor_version = graphene.String()


class Evidence(graphene.ObjectType):
    """A sentence in one document version that supports a fact.

    Evidence behind a candidate's factor has only the sentence, the
    version and the status `current`; offsets, confidence and extractor
    version are null there."""

    sentence = graphene.String()
    start = graphene.Int(description="offset of the mention in the version's text")
    end = graphene.Int()
    status = graphene.String(description="current, or removed by an amendment or repeal")
    removed_on = graphene.String()
    extractor_version = graphene.String()
    confidence = graphene.Float()
    version = graphene.Field(DocumentVersion)

    @staticmethod
    def resolve_version(item, info):
        version = item.get("version")
        if version is None or isinstance(version, dict):
            return version

        def fetch(items):
            keys = [i["version"] for i in items if isinstance(i.get("version"), str)]
            return api_reads.versions_by_key(graph(info), keys)

        return loading.load(item, "version", fetch).get(version)


class Document(graphene.ObjectType):
    """A document by URL, with its versions and the documents it amends
    or repeals. A placeholder is known only by the number another
    document cites."""

    key = graphene.ID(required=True)
    url = graphene.String()
    title = graphene.String()
    status = graphene.String(description="current, repealed or placeholder")
    issuer = graphene.String()
    document_number = graphene.String()
    published = graphene.String()
    repealed_on = graphene.String()
    versions = graphene.List(graphene.NonNull(DocumentVersion), required=True, description="oldest first")
    amends = graphene.List(graphene.NonNull(lambda: Document), required=True)
    amended_by = graphene.List(graphene.NonNull(lambda: Document), required=True)
    repeals = graphene.List(graphene.NonNull(lambda: Document), required=True)
    repealed_by = graphene.List(graphene.NonNull(lambda: Document), required=True)

    @staticmethod
    def resolve_versions(document, info):
        def fetch(items):
            return api_reads.versions_of_documents(graph(info), [i["key"] for i in items])

        return loading.load(document, "versions", fetch).get(document["key"], [])

    @staticmethod
    def resolve_amends(document, info):
        return _linked(document, info, "amends")

    @staticmethod
    def resolve_amended_by(document, info):
        return _linked(document, info, "amended_by")

    @staticmethod
    def resolve_repeals(document, info):
        return _linked(document, info, "repeals")

    @staticmethod
    def resolve_repealed_by(document, info):
        return _linked(document, info, "repealed_by")


def _linked(document: dict, info, link: str) -> list[dict]:
    def fetch(items):
        found = api_reads.linked_documents(graph(info), [i["key"] for i in items], link)
        loading.batch([row for rows in found.values() for row in rows])
        return found

    return loading.load(document, ("documents", link), fetch).get(document["key"], [])


# -- entities ----------------------------------------------------------------


class Industry(graphene.ObjectType):
    """One of the six ecological marine industries of the Weihai plan."""

    key = graphene.ID()
    code = graphene.String(description="item number in the plan, 15 to 20")
    name = graphene.String(required=True)
    name_en = graphene.String()


def _evidence_of(item: dict, info, first: int, fact_field: str) -> list[dict]:
    """Return the evidence of the fact ``item[fact_field]`` names: an
    entity's key for its mentions, or a relationship's fact."""
    if first < 0 or first > MAX_EVIDENCE:
        raise UserInputError(f"first={first} is out of range; use 0 to {MAX_EVIDENCE}")

    def fetch(items):
        found = api_reads.evidence_for_facts(graph(info), [i[fact_field] for i in items])
        loading.batch([row for rows in found.values() for row in rows])
        return found

    return loading.load(item, "evidence", fetch).get(item[fact_field], [])[:first]


class GraphNode(graphene.ObjectType):
    """A node of a neighbourhood: an entity, an Industry or a Place."""

    key = graphene.ID(required=True)
    type = graphene.String(required=True, description="the node's label")
    name = graphene.String()
    status = graphene.String()
    entity = graphene.Field(lambda: Entity, description="the entity, null for an Industry or a Place")

    @staticmethod
    def resolve_entity(node, info):
        if node["type"] not in ENTITY_LABELS:
            return None

        def fetch(items):
            keys = [i["key"] for i in items if i["type"] in ENTITY_LABELS]
            found = api_reads.entities_by_key(graph(info), keys)
            loading.batch(list(found.values()))
            return found

        return loading.load(node, "entity", fetch).get(node["key"])


class Relationship(graphene.ObjectType):
    """A relationship between two nodes, with the evidence behind it."""

    type = graphene.String(required=True)
    head = graphene.ID(required=True, description="key of the start node")
    tail = graphene.ID(required=True, description="key of the end node")
    status = graphene.String()
    evidence = graphene.List(graphene.NonNull(Evidence), required=True, first=graphene.Int(default_value=20))

    @staticmethod
    def resolve_evidence(relationship, info, first):
        return _evidence_of(relationship, info, first, "fact")


class Neighbourhood(graphene.ObjectType):
    """The nodes and relationships within one or two hops of an entity.
    Industry and Place nodes are shown but not expanded through."""

    centre = graphene.Field(lambda: Entity, required=True)
    nodes = graphene.List(graphene.NonNull(GraphNode), required=True)
    relationships = graphene.List(graphene.NonNull(Relationship), required=True)
    truncated = graphene.Boolean(
        required=True,
        description=f"true when more than {MAX_NEIGHBOURHOOD_RELATIONSHIPS} relationships were found and the rest left out",
    )


def neighbourhoods_of(items: list[dict], info, depth: int) -> dict[str, dict]:
    """Load the neighbourhoods of ``items`` (entity dicts), keyed by key."""
    if depth not in (1, 2):
        raise UserInputError(f"depth={depth} is not supported; use 1 or 2")
    found = api_reads.neighbourhoods(
        graph(info), [i["key"] for i in items], depth, MAX_NEIGHBOURHOOD_RELATIONSHIPS
    )
    by_key = {item["key"]: item for item in items}
    nodes, relationships = [], []
    for key, result in found.items():
        result["centre"] = by_key.get(key) or result.get("centre")
        nodes += result["nodes"]
        relationships += result["relationships"]
    loading.batch(nodes)
    loading.batch(relationships)
    return found


class Entity(graphene.Interface):
    """A firm, institute, person, department or technology."""

    key = graphene.ID(required=True)
    type = graphene.Field(EntityType, required=True)
    name = graphene.String()
    aliases = graphene.List(graphene.NonNull(graphene.String), required=True)
    status = graphene.String(description="current, or removed when only amended-away or repealed text names it")
    removed_on = graphene.String()
    region = graphene.String()
    industries = graphene.List(graphene.NonNull(Industry), required=True)
    evidence = graphene.List(
        graphene.NonNull(Evidence),
        required=True,
        first=graphene.Int(default_value=20),
        description=f"sentences that mention the entity, current first; at most {MAX_EVIDENCE}",
    )
    neighbourhood = graphene.Field(Neighbourhood, depth=graphene.Int(default_value=1))

    @classmethod
    def resolve_type(cls, instance, info):
        return ENTITY_TYPES[instance["type"]]

    @staticmethod
    def resolve_industries(entity, info):
        return [industry_dict(name) for name in entity.get("industries") or []]

    @staticmethod
    def resolve_evidence(entity, info, first):
        return _evidence_of(entity, info, first, "key")

    @staticmethod
    def resolve_neighbourhood(entity, info, depth):
        found = loading.load(entity, ("neighbourhood", depth), lambda items: neighbourhoods_of(items, info, depth))
        return found.get(entity["key"])


class Review(graphene.ObjectType):
    """A reviewer's decision on a candidate, replaced by the next one."""

    status = graphene.Field(ReviewStatus, required=True)
    note = graphene.String()
    author = graphene.String(required=True, description="name of the API token that stored it")
    at = graphene.String(required=True, description="ISO time in UTC")
    firm_key = graphene.ID(required=True)
    industry = graphene.String(required=True)

    @staticmethod
    def resolve_firm_key(review, info):
        return review["firm"]


class DecisionKind(graphene.Enum):
    """Kind of an analyst's decision on entity identity."""

    MERGE = "merge"
    SPLIT = "split"


class Decision(graphene.ObjectType):
    """A recorded merge or split. A merge keys every mention of `source`
    as `target`; a split keys the mentions of `source` in
    `documents` as the new entity `target`. Undoing one keeps the
    record."""

    id = graphene.ID(required=True)
    kind = graphene.Field(DecisionKind, required=True)
    label = graphene.String(required=True, description="entity label of both keys")
    source = graphene.ID(required=True)
    target = graphene.ID(required=True)
    name = graphene.String(description="name of the source entity when the decision was made")
    documents = graphene.List(graphene.NonNull(graphene.String), description="document URLs a split applies to")
    by = graphene.String(required=True, description="who made it: a token name, a user, or 'loader'")
    note = graphene.String()
    made_at = graphene.String(required=True, description="ISO time in UTC")
    active = graphene.Boolean(required=True, description="false once undone")
    applied = graphene.Boolean(required=True, description="true once every affected version was loaded again")
    undone_at = graphene.String()
    undone_by = graphene.String()

    @staticmethod
    def resolve_kind(decision, info):
        return decision["kind"]


class Factor(graphene.ObjectType):
    """Points a candidate earns for one scoring factor, with the evidence."""

    name = graphene.String(required=True)
    group = graphene.String()
    points = graphene.Float(required=True)
    evidence = graphene.List(graphene.NonNull(Evidence), required=True)


def _factors(items: list[dict]) -> dict[str, list[dict]]:
    """Return each candidate's factors with the evidence of all of them
    in one batch, so that their versions load together."""
    found, evidence = {}, []
    for item in items:
        factors = []
        for factor in item["factors"]:
            rows = [
                {
                    "sentence": entry.get("sentence"),
                    "status": "current",
                    "version": entry.get("version"),
                }
                for entry in factor.get("evidence") or []
            ]
            evidence += rows
            factors.append({"name": factor["name"], "group": factor.get("group"), "points": factor["points"], "evidence": rows})
        found[item["key"]] = factors
    loading.batch(evidence)
    return found


class Candidate(graphene.ObjectType):
    """A firm's score as a demonstration-firm candidate in one industry."""

    key = graphene.ID(required=True)
    name = graphene.String()
    industry = graphene.String(description="the industry's Chinese name")
    industry_code = graphene.String()
    region = graphene.String()
    local = graphene.Boolean(required=True, description="the firm's region is known and in the city")
    score = graphene.Float(required=True)
    factors = graphene.List(graphene.NonNull(Factor), required=True)
    flags = graphene.List(graphene.NonNull(graphene.String), required=True)
    firm = graphene.Field(lambda: Firm)
    review = graphene.Field(Review)

    @staticmethod
    def resolve_local(candidate, info):
        return candidate.get("region") is not None and api_reads.NON_LOCAL not in candidate["flags"]

    @staticmethod
    def resolve_factors(candidate, info):
        return loading.load(candidate, "factors", _factors)[candidate["key"]]

    @staticmethod
    def resolve_firm(candidate, info):
        def fetch(items):
            keys = [i["firm_key"] for i in items]
            cache = info.context.get("cache")
            if cache is not None and cache.enabled:
                found = cache.rows("entity", keys, lambda missing: api_reads.entities_by_key(graph(info), missing))
            else:
                found = api_reads.entities_by_key(graph(info), keys)
            loading.batch(list(found.values()))
            return found

        return loading.load(candidate, "firm", fetch).get(candidate["firm_key"])

    @staticmethod
    def resolve_review(candidate, info):
        def key(item):
            return api_reads.review_key(item["firm_key"], f"industry:{item['industry_code']}")

        def fetch(items):
            return api_reads.reviews_by_key(graph(info), [key(i) for i in items])

        return loading.load(candidate, "review", fetch).get(key(candidate))


def _entity_type(label: str, extra: dict, doc: str):
    attributes = {
        "__doc__": doc,
        "Meta": type("Meta", (), {"interfaces": (Entity,)}),
        # Entity.resolve_type picks the object type of an interface value,
        # so the `type` field needs its own resolver on each object type.
        "resolve_type": staticmethod(lambda entity, info: entity["type"]),
        **extra,
    }
    return type(label, (graphene.ObjectType,), attributes)


def _resolve_firm_candidates(firm, info):
    def fetch(items):
        found = api_reads.candidates_for_firms(graph(info), [i["key"] for i in items])
        loading.batch([row for rows in found.values() for row in rows])
        return found

    return loading.load(firm, "candidates", fetch).get(firm["key"], [])


Firm = _entity_type(
    FIRM,
    {
        "credit_code": graphene.String(description="unified social credit code, when a source gives one"),
        "candidates": graphene.List(graphene.NonNull(Candidate), required=True, description="best score first"),
        "resolve_candidates": staticmethod(_resolve_firm_candidates),
    },
    "A company.",
)
Institute = _entity_type(INSTITUTE, {}, "A research institute, university or laboratory.")
Person = _entity_type(
    PERSON,
    {
        "role": graphene.String(),
        "affiliation": graphene.String(description="name of the organisation the person works for"),
    },
    "An expert or official, kept apart from namesakes by affiliation.",
)
Department = _entity_type(DEPARTMENT, {}, "A government department.")
Technology = _entity_type(TECHNOLOGY, {}, "A technology, product or piece of equipment.")
ENTITY_TYPES = {
    FIRM: Firm,
    INSTITUTE: Institute,
    PERSON: Person,
    DEPARTMENT: Department,
    TECHNOLOGY: Technology,
}

CandidateConnection = make_connection(Candidate, "Candidate")
EntityConnection = make_connection(Entity, "Entity")
DocumentConnection = make_connection(Document, "Document")
DocumentVersionConnection = make_connection(DocumentVersion, "DocumentVersion")


class Count(graphene.ObjectType):
    """The number of entities under one name."""

    name = graphene.String(description="null for entities without a region")
    count = graphene.Int(required=True)


class Stats(graphene.ObjectType):
    """Node counts per label and relationship counts per type."""

    nodes = graphene.List(graphene.NonNull(Count), required=True)
    relationships = graphene.List(graphene.NonNull(Count), required=True)
