"""Fast search for many fixed strings at once.

Python's ``re`` tries every branch of a large alternation at every
position, which made word-list searches the slowest step of extraction.
:class:`TermIndex` groups the terms by first character and jumps with a
compiled character class to the positions where some term can start.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator


def is_subsequence(short: str, long: str) -> bool:
    """Check that the characters of ``short`` occur in ``long`` in order."""
    characters = iter(long)
    return all(char in characters for char in short)


class TermIndex:
    """Leftmost-longest, non-overlapping search for a fixed set of terms."""

    def __init__(self, terms: Iterable[str]):
        by_first: dict[str, list[str]] = {}
        for term in set(terms):
            if term:
                by_first.setdefault(term[0], []).append(term)
        self._by_first = {char: sorted(items, key=len, reverse=True) for char, items in by_first.items()}
        # A character class of the first characters lets re skip, in C,
        # the positions where no term can start. It never matches when
        # there are no terms.
        first_chars = "".join(re.escape(char) for char in sorted(by_first))
        self._first = re.compile(f"[{first_chars}]" if first_chars else r"(?!)")

    def match_at(self, text: str, position: int) -> str | None:
        """Return the longest term that starts at ``position``, or None."""
        if position >= len(text):
            return None
        for term in self._by_first.get(text[position], ()):
            if text.startswith(term, position):
                return term
        return None

    def finditer(self, text: str) -> Iterator[tuple[int, int, str]]:
        """Yield (start, end, term) for each match, scanning left to right."""
        by_first = self._by_first
        search = self._first.search
        found = search(text)
        while found is not None:
            position = found.start()
            for term in by_first[text[position]]:
                if text.startswith(term, position):
                    yield position, position + len(term), term
                    position += len(term)
                    break
            else:
                position += 1
            found = search(text, position)
