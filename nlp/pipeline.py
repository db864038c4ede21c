"""The spaCy pipeline: a blank Chinese model with jieba and rule components.

Each component reads the paragraph's normalised text and its jieba tokens
and appends :class:`~nlp.candidates.Mention` records to
``doc._.mentions``. Mentions that line up with token boundaries are also
stored as spans in ``doc.spans["bluecarbon"]``. Document-level work
(aliases, amendments, industries, relations) happens in ``nlp.extract``.
"""

from __future__ import annotations

import gc
import warnings
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

import spacy
from spacy.attrs import IDX, LENGTH
from spacy.errors import Errors
from spacy.lang.zh import ChineseTokenizer
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import minibatch
from spacy.vocab import Vocab

from bluecarbon.errors import ExtractionError
from nlp.candidates import TokenTable
from nlp.orgs import find_organisations
from nlp.people import find_people
from nlp.resources import load_resources
from nlp.tagger import tagger_component  # noqa: F401  registers bc_tagger
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


def _user_data_key(name: str) -> tuple:
    # The key under which spaCy 3 stores the value of the Doc extension
    # ``name`` (spacy.tokens.underscore.Underscore._get_key).
    return ("._.", name, None, None)


def _user_data_keys_work() -> bool:
    probe = Doc(Vocab(), words=["x"])
    value = probe._.mentions = []
    return probe.user_data.get(_user_data_key("mentions")) is value


# The components read and write their extensions in Doc.user_data
# directly, because every ``doc._`` access builds an Underscore object.
# That took about 2.5 µs per access with spaCy 3.8 on a 2-core machine,
# and a paragraph needed sixteen of them. If a spaCy version stores
# extensions differently, ``doc._`` is used.
_DIRECT_EXTENSIONS = _user_data_keys_work()
_TEXT_KEY, _TOKENS_KEY, _MENTIONS_KEY = (_user_data_key(name) for name in ("plain_text", "tokens", "mentions"))


def paragraph_state(doc: Doc) -> tuple[str, TokenTable, list]:
    """Return the paragraph text, token table and mention list of ``doc``."""
    if _DIRECT_EXTENSIONS:
        data = doc.user_data
        return data.get(_TEXT_KEY), data.get(_TOKENS_KEY), data.get(_MENTIONS_KEY)
    underscore = doc._
    return underscore.plain_text, underscore.tokens, underscore.mentions


def _set_extension(doc: Doc, key: tuple, value) -> None:
    if _DIRECT_EXTENSIONS:
        doc.user_data[key] = value
    else:
        setattr(doc._, key[1], value)


def align_words(words: list[str], text: str) -> tuple[list[str], list[bool], list[int]]:
    """Return the words, trailing spaces and start offsets of a Doc over ``text``.

    The result equals spaCy's ``util.get_words_and_spaces`` (spaCy 3.8),
    plus the offsets. That function copies the rest of the text for each
    word, so its cost grows with the square of the paragraph length. This
    one searches from the current offset instead.
    """
    if "".join(text.split()) == text and "".join(words) == text:
        # No whitespace at all: every word starts where the previous ends.
        starts = list(accumulate(map(len, words), initial=0))
        starts.pop()
        return words, [False] * len(words), starts
    if "".join("".join(words).split()) != "".join(text.split()):
        raise ValueError(Errors.E194.format(text=text, words=words))
    aligned: list[str] = []
    spaces: list[bool] = []
    starts = []
    position = 0
    for word in words:
        if word.isspace():
            continue
        word_start = text.find(word, position)
        if word_start < 0:
            raise ValueError(Errors.E194.format(text=text, words=words))
        if word_start > position:
            aligned.append(text[position:word_start])
            spaces.append(False)
            starts.append(position)
            position = word_start
        aligned.append(word)
        spaces.append(False)
        starts.append(position)
        position += len(word)
        if position < len(text) and text[position] == " ":
            spaces[-1] = True
            position += 1
    if position < len(text):
        aligned.append(text[position:])
        spaces.append(False)
        starts.append(position)
    return aligned, spaces, starts


class JiebaTokenizer(ChineseTokenizer):
    """spaCy's Chinese tokenizer with jieba, which also attaches the token table.

    The Doc is the one ``ChineseTokenizer`` builds. The words and offsets
    are known here already, so ``bc_tokens`` does not read them back from
    the Doc.
    """

    def __call__(self, text: str) -> Doc:
        if self.segmenter != "jieba":
            return super().__call__(text)
        words = [word for word in self.jieba_seg.cut(text, cut_all=False) if word]
        words, spaces, starts = align_words(words, text)
        doc = Doc(self.vocab, words=words, spaces=spaces)
        _set_extension(doc, _TEXT_KEY, text)
        _set_extension(doc, _TOKENS_KEY, TokenTable(text, words, starts, load_resources().word_tags))
        return doc


def _store_spans(doc: Doc, tokens: TokenTable, mentions: list) -> None:
    """Store the mentions that line up with token boundaries as spans.

    These are the spans ``Doc.char_span`` returns in its strict mode, found
    through the token table's offset maps.
    """
    first_token, last_token = tokens.index_at_start, tokens.index_at_end
    spans = []
    for mention in mentions:
        first = first_token.get(mention.start)
        last = last_token.get(mention.end)
        if first is not None and last is not None and first <= last:
            spans.append(Span(doc, first, last + 1, label=mention.label))
    doc.spans[SPAN_KEY] = spans


def tokens_component(doc: Doc) -> Doc:
    """Attach jieba tokens with their dictionary part-of-speech tags.

    :class:`JiebaTokenizer` has attached them already, so this builds the
    table only for a Doc made by another tokenizer.
    """
    _, tokens, _ = paragraph_state(doc)
    if tokens is None:
        text = doc.text
        starts = doc.to_array(IDX).tolist()
        lengths = doc.to_array(LENGTH).tolist()
        words = [text[start : start + length] for start, length in zip(starts, lengths)]
        _set_extension(doc, _TEXT_KEY, text)
        _set_extension(doc, _TOKENS_KEY, TokenTable(text, words, starts, load_resources().word_tags))
    _set_extension(doc, _MENTIONS_KEY, [])
    return doc


def organisations_component(doc: Doc) -> Doc:
    """Find firms, institutes and departments."""
    text, tokens, mentions = paragraph_state(doc)
    mentions.extend(find_organisations(text, tokens, load_resources()))
    return doc


def people_component(doc: Doc) -> Doc:
    """Find people next to titles and verbs of speech."""
    text, tokens, mentions = paragraph_state(doc)
    mentions.extend(find_people(text, tokens, load_resources()))
    return doc


def technologies_component(doc: Doc) -> Doc:
    """Find technologies, products, equipment and materials."""
    text, tokens, mentions = paragraph_state(doc)
    mentions.extend(find_technologies(text, tokens, load_resources()))
    _store_spans(doc, tokens, mentions)  # the last component, so every mention is there
    return doc


class BatchComponent:
    """A rule component that ``Language.pipe`` runs over a batch of Docs at once.

    A function component is called Doc by Doc, so every paragraph passes
    through jieba and all the rules before the next one starts, and the
    segmenter's tables and the rules' data keep pushing each other out of
    the CPU caches. Batches made ``Language.pipe`` about 8% faster on
    bench/nlp.py's 4x text (2-core machine). The mentions are the same.
    """

    def __init__(self, function):
        self.function = function

    def __call__(self, doc: Doc) -> Doc:
        return self.function(doc)

    def pipe(self, docs, batch_size: int = 64):
        for batch in minibatch(docs, size=batch_size):
            processed = [self.function(doc) for doc in batch]
            yield from processed


@Language.factory("bc_tokens")
def make_tokens_component(nlp: Language, name: str) -> BatchComponent:
    return BatchComponent(tokens_component)


@Language.factory("bc_organisations")
def make_organisations_component(nlp: Language, name: str) -> BatchComponent:
    return BatchComponent(organisations_component)


@Language.factory("bc_people")
def make_people_component(nlp: Language, name: str) -> BatchComponent:
    return BatchComponent(people_component)


@Language.factory("bc_technologies")
def make_technologies_component(nlp: Language, name: str) -> BatchComponent:
    return BatchComponent(technologies_component)


@lru_cache(maxsize=1)
def load_pipeline() -> Language:
    """Build the pipeline from ``config.cfg``, once per process."""
    load_resources()
    try:
        config = spacy.util.load_config(CONFIG_PATH)
        with warnings.catch_warnings():
            # spaCy warns that a blank pipeline has no trained components.
            warnings.simplefilter("ignore", UserWarning)
            nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    except (OSError, ValueError) as error:
        raise ExtractionError(f"cannot build the spaCy pipeline from {CONFIG_PATH}: {error}") from error
    if isinstance(nlp.tokenizer, ChineseTokenizer):
        tokenizer = JiebaTokenizer(nlp.vocab, segmenter=nlp.tokenizer.segmenter)
        tokenizer.pkuseg_seg = nlp.tokenizer.pkuseg_seg
        nlp.tokenizer = tokenizer
    # The pipeline, jieba's dictionary and the seed tables live as long as
    # the process. Freezing every object alive now keeps the collector's
    # full passes from scanning them again. Without the freeze, such a pass
    # ran every two or three documents of about 57,000 characters and took
    # about 90 ms each (an estimate from one 2-core machine, spaCy 3.8).
    gc.collect()
    gc.freeze()
    return nlp
