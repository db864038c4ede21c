"""Node keys and the text forms that keys and search are built from."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

from opencc import OpenCC

from bluecarbon.model import INDUSTRIES, PERSON

# White space, and the separator of fact strings.
_DROPPED = re.compile(r"[\s|]+")

_INDUSTRY_BY_NAME = {}
for _industry in INDUSTRIES:
    for _name in (_industry.code, _industry.name, _industry.name_en):
        _INDUSTRY_BY_NAME[_name.lower()] = _industry


def normalise(name: str) -> str:
    """Return ``name`` in NFKC form (full-width brackets and digits become
    ASCII), lower-cased, with white space and ``|`` removed."""
    return _DROPPED.sub("", unicodedata.normalize("NFKC", name)).lower()


def entity_key(
    label: str,
    name: str,
    *,
    affiliation_key: str | None = None,
    document_key: str | None = None,
) -> str:
    """Return the key of an entity node: its label and normalised name.

    A firm's unified social credit code is kept as the ``credit_code``
    property, not in the key, because directories give the code while news
    and plans name the same firm without it. Keying by the code would split
    one firm into two nodes depending on the page. A firm named anew
    under a code the graph already contains is merged into the firm that
    has the code by a recorded decision (graph.identity). A Person's key adds the
    key of the affiliation, or of the document when no affiliation is
    known, so that two people of the same name are never merged by name
    alone.
    """
    key = f"{label}:{normalise(name)}"
    if label == PERSON:
        scope = affiliation_key if affiliation_key else f"doc:{document_key}"
        key = f"{key}@{scope}"
    return key


def industry_key(code: str) -> str:
    return f"industry:{code}"


def find_industry(name: str):
    """Return the :class:`~bluecarbon.model.IndustryInfo` named by its
    Chinese name, English name or code, or None."""
    return _INDUSTRY_BY_NAME.get(name.strip().lower())


def place_key(name: str) -> str:
    return f"place:{normalise(name)}"


def placeholder_document_key(document_number: str) -> str:
    """Return the key of a Document known only by its number, as named by
    another document that amends or repeals it."""
    return f"docnum:{normalise(document_number)}"


@lru_cache(maxsize=1)
def _simplified() -> OpenCC:
    return OpenCC("t2s")


def search_form(text: str) -> str:
    """Return ``text`` as search compares it: NFKC, lower-cased, in
    Simplified characters, without white space or ``|``. So 威海 藍灣 finds
    威海蓝湾."""
    return _simplified().convert(normalise(text))


def search_text(name: str, aliases: list[str]) -> str:
    """Return the search forms of the name and aliases joined by ``|``,
    which ``CONTAINS`` searches on every store."""
    forms = []
    for text in (name, *aliases):
        form = search_form(text)
        if form and form not in forms:
            forms.append(form)
    return "|".join(forms)


def evidence_key(version_key: str, fact: str, start: int, end: int) -> str:
    text = f"{version_key}\n{fact}\n{start}\n{end}"
    return "evidence:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def relation_fact(type_: str, head_key: str, tail_key: str) -> str:
    return f"{type_}|{head_key}|{tail_key}"


def parse_fact(fact: str) -> tuple[str, str, str]:
    """Split a relationship fact into (type, head key, tail key)."""
    type_, head_key, tail_key = fact.split("|", 2)
    return type_, head_key, tail_key
