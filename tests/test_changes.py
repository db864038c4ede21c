"""Changes between two ranking snapshots, explained by factor and evidence."""

from datetime import datetime, timezone

import pytest

from bluecarbon.changes import compare, compare_latest, format_changes, save_snapshot
from bluecarbon.errors import ConfigError

SENTENCE_A = {"document": "http://x/a", "version": "v1", "sentence": "甲公司建设海带养殖基地。"}
SENTENCE_B = {"document": "http://x/b", "version": "v1", "sentence": "甲公司获评省级专精特新企业。"}


def candidate(name, score, factors, industry="绿色水产养殖业"):
    return {
        "key": f"Firm:{name}",
        "name": name,
        "industry": industry,
        "region": "威海",
        "score": score,
        "factors": factors,
        "flags": [],
    }


def test_new_candidate_listed():
    current = [candidate("甲公司", 5.0, [{"name": "industry", "points": 5.0, "evidence": [SENTENCE_A]}])]
    changes = compare([], current)
    assert [change.kind for change in changes] == ["new"]
    assert changes[0].factors == {"industry": 5.0}
    assert changes[0].new_evidence == [SENTENCE_A]


def test_score_change_explained():
    previous = [candidate("甲公司", 5.0, [{"name": "industry", "points": 5.0, "evidence": [SENTENCE_A]}])]
    current = [
        candidate(
            "甲公司",
            8.0,
            [
                {"name": "industry", "points": 5.0, "evidence": [SENTENCE_A]},
                {"name": "innovation", "points": 3.0, "evidence": [SENTENCE_B]},
            ],
        )
    ]
    changes = compare(previous, current)
    assert len(changes) == 1
    change = changes[0]
    assert change.kind == "changed"
    assert (change.before, change.after) == (5.0, 8.0)
    assert change.factors == {"innovation": 3.0}
    assert change.new_evidence == [SENTENCE_B]
    assert change.lost_evidence == []
    text = format_changes(changes)
    assert "changed  甲公司 [绿色水产养殖业] 5 -> 8" in text
    assert "innovation +3" in text


def test_unchanged_candidate_omitted():
    same = [candidate("甲公司", 5.0, [{"name": "industry", "points": 5.0, "evidence": [SENTENCE_A]}])]
    assert compare(same, same) == []


def test_dropped_candidate_listed():
    previous = [candidate("乙公司", 2.0, [{"name": "industry", "points": 2.0, "evidence": []}])]
    changes = compare(previous, [])
    assert [(change.kind, change.name, change.after) for change in changes] == [("dropped", "乙公司", None)]
    assert changes[0].factors == {"industry": -2.0}


def test_latest_compared_with_previous(tmp_path):
    first = datetime(2026, 1, 1, tzinfo=timezone.utc)
    second = datetime(2026, 2, 1, tzinfo=timezone.utc)
    save_snapshot(tmp_path, [], now=first)
    save_snapshot(tmp_path, [candidate("甲公司", 1.0, [{"name": "industry", "points": 1.0, "evidence": []}])], now=second)
    base, latest, changes = compare_latest(tmp_path)
    assert base.name.startswith("20260101T")
    assert latest.name.startswith("20260201T")
    assert [change.name for change in changes] == ["甲公司"]


def test_no_snapshots_error_names_directory(tmp_path):
    with pytest.raises(ConfigError) as raised:
        compare_latest(tmp_path / "rankings")
    assert str(tmp_path / "rankings") in str(raised.value)
    assert "bluecarbon build" in str(raised.value)


def test_unknown_since_named(tmp_path):
    save_snapshot(tmp_path, [])
    with pytest.raises(ConfigError) as raised:
        compare_latest(tmp_path, since="1999")
    assert "'1999'" in str(raised.value)
