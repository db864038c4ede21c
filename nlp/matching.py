"""Fast search for many fixed strings at once.

Python's ``re`` tries every branch of a large alternation at every
position, which made word-list searches the slowest step of extraction.
:class:`TermIndex` groups the terms by first character, so each position
costs one dictionary lookup.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator


class TermIndex:
    """Leftmost-longest, non-overlapping search for a fixed set of terms."""

    def __init__(self, terms: Iterable[str]):
        by_first: dict[str, list[str]] = {}
        for term in set(terms):
            if term:
                by_first.setdefault(term[0], []).append(term)
        self._by_first = {char: sorted(items, key=len, reverse=True) for char, items in by_first.items()}

    def finditer(self, text: str) -> Iterator[tuple[int, int, str]]:
        """Yield (start, end, term) for each match, scanning left to right."""
        position = 0
        length = len(text)
        by_first = self._by_first
        while position < length:
            candidates = by_first.get(text[position])
            if candidates:
                for term in candidates:
                    if text.startswith(term, position):
                        yield position, position + len(term), term
                        position += len(term)
                        break
                else:
                    position += 1
            else:
                position += 1
