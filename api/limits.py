"""Limits on the size and cost of a GraphQL operation, checked before
validation and execution.

The check walks the chosen operation with every fragment expanded, so
aliases and fragments cannot hide fields: each field counts once per
place it is selected. The walk stops as soon as a limit is passed, so a
fragment that expands exponentially costs no more than the limit to
reject. A fragment that spreads itself is rejected here too.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql.language import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)

DEFAULT_PAGE_SIZE = 20


@dataclass(frozen=True)
class Limits:
    """Maximum sizes of one request."""

    max_body_bytes: int = 64 * 1024
    max_query_chars: int = 12_000
    max_tokens: int = 3_000
    # Nesting of fields, not counting introspection fields, and of
    # introspection fields (the standard introspection query of GraphiQL
    # nests 13 deep).
    max_depth: int = 10
    max_introspection_depth: int = 15
    max_fields: int = 600
    max_aliases: int = 30
    max_page_size: int = 100
    max_fragments: int = 50
    # Brackets of any kind, checked on the text before parsing, because
    # graphql-core's parser recurses once per level.
    max_nesting: int = 40
    # Estimated cost: each field costs 1 (or FIELD_COSTS), and a field
    # with `first: N` multiplies the cost of its selection by N.
    max_cost: int = 20_000


# Base cost of fields that read many nodes whatever their selection.
FIELD_COSTS = {"neighbourhood": 50, "search": 10, "counts": 10, "changes": 10}


class QueryRejected(Exception):
    """An operation that exceeds a limit, with its error code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def select_operation(document: DocumentNode, operation_name: str | None) -> OperationDefinitionNode:
    """Return the operation to run, as GraphQL execution chooses it."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is None:
        if len(operations) != 1:
            raise QueryRejected(
                "GRAPHQL_VALIDATION_FAILED",
                "the document has several operations; set operationName to the one to run"
                if operations
                else "the document has no operation",
            )
        return operations[0]
    for operation in operations:
        if operation.name and operation.name.value == operation_name:
            return operation
    raise QueryRejected("GRAPHQL_VALIDATION_FAILED", f"operation {operation_name!r} is not in the document")


class _Walk:
    def __init__(self, document: DocumentNode, variables: dict, limits: Limits):
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.variables = variables
        self.limits = limits
        self.fields = 0
        self.aliases = 0

    def selection_cost(self, selection_set: SelectionSetNode | None, depth: int, introspection: bool, path: tuple) -> int:
        if selection_set is None:
            return 0
        cost = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                cost += self.field_cost(selection, depth, introspection, path)
            elif isinstance(selection, InlineFragmentNode):
                cost += self.selection_cost(selection.selection_set, depth, introspection, path)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in path:
                    raise QueryRejected(
                        "GRAPHQL_VALIDATION_FAILED", f"fragment {name!r} spreads itself; remove the cycle"
                    )
                fragment = self.fragments.get(name)
                if fragment is None:
                    raise QueryRejected("GRAPHQL_VALIDATION_FAILED", f"fragment {name!r} is not defined")
                cost += self.selection_cost(fragment.selection_set, depth, introspection, (*path, name))
            if cost > self.limits.max_cost:
                raise QueryRejected(
                    "QUERY_TOO_COMPLEX",
                    f"the estimated cost exceeds {self.limits.max_cost}; request smaller pages (`first`) or fewer nested lists",
                )
        return cost

    def field_cost(self, field: FieldNode, depth: int, introspection: bool, path: tuple) -> int:
        limits = self.limits
        self.fields += 1
        if self.fields > limits.max_fields:
            raise QueryRejected(
                "QUERY_TOO_COMPLEX",
                f"the operation selects more than {limits.max_fields} fields, counting each fragment where it is spread",
            )
        if field.alias is not None and field.alias.value != field.name.value:
            self.aliases += 1
            if self.aliases > limits.max_aliases:
                raise QueryRejected("QUERY_TOO_COMPLEX", f"the operation uses more than {limits.max_aliases} aliases")
        name = field.name.value
        introspection = introspection or name.startswith("__")
        depth += 1
        max_depth = limits.max_introspection_depth if introspection else limits.max_depth
        if depth > max_depth:
            raise QueryRejected("QUERY_TOO_COMPLEX", f"the operation nests fields deeper than {max_depth} levels")
        multiplier = self.page_size(field)
        children = self.selection_cost(field.selection_set, depth, introspection, path)
        return FIELD_COSTS.get(name, 1) + multiplier * children

    def page_size(self, field: FieldNode) -> int:
        for argument in field.arguments or ():
            if argument.name.value != "first":
                continue
            value = argument.value
            if isinstance(value, VariableNode):
                raw = self.variables.get(value.name.value, DEFAULT_PAGE_SIZE)
            elif isinstance(value, IntValueNode):
                raw = int(value.value)
            else:
                # Validation reports a `first` that is not an Int.
                return 1
            if not isinstance(raw, int) or isinstance(raw, bool):
                return 1
            if raw < 0 or raw > self.limits.max_page_size:
                raise QueryRejected(
                    "BAD_USER_INPUT",
                    f"first={raw} is out of range; use 0 to {self.limits.max_page_size}",
                )
            return max(raw, 1)
        return 1


def check_operation(document: DocumentNode, operation: OperationDefinitionNode, variables: dict, limits: Limits) -> int:
    """Raise QueryRejected when ``operation`` exceeds a limit; otherwise
    return its estimated cost."""
    walk = _Walk(document, variables, limits)
    if len(walk.fragments) > limits.max_fragments:
        raise QueryRejected("QUERY_TOO_COMPLEX", f"the document defines more than {limits.max_fragments} fragments")
    _check_cycles(walk.fragments)
    return walk.selection_cost(operation.selection_set, 0, False, ())


def _spreads(selection_set: SelectionSetNode | None) -> list[str]:
    names: list[str] = []
    pending = [selection_set] if selection_set is not None else []
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FragmentSpreadNode):
                names.append(selection.name.value)
            elif selection.selection_set is not None:
                pending.append(selection.selection_set)
    return names


def _check_cycles(fragments: dict[str, FragmentDefinitionNode]) -> None:
    """Raise QueryRejected when a fragment spreads itself, directly or
    through others, including fragments the operation never spreads."""
    done: set[str] = set()
    for root in fragments:
        if root in done:
            continue
        # Depth-first search with an explicit stack of (name, spreads left).
        stack = [(root, _spreads(fragments[root].selection_set))]
        on_path = {root}
        while stack:
            name, pending = stack[-1]
            if not pending:
                stack.pop()
                on_path.discard(name)
                done.add(name)
                continue
            target = pending.pop()
            if target in on_path:
                raise QueryRejected(
                    "GRAPHQL_VALIDATION_FAILED", f"fragment {target!r} spreads itself; remove the cycle"
                )
            if target in done or target not in fragments:
                continue
            on_path.add(target)
            stack.append((target, _spreads(fragments[target].selection_set)))


def check_nesting(query: str, limits: Limits) -> None:
    """Raise QueryRejected when brackets in ``query`` nest deeper than
    ``limits.max_nesting``, before the recursive parser reads it.
    Brackets inside strings and comments are skipped."""
    depth = 0
    index = 0
    length = len(query)
    while index < length:
        char = query[index]
        if char == "#":
            end = query.find("\n", index)
            index = length if end < 0 else end
        elif query.startswith('"""', index):
            end = query.find('"""', index + 3)
            index = length if end < 0 else end + 3
            continue
        elif char == '"':
            index += 1
            while index < length and query[index] not in '"\n':
                index += 2 if query[index] == "\\" else 1
        elif char in "{([":
            depth += 1
            if depth > limits.max_nesting:
                raise QueryRejected(
                    "QUERY_TOO_COMPLEX", f"the query nests brackets deeper than {limits.max_nesting} levels"
                )
        elif char in "})]":
            depth -= 1
        index += 1
