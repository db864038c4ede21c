"""Domain data for extraction: lexicon, gazetteer and segmenter tables.

The YAML files live in ``seeds/`` at the repository root; they are read
once per process.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from bluecarbon.errors import ExtractionError

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
LEXICON_PATH = SEEDS_DIR / "lexicon.yaml"
GAZETTEER_PATH = SEEDS_DIR / "gazetteer.yaml"


# Technology endings that are common words already; raising their
# dictionary frequency would only distort segmentation elsewhere.
_COMMON_WORDS = frozenset({"系统", "装置", "设备", "材料", "技术", "平台", "船舶"})


@dataclass
class Resources:
    """Everything the rules look up, built from the seed files."""

    org_suffixes: list[tuple[str, str]]  # (suffix, type), longest first
    not_org_words: set[str]
    generic_cores: set[str]
    triggers: set[str]
    in_name_verbs: set[str]
    titles: dict[str, str]  # title -> role kind
    titles_by_length: list[str]
    speech_verbs: list[str]
    surnames: set[str]
    compound_surnames: set[str]
    not_person: set[str]
    slogan_followers: list[str]
    tech_suffixes: list[str]
    tech_generic: set[str]
    tech_terms: dict[str, str | None]  # term -> industry or None
    industry_keywords: dict[str, list[str]]
    gazetteer: dict[str, tuple[str, str]]  # name or alias -> (type, canonical)
    gazetteer_aliases: dict[str, list[str]]  # canonical -> aliases
    places: dict[str, str]  # place -> province
    provinces: list[str]
    segmenter_words: list[str] = field(default_factory=list)
    places_by_length: list[str] = field(default_factory=list)  # longest first
    # A place at the start of a name, with an optional level: 威海市, 文登区.
    place_prefix: re.Pattern | None = None
    english_glossary: dict[str, list[str]] = field(default_factory=dict)
    word_tags: dict[str, str] = field(default_factory=dict)
    char_frequency: dict[str, int] = field(default_factory=dict)
    word_frequency: dict[str, int] = field(default_factory=dict)
    org_suffix_kinds: dict[str, str] = field(default_factory=dict)  # suffix -> type
    place_lengths: list[int] = field(default_factory=list)  # distinct lengths of places

    def starts_with_place(self, text: str) -> bool:
        """Check that ``text`` starts with one of ``places``."""
        places = self.places
        return any(text[:length] in places for length in self.place_lengths if length <= len(text))

    def ends_with_place(self, text: str) -> bool:
        """Check that ``text`` ends with one of ``places``."""
        places = self.places
        return any(text[-length:] in places for length in self.place_lengths if length <= len(text))


def _read_yaml(path: Path) -> dict:
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except OSError as error:
        raise ExtractionError(
            f"cannot read the extraction data file {path} ({error.strerror}); "
            "reinstall the project or restore the file from the repository"
        ) from error
    except yaml.YAMLError as error:
        raise ExtractionError(f"invalid YAML in {path}: {error}") from error
    if not isinstance(data, dict):
        raise ExtractionError(f"{path} must contain a YAML mapping")
    return data


@lru_cache(maxsize=1)
def load_resources() -> Resources:
    """Read the seed files and the segmenter's dictionary, once."""
    lexicon = _read_yaml(LEXICON_PATH)
    gazetteer_data = _read_yaml(GAZETTEER_PATH)

    suffixes = [
        (suffix, kind)
        for kind, items in lexicon["org_suffixes"].items()
        for suffix in items
    ]
    suffixes.sort(key=lambda item: -len(item[0]))

    titles: dict[str, str] = {}
    for kind, items in lexicon["titles"].items():
        for title in items:
            titles.setdefault(title, kind)

    tech_terms: dict[str, str | None] = {}
    for industry, terms in lexicon["technology"]["terms"].items():
        for term in terms:
            tech_terms[term] = None if industry == "none" else industry

    gazetteer: dict[str, tuple[str, str]] = {}
    gazetteer_aliases: dict[str, list[str]] = {}
    for kind, entries in gazetteer_data["organisations"].items():
        for canonical, aliases in entries.items():
            gazetteer[canonical] = (kind, canonical)
            gazetteer_aliases[canonical] = list(aliases or [])
            for alias in aliases or []:
                gazetteer.setdefault(alias, (kind, canonical))

    resources = Resources(
        org_suffixes=suffixes,
        not_org_words=set(lexicon["not_org_words"]),
        generic_cores=set(lexicon["generic_cores"]),
        triggers=set(lexicon["trigger_words"]),
        in_name_verbs=set(lexicon["in_name_verbs"]),
        titles=titles,
        titles_by_length=sorted(titles, key=len, reverse=True),
        speech_verbs=sorted(lexicon["speech_verbs"], key=len, reverse=True),
        surnames=set(lexicon["surnames"].strip()),
        compound_surnames=set(lexicon["compound_surnames"]),
        not_person=set(lexicon["not_person"]),
        slogan_followers=list(lexicon["slogan_followers"]),
        tech_suffixes=sorted(lexicon["technology"]["suffixes"], key=len, reverse=True),
        tech_generic=set(lexicon["technology"]["generic"]),
        tech_terms=tech_terms,
        industry_keywords=lexicon["industry_keywords"],
        gazetteer=gazetteer,
        gazetteer_aliases=gazetteer_aliases,
        places=dict(gazetteer_data["places"]),
        provinces=list(gazetteer_data["provinces"]),
        segmenter_words=list(lexicon.get("segmenter_words") or []),
        english_glossary=dict(lexicon.get("english_glossary") or {}),
    )
    resources.places_by_length = sorted(resources.places, key=len, reverse=True)
    resources.place_lengths = sorted({len(place) for place in resources.places if place})
    resources.org_suffix_kinds = dict(suffixes)
    resources.place_prefix = re.compile(
        "^(" + "|".join(map(re.escape, resources.places_by_length)) + ")([市区县])?"
    )
    _load_segmenter_tables(resources)
    return resources


def _load_segmenter_tables(resources: Resources) -> None:
    """Add domain words to jieba and read its part-of-speech table."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    try:
        jieba.initialize()
    except Exception as error:  # jieba raises bare Exceptions on a bad cache
        raise ExtractionError(f"the jieba segmenter failed to load: {error}") from error
    for word in resources.segmenter_words:
        jieba.add_word(word, freq=3000)
    for term in resources.tech_terms:
        jieba.add_word(term, freq=2000, tag="nz")
    for name in resources.gazetteer:
        jieba.add_word(name, freq=2000, tag="nt")
    for place in resources.places:
        jieba.add_word(place, tag="ns")
    for suffix, _ in resources.org_suffixes:
        if len(suffix) >= 2:
            jieba.add_word(suffix, tag="n")
    for suffix in resources.tech_suffixes:
        if len(suffix) >= 2 and suffix not in _COMMON_WORDS:
            jieba.add_word(suffix, freq=3000, tag="n")
    for title in resources.titles:
        jieba.add_word(title, freq=5000, tag="n")
    tags = dict(jieba.posseg.dt.word_tag_tab)
    tags.update(jieba.dt.user_word_tag_tab)
    resources.word_tags = tags
    frequency: dict[str, int] = {}
    for word, count in jieba.dt.FREQ.items():
        for char in word:
            frequency[char] = frequency.get(char, 0) + count
    resources.char_frequency = frequency
    resources.word_frequency = jieba.dt.FREQ
