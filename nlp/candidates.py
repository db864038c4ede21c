"""Mentions found in one paragraph, before document-level merging."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Mention:
    """One entity mention, with offsets into the paragraph's normalised text.

    ``name`` is the canonical name the rule proposes (for example a
    gazetteer name for an abbreviation); ``surface`` is the text between
    ``start`` and ``end``.
    """

    label: str
    start: int
    end: int
    surface: str
    name: str
    aliases: list[str] = field(default_factory=list)
    role: str | None = None  # Person: role kind and title, "expert: 院士"
    title_start: int | None = None  # Person: where the title chain starts
    rule: str = ""
    # Names of entities this one is part of (sub-unit of an institute).
    part_of: list[str] = field(default_factory=list)
    # Bare city short form (市海洋发展局) to be resolved against the
    # document's city: "city" or "province".
    short_form: str | None = None


@dataclass(slots=True)
class Token:
    """A segmenter token with its offsets and part-of-speech tag."""

    text: str
    start: int
    end: int
    tag: str | None
