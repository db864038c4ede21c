"""The GraphQL schema, in the graph's vocabulary: root queries and the
review mutation.

Resolvers read through ``graph.api_reads``; they never build Cypher
themselves, so user text reaches the store only as query parameters.
Every list is a Relay-style connection (``edges { cursor node }``,
``pageInfo``, ``totalCount``) paged with ``first`` (at most 100) and
``after``.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import graphene

from api import loading
from api.cache import GrowingOrder
from api.types import (
    INDUSTRY_BY_NAME,
    Candidate,
    CandidateConnection,
    CandidateSort,
    Count,
    CountBy,
    Decision,
    Document,
    DocumentConnection,
    DocumentVersionConnection,
    Entity,
    EntityConnection,
    EntitySort,
    ENTITY_TYPES,
    EntityType,
    Firm,
    Industry,
    Neighbourhood,
    Review,
    ReviewStatus,
    Stats,
    MAX_OFFSET,
    MAX_PAGE_SIZE,
    UserInputError,
    enum_value,
    graph,
    industry_dict,
    industry_name,
    neighbourhoods_of,
    paged,
)
from bluecarbon.model import CURRENT, ENTITY_LABELS, FIRM, INDUSTRIES, REMOVED
from graph import api_reads, identity

MAX_SEARCH_CHARS = 100
MAX_FILTER_CHARS = 200


def _text(name: str, value: str | None) -> str | None:
    if value is not None and len(value) > MAX_FILTER_CHARS:
        raise UserInputError(f"{name} is {len(value)} characters long; use at most {MAX_FILTER_CHARS}")
    return value


def _status(value: str | None) -> str | None:
    if value is not None and value not in (CURRENT, REMOVED):
        raise UserInputError(f"status {value!r} is unknown; use {CURRENT} or {REMOVED}")
    return value


def _labels(type_) -> list[str]:
    return [enum_value(type_)] if type_ is not None else list(ENTITY_LABELS)


def _since(value: str) -> str:
    """Check an ISO date or date-time and return it in the form stored
    ``fetched_at`` values take, so that text comparison orders them."""
    text = value.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise UserInputError(
            f"since {value!r} is not an ISO date; use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ"
        ) from error
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.isoformat(timespec="seconds")


def _key_page(keys: list[str], first, after, read_rows):
    """Page over a sorted list of keys, reading full rows for one page."""

    def read(skip, limit):
        page = keys[skip : skip + limit]
        found = read_rows(page)
        return [found[key] for key in page if key in found]

    return paged(first, after, read, lambda: len(keys))


def _cached_page(cache, cache_key, read_order, count, kind: str, read_rows, first, after) -> dict:
    """Return a page read through the cache: the order of keys from
    ``read_order(n)`` in growing prefixes (up to every key a cursor can
    reach), and the page's rows by key from ``read_rows(keys)``."""
    order = cache.get(
        cache_key,
        lambda: GrowingOrder(read_order, count, cap=MAX_OFFSET + MAX_PAGE_SIZE + 1),
        warm=lambda order: order.prefix(order.first_read),
    )

    def read(skip, limit):
        page = order.prefix(skip + limit)[skip : skip + limit]
        found = cache.rows(kind, page, read_rows)
        return [found[key] for key in page if key in found]

    return paged(first, after, read, order.count)


class Changes(graphene.ObjectType):
    """The changes at or after a date: versions fetched since, documents
    with such a version or repealed since, and entities mentioned in such
    a version or removed since."""

    since = graphene.String(required=True)
    versions = graphene.Field(DocumentVersionConnection, required=True, first=graphene.Int(), after=graphene.String())
    documents = graphene.Field(DocumentConnection, required=True, first=graphene.Int(), after=graphene.String())
    entities = graphene.Field(EntityConnection, required=True, first=graphene.Int(), after=graphene.String())

    @staticmethod
    def resolve_versions(changes, info, first=None, after=None):
        store, since = graph(info), changes["since"]
        return paged(
            first,
            after,
            lambda skip, limit: api_reads.versions_since(store, since, skip=skip, limit=limit),
            lambda: api_reads.versions_since_count(store, since),
        )

    @staticmethod
    def resolve_documents(changes, info, first=None, after=None):
        store = graph(info)
        keys = api_reads.changed_document_keys(store, changes["since"])
        return _key_page(keys, first, after, lambda page: api_reads.documents_by_key(store, page))

    @staticmethod
    def resolve_entities(changes, info, first=None, after=None):
        store = graph(info)
        keys = api_reads.changed_entity_keys(store, changes["since"])
        return _key_page(keys, first, after, lambda page: api_reads.entities_by_key(store, page))


def _entity_by_key(store, key: str) -> dict | None:
    """Return the entity keyed ``key`` or, when a merge took that key
    away, the entity it was merged into."""
    row = api_reads.entities_by_key(store, [key]).get(key)
    if row is None and ":" in key:
        target = identity.resolve_key(store, key)
        if target != key:
            row = api_reads.entities_by_key(store, [target]).get(target)
    return row


class Query(graphene.ObjectType):
    """Reads of the knowledge graph."""

    candidates = graphene.Field(
        CandidateConnection,
        required=True,
        industry=graphene.String(description="name, code or English name of one of the six industries"),
        region=graphene.String(description="substring of the firm's region"),
        min_score=graphene.Float(),
        max_score=graphene.Float(),
        local=graphene.Boolean(description="true: region known and in the city; false: the others"),
        review_status=graphene.Argument(ReviewStatus, description="only candidates with a stored review of this status"),
        sort=graphene.Argument(CandidateSort, default_value=CandidateSort.RANK.value),
        first=graphene.Int(),
        after=graphene.String(),
        description="Demonstration-firm candidates with their factors and evidence.",
    )
    entities = graphene.Field(
        EntityConnection,
        required=True,
        type=graphene.Argument(EntityType),
        industry=graphene.String(),
        name_contains=graphene.String(description="substring of the name or an alias"),
        status=graphene.String(description="current or removed"),
        region=graphene.String(description="substring of the region"),
        linked_to=graphene.ID(description="key of an entity that the results have a relationship with"),
        sort=graphene.Argument(EntitySort, default_value=EntitySort.NAME_ASC.value),
        first=graphene.Int(),
        after=graphene.String(),
        description="Entities that match every filter given.",
    )
    firm = graphene.Field(Firm, key=graphene.ID(required=True))
    entity = graphene.Field(Entity, key=graphene.ID(required=True))
    search = graphene.Field(
        EntityConnection,
        required=True,
        query=graphene.String(required=True),
        first=graphene.Int(),
        after=graphene.String(),
        description="Entities whose name or an alias contains QUERY (Chinese substrings included), current first, shorter names first.",
    )
    counts = graphene.List(
        graphene.NonNull(Count),
        required=True,
        by=graphene.Argument(CountBy, required=True),
        type=graphene.Argument(EntityType),
        status=graphene.String(),
        description="Numbers of entities per industry, region or type, largest first.",
    )
    neighbourhood = graphene.Field(
        Neighbourhood,
        key=graphene.ID(required=True),
        depth=graphene.Int(default_value=1, description="1 or 2"),
    )
    documents = graphene.Field(DocumentConnection, required=True, first=graphene.Int(), after=graphene.String())
    document = graphene.Field(Document, url=graphene.String(required=True))
    changes = graphene.Field(
        Changes,
        required=True,
        since=graphene.String(required=True, description="ISO date (YYYY-MM-DD) or date-time; inclusive"),
    )
    industries = graphene.List(graphene.NonNull(Industry), required=True)
    stats = graphene.Field(Stats, required=True)
    decisions = graphene.List(
        graphene.NonNull(Decision),
        required=True,
        active_only=graphene.Boolean(default_value=False),
        first=graphene.Int(default_value=50, description="at most 500"),
        description="merge and split decisions, newest first",
    )

    @staticmethod
    def resolve_candidates(
        root, info, industry=None, region=None, min_score=None, max_score=None,
        local=None, review_status=None, sort="RANK", first=None, after=None,
    ):
        store = graph(info)
        filters = {
            "industry": industry_name(industry),
            "region": _text("region", region),
            "min_score": min_score,
            "max_score": max_score,
            "local": local,
            "review_status": enum_value(review_status),
        }
        sort = enum_value(sort)
        cache = info.context.get("cache")
        if cache is None or not cache.enabled:
            return paged(
                first,
                after,
                lambda skip, limit: api_reads.candidate_page(store, sort=sort, skip=skip, limit=limit, **filters),
                lambda: api_reads.candidate_count(store, **filters),
            )
        return _cached_page(
            cache,
            ("candidates", sort, *sorted(filters.items())),
            lambda size: api_reads.candidate_order(store, sort=sort, limit=size, **filters),
            lambda: api_reads.candidate_count(store, **filters),
            "candidate",
            lambda keys: api_reads.candidates_by_key(store, keys),
            first,
            after,
        )

    @staticmethod
    def resolve_entities(
        root, info, type=None, industry=None, name_contains=None, status=None,
        region=None, linked_to=None, sort="NAME_ASC", first=None, after=None,
    ):
        store = graph(info)
        labels = _labels(type)
        filters = {
            "industry": industry_name(industry),
            "name_contains": _text("nameContains", name_contains),
            "status": _status(status),
            "region": _text("region", region),
        }
        if linked_to is not None:
            anchor = api_reads.entities_by_key(store, [_text("linkedTo", linked_to)]).get(linked_to)
            if anchor is None:
                return paged(first, after, lambda skip, limit: [], lambda: 0)
            filters["linked_to"] = (anchor["type"], linked_to)
        sort = enum_value(sort)
        cache = info.context.get("cache")
        if cache is None or not cache.enabled:
            return paged(
                first,
                after,
                lambda skip, limit: api_reads.entity_page(store, labels, sort=sort, skip=skip, limit=limit, **filters),
                lambda: api_reads.entity_count(store, labels, **filters),
            )
        return _cached_page(
            cache,
            ("entities", sort, tuple(labels), *sorted(filters.items())),
            lambda size: api_reads.entity_order(store, labels, sort=sort, limit=size, **filters),
            lambda: api_reads.entity_count(store, labels, **filters),
            "entity",
            lambda keys: api_reads.entities_by_key(store, keys),
            first,
            after,
        )

    @staticmethod
    def resolve_firm(root, info, key):
        row = _entity_by_key(graph(info), key)
        return loading.batch([row])[0] if row is not None and row["type"] == FIRM else None

    @staticmethod
    def resolve_entity(root, info, key):
        row = _entity_by_key(graph(info), key)
        return loading.batch([row])[0] if row is not None else None

    @staticmethod
    def resolve_search(root, info, query, first=None, after=None):
        if len(query) > MAX_SEARCH_CHARS:
            raise UserInputError(f"query is {len(query)} characters long; use at most {MAX_SEARCH_CHARS}")
        store = graph(info)
        return paged(
            first,
            after,
            lambda skip, limit: api_reads.search_page(store, query, skip=skip, limit=limit),
            lambda: api_reads.search_count(store, query),
        )

    @staticmethod
    def resolve_counts(root, info, by, type=None, status=None):
        return api_reads.counts(graph(info), enum_value(by), _labels(type), _status(status))

    @staticmethod
    def resolve_neighbourhood(root, info, key, depth=1):
        row = api_reads.entities_by_key(graph(info), [key]).get(key)
        if row is None:
            return None
        return neighbourhoods_of(loading.batch([row]), info, depth).get(key)

    @staticmethod
    def resolve_documents(root, info, first=None, after=None):
        store = graph(info)
        return paged(
            first,
            after,
            lambda skip, limit: api_reads.document_page(store, skip=skip, limit=limit),
            lambda: api_reads.document_count(store),
        )

    @staticmethod
    def resolve_document(root, info, url):
        row = api_reads.documents_by_key(graph(info), [url]).get(url)
        return loading.batch([row])[0] if row is not None else None

    @staticmethod
    def resolve_changes(root, info, since):
        return {"since": _since(since)}

    @staticmethod
    def resolve_industries(root, info):
        return [industry_dict(industry.name) for industry in INDUSTRIES]

    @staticmethod
    def resolve_decisions(root, info, active_only=False, first=50):
        if not 0 <= first <= 500:
            raise UserInputError(f"first is {first}; use 0 to 500")
        return identity.decisions(graph(info), active_only=active_only)[:first]

    @staticmethod
    def resolve_stats(root, info):
        stats = graph(info).stats()
        return {
            kind: [{"name": name, "count": count} for name, count in sorted(stats[kind].items())]
            for kind in ("nodes", "relationships")
        }


class SetReviewPayload(graphene.ObjectType):
    """The stored review and the candidate it is about."""

    review = graphene.Field(Review, required=True)
    candidate = graphene.Field(Candidate)


class SetReview(graphene.Mutation):
    """Store a reviewer's decision on the candidate of a firm in an
    industry, replacing an earlier one. Needs a bearer token, whose name
    is recorded as the author."""

    class Arguments:
        firm_key = graphene.ID(required=True)
        industry = graphene.String(required=True, description="name, code or English name")
        status = graphene.Argument(ReviewStatus, required=True)
        note = graphene.String()

    Output = SetReviewPayload

    @staticmethod
    def mutate(root, info, firm_key, industry, status, note=None):
        author = info.context.get("user")
        if author is None:
            # The server rejects mutations without a token before
            # execution; this guards direct calls of the schema.
            raise PermissionError("setReview needs a bearer token")
        if note is not None and len(note) > 2000:
            raise UserInputError(f"note is {len(note)} characters long; use at most 2000")
        name = industry_name(industry)
        code = INDUSTRY_BY_NAME[name.lower()].code
        store = graph(info)
        review = api_reads.set_review(
            store,
            firm_key=firm_key,
            industry_key=f"industry:{code}",
            status=enum_value(status),
            note=note,
            author=author,
            at=datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
        )
        cache = info.context.get("cache")
        if cache is not None:
            cache.clear()
        if review is None:
            raise UserInputError(f"firm {firm_key!r} has no candidate in {name}; check the key and the industry")
        candidates = api_reads.candidates_for_firms(store, [firm_key]).get(firm_key, [])
        candidate = next((c for c in candidates if c["industry_code"] == code), None)
        return {"review": review, "candidate": loading.batch([candidate])[0] if candidate else None}


class DecisionPayload(graphene.ObjectType):
    """A merge, split or undo and what loading again did."""

    decision = graphene.Field(Decision, required=True)
    reloaded = graphene.Int(required=True, description="document versions loaded again")
    failed = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="versions that could not be loaded again, with the reason; "
        "the next load retries them",
    )


def _decide(info, action: str, make):
    """Run a merge, split or undo for the token's owner and return its
    payload."""
    from bluecarbon import pipeline
    from graph.identity import DecisionError

    author = info.context.get("user")
    if author is None:
        raise PermissionError(f"{action} needs a bearer token")
    settings = info.context.get("settings")
    if settings is None:
        raise PermissionError(f"{action} needs the server's settings to read stored documents")
    try:
        report = make(pipeline, settings, graph(info), author)
    except DecisionError as error:
        raise UserInputError(str(error)) from error
    cache = info.context.get("cache")
    if cache is not None:
        cache.clear()
    return {
        "decision": report.decision,
        "reloaded": len(report.reloaded),
        "failed": [f"{key}: {reason}" for key, reason in report.failed],
    }


def _check_note(note):
    if note is not None and len(note) > 2000:
        raise UserInputError(f"note is {len(note)} characters long; use at most 2000")


class MergeEntities(graphene.Mutation):
    """Merge the entity `same` into `keep`: its mentions, facts and
    names move to `keep`. Recorded, and undone with undoDecision."""

    class Arguments:
        keep = graphene.ID(required=True)
        same = graphene.ID(required=True)
        note = graphene.String()

    Output = DecisionPayload

    @staticmethod
    def mutate(root, info, keep, same, note=None):
        _check_note(note)
        return _decide(
            info,
            "mergeEntities",
            lambda pipeline, settings, store, by: pipeline.merge(
                settings, store, keep, same, by=by, note=note
            ),
        )


class SplitEntity(graphene.Mutation):
    """Split off the mentions of `key` in `documents` (URLs) as a new
    entity. Recorded, and undone with undoDecision."""

    class Arguments:
        key = graphene.ID(required=True)
        documents = graphene.List(graphene.NonNull(graphene.String), required=True)
        note = graphene.String()

    Output = DecisionPayload

    @staticmethod
    def mutate(root, info, key, documents, note=None):
        _check_note(note)
        if len(documents) > 1000:
            raise UserInputError(f"{len(documents)} documents named; name at most 1000")
        return _decide(
            info,
            "splitEntity",
            lambda pipeline, settings, store, by: pipeline.split(
                settings, store, key, documents, by=by, note=note
            ),
        )


class UndoDecision(graphene.Mutation):
    """Undo a merge or split; the record stays, marked undone."""

    class Arguments:
        id = graphene.ID(required=True)

    Output = DecisionPayload

    @staticmethod
    def mutate(root, info, id):
        return _decide(
            info,
            "undoDecision",
            lambda pipeline, settings, store, by: pipeline.undo(settings, store, id, by=by),
        )


class Mutation(graphene.ObjectType):
    """Writes; each needs a bearer token."""

    set_review = SetReview.Field(required=True)
    merge_entities = MergeEntities.Field(required=True)
    split_entity = SplitEntity.Field(required=True)
    undo_decision = UndoDecision.Field(required=True)


schema = graphene.Schema(query=Query, mutation=Mutation, types=list(ENTITY_TYPES.values()))


def export_sdl() -> str:
    """Return the schema in the GraphQL schema language, as stored in
    schema.graphql at the repository root."""
    from graphql import print_schema

    return print_schema(schema.graphql_schema) + "\n"
