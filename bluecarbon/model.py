"""The catalogue's vocabulary and the records passed between stages.

The same names are used as Python classes, Cypher labels and relationship
types, and GraphQL types. ``nlp`` produces :class:`Extraction` records,
``graph`` loads them; neither imports the other, both import this module.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

# Node labels for entities that extraction finds in text.
FIRM = "Firm"
INSTITUTE = "Institute"
PERSON = "Person"
DEPARTMENT = "Department"
TECHNOLOGY = "Technology"
ENTITY_LABELS = (FIRM, INSTITUTE, PERSON, DEPARTMENT, TECHNOLOGY)

# Node labels for the rest of the graph.
INDUSTRY = "Industry"
PLACE = "Place"
DOCUMENT = "Document"
DOCUMENT_VERSION = "DocumentVersion"
EVIDENCE = "Evidence"
CANDIDATE = "Candidate"
REVIEW = "Review"
# An analyst's merge or split of entities (graph.identity).
DECISION = "Decision"
# The node that every decision's transaction writes first, so that
# decisions are recorded one at a time.
DECISION_LOCK = "DecisionLock"

# Relationship types between entities, as extraction emits them.
AFFILIATED_WITH = "AFFILIATED_WITH"
DEVELOPS = "DEVELOPS"
COOPERATES_WITH = "COOPERATES_WITH"
SHORT_NAME_OF = "SHORT_NAME_OF"
LOCATED_IN = "LOCATED_IN"
IN_INDUSTRY = "IN_INDUSTRY"
PART_OF = "PART_OF"
RESPONSIBLE_FOR = "RESPONSIBLE_FOR"
RELATION_TYPES = (
    AFFILIATED_WITH,
    DEVELOPS,
    COOPERATES_WITH,
    SHORT_NAME_OF,
    LOCATED_IN,
    IN_INDUSTRY,
    PART_OF,
    RESPONSIBLE_FOR,
)

# Relationship types that the graph adds around documents.
MENTIONED_IN = "MENTIONED_IN"
HAS_VERSION = "HAS_VERSION"
AMENDS = "AMENDS"
REPEALS = "REPEALS"

CURRENT = "current"
REMOVED = "removed"
Status = Literal["current", "removed"]


@dataclass(frozen=True)
class IndustryInfo:
    """One of the six ecological marine industries of the Weihai plan."""

    code: str
    name: str
    name_en: str


# Items 15-20 of the Weihai blue-carbon action plan (2021-2025).
INDUSTRIES = (
    IndustryInfo("15", "绿色水产养殖业", "green aquaculture"),
    IndustryInfo("16", "海洋废弃物高值化利用产业", "high-value use of marine waste"),
    IndustryInfo("17", "海洋监测探测装备产业", "marine monitoring and detection equipment"),
    IndustryInfo("18", "海洋节能环保装备产业", "marine energy-saving and environmental equipment"),
    IndustryInfo("19", "海洋生态新材料产业", "marine ecological new materials"),
    IndustryInfo("20", "海洋生态服务业", "marine ecological services"),
)
INDUSTRY_NAMES = tuple(industry.name for industry in INDUSTRIES)


def find_industry(name: str) -> IndustryInfo | None:
    """Return the industry named by its Chinese name, English name or
    plan item number (15-20), or None."""
    wanted = name.strip().lower()
    for industry in INDUSTRIES:
        if wanted in (industry.name, industry.name_en, industry.code):
            return industry
    return None


@dataclass
class Evidence:
    """The sentence behind a fact, with offsets into the input text."""

    sentence: str
    start: int
    end: int


@dataclass
class Entity:
    """One entity found in one document, merged over its mentions."""

    type: str
    name: str
    aliases: list[str] = field(default_factory=list)
    status: Status = CURRENT
    industries: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    region: str | None = None
    role: str | None = None
    affiliation: str | None = None
    credit_code: str | None = None
    confidence: float = 1.0

    def to_json(self, document: str) -> dict[str, Any]:
        """Return the ``extract --format jsonl`` object for this entity."""
        record: dict[str, Any] = {
            "document": document,
            "type": self.type,
            "name": self.name,
            "aliases": list(self.aliases),
            "status": self.status,
            "industries": list(self.industries),
            "evidence": [asdict(item) for item in self.evidence],
            "region": self.region,
        }
        if self.type == PERSON:
            record["role"] = self.role
            record["affiliation"] = self.affiliation
        return record


@dataclass
class Relation:
    """A typed link between two entities named in the same document."""

    head: str
    head_type: str
    type: str
    tail: str
    tail_type: str
    evidence: list[Evidence] = field(default_factory=list)
    status: Status = CURRENT
    confidence: float = 1.0


@dataclass
class DocumentInfo:
    """Facts a document states about itself: issuer, number, date, and the
    documents it amends or repeals (by document number such as
    威政办字〔2021〕17号)."""

    title: str | None = None
    issuer: str | None = None
    document_number: str | None = None
    published: str | None = None
    amends: list[str] = field(default_factory=list)
    repeals: list[str] = field(default_factory=list)


@dataclass
class Extraction:
    """Everything extraction found in one document version."""

    entities: list[Entity] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    document: DocumentInfo = field(default_factory=DocumentInfo)
    extractor_version: str = ""
    # Share of the text's visible characters that look like mojibake
    # (characters of another encoding, replacement characters), from 0 to 1.
    garbled_share: float = 0.0


@dataclass
class SourceVersion:
    """One stored version of a document: the content at one content hash.

    The document store creates these; the graph records each as a
    DocumentVersion node, and every fact extracted from its text points
    back to it.
    """

    url: str
    content_hash: str
    fetched_at: str
    title: str | None = None
    issuer: str | None = None
    document_number: str | None = None
    published: str | None = None
    content_type: str | None = None

    @property
    def key(self) -> str:
        """Stable key of the version: the URL and the content hash."""
        return f"{self.url}#{self.content_hash}"
