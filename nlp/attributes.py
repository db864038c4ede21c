"""Entity attributes: removed status, region, credit code, people, industries."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter

from bluecarbon.model import (
    FIRM,
    INDUSTRY_NAMES,
    INSTITUTE,
    PERSON,
    REMOVED,
    TECHNOLOGY,
    Entity,
)
from nlp.document import Amendments
from nlp.mentions import ORG_TYPES, DocMention, Group, occurrences, sentence_span
from nlp.resources import Resources

_PLAN_ITEM = re.compile(r"^\s*(\d{1,2})\s*[.．、]")


def mark_removed(groups: list[Group], amendments: Amendments, text: str) -> None:
    """Mark removed every entity seen only in deleted text and nowhere else."""
    if not amendments.deleted:
        return
    for group in groups:
        if not all(amendments.is_deleted(item.start, item.end) for item in group.mentions):
            continue
        forms = [group.entity.name, *group.entity.aliases]
        elsewhere = False
        for form in forms:
            for position in occurrences(text, form):
                if not amendments.is_deleted(position, position + len(form)):
                    elsewhere = True
        if not elsewhere:
            group.entity.status = REMOVED


def assign_regions(groups: list[Group], text: str, resources: Resources) -> None:
    """Set the region of organisations: the place their name starts with,
    or for a firm without one, the last place named before it in the
    sentence (荣成市俚岛镇的…公司)."""
    for group in groups:
        entity = group.entity
        if entity.type == TECHNOLOGY or entity.type == PERSON:
            continue
        entity.region = _place_prefix(entity.name, resources)
        if entity.region is None and entity.type == FIRM:
            entity.region = _place_before(group, text, resources)


_QUALIFIER = re.compile(r"[（(]([^（）()]{2,6})[）)]")


def _place_prefix(name: str, resources: Resources) -> str | None:
    # A campus or branch qualifier names where the body is:
    # 哈尔滨工业大学（威海） is in Weihai, not Harbin.
    for match in _QUALIFIER.finditer(name):
        qualifier = match.group(1)
        for place in resources.places_by_length:
            if qualifier.startswith(place) and place != "南海新区":
                return place
    for province in resources.provinces:
        if name.startswith(province + "省"):
            name = name[len(province) + 1 :]
            break
        if name.startswith(province) and not name.startswith(province + "大学"):
            name = name[len(province) :]
            break
    for place in resources.places_by_length:
        if name.startswith(place) and place != "南海新区":
            return place
    return None


# A row number of a table flattened into one line: digits between spaces
# (序号 企业名称 所在市 1 甲公司 青岛市 2 乙公司 烟台市).
_ROW_NUMBER = re.compile(r"(?<![\S])(\d{1,3})\s+(?=\S)")


def _table_row(text: str, start: int) -> tuple[int, int] | None:
    """Return the bounds of the flattened table row around ``start``.

    A line is a flattened table when it contains 序号 and row numbers
    1, 2, 3 … in order after it. Returns None for any other line.
    """
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    if line_end < 0:
        line_end = len(text)
    header = text.find("序号", line_start, line_end)
    if header < 0 or header > start:
        return None
    row_starts = []
    expected = 1
    for match in _ROW_NUMBER.finditer(text, header, line_end):
        if int(match.group(1)) == expected:
            row_starts.append(match.start())
            expected += 1
    if len(row_starts) < 2:
        return None
    row_start, row_end = line_start, line_end
    for position in row_starts:
        if position <= start:
            row_start = position
        else:
            row_end = position
            break
    return row_start, row_end


def _first_place(segment: str, resources: Resources, last: bool = False) -> str | None:
    best = None
    for place in resources.places_by_length:
        position = segment.rfind(place) if last else segment.find(place)
        if position < 0 or place == "南海新区":
            continue
        if best is None or (position > best[0] if last else position < best[0]):
            best = (position, place)
    return best[1] if best else None


def _place_before(group: Group, text: str, resources: Resources) -> str | None:
    for item in sorted(group.mentions, key=lambda mention: mention.start):
        row = _table_row(text, item.start)
        if row is not None:
            # A row binds the firm to its own place cell, which follows it.
            place = _first_place(text[item.end : row[1]], resources)
            place = place or _first_place(text[row[0] : item.start], resources, last=True)
            if place is not None:
                return place
            continue
        low, _ = sentence_span(text, item.start, item.end)
        head = text[low : item.start]
        best = None
        for place in resources.places_by_length:
            position = head.rfind(place)
            if position >= 0 and place != "南海新区" and (best is None or position > best[0]):
                best = (position, place)
        if best is not None:
            return best[1]
    return None


_CREDIT_CODE = re.compile(
    r"(?:统一社会信用代码|社会信用代码|信用代码)\s*[:：]?\s*([0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10})"
)


# A bare code in a table row: the firm's name, then its code in the next
# cell of the same line.
_BARE_CREDIT_CODE = re.compile(
    r"(?<![0-9A-Z])([0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10})(?![0-9A-Z])"
)
_MAX_CELL_GAP = 3


def assign_credit_codes(groups: list[Group], text: str) -> None:
    """统一社会信用代码：9137… belongs to the firm named last before it;
    so does a bare code that follows a firm's name in the same table row."""
    firm_mentions = sorted(
        (
            (item.start, item.end, group)
            for group in groups
            if group.entity.type == FIRM
            for item in group.mentions
        ),
        key=lambda entry: entry[0],
    )
    starts = [start for start, _, _ in firm_mentions]
    for match in _CREDIT_CODE.finditer(text):
        index = bisect_left(starts, match.start())
        if index == 0:
            continue
        group = firm_mentions[index - 1][2]
        if group.entity.credit_code is None:
            group.entity.credit_code = match.group(1)

    for match in _BARE_CREDIT_CODE.finditer(text):
        index = bisect_left(starts, match.start())
        if index == 0:
            continue
        _, end, group = firm_mentions[index - 1]
        gap = text[end : match.start()]
        if len(gap) <= _MAX_CELL_GAP and not gap.strip(" \t|:：,，") and group.entity.credit_code is None:
            group.entity.credit_code = match.group(1)


def assign_people(groups: list[Group], text: str, resources: Resources) -> None:
    """Give each person an affiliation: the organisation before the title."""
    orgs = [
        (item.start, item.end, group)
        for group in groups
        if group.entity.type in ORG_TYPES
        for item in group.mentions
    ]
    orgs.sort(key=lambda entry: entry[0])
    starts = [entry[0] for entry in orgs]
    for group in groups:
        entity = group.entity
        if entity.type != PERSON:
            continue
        # A workstation named after the person comes first: 唐启升院士工作站.
        for other in groups:
            if other.entity.type == INSTITUTE and other.entity.name.startswith(entity.name) and "工作站" in other.entity.name:
                entity.affiliation = other.entity.name
                if not entity.role:
                    entity.role = "expert: 院士" if "院士" in other.entity.name else "expert"
                break
        for item in group.mentions:
            if entity.affiliation:
                break
            best = _affiliation_for(orgs, starts, text, item, resources)
            if best is not None:
                entity.affiliation = best.entity.name
                if best.entity.region and not entity.region:
                    entity.region = best.entity.region
        if entity.role is None:
            entity.role = "other"


def _affiliation_for(orgs, starts: list[int], text: str, item: DocMention, resources: Resources):
    """Return the group of the organisation ``item`` belongs to, or None.

    ``orgs`` contains (start, end, group) of every organisation mention,
    sorted by start, and ``starts`` their starts.
    """
    sentence_start, sentence_end = sentence_span(text, item.start, item.end)
    low = bisect_left(starts, sentence_start)
    high = bisect_right(starts, sentence_end)
    window = orgs[low:high]
    before = [entry for entry in window if entry[1] <= item.start]
    if before:
        # The nearest organisation before the person in the same sentence.
        return before[-1][2]
    after = [entry for entry in window if item.end <= entry[0] and entry[1] <= sentence_end]
    role = item.mention.role or ""
    if after and ("创始人" in role or "负责人" in role):
        return after[0][2]
    title = role.split(": ", 1)[-1]
    wanted = None
    if title.endswith("院长"):
        wanted = "院"
    elif title.endswith("所长"):
        wanted = "所"
    elif title.endswith(("经理", "总裁", "董事长", "副总")):
        wanted = "FIRM"
    # Indexes instead of a copied slice, so a person costs only the
    # organisation mentions visited, not all that precede it.
    previous = range(bisect_left(starts, item.start) - 1, -1, -1)
    if wanted:
        for index in previous:
            group = orgs[index][2]
            if wanted == "FIRM" and group.entity.type == FIRM:
                return group
            if wanted != "FIRM" and group.entity.type == INSTITUTE and group.entity.name.endswith(wanted):
                return group
        if wanted == "FIRM":
            # 蓖呒瘓F总裁龙经说 … 威高集团: the firm may be named only later.
            for index in range(bisect_left(starts, item.end), len(orgs)):
                if orgs[index][2].entity.type == FIRM:
                    return orgs[index][2]
    kind = role.split(": ", 1)[0]
    if kind in ("expert", "executive"):
        # 总工程师隋海东 with no organisation in the sentence: the nearest
        # organisation named shortly before, other than a government body.
        for entry in (orgs[index] for index in previous):
            if entry[1] > item.start:
                continue  # a name that spans the person (唐启升、焦念志院士工作站)
            if item.start - entry[1] > _AFFILIATION_REACH:
                break
            if entry[2].entity.type in (FIRM, INSTITUTE):
                return entry[2]
    return None


# How far back (in characters) a title without an organisation in its
# sentence looks for one.
_AFFILIATION_REACH = 400


def industry_item_spans(text: str) -> list[tuple[int, int, str]]:
    """Numbered plan items whose heading names one of the six industries."""
    spans = []
    position = 0
    lines = text.split("\n")
    for line in lines:
        start = position
        position += len(line) + 1
        if not _PLAN_ITEM.match(line):
            continue
        heading = line[:40]
        for industry in INDUSTRY_NAMES:
            if industry in heading:
                spans.append((start, start + len(line), industry))
                break
    return spans


def assign_industries(groups: list[Group], text: str, resources: Resources) -> None:
    """Give technologies, firms and institutes the industries they belong to.

    A technology inside a plan item on an industry belongs to it, and
    otherwise takes the industry of its lexicon term. A firm or institute
    takes every industry whose keywords occur in its sentences. A firm
    named at least twice with no such keyword takes the industry most of
    the document's technologies belong to.
    """
    items = industry_item_spans(text)
    live = [group for group in groups if group.entity.status != REMOVED]
    technology_counts: Counter = Counter()
    for group in live:
        if group.entity.type == TECHNOLOGY:
            group.entity.industries = _technology_industries(group, items, resources)
            for industry in group.entity.industries:
                technology_counts[industry] += len(group.mentions)
    sentence_cache: dict[tuple[int, int], list[str]] = {}
    for group in live:
        if group.entity.type not in (FIRM, INSTITUTE):
            continue
        found = _sentence_industries(group, text, resources, sentence_cache)
        if not found and group.entity.type == FIRM and len(group.mentions) >= 2 and technology_counts:
            found = [technology_counts.most_common(1)[0][0]]
        group.entity.industries = [name for name in INDUSTRY_NAMES if name in found]


def _technology_industries(group: Group, items, resources: Resources) -> list[str]:
    found: list[str] = []
    for item in group.mentions:
        for low, high, industry in items:
            if low <= item.start < high and industry not in found:
                found.append(industry)
    if not found:
        found.extend(_lexicon_industries(group.entity, resources))
    return [name for name in INDUSTRY_NAMES if name in found]


def _sentence_industries(
    group: Group, text: str, resources: Resources, cache: dict[tuple[int, int], list[str]]
) -> list[str]:
    """Return the industries whose keywords occur in the group's sentences.

    ``cache`` maps a sentence span to its industries, for reuse across groups.
    """
    sentences = set()
    for item in group.mentions:
        row = _table_row(text, item.start)
        if row is not None:
            sentences.add(row)  # a flattened table row is the firm's sentence
            continue
        low, high = sentence_span(text, item.start, item.end)
        sentences.add((low, high))
        if text[low : low + 1] in "”」’\"" and low > 0:
            # “…。”NAME经理说: the quoted words belong to this sentence.
            sentences.add(sentence_span(text, low - 1, low - 1))
    found: list[str] = []
    for span in sentences:
        industries = cache.get(span)
        if industries is None:
            sentence = text[span[0] : span[1]]
            industries = cache[span] = [
                industry for industry, pattern in _keyword_patterns(resources) if pattern.search(sentence)
            ]
        for industry in industries:
            if industry not in found:
                found.append(industry)
    return found


_KEYWORD_PATTERNS: dict[int, list[tuple[str, re.Pattern]]] = {}


def _keyword_patterns(resources: Resources) -> list[tuple[str, re.Pattern]]:
    """Return each industry with a pattern that finds any of its keywords."""
    patterns = _KEYWORD_PATTERNS.get(id(resources))
    if patterns is None:
        patterns = _KEYWORD_PATTERNS[id(resources)] = [
            (industry, re.compile("|".join(map(re.escape, keywords)) if keywords else r"(?!)"))
            for industry, keywords in resources.industry_keywords.items()
        ]
    return patterns


def _lexicon_industries(entity: Entity, resources: Resources) -> list[str]:
    found = []
    for form in [entity.name, *entity.aliases]:
        industry = resources.tech_terms.get(form)
        if industry and industry not in found:
            found.append(industry)
    if found:
        return found
    for term, industry in sorted(resources.tech_terms.items(), key=lambda pair: -len(pair[0])):
        if industry and term in entity.name:
            return [industry]
    for industry, keywords in resources.industry_keywords.items():
        if any(word in entity.name for word in keywords):
            found.append(industry)
    return found


