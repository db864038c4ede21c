"""Extraction scores on the project's own held-out sets do not fall
below their floors.

Both sets live in the repository (tests/fixtures/holdout and
tests/fixtures/holdout2), so these checks run everywhere. The floors
sit a little under the scores reached when they were set.
"""

from pathlib import Path

import pytest

from nlp.evaluate import evaluate_dir

FIXTURES = Path(__file__).parent / "fixtures"

FLOORS = {
    "holdout": {"macro_f1": 0.95, "technology_f1": 0.90, "industry": 0.90, "aliases": 0.70},
    "holdout2": {"macro_f1": 0.95, "technology_f1": 0.60, "industry": 0.60, "aliases": 0.30},
}


@pytest.fixture(scope="module", params=sorted(FLOORS))
def scored(request):
    return request.param, evaluate_dir(FIXTURES / request.param)


def test_macro_f1_floor(scored):
    name, result = scored
    assert result["macro_f1"] >= FLOORS[name]["macro_f1"]


def test_technology_f1_floor(scored):
    name, result = scored
    assert result["technology_f1"] >= FLOORS[name]["technology_f1"]


def test_industry_links_floor(scored):
    name, result = scored
    assert result["industry_links"]["recall"] >= FLOORS[name]["industry"]


def test_alias_linking_floor(scored):
    name, result = scored
    assert result["alias_linking"]["rate"] >= FLOORS[name]["aliases"]


def test_removed_entities_marked(scored):
    _, result = scored
    assert result["removed"]["correct"] == result["removed"]["total"]
