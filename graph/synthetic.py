"""A deterministic synthetic corpus for the load benchmark and the
crash-safety test: documents whose extractions name firms, institutes and
technologies with three relations per entity, every fact with a sentence.
"""

from __future__ import annotations

from bluecarbon.model import (
    COOPERATES_WITH,
    DEVELOPS,
    FIRM,
    INDUSTRY_NAMES,
    INSTITUTE,
    TECHNOLOGY,
    DocumentInfo,
    Entity,
    Evidence,
    Extraction,
    Relation,
    SourceVersion,
)

REGIONS = ("环翠区", "文登区", "荣成市", "乳山市")
RELATIONS_PER_ENTITY = 3


def _entity(index: int) -> Entity:
    kind = (FIRM, FIRM, FIRM, INSTITUTE, TECHNOLOGY)[index % 5]
    if kind == FIRM:
        name = f"威海{index:07d}海洋科技有限公司"
    elif kind == INSTITUTE:
        name = f"威海{index:07d}海洋研究院"
    else:
        name = f"第{index:07d}号海洋监测技术"
    sentence = (
        f"{name}位于{REGIONS[index % len(REGIONS)]}，从事{INDUSTRY_NAMES[index % 6]}。"
    )
    return Entity(
        type=kind,
        name=name,
        industries=[INDUSTRY_NAMES[index % 6]],
        region=REGIONS[index % len(REGIONS)] if kind != TECHNOLOGY else None,
        evidence=[Evidence(sentence, 0, len(name))],
    )


def _relation(head: Entity, tail: Entity) -> Relation:
    type_ = (
        DEVELOPS if tail.type == TECHNOLOGY and head.type == FIRM else COOPERATES_WITH
    )
    sentence = f"{head.name}与{tail.name}开展合作。"
    return Relation(
        head=head.name,
        head_type=head.type,
        type=type_,
        tail=tail.name,
        tail_type=tail.type,
        evidence=[Evidence(sentence, 0, len(sentence))],
    )


def synthetic_corpus(
    entities: int, per_version: int = 500
) -> list[tuple[SourceVersion, Extraction]]:
    """Return (version, extraction) pairs naming ``entities`` distinct
    entities in documents of ``per_version`` entities each, with
    RELATIONS_PER_ENTITY relations per entity inside its document."""
    corpus = []
    for first in range(0, entities, per_version):
        indexes = range(first, min(first + per_version, entities))
        members = [_entity(i) for i in indexes]
        relations = []
        for position, head in enumerate(members):
            for step in range(1, RELATIONS_PER_ENTITY + 1):
                if len(members) > step:
                    relations.append(
                        _relation(head, members[(position + step) % len(members)])
                    )
        number = first // per_version
        version = SourceVersion(
            url=f"http://127.0.0.1/synthetic/{number:05d}.html",
            content_hash=f"{number:064x}",
            fetched_at=f"2024-01-01T00:00:{number % 60:02d}Z",
            title=f"合成文档 {number}",
        )
        extraction = Extraction(
            entities=members,
            relations=relations,
            document=DocumentInfo(title=version.title),
            extractor_version="synthetic-1",
        )
        corpus.append((version, extraction))
    return corpus
