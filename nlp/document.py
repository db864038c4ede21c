"""Document facts stated in the text, and the spans an amendment deletes.

Reads the title, issuer, document number and date, the documents it
amends or repeals, and the spans an amendment notice deletes: in
将第X条第Y项“OLD”修改为“NEW”, OLD is deleted text. Quotes nest inside
OLD and NEW, so the closing quote is found by balanced matching.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bluecarbon.model import DocumentInfo

_NUMBER = re.compile(
    r"[\u4e00-\u9fff]{1,10}[〔［\[（(【]\s*(?:19|20)\d{2}\s*[〕］\]）)】]\s*\d{1,4}\s*号"
)
_DATE_CN = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_DATE_ISO = re.compile(r"((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})")
_META = re.compile(r"(发文机关|发布机构|发文单位|来源)\s*[:：]\s*([^\s|]{2,30})")
_META_NUMBER = re.compile(r"(发文字号|文号)\s*[:：]\s*(\S+号)")
_META_DATE = re.compile(r"(公开发布日期|发布日期|成文日期|发布时间|时间)\s*[:：]?\s*")
_TITLE_WORDS = re.compile(r"(通知|决定|方案|意见|办法|规划|计划|公告|公示|通告|批复|报告|纲要|条例|规定)$")
_ISSUER = re.compile(r"^[\u4e00-\u9fff]{2,24}(人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅|委员会|局|厅|部|管委会?)$")
_AMEND_OPEN = re.compile(r"将?第[一二三四五六七八九十百零〇0-9]+条(?:第[一二三四五六七八九十百零〇0-9]+[项款])?[中的]?")
# Navigation lines (首页 > 新闻中心, 当前位置：…) and data fields (name: "…").
_BREADCRUMB = re.compile(
    r"[>＞»]|^(首页|当前位置|您的位置|来源|发布时间|发布日期|时间)|^[A-Za-z_][A-Za-z0-9_]*\s*[:：=]"
)
_REPEAL = re.compile(r"废止|停止执行|不再执行|同时失效")
_AMEND_TARGET = re.compile(r"(?:对|将)《[^》]{2,80}》[（(]([^（）()]{4,30}号)[）)][^。]{0,12}?(?:作出|进行|予以)?(?:如下)?修改")


@dataclass
class Amendments:
    """Spans (normalised offsets) an amendment deletes or inserts."""

    deleted: list[tuple[int, int]] = field(default_factory=list)
    inserted: list[tuple[int, int]] = field(default_factory=list)

    def is_deleted(self, start: int, end: int) -> bool:
        return any(low <= start and end <= high for low, high in self.deleted)


def _closing_quote(text: str, opening: int) -> int | None:
    """Return the index of the quote closing the one at ``opening``."""
    depth = 0
    for index in range(opening, len(text)):
        char = text[index]
        if char == "“":
            depth += 1
        elif char == "”":
            depth -= 1
            if depth == 0:
                return index
    return None


# A sentence that takes what it names off a list, and a numbered heading
# that opens a section of such removals (一、删除企业 … 二、…).
_DELISTING = re.compile(
    r"从[^。；]{0,30}名单[中里内]?(?:予以)?(?:删除|删去|移出|撤出|剔除)"
    r"|(?:不再符合|不符合)[^。；]{0,12}条件|主动(?:申请)?退出|(?:取消|撤销|撤回)[^。；]{0,40}(?:资格|称号|认定|命名)"
    r"|(?:移出|撤出|剔除出?)[^。；]{0,12}名单|不再(?:列入|保留)"
)
_REMOVAL_HEADING = re.compile(
    r"^\s*[一二三四五六七八九十]+\s*[、.．]\s*(?:删除|删减|撤销|取消|移出|退出|调出)[^\n]{0,20}$", re.MULTILINE
)
_NEXT_HEADING = re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.．]", re.MULTILINE)
_SENTENCE = re.compile(r"[^。！？；\n]+[。！？；]?")


def find_delistings(text: str) -> list[tuple[int, int]]:
    """Return the spans of text that take names off a list: a sentence
    such as 将其从名单中删除 or 不再符合入选条件, and a section under a
    heading such as 一、删除企业, up to the next numbered heading."""
    spans = []
    for heading in _REMOVAL_HEADING.finditer(text):
        following = _NEXT_HEADING.search(text, heading.end())
        spans.append((heading.end(), following.start() if following else len(text)))
    for sentence in _SENTENCE.finditer(text):
        if _DELISTING.search(sentence.group()):
            spans.append(sentence.span())
    return spans


def find_amendments(text: str) -> Amendments:
    """Find 将…“OLD”修改为“NEW” and …修改为“NEW” clauses, and the
    sentences and sections that take names off a list."""
    result = Amendments(deleted=find_delistings(text))
    for match in _AMEND_OPEN.finditer(text):
        position = match.end()
        if position < len(text) and text[position] == "“":
            closing = _closing_quote(text, position)
            if closing is None:
                continue
            after = text[closing + 1 : closing + 8]
            if after.startswith(("修改为", "修订为", "改为", "调整为")):
                result.deleted.append((position + 1, closing))
                new_open = text.find("“", closing + 1, closing + 8)
                if new_open >= 0:
                    new_close = _closing_quote(text, new_open)
                    if new_close is not None:
                        result.inserted.append((new_open + 1, new_close))
            elif after.startswith(("删除", "予以删除")) or text[max(0, match.start() - 3) : match.start()].endswith(("删除", "删去")):
                result.deleted.append((position + 1, closing))
    return result


def _iso(match: re.Match) -> str:
    year, month, day = (int(group) for group in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}"


def read_document_info(text: str) -> DocumentInfo:
    """Read title, issuer, number, date, amends and repeals from ``text``."""
    info = DocumentInfo()
    # Markdown heading marks and list bullets are not part of a title.
    lines = [line.strip().lstrip("#•*").strip() for line in text.splitlines()]
    nonempty = [line for line in lines if line]

    meta_issuer = _META.search(text[:3000])
    if meta_issuer and meta_issuer.group(1) != "来源":
        info.issuer = meta_issuer.group(2)
    meta_number = _META_NUMBER.search(text[:3000])
    if meta_number:
        info.document_number = meta_number.group(2)

    for line in nonempty[:12]:
        if _BREADCRUMB.search(line):
            continue
        if info.issuer is None and _ISSUER.match(line):
            info.issuer = line
            continue
        if info.title is None and 6 <= len(line) <= 80 and _TITLE_WORDS.search(line):
            info.title = line
    if info.title is None:
        # A title broken over lines: join short lines until one ends like a title.
        joined = ""
        for line in [line for line in nonempty[:8] if not _BREADCRUMB.search(line)]:
            if len(line) > 40:
                break
            joined += line
            if _TITLE_WORDS.search(joined):
                info.title = joined
                break
    if info.title is None:
        for line in nonempty[:6]:
            if not _BREADCRUMB.search(line) and 4 <= len(line) <= 60 and re.search("[\u4e00-\u9fff]{4}", line):
                info.title = line
                break

    if info.document_number is None:
        for line in nonempty[:15]:
            match = _NUMBER.fullmatch(line.replace(" ", ""))
            if match:
                info.document_number = match.group()
                break

    info.published = _published(text, nonempty)
    info.amends = _unique(match.group(1).replace(" ", "") for match in _AMEND_TARGET.finditer(text))
    info.repeals = _unique(_repealed_numbers(text))
    if not info.repeals and info.title and "废止" in info.title:
        # 关于废止部分规范性文件的通知: every other number it cites is repealed.
        info.repeals = _unique(
            number.group().replace(" ", "")
            for number in _NUMBER.finditer(text)
            if _clean_number(number.group().replace(" ", "")) != info.document_number
        )
    if info.issuer is None:
        info.issuer = _signature(nonempty)
    return info


def _published(text: str, lines: list[str]) -> str | None:
    meta = _META_DATE.search(text[:3000])
    if meta:
        rest = text[meta.end() : meta.end() + 30]
        for pattern in (_DATE_ISO, _DATE_CN):
            match = pattern.match(rest)
            if match:
                return _iso(match)
    # A date alone on a line, as under a signature.
    for line in lines:
        match = _DATE_CN.fullmatch(line)
        if match:
            return _iso(match)
    for line in lines[:6]:
        match = _DATE_ISO.search(line) or _DATE_CN.search(line)
        if match:
            return _iso(match)
    return None


def _signature(lines: list[str]) -> str | None:
    for index, line in enumerate(lines):
        if _DATE_CN.fullmatch(line) and index > 0 and _ISSUER.match(lines[index - 1]):
            return lines[index - 1]
    return None


def _repealed_numbers(text: str):
    for match in _REPEAL.finditer(text):
        sentence_start = max(text.rfind(mark, 0, match.start()) for mark in "。\n") + 1
        sentence = text[sentence_start : match.start()]
        for number in _NUMBER.finditer(sentence):
            yield number.group().replace(" ", "")


def _unique(items) -> list[str]:
    seen: list[str] = []
    for item in items:
        item = _clean_number(item)
        if item not in seen:
            seen.append(item)
    return seen


def _clean_number(number: str) -> str:
    # Text before the issuer code (…的通知（威政办字…）) is not part of it.
    match = re.search(r"[\u4e00-\u9fff]{1,6}[〔［\[（(【]", number)
    if match:
        number = number[match.start() :]
    return number.translate(str.maketrans({"[": "〔", "]": "〕", "［": "〔", "］": "〕", "【": "〔", "】": "〕"}))
