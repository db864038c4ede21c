"""Candidate lists as a terminal table, JSON, CSV and an Excel workbook.

Every form carries the same facts: name, industry, region, score, the
points per factor, the evidence behind each point and the flags.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font

from bluecarbon.model import INDUSTRY_NAMES

CSV_COLUMNS = ("industry", "rank", "name", "region", "score", "factors", "flags", "evidence")


def to_json(candidates: list[dict]) -> str:
    """Return the candidates as an indented JSON list."""
    return json.dumps(candidates, ensure_ascii=False, indent=2)


def to_csv(candidates: list[dict]) -> str:
    """Return one CSV row per candidate with the factors and evidence folded in."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in _rows(candidates):
        writer.writerow(row)
    return buffer.getvalue()


# The ordering rule that puts a flagged candidate below one with a lower score.
FLAGGED_NOTE = (
    "Candidates flagged non-local or thin-evidence are listed after the "
    "others of their industry, each part by score."
)
FLAGGED_NOTE_ZH = "注：标记 non-local（非本地）或 thin-evidence（证据不足）的候选排在本产业其他候选之后，各部分按得分排序。"


def to_table(
    candidates: list[dict],
    *,
    evidence: bool = True,
    industries: list[str] | None = None,
) -> str:
    """Return a plain-text table per industry for a terminal.

    ``industries`` limits the tables to those industries; by default all
    six are shown, empty ones included.
    """
    lines: list[str] = []
    for industry, group in _by_industry(candidates, industries):
        lines.append(f"== {industry} ==")
        if not group:
            lines.append("  (no candidates)")
        for rank, candidate in enumerate(group, start=1):
            flags = ", ".join(candidate.get("flags") or [])
            region = candidate.get("region") or "-"
            lines.append(
                f"{rank:>3}. {_pad(candidate['name'], 36)} "
                f"{_pad(region, 8)} {candidate['score']:>6.1f}"
                + (f"  [{flags}]" if flags else "")
            )
            factors = "  ".join(
                f"{factor['name']} {factor['points']:g}"
                for factor in candidate["factors"]
                if factor["points"]
            )
            if factors:
                lines.append(f"       {factors}")
            if evidence:
                for sentence in _evidence_sentences(candidate, limit=2):
                    lines.append(f"       · {sentence}")
        lines.append("")
    if any(candidate.get("flags") for candidate in candidates):
        lines.append(FLAGGED_NOTE)
    return "\n".join(lines).rstrip() + "\n"


def write_xlsx(
    candidates: list[dict],
    path: str | Path,
    *,
    industries: list[str] | None = None,
) -> Path:
    """Write one sheet per industry, with an evidence column, to PATH.

    ``industries`` limits the sheets to those industries.
    """
    workbook = Workbook()
    workbook.remove(workbook.active)
    header = ("排名 rank", "名称 name", "地区 region", "得分 score", "分项 factors", "标记 flags", "证据 evidence")
    widths = (8, 40, 10, 10, 50, 20, 100)

    for industry, group in _by_industry(candidates, industries):
        sheet = workbook.create_sheet(_sheet_title(industry))
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        # The ordering rule, on the flags column where a reader looks for it.
        sheet["F1"].comment = Comment(f"{FLAGGED_NOTE_ZH}\n{FLAGGED_NOTE}", "bluecarbon")
        for rank, candidate in enumerate(group, start=1):
            sheet.append((
                rank,
                candidate["name"],
                candidate.get("region") or "",
                candidate["score"],
                _factor_text(candidate),
                ", ".join(candidate.get("flags") or []),
                "\n".join(_evidence_lines(candidate)),
            ))
        for index, width in enumerate(widths):
            sheet.column_dimensions[chr(ord("A") + index)].width = width
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"

    path = Path(path)
    workbook.save(path)
    return path


def _by_industry(candidates: list[dict], industries: list[str] | None = None):
    names = list(industries or INDUSTRY_NAMES)
    if industries is None:
        for candidate in candidates:
            if candidate["industry"] not in names:
                names.append(candidate["industry"])
    for industry in names:
        yield industry, [c for c in candidates if c["industry"] == industry]


def _rows(candidates: list[dict]):
    for industry, group in _by_industry(candidates):
        for rank, candidate in enumerate(group, start=1):
            yield (
                industry,
                rank,
                candidate["name"],
                candidate.get("region") or "",
                candidate["score"],
                _factor_text(candidate),
                ";".join(candidate.get("flags") or []),
                " | ".join(_evidence_lines(candidate)),
            )


def _factor_text(candidate: dict) -> str:
    return "; ".join(
        f"{factor['name']}={factor['points']:g}" for factor in candidate["factors"]
    )


def _evidence_lines(candidate: dict) -> list[str]:
    lines = []
    for factor in candidate["factors"]:
        for item in factor.get("evidence") or []:
            lines.append(
                f"[{factor['name']}] {item['sentence']} "
                f"({item['document']} @ {item['version']})"
            )
    return lines


def _evidence_sentences(candidate: dict, *, limit: int) -> list[str]:
    lines: list[str] = []
    seen: set[str] = set()
    for factor in candidate["factors"]:
        for item in factor.get("evidence") or []:
            sentence = _shorten(item["sentence"], 70)
            if sentence in seen:
                continue
            seen.add(sentence)
            lines.append(f"{sentence}  ({item['document']})")
            if len(lines) >= limit:
                return lines
    return lines


def _shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _display_width(text))


def _sheet_title(industry: str) -> str:
    # Excel limits sheet titles to 31 characters and forbids []:*?/\.
    title = "".join(ch for ch in industry if ch not in "[]:*?/\\")
    return title[:31] or "sheet"
