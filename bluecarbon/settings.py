"""Settings, read once from the environment and validated.

Every setting has an UPPER_SNAKE name, a default, and a check that names
the bad value. Secrets may come from a ``*_FILE`` path instead.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bluecarbon.errors import ConfigError

DEFAULT_DATA_DIR = "./data"
NEO4J_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


@dataclass(frozen=True)
class Settings:
    """Validated settings for one run."""

    data_dir: Path
    neo4j_uri: str | None
    neo4j_user: str
    neo4j_password: str | None
    neo4j_database: str | None
    # GraphQL API. Tokens map a name (recorded as a review's author) to
    # its bearer secret.
    api_tokens: dict[str, str] = field(default_factory=dict)
    api_read_token_required: bool = False
    api_introspection: bool = True
    api_graphiql: bool = True
    api_cors_origins: tuple[str, ...] = ()
    # Token bucket per token or client address: refill rate in requests
    # per second and bucket size; a rate of 0 turns the limit off.
    api_rate_limit: float = 10.0
    api_rate_burst: int = 30
    # Seconds the API keeps the order of candidates for a filter; 0 turns
    # the cache off.
    api_cache_seconds: float = 30.0

    @property
    def embedded(self) -> bool:
        """True when no NEO4J_URI is set and the embedded store is used."""
        return self.neo4j_uri is None

    @property
    def documents_dir(self) -> Path:
        return self.data_dir / "documents"

    @property
    def graph_dir(self) -> Path:
        return self.data_dir / "graph"

    @property
    def rankings_dir(self) -> Path:
        return self.data_dir / "rankings"


def load_settings(
    data_dir: str | os.PathLike | None = None,
    environ: dict[str, str] | None = None,
) -> Settings:
    """Read settings from ``environ`` (default ``os.environ``).

    ``data_dir`` overrides BLUECARBON_DATA_DIR, as the ``--data-dir``
    option does.
    """
    env = os.environ if environ is None else environ

    source = "--data-dir" if data_dir else "BLUECARBON_DATA_DIR"
    raw_dir = data_dir or env.get("BLUECARBON_DATA_DIR") or DEFAULT_DATA_DIR
    path = Path(raw_dir).expanduser()
    _check_data_dir(path, f"{source} {str(raw_dir)!r}")

    uri = env.get("NEO4J_URI") or None
    if uri is not None:
        _check_uri(uri)

    return Settings(
        data_dir=path.resolve(),
        neo4j_uri=uri,
        neo4j_user=env.get("NEO4J_USER") or "neo4j",
        neo4j_password=_read_password(env),
        neo4j_database=env.get("NEO4J_DATABASE") or None,
        api_tokens=_read_tokens(env),
        api_read_token_required=_read_bool(env, "BLUECARBON_API_READ_TOKEN_REQUIRED", False),
        api_introspection=_read_bool(env, "BLUECARBON_API_INTROSPECTION", True),
        api_graphiql=_read_bool(env, "BLUECARBON_API_GRAPHIQL", True),
        api_cors_origins=_read_origins(env),
        api_rate_limit=_read_number(env, "BLUECARBON_API_RATE_LIMIT", 10.0, float),
        api_rate_burst=_read_number(env, "BLUECARBON_API_RATE_BURST", 30, int),
        api_cache_seconds=_read_number(env, "BLUECARBON_API_CACHE_SECONDS", 30.0, float),
    )


def _check_data_dir(path: Path, label: str) -> None:
    # The directory is created when missing, so only an existing file on
    # the way to it is an error.
    for step in (path, *path.parents):
        if step.exists():
            if not step.is_dir():
                raise ConfigError(
                    f"{label} cannot be used: {step} is a file, not a directory; "
                    "point it at a directory (it is created when missing)"
                )
            return


def _check_uri(uri: str) -> None:
    parts = urlsplit(uri)
    if parts.scheme not in NEO4J_SCHEMES or not parts.hostname:
        raise ConfigError(
            f"NEO4J_URI {uri!r} is not a valid URI; expected "
            "bolt://host:7687 or neo4j://host:7687 (also +s and +ssc forms)"
        )
    if parts.password:
        raise ConfigError(
            "NEO4J_URI must not contain a password; set NEO4J_PASSWORD "
            "or NEO4J_PASSWORD_FILE instead"
        )


def _read_password(env) -> str | None:
    password_file = env.get("NEO4J_PASSWORD_FILE")
    if password_file:
        try:
            return Path(password_file).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ConfigError(
                f"NEO4J_PASSWORD_FILE {password_file!r} cannot be read "
                f"({error.strerror}); point it at a readable file"
            ) from error
    return env.get("NEO4J_PASSWORD") or None


_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def _read_bool(env, name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name} {raw!r} is not a boolean; use true or false")


def _read_number(env, name: str, default, kind):
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = kind(raw.strip())
    except ValueError as error:
        raise ConfigError(
            f"{name} {raw!r} is not a valid {kind.__name__}; use a number of 0 or more"
        ) from error
    # `not value >= 0` also rejects NaN, which compares false with everything.
    if not value >= 0:
        raise ConfigError(f"{name} {raw!r} is out of range; use a number of 0 or more")
    return value


def _read_origins(env) -> tuple[str, ...]:
    raw = env.get("BLUECARBON_API_CORS_ORIGINS") or ""
    origins = tuple(part.strip() for part in raw.split(",") if part.strip())
    for origin in origins:
        parts = urlsplit(origin)
        valid = origin == "*" or (parts.scheme in ("http", "https") and parts.hostname and not parts.path)
        if not valid:
            raise ConfigError(
                f"BLUECARBON_API_CORS_ORIGINS contains {origin!r}, which is not an origin; "
                "use scheme://host[:port] entries separated by commas, or *"
            )
    return origins


def _read_tokens(env) -> dict[str, str]:
    """Read ``name:secret`` pairs, separated by commas or new lines, from
    BLUECARBON_API_TOKENS_FILE or else BLUECARBON_API_TOKENS."""
    tokens_file = env.get("BLUECARBON_API_TOKENS_FILE")
    if tokens_file:
        source = "BLUECARBON_API_TOKENS_FILE"
        try:
            raw = Path(tokens_file).read_text(encoding="utf-8")
        except OSError as error:
            raise ConfigError(
                f"BLUECARBON_API_TOKENS_FILE {tokens_file!r} cannot be read "
                f"({error.strerror}); point it at a readable file"
            ) from error
    else:
        source = "BLUECARBON_API_TOKENS"
        raw = env.get("BLUECARBON_API_TOKENS") or ""
    tokens: dict[str, str] = {}
    for number, entry in enumerate(raw.replace("\n", ",").split(","), start=1):
        entry = entry.strip()
        if not entry:
            continue
        name, sep, secret = entry.partition(":")
        name, secret = name.strip(), secret.strip()
        # Entries are reported by position, never by content, so that a
        # secret never reaches an error message or a log.
        if not sep or not name or not secret:
            raise ConfigError(f"{source} entry {number} is not of the form name:secret")
        if name in tokens:
            raise ConfigError(f"{source} names {name!r} twice; give each token a distinct name")
        if secret in tokens.values():
            raise ConfigError(f"{source} entry {number} reuses another entry's secret; give each name its own")
        tokens[name] = secret
    return tokens
