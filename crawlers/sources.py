"""The list of sources to crawl, read from ``seeds/sources.yaml``."""

from __future__ import annotations

from pathlib import Path

import yaml

from bluecarbon.errors import ConfigError

SOURCES_FILE = Path(__file__).resolve().parent.parent / "seeds" / "sources.yaml"


def load_source_entries(path: Path | None = None) -> list[dict]:
    """Return the entries of a sources file: dicts with ``url`` and
    optional ``name``, ``kind`` and ``note``."""
    path = path or SOURCES_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(
            f"sources file {path} cannot be read ({error.strerror})"
        ) from error
    except yaml.YAMLError as error:
        raise ConfigError(f"sources file {path} is not valid YAML: {error}") from error
    entries = (data or {}).get("sources") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ConfigError(
            f"sources file {path} must contain a list under 'sources:', "
            "each entry with a 'url'"
        )
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
            raise ConfigError(f"entry {index} of {path} has no 'url' string")
    return entries


def load_sources(path: Path | None = None) -> list[str]:
    """Return the source URLs of a sources file (default
    ``seeds/sources.yaml``), in file order."""
    return [entry["url"] for entry in load_source_entries(path)]
