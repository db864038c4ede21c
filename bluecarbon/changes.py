"""Changes between two builds: new firms, new evidence, score changes.

Each rank saves the full candidate list as a snapshot under
``DATA_DIR/rankings``. Comparing the latest snapshot with an earlier one
explains every change by the factors whose points moved and by the
evidence that appeared or disappeared.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from bluecarbon.errors import ConfigError

SNAPSHOT_SUFFIX = ".json"


def save_snapshot(rankings_dir: Path, candidates: list[dict], *, now: datetime | None = None) -> Path:
    """Write CANDIDATES as a new snapshot and return its path.

    The file is written under a temporary name and renamed, so a reader
    never sees half a snapshot.
    """
    rankings_dir.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%dT%H%M%S%fZ")
    path = rankings_dir / f"{stamp}{SNAPSHOT_SUFFIX}"
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(candidates, ensure_ascii=False), encoding="utf-8")
    partial.replace(path)
    return path


def list_snapshots(rankings_dir: Path) -> list[Path]:
    """Return the snapshots, oldest first."""
    if not rankings_dir.is_dir():
        return []
    return sorted(rankings_dir.glob(f"*{SNAPSHOT_SUFFIX}"))


@dataclass
class CandidateChange:
    """The move of one candidate's score, factor by factor."""

    name: str
    industry: str
    before: float | None
    after: float | None
    factors: dict[str, float] = field(default_factory=dict)
    new_evidence: list[dict] = field(default_factory=list)
    lost_evidence: list[dict] = field(default_factory=list)

    @property
    def kind(self) -> str:
        if self.before is None:
            return "new"
        if self.after is None:
            return "dropped"
        return "changed"

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "name": self.name,
            "industry": self.industry,
            "before": self.before,
            "after": self.after,
            "factors": self.factors,
            "new_evidence": self.new_evidence,
            "lost_evidence": self.lost_evidence,
        }


def compare(previous: list[dict], current: list[dict]) -> list[CandidateChange]:
    """Return the changes from PREVIOUS to CURRENT, biggest moves first."""
    before = {_identity(candidate): candidate for candidate in previous}
    after = {_identity(candidate): candidate for candidate in current}
    changes = []

    for identity in sorted(set(before) | set(after)):
        old, new = before.get(identity), after.get(identity)
        change = _compare_one(old, new)
        if change is not None:
            changes.append(change)

    return sorted(changes, key=lambda c: (-abs((c.after or 0) - (c.before or 0)), c.name))


def compare_latest(rankings_dir: Path, since: str | None = None) -> tuple[Path | None, Path, list[CandidateChange]]:
    """Compare the latest snapshot with the one before it, or with SINCE.

    SINCE is a snapshot file name (or its time stamp prefix). Raises
    ConfigError when there is nothing to compare.
    """
    snapshots = list_snapshots(rankings_dir)
    if not snapshots:
        raise ConfigError(
            f"no ranking snapshots in {rankings_dir}; run `bluecarbon build` or "
            "`bluecarbon rank` first"
        )
    latest = snapshots[-1]
    base = _find_base(snapshots, since)
    previous = _read(base) if base else []
    return base, latest, compare(previous, _read(latest))


def format_changes(changes: list[CandidateChange]) -> str:
    """Return the changes as lines for a terminal."""
    if not changes:
        return "no changes\n"
    lines = []
    for change in changes:
        before = "-" if change.before is None else f"{change.before:g}"
        after = "-" if change.after is None else f"{change.after:g}"
        lines.append(f"{change.kind:<8} {change.name} [{change.industry}] {before} -> {after}")
        for factor, delta in sorted(change.factors.items()):
            lines.append(f"         {factor} {delta:+g}")
        for item in change.new_evidence:
            lines.append(f"         + {item['sentence']} ({item['document']})")
        for item in change.lost_evidence:
            lines.append(f"         - {item['sentence']} ({item['document']})")
    return "\n".join(lines) + "\n"


def _identity(candidate: dict) -> tuple[str, str]:
    return (candidate.get("key") or candidate["name"], candidate["industry"])


def _compare_one(old: dict | None, new: dict | None) -> CandidateChange | None:
    reference = new or old
    old_points = _points(old)
    new_points = _points(new)
    deltas = {
        name: new_points.get(name, 0.0) - old_points.get(name, 0.0)
        for name in set(old_points) | set(new_points)
    }
    deltas = {name: delta for name, delta in deltas.items() if delta}
    old_evidence = _evidence(old)
    new_evidence = _evidence(new)

    change = CandidateChange(
        name=reference["name"],
        industry=reference["industry"],
        before=None if old is None else old["score"],
        after=None if new is None else new["score"],
        factors=deltas,
        new_evidence=[new_evidence[key] for key in sorted(set(new_evidence) - set(old_evidence))],
        lost_evidence=[old_evidence[key] for key in sorted(set(old_evidence) - set(new_evidence))],
    )
    unchanged = (
        old is not None
        and new is not None
        and not deltas
        and not change.new_evidence
        and not change.lost_evidence
    )
    return None if unchanged else change


def _points(candidate: dict | None) -> dict[str, float]:
    if candidate is None:
        return {}
    return {factor["name"]: factor["points"] for factor in candidate["factors"]}


def _evidence(candidate: dict | None) -> dict[tuple, dict]:
    found: dict[tuple, dict] = {}
    for factor in (candidate or {}).get("factors", []):
        for item in factor.get("evidence") or []:
            key = (item["document"], item["version"], item["sentence"])
            found[key] = item
    return found


def _find_base(snapshots: list[Path], since: str | None) -> Path | None:
    if since is None:
        return snapshots[-2] if len(snapshots) > 1 else None
    for path in snapshots:
        if path.name.startswith(since):
            return path
    names = ", ".join(path.name for path in snapshots[-5:])
    raise ConfigError(f"no ranking snapshot matches {since!r}; recent ones: {names}")


def _read(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))
