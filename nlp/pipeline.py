"""The spaCy pipeline: a blank Chinese model with jieba and rule components.

Each component reads the paragraph's normalised text and its jieba tokens
and appends :class:`~nlp.candidates.Mention` records to
``doc._.mentions``. Mentions that line up with token boundaries are also
stored as spans in ``doc.spans["bluecarbon"]``. Document-level work
(aliases, amendments, industries, relations) happens in ``nlp.extract``.
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.attrs import IDX, LENGTH
from spacy.language import Language
from spacy.tokens import Doc

from bluecarbon.errors import ExtractionError
from nlp.candidates import Token
from nlp.orgs import find_organisations
from nlp.people import find_people
from nlp.resources import load_resources
from nlp.techs import find_technologies

CONFIG_PATH = Path(__file__).with_name("config.cfg")
SPAN_KEY = "bluecarbon"

if not Doc.has_extension("tokens"):
    Doc.set_extension("tokens", default=None)
if not Doc.has_extension("mentions"):
    Doc.set_extension("mentions", default=None)
# Doc.text is rebuilt from the tokens on every access, so it is read once.
if not Doc.has_extension("plain_text"):
    Doc.set_extension("plain_text", default=None)


def _add(doc: Doc, mentions) -> None:
    doc._.mentions.extend(mentions)


def _store_spans(doc: Doc) -> None:
    """Store the mentions that line up with token boundaries as spans."""
    spans = []
    for mention in doc._.mentions:
        span = doc.char_span(mention.start, mention.end, label=mention.label)
        if span is not None:
            spans.append(span)
    doc.spans[SPAN_KEY] = spans


@Language.component("bc_tokens")
def tokens_component(doc: Doc) -> Doc:
    """Attach jieba tokens with their dictionary part-of-speech tags."""
    tags = load_resources().word_tags
    text = doc._.plain_text = doc.text
    # Reading offsets as arrays avoids creating a Python Token per word.
    starts = doc.to_array(IDX).tolist()
    lengths = doc.to_array(LENGTH).tolist()
    tokens = []
    for start, length in zip(starts, lengths):
        word = text[start : start + length]
        tokens.append(Token(word, start, start + length, tags.get(word)))
    doc._.tokens = tokens
    doc._.mentions = []
    return doc


@Language.component("bc_organisations")
def organisations_component(doc: Doc) -> Doc:
    """Find firms, institutes and departments."""
    _add(doc, find_organisations(doc._.plain_text, doc._.tokens, load_resources()))
    return doc


@Language.component("bc_people")
def people_component(doc: Doc) -> Doc:
    """Find people next to titles and verbs of speech."""
    _add(doc, find_people(doc._.plain_text, doc._.tokens, load_resources()))
    return doc


@Language.component("bc_technologies")
def technologies_component(doc: Doc) -> Doc:
    """Find technologies, products, equipment and materials."""
    _add(doc, find_technologies(doc._.plain_text, doc._.tokens, load_resources()))
    _store_spans(doc)  # the last component, so every mention is there
    return doc


@lru_cache(maxsize=1)
def load_pipeline() -> Language:
    """Build the pipeline from ``config.cfg``, once per process."""
    load_resources()
    try:
        config = spacy.util.load_config(CONFIG_PATH)
        with warnings.catch_warnings():
            # spaCy warns that a blank pipeline has no trained components.
            warnings.simplefilter("ignore", UserWarning)
            return spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    except (OSError, ValueError) as error:
        raise ExtractionError(f"cannot build the spaCy pipeline from {CONFIG_PATH}: {error}") from error
