"""Score extraction against gold annotations.

A directory contains ``NAME.txt`` documents, each with ``NAME.gold.json``
listing the entities a careful reader finds (type, canonical name,
surface forms, status, optional flag) and the industry of some of them.
Scoring is per document and per type, on unique entities:

- names are compared after Unicode NFKC, removal of all white space,
  unified brackets and Traditional-to-Simplified conversion;
- a predicted entity matches a gold entity of the same type when its
  name or one of its aliases equals the gold name or a gold surface form;
- precision leaves out predictions that match only optional gold
  entities; recall counts non-optional gold entities found;
- counts are summed over documents before precision, recall and F1.

Also reported: macro F1 over Firm, Institute, Person and Department, and
Technology F1. The alias linking rate counts a gold entity with several
surface forms as linked when one prediction carries them all; the report
names the forms that the closest prediction lacks. Removed
status requires every prediction matching a removed gold entity to be
marked removed. Industry-link recall closes the list.
"""

from __future__ import annotations

import json
import re
import time
import unicodedata
from pathlib import Path
from typing import Any

from bluecarbon.errors import DocumentError
from bluecarbon.model import DEPARTMENT, FIRM, INSTITUTE, PERSON, REMOVED, TECHNOLOGY, Extraction
from nlp.normalize import to_simplified

MACRO_TYPES = (FIRM, INSTITUTE, PERSON, DEPARTMENT)
ALL_TYPES = (*MACRO_TYPES, TECHNOLOGY)
_BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "(", "】": ")", "［": "(", "］": ")", "[": "(", "]": ")", "〔": "(", "〕": ")"})


def normalize_name(name: str) -> str:
    """Normalise a name for comparison, as the gold rules define it."""
    name = unicodedata.normalize("NFKC", name)
    name = re.sub(r"\s+", "", name)
    name = name.translate(_BRACKETS)
    return to_simplified(name)


def _gold_forms(entity: dict) -> set[str]:
    forms = {normalize_name(entity["name"])}
    forms.update(normalize_name(surface) for surface in entity.get("surface") or [])
    return forms


def _predicted_forms(entity) -> set[str]:
    return {normalize_name(entity.name), *(normalize_name(alias) for alias in entity.aliases)}


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def score_document(extraction: Extraction, gold: dict) -> dict[str, Any]:
    """Score one document's extraction against its gold annotation."""
    result: dict[str, Any] = {"types": {}, "misses": {}, "false_positives": {}}
    for kind in ALL_TYPES:
        gold_entities = [entity for entity in gold.get("entities", []) if entity["type"] == kind]
        predictions = [entity for entity in extraction.entities if entity.type == kind]
        required = [entity for entity in gold_entities if not entity.get("optional")]
        optional = [entity for entity in gold_entities if entity.get("optional")]
        required_forms = [_gold_forms(entity) for entity in required]
        optional_forms = [_gold_forms(entity) for entity in optional]

        counted = correct = 0
        false_positives = []
        for prediction in predictions:
            forms = _predicted_forms(prediction)
            hits_required = any(forms & gold_forms for gold_forms in required_forms)
            hits_optional = any(forms & gold_forms for gold_forms in optional_forms)
            if hits_optional and not hits_required:
                continue
            counted += 1
            if hits_required:
                correct += 1
            else:
                false_positives.append(prediction.name)
        found = 0
        misses = []
        for entity, gold_forms in zip(required, required_forms):
            if any(_predicted_forms(prediction) & gold_forms for prediction in predictions):
                found += 1
            else:
                misses.append(entity["name"])
        result["types"][kind] = {
            "predicted": counted,
            "correct_predicted": correct,
            "gold": len(required),
            "found": found,
        }
        result["misses"][kind] = misses
        result["false_positives"][kind] = false_positives

    result["aliases"] = _alias_linking(extraction, gold)
    result["alias_gaps"] = _alias_gaps(extraction, gold, result["aliases"]["unlinked"])
    result["removed"] = _removed(extraction, gold)
    result["industries"] = _industries(extraction, gold)
    return result


def _matching(extraction: Extraction, entity: dict) -> list:
    forms = _gold_forms(entity)
    return [
        prediction
        for prediction in extraction.entities
        if prediction.type == entity["type"] and _predicted_forms(prediction) & forms
    ]


def _alias_linking(extraction: Extraction, gold: dict) -> dict[str, Any]:
    total = linked = 0
    unlinked = []
    for entity in gold.get("entities", []):
        if entity.get("optional"):
            continue
        surfaces = {normalize_name(surface) for surface in entity.get("surface") or []}
        if len(surfaces) < 2:
            continue
        total += 1
        if any(surfaces <= _predicted_forms(prediction) for prediction in _matching(extraction, entity)):
            linked += 1
        else:
            unlinked.append(entity["name"])
    return {"total": total, "linked": linked, "unlinked": unlinked}


def _alias_gaps(extraction: Extraction, gold: dict, unlinked: list[str]) -> dict[str, list[str]]:
    """Return, for each unlinked gold entity, the surface forms that the
    closest prediction (the one carrying most of them) lacks."""
    gaps = {}
    for entity in gold.get("entities", []):
        if entity["name"] not in unlinked:
            continue
        surfaces = {normalize_name(surface): surface for surface in entity.get("surface") or []}
        carried: set[str] = set()
        for prediction in _matching(extraction, entity):
            forms = _predicted_forms(prediction) & surfaces.keys()
            if len(forms) > len(carried):
                carried = forms
        gaps[entity["name"]] = [surface for form, surface in surfaces.items() if form not in carried]
    return gaps


def _removed(extraction: Extraction, gold: dict) -> dict[str, Any]:
    total = correct = 0
    wrong = []
    wrongly_removed = []
    for entity in gold.get("entities", []):
        matches = _matching(extraction, entity)
        if entity.get("status") == REMOVED:
            total += 1
            if matches and all(prediction.status == REMOVED for prediction in matches):
                correct += 1
            else:
                wrong.append(entity["name"])
        elif any(prediction.status == REMOVED for prediction in matches):
            wrongly_removed.append(entity["name"])
    return {"total": total, "correct": correct, "wrong": wrong, "wrongly_removed": wrongly_removed}


def _industries(extraction: Extraction, gold: dict) -> dict[str, Any]:
    by_name = {entity["name"]: entity for entity in gold.get("entities", [])}
    total = found = 0
    missing = []
    for link in gold.get("industries", []):
        entity = by_name.get(link["entity"])
        total += 1
        if entity is None:
            missing.append(f"{link['entity']} -> {link['industry']}")
            continue
        if any(link["industry"] in prediction.industries for prediction in _matching(extraction, entity)):
            found += 1
        else:
            missing.append(f"{link['entity']} -> {link['industry']}")
    return {"total": total, "found": found, "missing": missing}


def evaluate_dir(directory: str | Path, report_path: str | Path | None = None) -> dict[str, Any]:
    """Run extraction on every NAME.txt with a NAME.gold.json and score it.

    Returns the aggregated figures with per-document details; writes the
    readable report of :func:`format_report` to ``report_path`` (or JSON
    when the path ends in ``.json``).
    """
    from nlp.extract import extract

    folder = Path(directory)
    if not folder.is_dir():
        raise DocumentError(f"{folder} is not a directory; pass the folder holding NAME.txt and NAME.gold.json files")
    pairs = sorted(
        (path, path.with_name(path.stem + ".gold.json"))
        for path in folder.glob("*.txt")
        if path.with_name(path.stem + ".gold.json").exists()
    )
    if not pairs:
        raise DocumentError(f"{folder} contains no NAME.txt with a NAME.gold.json beside it; point evaluate at a folder of gold-annotated documents")

    documents = {}
    started = time.perf_counter()
    characters = 0
    for text_path, gold_path in pairs:
        text = text_path.read_text(encoding="utf-8")
        characters += len(text)
        try:
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise DocumentError(f"{gold_path} is not valid JSON: {error}") from error
        documents[text_path.stem] = score_document(extract(text), gold)
    elapsed = time.perf_counter() - started

    result = _aggregate(documents)
    result["documents"] = documents
    result["seconds"] = round(elapsed, 2)
    result["characters"] = characters
    if report_path is not None:
        path = Path(report_path)
        if path.suffix == ".json":
            path.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
        else:
            path.write_text(format_report(result), encoding="utf-8")
    return result


def _aggregate(documents: dict[str, dict]) -> dict[str, Any]:
    types = {}
    for kind in ALL_TYPES:
        predicted = sum(doc["types"][kind]["predicted"] for doc in documents.values())
        correct = sum(doc["types"][kind]["correct_predicted"] for doc in documents.values())
        gold = sum(doc["types"][kind]["gold"] for doc in documents.values())
        found = sum(doc["types"][kind]["found"] for doc in documents.values())
        precision, recall = _ratio(correct, predicted), _ratio(found, gold)
        types[kind] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(_f1(precision, recall), 4),
            "predicted": predicted,
            "gold": gold,
        }
    alias_total = sum(doc["aliases"]["total"] for doc in documents.values())
    alias_linked = sum(doc["aliases"]["linked"] for doc in documents.values())
    removed_total = sum(doc["removed"]["total"] for doc in documents.values())
    removed_correct = sum(doc["removed"]["correct"] for doc in documents.values())
    industry_total = sum(doc["industries"]["total"] for doc in documents.values())
    industry_found = sum(doc["industries"]["found"] for doc in documents.values())
    return {
        "types": types,
        "macro_f1": round(sum(types[kind]["f1"] for kind in MACRO_TYPES) / len(MACRO_TYPES), 4),
        "technology_f1": types[TECHNOLOGY]["f1"],
        "alias_linking": {"linked": alias_linked, "total": alias_total, "rate": round(_ratio(alias_linked, alias_total), 4)},
        "removed": {"correct": removed_total and removed_correct, "total": removed_total, "rate": round(_ratio(removed_correct, removed_total), 4)},
        "industry_links": {"found": industry_found, "total": industry_total, "recall": round(_ratio(industry_found, industry_total), 4)},
    }


def format_report(result: dict[str, Any]) -> str:
    """Render an evaluation result as a readable text report."""
    lines = ["type         precision  recall   F1     predicted  gold"]
    for kind, figures in result["types"].items():
        lines.append(
            f"{kind:<12} {figures['precision']:>9.3f}  {figures['recall']:>6.3f}  {figures['f1']:.3f}  "
            f"{figures['predicted']:>9}  {figures['gold']:>4}"
        )
    aliases = result["alias_linking"]
    removed = result["removed"]
    industries = result["industry_links"]
    lines += [
        "",
        f"macro F1 (Firm, Institute, Person, Department): {result['macro_f1']:.3f}",
        f"Technology F1: {result['technology_f1']:.3f}",
        f"alias linking: {aliases['linked']}/{aliases['total']} ({aliases['rate']:.1%})",
        f"removed status correct: {removed['correct']}/{removed['total']}",
        f"industry links found: {industries['found']}/{industries['total']} ({industries['recall']:.1%})",
    ]
    if "seconds" in result:
        lines.append(f"extraction time: {result['seconds']} s for {result['characters']} characters")
    for name, document in result.get("documents", {}).items():
        details = []
        for kind in ALL_TYPES:
            if document["misses"][kind]:
                details.append(f"  missed {kind}: {', '.join(document['misses'][kind])}")
            if document["false_positives"][kind]:
                details.append(f"  extra {kind}: {', '.join(document['false_positives'][kind])}")
        if document["aliases"]["unlinked"]:
            gaps = document.get("alias_gaps", {})
            unlinked = [
                f"{name} (lacks {', '.join(gaps[name])})" if gaps.get(name) else name
                for name in document["aliases"]["unlinked"]
            ]
            details.append(f"  aliases not linked: {'; '.join(unlinked)}")
        if document["removed"]["wrong"] or document["removed"]["wrongly_removed"]:
            details.append(
                f"  removed wrong: {', '.join(document['removed']['wrong'])}; "
                f"wrongly removed: {', '.join(document['removed']['wrongly_removed'])}"
            )
        if document["industries"]["missing"]:
            details.append(f"  industry links missing: {', '.join(document['industries']['missing'])}")
        if details:
            lines.append("")
            lines.append(f"{name}:")
            lines.extend(details)
    return "\n".join(lines) + "\n"
