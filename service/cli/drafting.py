"""CLI commands for drafting help: `fanwen draft` (outline from exemplars) and `fanwen check` (查重)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from fanwen.index.errors import FanwenError, InvalidInput

from fanwen.service.settings import Settings
from fanwen.service.wiring import open_nonempty_library, rewrite_endpoint

from .render import render_report

OUT_FORMATS = {".md": "markdown", ".markdown": "markdown", ".docx": "docx"}


def add_drafting_commands(sub) -> None:
    p = sub.add_parser("draft", help="an outline of a report assembled from exemplar paragraphs")
    p.add_argument("topic", help="what the report is, e.g. '街道党工委书记 抓基层党建工作述职'")
    p.add_argument("--focus", action="append", help="focus words, e.g. '两新组织 社区治理'; may repeat")
    p.add_argument("--points", type=int, help="points in 主要做法和成效 and in 下一步打算 (default 4)")
    p.add_argument("--problems", type=int, help="problem points (default 3)")
    p.add_argument("--causes", type=int, help="cause points (default 3)")
    p.add_argument("--out", type=Path, help="write to a .docx or .md file instead of printing markdown")
    p.add_argument("--citations", action="store_true",
                   help="add a 出处 line (source report and paragraph) after every point; off by default")
    p.add_argument("--rewrite", action="store_true",
                   help="adapt each exemplar with the language model configured by FANWEN_LLM_* (off by default)")
    p.add_argument("--json", action="store_true", help="print the outline with alternates as JSON")
    p = sub.add_parser("check", help="copy check (查重): which sentences of a draft reproduce library text")
    p.add_argument("file", type=Path, help="the draft: .txt, .md, .docx or .pdf; '-' reads text from stdin")
    p.add_argument("--threshold", default="0.5",
                   help="share of a sentence's characters that must be copied for it to count (default 0.5)")
    p.add_argument("--json", action="store_true", help="machine-readable output")


def out_format(path: Path | None) -> str | None:
    if path is None:
        return None
    fmt = OUT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InvalidInput(f"--out must name a .docx or .md file, got '{path.name}'", field="out")
    return fmt


def cmd_draft(args, settings: Settings) -> int:
    from fanwen.index.drafting.outline import split_focus, validate_counts
    from fanwen.index.drafting.export import to_docx, to_markdown
    from fanwen.index.retrieval.intent import validate_query
    from fanwen.index.drafting.rewrite import rewrite_outline

    fmt = out_format(args.out)  # fail fast, before the model loads
    counts = {key: value for key, value in (("achievements", args.points), ("plans", args.points),
                                             ("problems", args.problems), ("causes", args.causes)) if value is not None}
    topic, focus = validate_query(args.topic), split_focus(args.focus)
    validate_counts(counts)
    library = open_nonempty_library(settings, args.model)
    from fanwen.index.drafting.outline import build_outline

    outline = build_outline(library, topic, focus, counts)
    if args.rewrite:
        rewrite_outline(outline, rewrite_endpoint(settings))
    for warning in outline.warnings:
        print(f"fanwen: warning: {warning}", file=sys.stderr)
    if args.rewrite and rewrite_endpoint(settings) is None:
        print("fanwen: hint: set FANWEN_LLM_BASE_URL (and FANWEN_LLM_MODEL, FANWEN_LLM_API_KEY) to use --rewrite",
              file=sys.stderr)
    if args.json:
        print(json.dumps(outline.to_dict(), ensure_ascii=False, indent=2))
    if fmt is None:
        if not args.json:
            print(to_markdown(outline, args.citations), end="")
        return 0
    try:
        if fmt == "docx":
            to_docx(outline, args.out, args.citations)
        else:
            args.out.write_text(to_markdown(outline, args.citations), encoding="utf-8")
    except OSError as exc:
        raise FanwenError(f"cannot write {args.out}: {exc.strerror or exc}") from None
    print(f"wrote {args.out} ({len(outline.slots())} paragraphs)", file=sys.stderr)
    return 0


def cmd_check(args, settings: Settings) -> int:
    from fanwen.index.drafting.copycheck import check_file, check_text, validate_text, validate_threshold

    threshold = validate_threshold(args.threshold)
    if str(args.file) == "-":
        text = validate_text(sys.stdin.read())
    elif not args.file.is_file():
        raise InvalidInput(f"no such file: {args.file}", field="file")
    else:
        text = None
    library = open_nonempty_library(settings, args.model)
    report = check_text(library, text, threshold) if text is not None else check_file(library, args.file, threshold)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        print(render_report(report, sys.stdout.isatty()))
    return 0


DRAFTING_COMMANDS = {"draft": cmd_draft, "check": cmd_check}
