"""Fast search for many fixed strings at once.

Python's ``re`` tries every branch of a flat alternation at every
position, which made word-list searches the slowest step of extraction.
:class:`TermIndex` compiles the terms into one regular expression shaped
like a trie, so that terms share their prefixes and the scan stays in C.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator


def is_subsequence(short: str, long: str) -> bool:
    """Check that the characters of ``short`` occur in ``long`` in order."""
    characters = iter(long)
    return all(char in characters for char in short)


def _trie_pattern(node: dict) -> str:
    """Return a pattern that matches the longest term below ``node``.

    ``node`` maps characters to child nodes; the key "" marks the end of a
    term. Continuations are tried before the end of a term, so the
    backtracking order makes the longest term win.
    """
    branches = [re.escape(char) + _trie_pattern(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    group = branches[0] if len(branches) == 1 and "" not in node else "(?:" + "|".join(branches) + ")"
    return group + "?" if "" in node else group


class TermIndex:
    """Leftmost-longest, non-overlapping search for a fixed set of terms."""

    def __init__(self, terms: Iterable[str]):
        trie: dict = {}
        for term in set(terms):
            if not term:
                continue
            node = trie
            for char in term:
                node = node.setdefault(char, {})
            node[""] = {}
        # The pattern never matches when there are no terms.
        self._pattern = re.compile(_trie_pattern(trie) if trie else r"(?!)")

    def match_at(self, text: str, position: int) -> str | None:
        """Return the longest term that starts at ``position``, or None."""
        match = self._pattern.match(text, position)
        return match.group() if match else None

    def finditer(self, text: str) -> Iterator[tuple[int, int, str]]:
        """Yield (start, end, term) for each match, scanning left to right."""
        for match in self._pattern.finditer(text):
            yield match.start(), match.end(), match.group()
