"""Source declarations: ``seeds/sources.yaml`` and the crawl scope of each
source.

A sources file contains a list under ``sources:``. Each entry has these
fields (only ``name`` and ``url`` are required)::

    name             unique name, used by ``--source NAME``
    url              http(s) start URL, ``demo`` (the bundled demo site
                     served on 127.0.0.1), or a local folder or file; a
                     relative path is read from the sources file's folder
    kind             government | news | enterprise | institute | demo
    allowed_domains  host names whose pages may be requested; each also
                     allows its subdomains, and a ``host:port`` item allows
                     only that port (default: the start URL's host name)
    follow           regular expressions; when given, a link is followed
                     only if one of them matches it
    deny             regular expressions; a link that one of them matches
                     is never followed
    sitemap          URL of a sitemap, a sitemap index or a robots.txt
                     whose ``Sitemap:`` lines name sitemaps (or a list)
    schedule         cron expression of five fields, for people and timers
    note             free text for people

Patterns are matched with :func:`re.search` against the absolute URL, as
Scrapy's LinkExtractor does. :func:`load_source_entries` validates every
field and raises ConfigError naming the entry and the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from bluecarbon.errors import ConfigError

SOURCES_FILE = Path(__file__).resolve().parent.parent / "seeds" / "sources.yaml"

# The ``url`` of the bundled demo site, which crawlers.crawl serves on
# 127.0.0.1 while it crawls the site.
DEMO_URL = "demo"

KINDS = ("government", "news", "enterprise", "institute", "demo")
FIELDS = (
    "name",
    "url",
    "kind",
    "allowed_domains",
    "follow",
    "deny",
    "sitemap",
    "schedule",
    "note",
)
# Fields that only http(s) sources use.
HTTP_FIELDS = ("allowed_domains", "follow", "deny", "sitemap")

# A host name or IPv4 address, optionally with a port.
_DOMAIN = re.compile(
    r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$"
)

# The ``:port`` of an allowed domain such as ``127.0.0.1:8000``.
_PORT_SUFFIX = re.compile(r"^[^:]+:\d+$")


def domain_host(domain: str) -> str:
    """Return an allowed domain without its port."""
    return domain.partition(":")[0] if _PORT_SUFFIX.search(domain) else domain


# Fields of a cron expression as crontab(5) defines them: minimum, maximum
# and the names allowed in place of numbers.
_CRON_FIELDS = (
    ("minute", 0, 59, ()),
    ("hour", 0, 23, ()),
    ("day of month", 1, 31, ()),
    (
        "month",
        1,
        12,
        (
            "jan",
            "feb",
            "mar",
            "apr",
            "may",
            "jun",
            "jul",
            "aug",
            "sep",
            "oct",
            "nov",
            "dec",
        ),
    ),
    # 0 and 7 are both Sunday.
    ("day of week", 0, 7, ("sun", "mon", "tue", "wed", "thu", "fri", "sat")),
)


@dataclass(frozen=True)
class Source:
    """One crawl source and the scope of its crawl.

    ``implicit`` marks a bare start URL given on the command line: its
    links are followed on the start URL's host name, and the re-check of
    known URLs covers only the start URL's ``host:port``, as before source
    declarations existed.
    """

    name: str
    url: str
    kind: str | None = None
    allowed_domains: tuple[str, ...] = ()
    follow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    schedule: str | None = None
    note: str | None = None
    implicit: bool = False
    _follow_patterns: tuple[re.Pattern, ...] = field(
        default=(), init=False, repr=False, compare=False
    )
    _deny_patterns: tuple[re.Pattern, ...] = field(
        default=(), init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        domains = self.allowed_domains
        if not domains and is_http_url(self.url):
            domains = ((urlsplit(self.url).hostname or "").lower(),)
        object.__setattr__(
            self, "allowed_domains", tuple(item.lower() for item in domains)
        )
        object.__setattr__(
            self, "_follow_patterns", tuple(re.compile(item) for item in self.follow)
        )
        object.__setattr__(
            self, "_deny_patterns", tuple(re.compile(item) for item in self.deny)
        )

    @classmethod
    def from_url(cls, url: str) -> Source:
        """Return the implicit source of a bare start URL."""
        return cls(name=url, url=url, implicit=True)

    @property
    def is_http(self) -> bool:
        """True when the source is crawled over HTTP (not a local path)."""
        return is_http_url(self.url) or self.url == DEMO_URL

    def allows_host(self, url: str) -> bool:
        """Return True when ``url``'s host is within the allowed domains."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        netloc = parts.netloc.lower().rpartition("@")[2]
        for domain in self.allowed_domains:
            if _PORT_SUFFIX.search(domain):
                if netloc == domain or _with_default_port(parts) == domain:
                    return True
            elif host == domain or host.endswith("." + domain):
                return True
        return False

    def allows(self, url: str) -> bool:
        """Return True when a link to ``url`` may be followed: its host is
        allowed, no deny pattern matches, and a follow pattern matches
        unless there are none."""
        if not self.allows_host(url):
            return False
        if any(pattern.search(url) for pattern in self._deny_patterns):
            return False
        if self._follow_patterns:
            return any(pattern.search(url) for pattern in self._follow_patterns)
        return True

    def covers_known_url(self, url: str) -> bool:
        """Return True when a URL that the store already contains belongs to
        this source and is re-checked by its crawl."""
        if self.implicit:
            return urlsplit(url).netloc.lower() == urlsplit(self.url).netloc.lower()
        return url == self.url or self.allows(url)

    def with_url(self, url: str, allowed_domains: tuple[str, ...]) -> Source:
        """Return a copy that starts at ``url`` within ``allowed_domains``."""
        return Source(
            name=self.name,
            url=url,
            kind=self.kind,
            allowed_domains=allowed_domains,
            follow=self.follow,
            deny=self.deny,
            sitemaps=self.sitemaps,
            schedule=self.schedule,
            note=self.note,
            implicit=self.implicit,
        )

    def to_json(self) -> dict:
        """Return the source as a JSON-serialisable dict for the crawl child."""
        return {
            "name": self.name,
            "url": self.url,
            "kind": self.kind,
            "allowed_domains": list(self.allowed_domains),
            "follow": list(self.follow),
            "deny": list(self.deny),
            "sitemaps": list(self.sitemaps),
            "implicit": self.implicit,
        }

    @classmethod
    def from_json(cls, data: dict) -> Source:
        """Rebuild a source from :meth:`to_json` output."""
        return cls(
            name=data["name"],
            url=data["url"],
            kind=data.get("kind"),
            allowed_domains=tuple(data.get("allowed_domains") or ()),
            follow=tuple(data.get("follow") or ()),
            deny=tuple(data.get("deny") or ()),
            sitemaps=tuple(data.get("sitemaps") or ()),
            implicit=bool(data.get("implicit")),
        )


def _with_default_port(parts) -> str:
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
    return f"{(parts.hostname or '').lower()}:{port}"


def is_http_url(url: str) -> bool:
    """Return True when ``url`` is an absolute http(s) URL with a host."""
    parts = urlsplit(url)
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


# -- loading and validation --------------------------------------------------


def load_source_entries(path: Path | None = None) -> list[Source]:
    """Read and validate a sources file (default ``seeds/sources.yaml``)
    and return its sources in file order.

    Raises ConfigError naming the file, the entry and the field when the
    file cannot be read or an entry is invalid.
    """
    path = Path(path) if path else SOURCES_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(
            f"sources file {path} cannot be read ({error.strerror})"
        ) from error
    except yaml.YAMLError as error:
        raise ConfigError(f"sources file {path} is not valid YAML: {error}") from error
    entries = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ConfigError(
            f"sources file {path} must contain a list under 'sources:', "
            "each entry with a 'name' and a 'url'"
        )
    sources: list[Source] = []
    names: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        source = parse_entry(
            entry, where=f"{path}, entry {index}", base_dir=path.parent
        )
        if source.name in names:
            raise ConfigError(
                f"{path}, entry {index} ({source.name}): the name {source.name!r} "
                "is used by an earlier entry; names must be unique"
            )
        names.add(source.name)
        sources.append(source)
    return sources


def load_sources(path: Path | None = None) -> list[str]:
    """Return the start URLs of a sources file (default
    ``seeds/sources.yaml``), in file order."""
    return [source.url for source in load_source_entries(path)]


def select_sources(
    arguments: list[str], names: list[str] | None, path: Path | None = None
) -> list[str | Source]:
    """Return the sources that a ``crawl`` or ``build`` command line selects.

    ``arguments`` are plain SOURCE arguments (URLs, folders, files) and
    ``names`` the ``--source NAME`` options, looked up in the sources file
    ``path``. With neither, every source of the file except those of kind
    ``demo`` is returned, because the demo site has no place in a real
    crawl's document store.
    """
    if arguments and not names:
        return list(arguments)
    declared = load_source_entries(path)
    if not names:
        selected = [source for source in declared if source.kind != "demo"]
        if not selected:
            raise ConfigError(
                f"{path or SOURCES_FILE} declares no sources except demo ones; "
                "name one with --source NAME"
            )
        return selected
    by_name = {source.name: source for source in declared}
    unknown = [name for name in names if name not in by_name]
    if unknown:
        raise ConfigError(
            f"no source named {', '.join(map(repr, unknown))} in "
            f"{path or SOURCES_FILE}; the names are: {', '.join(by_name)}"
        )
    return [*arguments, *(by_name[name] for name in dict.fromkeys(names))]


def parse_entry(entry, *, where: str, base_dir: Path | None = None) -> Source:
    """Validate one entry (a dict from YAML) and return its Source.

    ``where`` starts every error message, e.g. ``sources.yaml, entry 2``.
    """
    if not isinstance(entry, dict):
        raise ConfigError(
            f"{where}: must be a mapping with 'name' and 'url', not {entry!r}"
        )
    name = entry.get("name")
    label = f"{where} ({name})" if isinstance(name, str) and name.strip() else where

    def invalid(field_name: str, problem: str) -> ConfigError:
        return ConfigError(f"{label}: field '{field_name}' {problem}")

    unknown = [key for key in entry if key not in FIELDS]
    if unknown:
        raise invalid(
            unknown[0], f"is not a known field; the fields are {', '.join(FIELDS)}"
        )
    if not isinstance(name, str) or not name.strip():
        raise invalid("name", "is missing; give each source a unique name")
    url = entry.get("url")
    if not isinstance(url, str) or not url.strip():
        raise invalid(
            "url", "is missing; give an http(s) start URL, 'demo', a folder or a file"
        )
    url = url.strip()

    kind = entry.get("kind")
    if kind is not None and kind not in KINDS:
        raise invalid("kind", f"is {kind!r}, which is not one of {', '.join(KINDS)}")

    scheme = urlsplit(url).scheme.lower()
    http = url == DEMO_URL or scheme in ("http", "https")
    if scheme in ("http", "https") and not is_http_url(url):
        raise invalid("url", f"{url!r} has no host name")
    if not http:
        if len(scheme) > 1 and scheme != "file":
            raise invalid("url", f"{url!r} has the unsupported scheme {scheme!r}")
        present = [key for key in HTTP_FIELDS if entry.get(key) is not None]
        if present:
            raise invalid(
                present[0],
                f"applies only to http(s) sources, and {url!r} is a local path",
            )
        if (
            scheme != "file"
            and base_dir is not None
            and not Path(url).expanduser().is_absolute()
        ):
            url = str(base_dir / url)

    allowed_domains = _string_list(entry, "allowed_domains", invalid)
    if allowed_domains and url == DEMO_URL:
        raise invalid(
            "allowed_domains",
            "must be left out for the demo site, which is crawled on the "
            "address it is served at",
        )
    for domain in allowed_domains:
        if not _DOMAIN.match(domain.lower()):
            raise invalid(
                "allowed_domains",
                f"item {domain!r} is not a host name; write e.g. www.weihai.gov.cn "
                "or 127.0.0.1:8000, without scheme or path",
            )
    follow = _string_list(entry, "follow", invalid)
    deny = _string_list(entry, "deny", invalid)
    for field_name, patterns in (("follow", follow), ("deny", deny)):
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as error:
                raise invalid(
                    field_name,
                    f"item {pattern!r} is not a valid regular expression: {error}",
                ) from error

    sitemaps = _string_list(entry, "sitemap", invalid)
    for sitemap in sitemaps:
        if not is_http_url(sitemap):
            raise invalid("sitemap", f"item {sitemap!r} is not an http(s) URL")
        if url == DEMO_URL:
            raise invalid(
                "sitemap",
                "must be left out for the demo site, whose address is known only while it is served",
            )

    schedule = entry.get("schedule")
    if schedule is not None:
        if not isinstance(schedule, str):
            raise invalid(
                "schedule", f"must be a cron expression in quotes, not {schedule!r}"
            )
        problem = cron_problem(schedule)
        if problem:
            raise invalid(
                "schedule", f"{schedule!r} is not a valid cron expression: {problem}"
            )
    note = entry.get("note")
    if note is not None and not isinstance(note, str):
        raise invalid("note", "must be text")

    source = Source(
        name=name.strip(),
        url=url,
        kind=kind,
        allowed_domains=tuple(allowed_domains),
        follow=tuple(follow),
        deny=tuple(deny),
        sitemaps=tuple(sitemaps),
        schedule=schedule,
        note=note,
    )
    if is_http_url(url):
        if not source.allows_host(url):
            raise invalid(
                "allowed_domains", f"does not contain the host of the start URL {url!r}"
            )
        for sitemap in sitemaps:
            if not source.allows_host(sitemap):
                raise invalid(
                    "sitemap",
                    f"{sitemap!r} is outside allowed_domains, so it would never be requested",
                )
    return source


def _string_list(entry: dict, field_name: str, invalid) -> list[str]:
    value = entry.get(field_name)
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(
        isinstance(item, str) and item.strip() for item in value
    ):
        raise invalid(
            field_name,
            f"must be a string or a list of non-empty strings, not {value!r}",
        )
    return [item.strip() for item in value]


def cron_problem(expression: str) -> str | None:
    """Return what is wrong with a five-field cron expression, or None.

    Each field accepts ``*``, numbers, ranges ``a-b``, steps ``*/n`` and
    ``a-b/n``, comma-separated lists, and in the month and day-of-week
    fields the three-letter English names, as crontab(5) describes.
    Shortcuts such as ``@daily`` are rejected, because systemd timers and
    some cron implementations lack them.
    """
    fields = expression.split()
    if len(fields) != 5:
        return (
            f"it has {len(fields)} fields, but needs 5 (minute hour day-of-month "
            "month day-of-week), e.g. '0 3 * * *'"
        )
    for text, (field_name, low, high, names) in zip(fields, _CRON_FIELDS):
        for item in text.split(","):
            problem = _cron_item_problem(item.lower(), low, high, names)
            if problem:
                return f"the {field_name} field {text!r}: {problem}"
    return None


def _cron_item_problem(
    item: str, low: int, high: int, names: tuple[str, ...]
) -> str | None:
    base, slash, step = item.partition("/")
    if slash and not (step.isdigit() and int(step) > 0):
        return f"step {step!r} is not a positive number"
    if base == "*":
        return None
    start, dash, end = base.partition("-")
    bounds = [start, end] if dash else [start]
    values = []
    for bound in bounds:
        if bound in names:
            values.append(names.index(bound) + (1 if low == 1 else 0))
        elif bound.isdigit():
            values.append(int(bound))
        else:
            return f"{bound!r} is not a number" + (
                f" or one of {', '.join(names)}" if names else ""
            )
        if not low <= values[-1] <= high:
            return f"{bound} is outside {low}-{high}"
    if len(values) == 2 and values[0] > values[1]:
        return f"the range {base!r} runs backwards"
    return None
