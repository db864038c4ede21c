"""The ``bluecarbon`` command line: thin wrappers over plain functions."""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import sys
from pathlib import Path

from bluecarbon import __version__
from bluecarbon.errors import BlueCarbonError
from bluecarbon.settings import Settings, load_settings

logger = logging.getLogger("bluecarbon")

FORMATS = ("table", "json", "csv", "xlsx")
DEMO_PORT = 8731


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        settings = load_settings(args.data_dir)
        return args.handler(args, settings) or 0
    except BlueCarbonError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of stdout (e.g. `head`) has gone; stop quietly, and
        # point stdout at /dev/null so that the interpreter's final flush
        # does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bluecarbon",
        description="Blue-economy enterprise knowledge graph: crawl, extract, "
        "graph, rank and serve.",
    )
    parser.add_argument("--version", action="version", version=__version__)
    parser.add_argument(
        "--data-dir",
        help="directory for the document store and the embedded graph "
        "(default: $BLUECARBON_DATA_DIR or ./data)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    crawl = commands.add_parser("crawl", help="fetch sources into the document store")
    crawl.add_argument("sources", nargs="*", metavar="SOURCE", help="http(s) start URL, folder or file")
    _add_source_options(crawl)
    crawl.set_defaults(handler=run_crawl)

    extract = commands.add_parser(
        "extract", help="print the entities of files, touching no store"
    )
    extract.add_argument(
        "files", nargs="+", metavar="FILE", help="text, HTML, PDF, DOCX, XLSX, DOC or XLS file"
    )
    extract.add_argument("--format", choices=("jsonl",), default="jsonl")
    extract.set_defaults(handler=run_extract)

    build = commands.add_parser("build", help="crawl, extract, load and rank in one go")
    build.add_argument("sources", nargs="*", metavar="SOURCE", help="http(s) start URL, folder or file")
    _add_source_options(build)
    build.set_defaults(handler=run_build)

    load = commands.add_parser(
        "load", help="extract and load stored document versions not yet loaded"
    )
    load.set_defaults(handler=run_load)

    rank = commands.add_parser("rank", help="recompute the demonstration-firm candidates")
    rank.set_defaults(handler=run_rank)

    changes = commands.add_parser(
        "changes",
        help="list new firms, new evidence and score changes between two builds",
    )
    changes.add_argument(
        "--since",
        help="ranking snapshot (file name or time stamp prefix) to compare with; "
        "default: the one before the latest",
    )
    changes.add_argument("--format", choices=("table", "json"), default="table")
    changes.set_defaults(handler=run_changes)

    candidates = commands.add_parser("candidates", help="list demonstration-firm candidates")
    _add_candidate_options(candidates)
    candidates.set_defaults(handler=run_candidates)

    documents = commands.add_parser("documents", help="list stored documents")
    documents.add_argument("--format", choices=("jsonl", "table"), default="table")
    documents.set_defaults(handler=run_documents)

    stats = commands.add_parser("stats", help="count nodes and relationships in the graph")
    stats.add_argument("--format", choices=("json", "table"), default="table")
    stats.set_defaults(handler=run_stats)

    serve = commands.add_parser("serve", help="serve GraphQL at /graphql")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="TCP port (default 8000)")
    serve.set_defaults(handler=run_serve)

    evaluate = commands.add_parser(
        "evaluate", help="score extraction against gold annotations in DIR"
    )
    evaluate.add_argument("directory", metavar="DIR")
    evaluate.add_argument(
        "--report",
        default="reports/evaluation.txt",
        help="file to write the report to (default reports/evaluation.txt)",
    )
    evaluate.set_defaults(handler=run_evaluate)

    merge = commands.add_parser(
        "merge", help="merge an entity into another that is the same (undo with `undo`)"
    )
    merge.add_argument("target", metavar="KEEP", help="key of the entity to keep")
    merge.add_argument("source", metavar="SAME", help="key of the entity that is the same as KEEP")
    _add_decision_options(merge)
    merge.set_defaults(handler=run_merge)

    split = commands.add_parser(
        "split", help="split off an entity's mentions in some documents as another entity"
    )
    split.add_argument("source", metavar="KEY", help="key of the entity to split")
    split.add_argument(
        "--document",
        dest="documents",
        action="append",
        required=True,
        metavar="URL",
        help="a document whose mentions are the other entity (repeat for more)",
    )
    _add_decision_options(split)
    split.set_defaults(handler=run_split)

    undo = commands.add_parser("undo", help="undo a merge or split")
    undo.add_argument("decision", metavar="ID", help="id of the decision, as `decisions` lists it")
    undo.add_argument("--by", default=_default_author(), help="who undoes it (default: $USER, else 'cli')")
    undo.set_defaults(handler=run_undo)

    decisions = commands.add_parser("decisions", help="list merges and splits, newest first")
    decisions.add_argument("--format", choices=("table", "json"), default="table")
    decisions.set_defaults(handler=run_decisions)

    graph = commands.add_parser("graph", help="graph maintenance")
    graph_commands = graph.add_subparsers(dest="graph_command", required=True, metavar="ACTION")
    migrate = graph_commands.add_parser("migrate", help="apply pending schema migrations")
    migrate.set_defaults(handler=run_migrate)

    demo = commands.add_parser(
        "demo",
        help="serve the bundled demo site on 127.0.0.1, build from it, "
        "and list the top candidates per industry",
    )
    demo.add_argument("--top", type=int, default=3, help="candidates per industry (default 3)")
    demo.add_argument(
        "--port",
        type=int,
        default=DEMO_PORT,
        help=f"port of the demo site; keep it fixed so that reruns see the "
        f"same URLs and only changed pages (default {DEMO_PORT})",
    )
    demo.set_defaults(handler=run_demo)
    return parser


def _add_source_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sources",
        dest="sources_file",
        metavar="FILE",
        help="sources file to read --source names from; with no SOURCE and no "
        "--source, every entry except kind demo is crawled "
        "(default: seeds/sources.yaml)",
    )
    parser.add_argument(
        "--source",
        dest="source_names",
        action="append",
        metavar="NAME",
        help="crawl the entry of this name in the sources file; repeatable",
    )


def _selected_sources(args) -> list:
    from crawlers.sources import select_sources

    path = Path(args.sources_file) if args.sources_file else None
    return select_sources(args.sources, args.source_names, path)


def _add_candidate_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--industry",
        type=_industry_name,
        help="one of the six industries, by Chinese name or plan item number (15-20)",
    )
    parser.add_argument(
        "--region",
        help="only candidates from this city or county, as the table shows it (威海, 荣成); "
        "a trailing 市 is ignored",
    )
    parser.add_argument(
        "--min-score", type=_finite_float, help="only candidates scoring at least this"
    )
    parser.add_argument("--top", type=_positive_int, help="at most N candidates per industry")
    parser.add_argument("--format", choices=FORMATS, default="table")
    parser.add_argument(
        "--output",
        help="file to write (xlsx default: candidates.xlsx; other formats: stdout)",
    )


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive integer")
    return number


def run_crawl(args, settings: Settings) -> int:
    from bluecarbon import pipeline

    report = pipeline.crawl(settings, _selected_sources(args), progress=True)
    print(report)
    return _crawl_exit_code(report)


def _crawl_exit_code(report) -> int:
    """Return 1 when every fetch failed, so that a scheduler detects the
    outage. A run in which only some pages failed returns 0 and lists them
    in its report."""
    reached = report.new + report.changed + report.unchanged + report.gone
    if report.failed and not reached:
        print(
            f"error: all {report.failed} fetches failed; see the reasons above",
            file=sys.stderr,
        )
        return 1
    return 0


def run_extract(args, settings: Settings) -> int:
    import nlp
    from bluecarbon import pipeline

    failed = 0
    for path in args.files:
        try:
            text = _read_file(Path(path))
            if not text.strip():
                print(f"warning: {path} is empty; nothing to extract", file=sys.stderr)
                continue
            extraction = nlp.extract(text)
        except BlueCarbonError as error:
            message = str(error)
            prefix = "" if str(path) in message else f"{path}: "
            print(f"error: {prefix}{message}", file=sys.stderr)
            failed += 1
            continue
        except OSError as error:
            print(f"error: {path} cannot be read: {error.strerror}", file=sys.stderr)
            failed += 1
            continue
        if extraction.garbled_share >= pipeline.GARBLED_SHARE:
            print(
                f"warning: {path} looks garbled ({extraction.garbled_share:.0%} of "
                "its characters are mojibake); check its encoding, or re-save it "
                "as UTF-8",
                file=sys.stderr,
            )
        for entity in extraction.entities:
            print(json.dumps(entity.to_json(path), ensure_ascii=False))
    return 1 if failed else 0


# PDF, DOCX and XLSX (ZIP), and DOC and XLS (OLE) files start with these.
_DOCUMENT_MAGIC = (b"%PDF-", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


def _read_file(path: Path) -> str:
    """Return the text of a text, HTML, PDF or office file, read the way
    the crawler reads documents."""
    import nlp

    try:
        with path.open("rb") as file:
            head = file.read(8)
    except OSError:
        head = b""  # nlp.read_input names the file and the problem
    if not head.startswith(_DOCUMENT_MAGIC):
        return nlp.read_input(path)
    from crawlers.text import extract_text

    text, _ = extract_text(path.read_bytes(), url=str(path), content_type=None)
    return text


def run_build(args, settings: Settings) -> int:
    from bluecarbon import pipeline

    crawl_report, load_report = pipeline.build(settings, _selected_sources(args), progress=True)
    print(crawl_report)
    print(load_report)
    return _crawl_exit_code(crawl_report) or (1 if load_report.failed else 0)


def run_load(args, settings: Settings) -> int:
    from bluecarbon import pipeline
    from graph import open_graph

    with open_graph(settings) as graph:
        report = pipeline.load_pending(settings, graph, progress=True)
    print(report)
    return 0


def run_rank(args, settings: Settings) -> int:
    from bluecarbon import pipeline
    from graph import open_graph

    with open_graph(settings) as graph:
        ranked = pipeline.rank(settings, graph)
    print(f"ranked {len(ranked)} candidates")
    return 0


def run_changes(args, settings: Settings) -> int:
    from bluecarbon.changes import compare_latest, format_changes

    base, latest, changes = compare_latest(settings.rankings_dir, args.since)
    if args.format == "json":
        print(json.dumps(
            {
                "from": base.name if base else None,
                "to": latest.name,
                "changes": [change.to_json() for change in changes],
            },
            ensure_ascii=False,
            indent=2,
        ))
        return 0
    print(f"changes from {base.name if base else '(nothing)'} to {latest.name}:")
    sys.stdout.write(format_changes(changes))
    return 0


def run_candidates(args, settings: Settings) -> int:
    from graph import open_graph

    with open_graph(settings) as graph:
        candidates = _select_candidates(graph, args)
    if not candidates and not settings.rankings_dir.is_dir():
        print(
            f"note: no build has ranked candidates in {settings.data_dir} yet; "
            "run `bluecarbon build SOURCE...` first",
            file=sys.stderr,
        )
    industries = [args.industry] if args.industry else None
    return _print_candidates(candidates, args.format, args.output, industries)


def _select_candidates(graph, args) -> list[dict]:
    region = args.region
    if region and len(region) > 2 and region.endswith("市"):
        region = region[:-1]  # 荣成市 is stored as 荣成
    candidates = graph.candidates(
        industry=args.industry,
        region=region,
        min_score=args.min_score,
    )
    if args.top:
        candidates = _top_per_industry(candidates, args.top)
    return candidates


def _industry_name(value: str) -> str:
    from bluecarbon.model import INDUSTRIES, find_industry

    industry = find_industry(value)
    if industry is None:
        known = ", ".join(f"{item.code} {item.name}" for item in INDUSTRIES)
        raise argparse.ArgumentTypeError(
            f"industry {value!r} is unknown; use a name or plan item number: {known}"
        )
    return industry.name


def _finite_float(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise argparse.ArgumentTypeError(f"{value!r} is not a finite number")
    return number


def _top_per_industry(candidates: list[dict], top: int) -> list[dict]:
    kept: list[dict] = []
    counts: dict[str, int] = {}
    for candidate in candidates:
        seen = counts.get(candidate["industry"], 0)
        if seen < top:
            kept.append(candidate)
            counts[candidate["industry"]] = seen + 1
    return kept


def _print_candidates(
    candidates: list[dict],
    fmt: str,
    output: str | None,
    industries: list[str] | None = None,
) -> int:
    from bluecarbon import export

    if fmt == "xlsx":
        output = output or "candidates.xlsx"
        _check_output_dir(output)
        path = export.write_xlsx(candidates, output, industries=industries)
        print(f"wrote {len(candidates)} candidates to {path}")
        return 0

    if fmt == "json":
        text = export.to_json(candidates) + "\n"
    elif fmt == "csv":
        text = export.to_csv(candidates)
    else:
        text = export.to_table(candidates, industries=industries)

    if not output:
        sys.stdout.write(text)
        return 0

    _check_output_dir(output)
    # A byte order mark lets Excel open a UTF-8 CSV file as UTF-8.
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    Path(output).write_text(text, encoding=encoding)
    print(f"wrote {len(candidates)} candidates to {output}")
    return 0


def _check_output_dir(output: str) -> None:
    from bluecarbon.errors import ConfigError

    folder = Path(output).resolve().parent
    if not folder.is_dir():
        raise ConfigError(
            f"cannot write {output}: folder {folder} does not exist; create it "
            "or choose another --output"
        )


def run_documents(args, settings: Settings) -> int:
    from bluecarbon import pipeline

    store = pipeline.open_store(settings)
    for document in store.documents():
        if args.format == "jsonl":
            print(json.dumps(document, ensure_ascii=False))
        else:
            print(
                f"{document['status']:<7} {document['versions']:>3}  "
                f"{document['url']}  {document.get('title') or ''}"
            )
    return 0


def run_stats(args, settings: Settings) -> int:
    from graph import open_graph

    with open_graph(settings) as graph:
        stats = graph.stats()
    if args.format == "json":
        print(json.dumps(stats, ensure_ascii=False, sort_keys=True))
        return 0
    for kind in ("nodes", "relationships"):
        print(f"{kind}:")
        for name, count in sorted(stats[kind].items()):
            print(f"  {name:<20} {count:>8}")
    return 0


def _default_author() -> str:
    return os.environ.get("USER") or os.environ.get("LOGNAME") or "cli"


def _add_decision_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--note", help="why (recorded with the decision)")
    parser.add_argument("--by", default=_default_author(), help="who decides (default: $USER, else 'cli')")


def _run_decision(settings: Settings, make) -> int:
    from bluecarbon import pipeline
    from graph import open_graph

    with open_graph(settings) as graph:
        report = make(pipeline, graph)
    print(report)
    return 1 if report.failed else 0


def run_merge(args, settings: Settings) -> int:
    return _run_decision(
        settings,
        lambda pipeline, graph: pipeline.merge(
            settings, graph, args.target, args.source, by=args.by, note=args.note
        ),
    )


def run_split(args, settings: Settings) -> int:
    return _run_decision(
        settings,
        lambda pipeline, graph: pipeline.split(
            settings, graph, args.source, args.documents, by=args.by, note=args.note
        ),
    )


def run_undo(args, settings: Settings) -> int:
    return _run_decision(
        settings,
        lambda pipeline, graph: pipeline.undo(settings, graph, args.decision, by=args.by),
    )


def run_decisions(args, settings: Settings) -> int:
    from graph import open_graph

    with open_graph(settings) as graph:
        rows = graph.decisions()
    if args.format == "json":
        for row in rows:
            print(json.dumps(row, ensure_ascii=False, sort_keys=True))
        return 0
    if not rows:
        print("no merge or split decisions")
    for row in rows:
        state = "active" if row["active"] else f"undone {row['undone_at']} by {row['undone_by']}"
        if not row["applied"]:
            state += ", not yet applied"
        scope = f" in {', '.join(row['documents'])}" if row["documents"] else ""
        print(f"{row['id']}  {row['made_at']}  {row['by']}  {row['kind']}  {state}")
        print(f"    {row['source']} -> {row['target']}{scope}")
        if row["note"]:
            print(f"    note: {row['note']}")
    return 0


def run_serve(args, settings: Settings) -> int:
    from api.server import serve

    serve(settings, host=args.host, port=args.port)
    return 0


def run_evaluate(args, settings: Settings) -> int:
    from nlp.evaluate import evaluate_dir, format_report

    report_path = Path(args.report)
    report_path.parent.mkdir(parents=True, exist_ok=True)
    result = evaluate_dir(Path(args.directory), report_path=report_path)
    print(format_report(result))
    print(f"report written to {report_path}")
    return 0


def run_migrate(args, settings: Settings) -> int:
    from graph import open_graph

    with open_graph(settings) as graph:
        applied = graph.migrate()
    print(f"applied {len(applied)} migrations" + (": " + ", ".join(applied) if applied else ""))
    return 0


def _port_free(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        # As the demo server does, so that connections of a previous run
        # still in TIME_WAIT do not count as the port being in use.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def run_demo(args, settings: Settings) -> int:
    from bluecarbon import export, pipeline
    from bluecarbon.errors import ConfigError
    from crawlers.demo import serve_demo
    from graph import open_graph

    if not _port_free(args.port):
        raise ConfigError(
            f"port {args.port} on 127.0.0.1 is in use, so the demo site cannot "
            "be served there; pass another --port (a rerun on a new port "
            "crawls the site afresh under new URLs)"
        )
    with serve_demo(port=args.port) as base_url:
        print(f"demo site served at {base_url}")
        crawl_report, load_report = pipeline.build(settings, [base_url], progress=True)
    print(crawl_report)
    print(load_report)

    with open_graph(settings) as graph:
        candidates = _top_per_industry(graph.candidates(), args.top)
    print()
    print(f"Top {args.top} demonstration-firm candidates per industry, with evidence:")
    print(export.to_table(candidates))
    return 0


if __name__ == "__main__":
    sys.exit(main())
