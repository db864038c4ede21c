"""Settings, read once from the environment and validated.

Every setting has an UPPER_SNAKE name, a default, and a check that names
the bad value. Secrets may come from a ``*_FILE`` path instead.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
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


def load_settings(
    data_dir: str | os.PathLike | None = None,
    environ: dict[str, str] | None = None,
) -> Settings:
    """Read settings from ``environ`` (default ``os.environ``).

    ``data_dir`` overrides BLUECARBON_DATA_DIR, as the ``--data-dir``
    option does.
    """
    env = os.environ if environ is None else environ

    raw_dir = data_dir or env.get("BLUECARBON_DATA_DIR") or DEFAULT_DATA_DIR
    path = Path(raw_dir).expanduser()
    if path.exists() and not path.is_dir():
        raise ConfigError(
            f"BLUECARBON_DATA_DIR {str(raw_dir)!r} is a file, not a directory; "
            "point it at a directory (it is created when missing)"
        )

    uri = env.get("NEO4J_URI") or None
    if uri is not None:
        _check_uri(uri)

    return Settings(
        data_dir=path.resolve(),
        neo4j_uri=uri,
        neo4j_user=env.get("NEO4J_USER") or "neo4j",
        neo4j_password=_read_password(env),
        neo4j_database=env.get("NEO4J_DATABASE") or None,
    )


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
