"""Tokens and mentions of one paragraph, before document-level merging."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain, repeat
from operator import add


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


class TokenTable:
    """The segmenter tokens of one paragraph, stored as parallel lists.

    Indexing returns a :class:`Token`, built on first access, because the
    rules look at only the tokens around their trigger words. The lookup
    tables (``covering``, ``index_at_start``, ``index_at_end``) are built on
    first use and shared by all components.
    """

    __slots__ = ("text", "words", "starts", "ends", "_tags", "_tokens", "_covering", "_at_start", "_at_end")

    def __init__(self, text: str, words: list[str], starts: list[int], word_tags: dict[str, str]):
        self.text = text
        self.words = words
        self.starts = starts
        self.ends = list(map(add, starts, map(len, words)))
        self._tags = word_tags
        self._tokens: list[Token | None] = [None] * len(words)
        self._covering: list[int] | None = None
        self._at_start: dict[int, int] | None = None
        self._at_end: dict[int, int] | None = None

    def __len__(self) -> int:
        return len(self.words)

    def __getitem__(self, index: int) -> Token:
        token = self._tokens[index]
        if token is None:
            word = self.words[index]
            token = self._tokens[index] = Token(word, self.starts[index], self.ends[index], self._tags.get(word))
        return token

    def __iter__(self):
        return (self[index] for index in range(len(self.words)))

    def tag(self, index: int) -> str | None:
        return self._tags.get(self.words[index])

    @property
    def covering(self) -> list[int]:
        """Index of the token covering each character, with one entry past
        the end. Characters outside every token (a space after a word) and
        the entry past the end map to token 0."""
        if self._covering is None:
            length = len(self.text)
            words = self.words
            if sum(map(len, words)) == length:
                covering = list(chain.from_iterable(map(repeat, range(len(words)), map(len, words))))
                covering.append(0)
            else:
                covering = [0] * (length + 1)
                for index, (start, end) in enumerate(zip(self.starts, self.ends)):
                    covering[start:end] = repeat(index, end - start)
            self._covering = covering
        return self._covering

    @property
    def index_at_start(self) -> dict[int, int]:
        """Token index by start offset."""
        if self._at_start is None:
            self._at_start = dict(zip(self.starts, range(len(self.words))))
        return self._at_start

    @property
    def index_at_end(self) -> dict[int, int]:
        """Token index by end offset."""
        if self._at_end is None:
            self._at_end = dict(zip(self.ends, range(len(self.words))))
        return self._at_end
