"""Batched loading of nested fields, so that a request runs a bounded
number of queries whatever the size of its result.

Every list a resolver returns is made a :class:`Batch`. When a nested
field is first resolved on one member of a batch, its loader fetches the
field for every member at once, with one call into ``graph.api_reads``,
and later members read the cached result. A request therefore runs at
most one loader call per field, arguments and batch, and the members of a
loaded list form one batch again, so the next level is batched too.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

BATCH = "_batch"


class Batch:
    """Sibling objects whose nested fields are loaded together."""

    __slots__ = ("items", "results")

    def __init__(self, items: list[dict]):
        self.items = items
        self.results: dict[Hashable, Any] = {}


def batch(items: list[dict]) -> list[dict]:
    """Make ``items`` one batch and return them. An item already in
    another batch moves to this one. The old batch keeps it as a member,
    so both load correct data."""
    group = Batch(items)
    for item in items:
        item[BATCH] = group
    return items


def load(item: dict, field: Hashable, fetch: Callable[[list[dict]], Any]) -> Any:
    """Return ``fetch(members)`` for the batch of ``item``, calling
    ``fetch`` once per batch and ``field``; ``field`` names the field and
    its arguments."""
    group = item.get(BATCH)
    if group is None:
        group = batch([item])[0][BATCH]
    if field not in group.results:
        group.results[field] = fetch(group.items)
    return group.results[field]
