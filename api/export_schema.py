"""Write the GraphQL schema to schema.graphql at the repository root.

Run ``python -m api.export_schema`` after changing the schema, or with
``--check`` to exit 1 when the file is out of date.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from api.schema import export_sdl

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "schema.graphql"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing; exit 1 on a difference")
    parser.add_argument("--output", type=Path, default=SCHEMA_FILE, help=f"file to write (default {SCHEMA_FILE})")
    args = parser.parse_args(argv)
    text = export_sdl()
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is out of date; run python -m api.export_schema", file=sys.stderr)
            return 1
        return 0
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
