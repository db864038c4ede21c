"""Normalise raw document text while keeping every character mapped back.

Extraction runs on a normalised copy of the input: Simplified script,
full-width brackets, no HTML tags, template variables, pinyin glosses,
stray spaces or line wraps inside words, and garbled runs blanked out.
:class:`NormText` keeps, for every character of that copy, its offset in
the original, so a span found in the copy maps to ``text[start:end]``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from html.entities import name2codepoint

from opencc import OpenCC

# Replacement for characters judged garbled: no rule treats it as part of
# a name, so no entity can be built across it.
GARBLE = "\u25a1"

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{CJK}]")

# Regions deleted from the working copy. Scripts and styles become a line
# break, so text on either side is never joined into one word.
_BLOCKS = re.compile(
    r"<script\b[^>]*>.*?</script\s*>|<style\b[^>]*>.*?</style\s*>|<!--.*?-->",
    re.IGNORECASE | re.DOTALL,
)
# Block-level tags end a line, as a browser shows them.
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|br|h[1-6]|li|ul|ol|tr|td|th|table|section|article|header|footer|nav|title|dd|dt|blockquote)\b[^<>]{0,400}>",
    re.IGNORECASE,
)
# Numeric references and the named entities of HTML 4 (&ldquo;, &mdash;);
# a name that HTML 4 does not define is left as it is.
_ENTITY = re.compile(r"&(#\d{1,6}|#x[0-9a-fA-F]{1,5}|[A-Za-z][A-Za-z0-9]{1,9});")
_ENTITY_CHARS = {"nbsp": " ", "ensp": " ", "emsp": " ", "amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_DELETED = re.compile(
    r"<[a-zA-Z/!][^<>\n]{0,400}>"  # HTML tags
    r"|\{\{.*?\}\}|\{%.*?%\}|\$\{[^{}\n]{0,80}\}|\{\$[^{}\n]{0,80}\}"  # templates
    r"|<%.*?%>"
    r"|!\[[^\]\n]{0,200}\]\([^)\n]{0,400}\)"  # markdown images
    r"|\$\\[a-zA-Z]+\$",  # LaTeX symbols used as bullets
    re.DOTALL,
)
# Pinyin gloss a converter writes after a word: 術(shù), 发(fā), 的(de).
_PINYIN = "[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{1,24}"
_GLOSS = re.compile(f"(?<=[{CJK}])(?:[（(]{_PINYIN}[)）])+")
# A line ending like a document title, or a next line that starts a
# number, date or numbered item, is never joined to its neighbour.
_HEADING_END = re.compile(r"(通知|决定|规划|方案|意见|办法|公告|通告|报告|纲要|条例|规定|批复|函)$")
_LINE_START = re.compile(
    f"[{CJK}]{{1,6}}[〔［\\[（(]\\s*(?:19|20)\\d{{2}}|[一二三四五六七八九十]+、|第[一二三四五六七八九十百]+[章节条]"
)
_SENTENCE_END = set("。！？!?；;：:，,、”’」』》）)】")
_BREAK_OR_SPACE = re.compile("[\n \t]")
_LINE_RUN = re.compile(b"\x02+")  # mask runs replaced by one line break
_NONZERO_RUN = re.compile(b"[^\x00]+")  # mask runs not copied as they are

# Text no converter handles character by character: brackets and a few
# punctuation marks are unified so names come out in one spelling.
_CHAR_FIXES = {"(": "（", ")": "）", "\u3000": " ", "\xa0": " "}


@lru_cache(maxsize=1)
def _converter() -> OpenCC:
    return OpenCC("t2s")


_T2S_CACHE: dict[str, str] = {}


def to_simplified_char(char: str) -> str:
    """Return the Simplified form of one character, or the character itself.

    OpenCC's phrase tables may change the length of a phrase, so conversion
    runs one character at a time to keep offsets aligned.
    """
    converted = _T2S_CACHE.get(char)
    if converted is None:
        converted = _converter().convert(char)
        if len(converted) != 1:
            converted = char
        _T2S_CACHE[char] = converted
    return converted


# str.translate table from code point to Simplified character, filled
# with the characters converted so far.
_T2S_TABLE: dict[int, str] = {}


def to_simplified(text: str) -> str:
    """Convert Traditional characters to Simplified, one for one."""
    table = _T2S_TABLE
    for char in set(text):
        if ord(char) not in table:
            table[ord(char)] = to_simplified_char(char)
    return text.translate(table)


# The Simplified, width-folded form of each character seen so far, by
# code point, for str.translate.
_FOLDED: dict[int, str] = {}


def _folded_char(char: str) -> str:
    folded = _FOLDED.get(ord(char))
    if folded is None:
        folded = _FOLDED[ord(char)] = _fold_width(to_simplified_char(char))
    return folded


def _fold(text: str) -> str:
    """Return ``text`` with every character Simplified and width-folded."""
    changed = False
    for char in set(text):
        if _folded_char(char) != char:
            changed = True
    # Most texts need no change, and translate() costs a lookup per character.
    return text.translate(_FOLDED) if changed else text


def _fold_width(char: str) -> str:
    if char in _CHAR_FIXES:
        return _CHAR_FIXES[char]
    code = ord(char)
    # Full-width ASCII letters and digits become ASCII; full-width
    # brackets and punctuation stay, as Chinese text writes them.
    if 0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A:
        return unicodedata.normalize("NFKC", char)
    return char


@dataclass
class NormText:
    """The normalised copy of a text and the map back to the original."""

    original: str
    text: str
    offsets: list[int]  # offsets[i] is the original offset of text[i]
    garbled: list[tuple[int, int]]  # original spans judged garbled
    # Original end of text[i] where it is not offsets[i] + 1 (a decoded
    # HTML entity such as &gt; stands for several original characters).
    wide: dict[int, int] = field(default_factory=dict)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalised span [start, end) to an original span."""
        if end <= start:
            position = self.offsets[start] if start < len(self.offsets) else len(self.original)
            return position, position
        last = end - 1
        return self.offsets[start], self.wide.get(last, self.offsets[last] + 1)


def _entity_char(name: str) -> str:
    if name.startswith("#x"):
        return chr(int(name[2:], 16))
    if name.startswith("#"):
        return chr(int(name[1:]))
    if name in _ENTITY_CHARS:
        return _ENTITY_CHARS[name]
    if name in name2codepoint:
        return chr(name2codepoint[name])
    raise ValueError(f"unknown HTML entity &{name};")


def _deleted_mask(text: str) -> tuple[bytearray, dict[int, str]]:
    """Mark characters that are left out of the working copy.

    Returns the mask (1 = delete, 2 = part of a run replaced by one line
    break, 3 = replaced by the character in the returned map) and the
    replacement characters of HTML entities.
    """
    mask = bytearray(len(text))
    replacements: dict[int, str] = {}
    for pattern in (_BLOCKS, _BLOCK_TAG):
        for match in pattern.finditer(text):
            for index in range(match.start(), match.end()):
                mask[index] = 2
    for match in _ENTITY.finditer(text):
        if mask[match.start()]:
            continue
        try:
            replacement = _entity_char(match.group(1))
        except (ValueError, OverflowError):
            continue
        mask[match.start()] = 3
        replacements[match.start()] = replacement
        for index in range(match.start() + 1, match.end()):
            mask[index] = 1
    for pattern in (_DELETED, _GLOSS):
        for match in pattern.finditer(text):
            for index in range(match.start(), match.end()):
                if not mask[index]:
                    mask[index] = 1
    return mask, replacements


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF


def _join_breaks(text: str, mask: bytearray, word_frequency: dict[str, int] | None) -> None:
    """Delete a single space, or a line wrap, that falls inside a word.

    A space or tab between two CJK characters is a converter artefact
    (海洋发 展局). A single line break between CJK characters is joined
    only when the line before it is long and ends without punctuation,
    because short lines are headings, which must stay separate.

    Only line breaks, spaces, tabs and runs replaced by a line break are
    visited. The characters kept between them are counted from the mask.
    """
    events = [(match.start(), 0) for match in _BREAK_OR_SPACE.finditer(text) if mask[match.start()] != 2]
    runs = [(match.start(), match.end()) for match in _LINE_RUN.finditer(mask)]
    if runs:
        events.extend(runs)
        events.sort()
    line_start = 0
    kept_in_line = 0
    counted_to = 0  # characters before this offset are counted in kept_in_line
    for index, run_end in events:
        if run_end:
            # A run that becomes one line break starts a new line count.
            kept_in_line = 0
            counted_to = run_end
            continue
        if index > counted_to:
            kept_in_line += index - counted_to - mask.count(1, counted_to, index)
        counted_to = index + 1
        char = text[index]
        if char == "\n":
            previous = _previous_kept(text, mask, index)
            following = _next_kept(text, mask, index)
            line_length = kept_in_line
            kept_in_line = 0
            line_start = index + 1
            if (
                previous is not None
                and following is not None
                and line_length >= 24
                and _is_cjk(text[previous])
                and _is_cjk(text[following])
                and text[previous] not in _SENTENCE_END
                and "\n" not in text[index + 1 : following]
                and not _HEADING_END.search(text[max(0, previous - 3) : previous + 1])
                and not _LINE_START.match(text, following)
            ):
                mask[index] = 1
            continue
        if mask[index] != 1:
            kept_in_line += 1
        if not mask[index]:
            previous = _previous_kept(text, mask, index)
            following = _next_kept(text, mask, index)
            if (
                previous is not None
                and following is not None
                and following == index + 1
                and (previous == index - 1 or mask[index - 1])
                and _is_cjk(text[previous])
                and _is_cjk(text[following])
                and _inside_word(text, index, line_start, word_frequency)
            ):
                mask[index] = 1


def _cjk_run(text: str, index: int, step: int) -> int:
    length = 0
    index += step
    while 0 <= index < len(text) and _is_cjk(text[index]):
        length += 1
        index += step
    return length


def _inside_word(text: str, index: int, line_start: int, word_frequency: dict[str, int] | None) -> bool:
    """Decide whether the space at ``index`` splits a word or separates phrases.

    Headlines separate phrases with spaces (绿色底色更浓 威海银行). So a
    space is dropped only in three cases. One side is a fragment of one or
    two characters (张晓 明). The line is long, so its spaces come from
    hard line wraps. Or the two characters around the space form a
    dictionary word that neither side's own word contradicts (海洋发 展局
    gives 发展, but 多云 气温 keeps its space because 气温 is a word).
    """
    line_end = text.find("\n", index)
    line_length = (line_end if line_end >= 0 else len(text)) - line_start
    if line_length >= 80:
        return True
    if min(_cjk_run(text, index, -1), _cjk_run(text, index, 1)) <= 2:
        return True
    if not word_frequency:
        return False
    left, right = text[index - 2 : index], text[index + 1 : index + 3]
    crossing = left[-1] + right[0]
    return (
        word_frequency.get(crossing, 0) >= 100
        and word_frequency.get(right, 0) == 0
        and word_frequency.get(left, 0) == 0
    )


def _previous_kept(text: str, mask: bytearray, index: int) -> int | None:
    position = index - 1
    while position >= 0 and mask[position] == 1:
        position -= 1
    return position if position >= 0 else None


def _next_kept(text: str, mask: bytearray, index: int) -> int | None:
    position = index + 1
    while position < len(text) and mask[position] == 1:
        position += 1
    return position if position < len(text) else None


def normalize(
    text: str,
    char_frequency: dict[str, int] | None = None,
    word_frequency: dict[str, int] | None = None,
) -> NormText:
    """Build the working copy of ``text``; see the module docstring.

    ``char_frequency`` enables mojibake detection and ``word_frequency``
    the dictionary test for spaces inside words; both come from the
    segmenter's dictionary (:mod:`nlp.resources`).
    """
    mask, replacements = _deleted_mask(text)
    _join_breaks(text, mask, word_frequency)
    folded = _fold(text)
    pieces: list[str] = []
    offsets: list[int] = []
    wide: dict[int, int] = {}
    length = 0
    last = ""  # the last character kept so far
    copied_to = 0
    for run in _NONZERO_RUN.finditer(mask):
        run_start, run_end = run.span()
        if run_start > copied_to:
            # Unmasked characters are copied as they are folded.
            pieces.append(folded[copied_to:run_start])
            offsets.extend(range(copied_to, run_start))
            length += run_start - copied_to
            last = folded[run_start - 1]
        for index in range(run_start, run_end):
            flag = mask[index]
            if flag == 1:
                continue
            if flag == 2:
                if last == "\n":
                    continue
                pieces.append("\n")
                offsets.append(index)
                length += 1
                last = "\n"
                continue
            # Flag 3 is a decoded HTML entity, which ends at its semicolon.
            wide[length] = text.index(";", index) + 1
            last = _folded_char(replacements[index])
            pieces.append(last)
            offsets.append(index)
            length += 1
        copied_to = run_end
    if copied_to < len(text):
        pieces.append(folded[copied_to:])
        offsets.extend(range(copied_to, len(text)))
    normalised = "".join(pieces)
    garbled: list[tuple[int, int]] = []
    if char_frequency is not None:
        spans = find_garbled(normalised, char_frequency)
        if spans:
            chars = list(normalised)
            for start, end in spans:
                chars[start:end] = GARBLE * (end - start)
                garbled.append((offsets[start], offsets[end - 1] + 1))
            normalised = "".join(chars)
    return NormText(text, normalised, offsets, garbled, wide)


def _suspicion(chars: list[str], index: int, frequency: dict[str, int]) -> bool:
    char = chars[index]
    code = ord(char)
    if char == "\ufffd" or 0xE000 <= code <= 0xF8FF:
        return True
    if 0xFF21 <= code <= 0xFF5A:  # a full-width letter left inside CJK text
        return True
    if char.isascii() and char.isalpha():
        # A lone Latin letter glued to CJK text on at least one side.
        before = chars[index - 1] if index > 0 else " "
        after = chars[index + 1] if index + 1 < len(chars) else " "
        if before.isascii() and before.isalnum() or after.isascii() and after.isalnum():
            return False
        return _is_cjk(before) or _is_cjk(after)
    if _is_cjk(char):
        return frequency.get(char, 0) < 200
    return False


def _may_suspect(char: str, frequency: dict[str, int]) -> bool:
    if char.isascii() and not char.isalpha():
        return False
    if _is_cjk(char) and frequency.get(char, 0) >= 200:
        return False
    return _is_cjk(char) or char.isalpha() or ord(char) > 0xE000


def _suspicion_of_char(char: str, frequency: dict[str, int]) -> bool | None:
    """Return whether ``char`` is a suspect at any position, or None for a
    Latin letter, which :func:`_suspicion` judges by its neighbours."""
    if not _may_suspect(char, frequency):
        return False
    if char.isascii() and char.isalpha():
        return None
    return _suspicion([char], 0, frequency)


# The frequency table each character was judged with, and its verdict
# under that table (see _suspicion_of_char).
_SUSPICION: dict[str, tuple[dict[str, int], bool | None]] = {}


def find_garbled(chars: str | list[str], frequency: dict[str, int]) -> list[tuple[int, int]]:
    """Return spans of mojibake: dense runs of rare or stray characters.

    A character is suspect when it is rare in the segmenter's dictionary,
    a full-width Latin letter, a lone Latin letter glued to CJK text, or a
    replacement character. Three suspects within six characters, or two
    when one of them is a Latin letter, make a garbled span.
    """
    # Each distinct character is judged once. A character class of those
    # that are or may be suspects then finds them in C, and only Latin
    # letters are judged again by their neighbours.
    possible = []
    for char in set(chars):
        verdict = _SUSPICION.get(char)
        if verdict is None or verdict[0] is not frequency:
            verdict = _SUSPICION[char] = (frequency, _suspicion_of_char(char, frequency))
        if verdict[1] is not False:
            possible.append(char)
    if not possible:
        return []
    pattern = re.compile("[" + "".join(sorted(re.escape(char) for char in possible)) + "]")
    suspects = [
        match.start()
        for match in pattern.finditer("".join(chars))
        if _SUSPICION[match.group()][1] or _suspicion(chars, match.start(), frequency)
    ]
    spans: list[tuple[int, int]] = []
    position = 0
    while position < len(suspects):
        end = position
        while end + 1 < len(suspects) and suspects[end + 1] - suspects[position] < 6:
            end += 1
        group = suspects[position : end + 1]
        latin = any(not _is_cjk(chars[index]) for index in group)
        if len(group) >= 3 or (len(group) == 2 and latin and any(_is_cjk(chars[i]) for i in group)):
            spans.append((group[0], group[-1] + 1))
            position = end + 1
        else:
            position += 1
    return spans
