"""The GraphQL schema, in the graph's vocabulary.

Resolvers read through the ``GraphStore`` in the request context; they
never build Cypher themselves, so user text reaches the store only as
query parameters.
"""

from __future__ import annotations

import graphene

from bluecarbon.model import ENTITY_LABELS, INDUSTRY_NAMES

MAX_PAGE_SIZE = 100


class EvidenceItem(graphene.ObjectType):
    """A sentence in one document version that supports a fact."""

    document = graphene.String(description="URL of the document")
    version = graphene.String(description="key of the document version")
    sentence = graphene.String()


class Factor(graphene.ObjectType):
    """Points a candidate earns for one scoring factor, with the evidence."""

    name = graphene.String()
    points = graphene.Float()
    evidence = graphene.List(graphene.NonNull(EvidenceItem))


class Candidate(graphene.ObjectType):
    """A firm's score as a demonstration-firm candidate in one industry."""

    name = graphene.String()
    industry = graphene.String()
    region = graphene.String()
    score = graphene.Float()
    factors = graphene.List(graphene.NonNull(Factor))
    flags = graphene.List(graphene.NonNull(graphene.String))


class Entity(graphene.ObjectType):
    """A firm, institute, person, department or technology."""

    key = graphene.ID()
    type = graphene.String(description="one of " + ", ".join(ENTITY_LABELS))
    name = graphene.String()
    aliases = graphene.List(graphene.NonNull(graphene.String))
    status = graphene.String()
    region = graphene.String()
    role = graphene.String()
    industries = graphene.List(graphene.NonNull(graphene.String))
    evidence = graphene.List(graphene.NonNull(EvidenceItem))

    def resolve_evidence(entity, info):
        if "evidence" in entity and entity["evidence"] is not None:
            return entity["evidence"]
        return info.context["graph"].evidence_for(entity["key"])


class CountEntry(graphene.ObjectType):
    """The number of items under one name."""

    name = graphene.String()
    count = graphene.Int()


class Stats(graphene.ObjectType):
    """Node counts per label and relationship counts per type."""

    nodes = graphene.List(graphene.NonNull(CountEntry))
    relationships = graphene.List(graphene.NonNull(CountEntry))


def _page_size(first: int | None) -> int:
    if first is None:
        return 20
    if first < 0 or first > MAX_PAGE_SIZE:
        raise ValueError(f"first={first} is out of range; use 0 to {MAX_PAGE_SIZE}")
    return first


def _check_industry(industry: str | None) -> None:
    if industry is not None and industry not in INDUSTRY_NAMES:
        raise ValueError(
            f"industry {industry!r} is unknown; use one of: " + ", ".join(INDUSTRY_NAMES)
        )


class Query(graphene.ObjectType):
    candidates = graphene.List(
        graphene.NonNull(Candidate),
        industry=graphene.String(),
        region=graphene.String(),
        min_score=graphene.Float(),
        first=graphene.Int(),
        description="Demonstration-firm candidates, best first, with their factors and evidence.",
    )
    entities = graphene.List(
        graphene.NonNull(Entity),
        type=graphene.String(),
        industry=graphene.String(),
        name_contains=graphene.String(),
        status=graphene.String(),
        region=graphene.String(),
        first=graphene.Int(),
        description="Entities filtered by type, industry, name, status and region.",
    )
    search = graphene.List(
        graphene.NonNull(Entity),
        query=graphene.String(required=True),
        first=graphene.Int(),
        description="Entities whose name or an alias contains QUERY.",
    )
    industries = graphene.List(graphene.NonNull(graphene.String))
    stats = graphene.Field(Stats)

    def resolve_candidates(root, info, industry=None, region=None, min_score=None, first=None):
        _check_industry(industry)
        rows = info.context["graph"].candidates(
            industry=industry, region=region, min_score=min_score
        )
        return rows[: _page_size(first)]

    def resolve_entities(
        root, info, type=None, industry=None, name_contains=None,
        status=None, region=None, first=None,
    ):
        _check_industry(industry)
        if type is not None and type not in ENTITY_LABELS:
            raise ValueError(f"type {type!r} is unknown; use one of: " + ", ".join(ENTITY_LABELS))
        return info.context["graph"].entities(
            label=type,
            industry=industry,
            name_contains=name_contains,
            status=status,
            region=region,
            limit=_page_size(first),
        )

    def resolve_search(root, info, query, first=None):
        return info.context["graph"].search(query)[: _page_size(first)]

    def resolve_industries(root, info):
        return list(INDUSTRY_NAMES)

    def resolve_stats(root, info):
        stats = info.context["graph"].stats()
        return {
            kind: [{"name": name, "count": count} for name, count in sorted(stats[kind].items())]
            for kind in ("nodes", "relationships")
        }


schema = graphene.Schema(query=Query)
