"""Mentions and entities under construction, with their evidence.

Shared by the document-level steps: a :class:`DocMention` is one mention
with offsets into the normalised document text, a :class:`Group` is an
entity being built from its mentions, and the helpers turn offsets into
sentences and :class:`~bluecarbon.model.Evidence`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from bluecarbon.model import DEPARTMENT, FIRM, INSTITUTE, Entity, Evidence
from nlp.candidates import Mention
from nlp.normalize import NormText

ORG_TYPES = (FIRM, INSTITUTE, DEPARTMENT)
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
LEGAL_SUFFIX = re.compile(r"(集团股份有限公司|集团有限公司|股份有限公司|有限责任公司|有限公司|公司|集团)$")


@dataclass
class DocMention:
    """A mention with offsets into the normalised document text."""

    mention: Mention
    start: int
    end: int
    name: str
    label: str
    key: str = ""
    extra_aliases: list[str] = field(default_factory=list)


@dataclass
class Group:
    """An entity under construction with its mentions."""

    entity: Entity
    mentions: list[DocMention]
    key: str
    part_of: list[str] = field(default_factory=list)

    @property
    def spans(self) -> list[tuple[int, int]]:
        return [(item.start, item.end) for item in self.mentions]


_BOUNDARY_CACHE: dict[int, tuple[str, list[int]]] = {}


def _boundaries(text: str) -> list[int]:
    """Offsets just after each sentence end of ``text``, cached per text."""
    cached = _BOUNDARY_CACHE.get(id(text))
    if cached is not None and cached[0] is text:
        return cached[1]
    ends = [match.end() for match in _SENTENCE_END.finditer(text)]
    _BOUNDARY_CACHE.clear()
    _BOUNDARY_CACHE[id(text)] = (text, ends)
    return ends


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Return the sentence around [start, end): after the previous end mark
    up to and including the next one (a line break is not included)."""
    cached = _BOUNDARY_CACHE.get(id(text))
    ends = cached[1] if cached is not None and cached[0] is text else _boundaries(text)
    index = bisect_right(ends, start)
    left = ends[index - 1] if index > 0 else 0
    index = bisect_right(ends, max(start, end - 1))
    right = ends[index] if index < len(ends) else len(text)
    if right > 0 and right <= len(text) and text[right - 1] == "\n":
        right -= 1
    return left, right


def sentence_spans(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Return :func:`sentence_span` of each (start, end) in ``spans``."""
    ends = _boundaries(text)
    count = len(ends)
    length = len(text)
    result = []
    for start, end in spans:
        index = bisect_right(ends, start)
        left = ends[index - 1] if index > 0 else 0
        index = bisect_right(ends, max(start, end - 1))
        right = ends[index] if index < count else length
        if right > 0 and right <= length and text[right - 1] == "\n":
            right -= 1
        result.append((left, right))
    return result


# For the last document: the original text of each sentence by normalised
# span, and the evidence fields of each mention span. Many mentions share
# a sentence, and several steps ask for the evidence of one mention.
_EVIDENCE_CACHE: dict[int, tuple[NormText, dict[tuple[int, int], str], dict[tuple[int, int], tuple]]] = {}


def evidence_at(norm: NormText, start: int, end: int) -> Evidence:
    """Return the evidence for the normalised span [start, end): original
    offsets and the original text of its sentence."""
    cached = _EVIDENCE_CACHE.get(id(norm))
    if cached is None or cached[0] is not norm:
        _EVIDENCE_CACHE.clear()
        cached = _EVIDENCE_CACHE[id(norm)] = (norm, {}, {})
    _, sentences, fields = cached
    found = fields.get((start, end))
    if found is None:
        span = sentence_span(norm.text, start, end)
        sentence = sentences.get(span)
        if sentence is None:
            sentence_original = norm.span(*span)
            sentence = sentences[span] = norm.original[sentence_original[0] : sentence_original[1]].strip()
        found = fields[(start, end)] = (sentence, *norm.span(start, end))
    # A new Evidence each time, because callers own what they are given.
    return Evidence(sentence=found[0], start=found[1], end=found[2])


# The occurrences found in the last text searched, by needle. Alias search
# and removal checks look for the same names again, and each search scans
# the whole document.
_OCCURRENCE_CACHE: dict[int, tuple[str, dict[str, tuple[int, ...]]]] = {}


def occurrences(text: str, needle: str) -> tuple[int, ...]:
    """Return the start of every non-overlapping occurrence of ``needle``.

    The result is shared between callers, so it is a tuple.
    """
    cached = _OCCURRENCE_CACHE.get(id(text))
    if cached is None or cached[0] is not text:
        _OCCURRENCE_CACHE.clear()
        cached = _OCCURRENCE_CACHE[id(text)] = (text, {})
    found = cached[1].get(needle)
    if found is None:
        positions = []
        start = text.find(needle)
        while start >= 0:
            positions.append(start)
            start = text.find(needle, start + len(needle))
        found = cached[1][needle] = tuple(positions)
    return found
