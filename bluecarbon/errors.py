"""The project's exceptions.

Each package translates its library's errors into one of these at its
boundary, so callers never catch ``neo4j.exceptions``, Twisted or spaCy
errors::

    BlueCarbonError
    ├── ConfigError          a setting is missing or invalid
    ├── GraphError           the graph store failed
    │   └── GraphUnavailable the graph store cannot be reached or started
    ├── CrawlError           a crawl could not run
    ├── DocumentError        one input document cannot be read
    └── ExtractionError      extraction failed on a readable document

Messages name the bad value and what to do about it.
"""


class BlueCarbonError(Exception):
    """Base class of every error this project raises on purpose."""


class ConfigError(BlueCarbonError):
    """A setting is missing or invalid."""


class GraphError(BlueCarbonError):
    """The graph store rejected a query or failed while running it."""


class GraphUnavailable(GraphError):
    """The graph store cannot be reached or started."""


class CrawlError(BlueCarbonError):
    """A crawl could not run."""


class DocumentError(BlueCarbonError):
    """One input document cannot be read (encoding, format, size)."""


class ExtractionError(BlueCarbonError):
    """Extraction failed on a document that could be read."""
