"""Score firms as demonstration-firm candidates, one score per industry.

The factors, points and caps come from ``seeds/scoring.yaml``. Facts are
read from the graph (only ``current`` ones), scored in Python so that every
point keeps the evidence it came from, and stored as Candidate nodes::

    (Candidate {key, name, industry, region, score, factors, flags})
        -[:FOR_FIRM]->(Firm)
    (Candidate)-[:IN_INDUSTRY]->(Industry)
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bluecarbon.errors import ConfigError
from bluecarbon.model import IN_INDUSTRY, INSTITUTE, LOCATED_IN, PERSON, TECHNOLOGY
from graph.keys import place_key, relation_fact

log = logging.getLogger(__name__)

DEFAULT_SCORING_PATH = Path(__file__).resolve().parents[1] / "seeds" / "scoring.yaml"
NON_LOCAL = "non-local"
THIN_EVIDENCE = "thin-evidence"
# Flags that list a candidate after the others, whatever its score.
LISTED_APART = (NON_LOCAL, THIN_EVIDENCE)
CANDIDATE_BATCH = 1000
LINK_TYPES = (
    "AFFILIATED_WITH",
    "DEVELOPS",
    "COOPERATES_WITH",
    "PART_OF",
    "RESPONSIBLE_FOR",
)
COUNTS = (
    "industry_sentences",
    "industry_documents",
    "linked_institutes",
    "linked_people",
    "linked_technologies",
    "sentences_with_words",
    "policy_documents",
    "local_region",
    "industry_neighbours",
)


# -- configuration -------------------------------------------------------


def load_scoring(path: str | Path | None = None) -> dict:
    """Read and check a scoring file; raise ConfigError naming the bad
    entry."""
    path = Path(path) if path else DEFAULT_SCORING_PATH
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(
            f"scoring file {str(path)!r} cannot be read ({error.strerror})"
        ) from error
    except yaml.YAMLError as error:
        raise ConfigError(
            f"scoring file {str(path)!r} is not valid YAML: {error}"
        ) from error
    if (
        not isinstance(config, dict)
        or "version" not in config
        or not config.get("groups")
    ):
        raise ConfigError(
            f"scoring file {str(path)!r} needs a `version` and a list of `groups`"
        )
    for group in config["groups"]:
        _check_group(path, group)
    config.setdefault("local_regions", [])
    config.setdefault("policy_documents", {})
    config.setdefault("thin_evidence", {})
    return config


def _check_group(path: Path, group: dict) -> None:
    name = group.get("name", "?")
    if not isinstance(group.get("cap"), (int, float)) or group["cap"] < 0:
        raise ConfigError(
            f"scoring file {str(path)!r}: group {name!r} needs a non-negative `cap`"
        )
    for factor in group.get("factors") or []:
        label = f"group {name!r} factor {factor.get('name', '?')!r}"
        if factor.get("count") not in COUNTS:
            raise ConfigError(
                f"scoring file {str(path)!r}: {label} has count {factor.get('count')!r}; "
                f"use one of: {', '.join(COUNTS)}"
            )
        for number in ("points", "max"):
            if not isinstance(factor.get(number), (int, float)) or factor[number] < 0:
                raise ConfigError(
                    f"scoring file {str(path)!r}: {label} needs a non-negative `{number}`"
                )
        if factor["count"] == "sentences_with_words" and not factor.get("words"):
            raise ConfigError(
                f"scoring file {str(path)!r}: {label} needs a list of `words`"
            )


# -- facts read from the graph ---------------------------------------------


@dataclass(frozen=True)
class Item:
    """One sentence of evidence, as a candidate shows it."""

    document: str
    title: str | None
    version: str
    sentence: str
    start: int
    official: bool

    def as_dict(self) -> dict:
        return {
            "document": self.document,
            "title": self.title,
            "version": self.version,
            "sentence": self.sentence,
        }

    @property
    def order(self) -> tuple:
        return (self.document, self.version, self.start, self.sentence)


@dataclass
class Neighbour:
    key: str
    label: str
    name: str
    industries: list[str]
    evidence: list[Item] = field(default_factory=list)


@dataclass
class FirmFacts:
    key: str
    name: str
    region: str | None
    industries: dict[str, dict] = field(default_factory=dict)
    mentions: list[Item] = field(default_factory=list)
    industry_evidence: dict[str, list[Item]] = field(
        default_factory=lambda: defaultdict(list)
    )
    region_evidence: list[Item] = field(default_factory=list)
    neighbours: dict[str, Neighbour] = field(default_factory=dict)


def _is_official(row: dict, policy: dict) -> bool:
    if row.get("document_number"):
        return True
    issuer = row.get("issuer") or ""
    if any(word in issuer for word in policy.get("issuer_words", [])):
        return True
    url = row.get("url") or ""
    return any(part in url for part in policy.get("url_contains", []))


def _item(row: dict, policy: dict) -> Item:
    return Item(
        document=row["url"],
        title=row.get("title"),
        version=row["version"],
        sentence=row.get("sentence") or "",
        start=row.get("start") if row.get("start") is not None else -1,
        official=_is_official(row, policy),
    )


# The version carries its document's URL, title, issuer and number, and a
# second hop to the Document costs about three times as much on ArcadeDB.
_EVIDENCE_RETURN = (
    "MATCH (e)-[:FROM_VERSION]->(v) "
    "RETURN e.fact AS fact, "
    "e.sentence AS sentence, e.start AS start, v.key AS version, v.url AS url, "
    "v.title AS title, v.issuer AS issuer, v.document_number AS document_number"
)


def read_firm_facts(store, config: dict) -> dict[str, FirmFacts]:
    """Read current firms in at least one industry, with the current
    evidence and neighbours that the factors count."""
    policy = config.get("policy_documents", {})
    firms: dict[str, FirmFacts] = {}
    for row in store.read(
        "MATCH (f:Firm)-[r:IN_INDUSTRY]->(i:Industry) "
        "WHERE f.status = 'current' AND r.status = 'current' "
        "RETURN f.key AS key, f.name AS name, f.region AS region, "
        "i.key AS industry, i.name AS industry_name, i.code AS code",
        "read firms by industry",
    ):
        facts = firms.setdefault(
            row["key"], FirmFacts(row["key"], row["name"], row["region"])
        )
        facts.industries[row["industry"]] = {
            "name": row["industry_name"],
            "code": row["code"],
        }
    if not firms:
        return firms

    # The facts whose evidence the factors count: each firm's mentions,
    # its industries and its region.
    fact_targets: dict[str, tuple[str, str, str | None]] = {}
    for facts in firms.values():
        fact_targets[facts.key] = (facts.key, "mention", None)
        for industry in facts.industries:
            fact = relation_fact(IN_INDUSTRY, facts.key, industry)
            fact_targets[fact] = (facts.key, IN_INDUSTRY, industry)
        if facts.region:
            fact = relation_fact(LOCATED_IN, facts.key, place_key(facts.region))
            fact_targets[fact] = (facts.key, LOCATED_IN, None)
    for row in store.read_chunked(
        "UNWIND $facts AS f MATCH (e:Evidence {fact: f}) WHERE e.status = 'current' "
        "WITH e " + _EVIDENCE_RETURN,
        "read evidence of firms",
        chunk_by="facts",
        facts=sorted(fact_targets),
    ):
        firm, kind, industry = fact_targets[row["fact"]]
        facts = firms[firm]
        item = _item(row, policy)
        if kind == "mention":
            facts.mentions.append(item)
        elif kind == IN_INDUSTRY:
            facts.industry_evidence[industry].append(item)
        else:
            facts.region_evidence.append(item)

    _read_neighbours(store, firms, policy)
    for facts in firms.values():
        facts.mentions.sort(key=lambda i: i.order)
        facts.region_evidence.sort(key=lambda i: i.order)
        for items in facts.industry_evidence.values():
            items.sort(key=lambda i: i.order)
    return firms


def _read_neighbours(store, firms: dict[str, FirmFacts], policy: dict) -> None:
    links = store.read_chunked(
        f"UNWIND $firms AS fk MATCH (f:Firm {{key: fk}})-[r:{'|'.join(LINK_TYPES)}]-(n) "
        "WHERE r.status = 'current' AND n.status = 'current' "
        "RETURN fk AS firm, type(r) AS type, startNode(r).key AS head, "
        "endNode(r).key AS tail, n.key AS key, labels(n)[0] AS label, "
        "n.name AS name, n.industries AS industries",
        "read neighbours of firms",
        chunk_by="firms",
        firms=sorted(firms),
    )
    by_fact: dict[str, list[Neighbour]] = defaultdict(list)
    for row in links:
        facts = firms[row["firm"]]
        neighbour = facts.neighbours.setdefault(
            row["key"],
            Neighbour(
                row["key"], row["label"], row["name"], list(row["industries"] or [])
            ),
        )
        by_fact[f"{row['type']}|{row['head']}|{row['tail']}"].append(neighbour)
    if not by_fact:
        return
    for row in store.read_chunked(
        "UNWIND $facts AS f MATCH (e:Evidence {fact: f}) WHERE e.status = 'current' "
        "WITH e " + _EVIDENCE_RETURN,
        "read evidence of links",
        chunk_by="facts",
        facts=sorted(by_fact),
    ):
        for neighbour in by_fact[row["fact"]]:
            neighbour.evidence.append(_item(row, policy))
    for facts in firms.values():
        for neighbour in facts.neighbours.values():
            neighbour.evidence = sorted(set(neighbour.evidence), key=lambda i: i.order)


# -- scoring ---------------------------------------------------------------


def _distinct_sentences(items: list[Item]) -> list[list[Item]]:
    """Group items by (document, sentence): one counted item per sentence.
    Items without a sentence (a fact extraction gave without one) are
    left out."""
    groups: dict[tuple[str, str], list[Item]] = {}
    for item in items:
        if item.sentence:
            groups.setdefault((item.document, item.sentence), []).append(item)
    return list(groups.values())


def _distinct_documents(items: list[Item]) -> list[list[Item]]:
    """Group items by document: one counted item per document, shown by
    its first sentence."""
    groups: dict[str, list[Item]] = {}
    for item in items:
        groups.setdefault(item.document, [item])
    return list(groups.values())


def _is_local(region: str | None, config: dict) -> bool:
    return bool(region) and any(word in region for word in config["local_regions"])


def _count_items(
    kind: str, factor: dict, facts: FirmFacts, industry: dict, config: dict
) -> list[list[Item]]:
    """Return the items a factor counts, each as the evidence behind it."""
    industry_items = facts.industry_evidence.get(industry["key"], [])
    if kind == "industry_sentences":
        return _distinct_sentences(industry_items)
    if kind == "industry_documents":
        return _distinct_documents(industry_items)
    if kind == "sentences_with_words":
        words = factor["words"]
        hits = [i for i in facts.mentions if any(w in i.sentence for w in words)]
        return _distinct_sentences(hits)
    if kind == "policy_documents":
        return _distinct_documents([i for i in facts.mentions if i.official])
    if kind == "local_region":
        if not _is_local(facts.region, config):
            return []
        return [(facts.region_evidence or facts.mentions)[:1]]
    neighbours = sorted(facts.neighbours.values(), key=lambda n: n.key)
    if kind == "industry_neighbours":
        chosen = [
            n
            for n in neighbours
            if not n.industries or industry["name"] in n.industries
        ]
    else:
        label = {
            "linked_institutes": INSTITUTE,
            "linked_people": PERSON,
            "linked_technologies": TECHNOLOGY,
        }[kind]
        chosen = [n for n in neighbours if n.label == label]
    return [n.evidence for n in chosen if n.evidence]


def score_firm(facts: FirmFacts, industry: dict, config: dict) -> dict:
    """Return the candidate dict for one firm in one industry."""
    factors = []
    for group in config["groups"]:
        group_factors = []
        for factor in group.get("factors") or []:
            items = _count_items(factor["count"], factor, facts, industry, config)
            points = min(len(items) * factor["points"], factor["max"])
            group_factors.append(
                {
                    "name": factor["name"],
                    "group": group["name"],
                    "points": points,
                    "items": items,
                    "per_item": factor["points"],
                }
            )
        _apply_cap(group_factors, group["cap"])
        factors.extend(group_factors)
    for factor in factors:
        factor["evidence"] = _evidence_for_points(
            factor.pop("items"), factor.pop("per_item"), factor["points"]
        )

    flags = []
    if facts.region and not _is_local(facts.region, config):
        flags.append(NON_LOCAL)
    sentences = _distinct_sentences(facts.mentions)
    if len(sentences) < config["thin_evidence"].get("min_sentences", 0):
        flags.append(THIN_EVIDENCE)
    score = round(sum(f["points"] for f in factors), 2)
    return {
        "key": f"candidate:{facts.key}|{industry['key']}",
        "firm": facts.key,
        "name": facts.name,
        "industry": industry["name"],
        "industry_code": industry["code"],
        "region": facts.region,
        "score": score,
        "factors": factors,
        "flags": flags,
        "scoring_version": config["version"],
    }


def _evidence_for_points(
    items: list[list[Item]], per_item: float, points: float
) -> list[dict]:
    """Return the evidence of the items that earned ``points``, in order,
    without repeats."""
    if not points or not per_item:
        return []
    used = int(-(-points // per_item))
    evidence: list[dict] = []
    for group in items[:used]:
        for item in group:
            entry = item.as_dict()
            if entry not in evidence:
                evidence.append(entry)
    return evidence


def _apply_cap(group_factors: list[dict], cap: float) -> None:
    """Cut points from the last factors of a group until it fits its cap."""
    excess = sum(f["points"] for f in group_factors) - cap
    for factor in reversed(group_factors):
        if excess <= 0:
            break
        cut = min(excess, factor["points"])
        factor["points"] -= cut
        excess -= cut


def rank(store, scoring_path: str | Path | None = None) -> list[dict]:
    """Score every current firm in every industry it is current in, replace
    the stored Candidate nodes, and return the candidates best first."""
    config = load_scoring(scoring_path)
    firms = read_firm_facts(store, config)
    candidates = []
    for facts in firms.values():
        for industry_key, industry in sorted(facts.industries.items()):
            candidates.append(
                score_firm(facts, {"key": industry_key, **industry}, config)
            )
    _store_candidates(store, candidates)
    log.info(
        "ranked %d candidates for %d firms (scoring version %s)",
        len(candidates),
        len(firms),
        config["version"],
    )
    return sort_candidates([_public(c) for c in candidates])


def _store_candidates(store, candidates: list[dict]) -> None:
    rows = [
        {
            "key": c["key"],
            "firm": c["firm"],
            "industry": f"industry:{c['industry_code']}",
            "props": {
                "name": c["name"],
                "firm": c["firm"],
                "industry": c["industry"],
                "industry_code": c["industry_code"],
                "region": c["region"],
                "score": c["score"],
                "factors": json.dumps(c["factors"], ensure_ascii=False, sort_keys=True),
                "flags": c["flags"],
                "scoring_version": c["scoring_version"],
            },
        }
        for c in candidates
    ]
    existing = store.read(
        "MATCH (c:Candidate) RETURN c.key AS key", "read candidate keys"
    )
    stale = sorted({row["key"] for row in existing} - {row["key"] for row in rows})
    statements = []
    for start in range(0, len(stale), CANDIDATE_BATCH):
        statements.append(
            (
                "UNWIND $keys AS key MATCH (c:Candidate {key: key}) DETACH DELETE c",
                {"keys": stale[start : start + CANDIDATE_BATCH]},
            )
        )
    for start in range(0, len(rows), CANDIDATE_BATCH):
        statements.append(
            (
                "UNWIND $rows AS row "
                "MATCH (f:Firm {key: row.firm}) MATCH (i:Industry {key: row.industry}) "
                "MERGE (c:Candidate {key: row.key}) SET c += row.props "
                "MERGE (c)-[:FOR_FIRM]->(f) MERGE (c)-[:IN_INDUSTRY]->(i)",
                {"rows": rows[start : start + CANDIDATE_BATCH]},
            )
        )
    # One transaction, so readers see the old candidates or the new ones.
    store.write_all(statements, "store candidates")


def _public(candidate: dict) -> dict:
    return {
        "key": candidate["firm"],
        "name": candidate["name"],
        "industry": candidate["industry"],
        "industry_code": candidate["industry_code"],
        "region": candidate.get("region"),
        "score": candidate["score"],
        "factors": candidate["factors"],
        "flags": candidate["flags"],
    }


def sort_candidates(candidates: list[dict]) -> list[dict]:
    """Sort by score (highest first), then name; candidates flagged
    non-local or thin-evidence come after all others, in the same order."""
    return sorted(
        candidates,
        key=lambda c: (
            any(f in LISTED_APART for f in c["flags"]),
            -c["score"],
            c["name"],
            c["industry"],
        ),
    )


def read_candidates(
    store, industry=None, region=None, min_score=None, top=None
) -> list[dict]:
    """Return stored candidates, filtered, sorted as :func:`sort_candidates`
    does, and at most ``top`` per industry."""
    conditions = []
    if industry is not None:
        conditions.append("(c.industry = $industry OR c.industry_code = $industry)")
    if region is not None:
        conditions.append("c.region CONTAINS $region")
    if min_score is not None:
        conditions.append("c.score >= $min_score")
    where = ("WHERE " + " AND ".join(conditions)) if conditions else ""

    rows = store.read(
        f"MATCH (c:Candidate) {where} RETURN properties(c) AS c",
        "read candidates",
        industry=industry,
        region=region,
        min_score=min_score,
    )
    candidates = []
    for row in rows:
        stored = row["c"]
        candidates.append(
            _public(
                {
                    **stored,
                    "factors": json.loads(stored["factors"]),
                    "flags": list(stored.get("flags") or []),
                }
            )
        )
    candidates = sort_candidates(candidates)

    if top is not None:
        shortlist, seen = [], defaultdict(int)
        for candidate in candidates:
            if seen[candidate["industry"]] < top:
                shortlist.append(candidate)
                seen[candidate["industry"]] += 1
        candidates = shortlist
    return candidates
