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
    p = sub.add_parser("draft", help="用范文段落拼出一份报告提纲", description="用范文段落拼出一份报告提纲")
    p.add_argument("topic", metavar="题目", help="报告是什么，如“街道党工委书记 抓基层党建工作述职”")
    p.add_argument("--focus", action="append", metavar="重点", help="重点词，如“两新组织 社区治理”；可重复")
    p.add_argument("--points", type=int, metavar="条数", help="“主要做法和成效”与“下一步打算”各几条（默认 4）")
    p.add_argument("--problems", type=int, metavar="条数", help="问题几条（默认 3）")
    p.add_argument("--causes", type=int, metavar="条数", help="原因几条（默认 3）")
    p.add_argument("--out", type=Path, metavar="文件", help="写入 .docx 或 .md 文件（不给则打印 Markdown）")
    p.add_argument("--citations", action="store_true",
                   help="每条后加一行“出处”（来源报告和段落）；默认不加")
    p.add_argument("--rewrite", action="store_true",
                   help="用 FANWEN_LLM_* 配置的大模型改写每段范文（默认不改写）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出提纲及备选段落")
    p = sub.add_parser("check", help="查重：稿子里哪些句子与范文库重复", description="查重：稿子里哪些句子与范文库重复")
    p.add_argument("file", type=Path, metavar="稿子", help=".txt .md .docx 或 .pdf 文件；“-”表示从标准输入读文字")
    p.add_argument("--threshold", default="0.5", metavar="阈值",
                   help="一句中重复的字数占比达到多少算重复（默认 0.5）")
    p.add_argument("--json", action="store_true", help="输出 JSON（供程序读取）")


def out_format(path: Path | None) -> str | None:
    if path is None:
        return None
    fmt = OUT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InvalidInput(f"--out must name a .docx or .md file, got '{path.name}'", field="out",
                           zh=f"--out 只能是 .docx 或 .md 文件，现在是“{path.name}”")
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
        print(f"fanwen: 提示：{warning}", file=sys.stderr)
    if args.rewrite and rewrite_endpoint(settings) is None:
        print("fanwen: 提示：要用 --rewrite，请设置 FANWEN_LLM_BASE_URL（以及 FANWEN_LLM_MODEL、FANWEN_LLM_API_KEY）",
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
        raise FanwenError(f"cannot write {args.out}: {exc.strerror or exc}",
                          zh=f"无法写入 {args.out}（{exc.strerror or exc}）：请检查文件夹是否存在、文件是否正被打开") from None
    print(f"已写入 {args.out}（{len(outline.slots())} 段）", file=sys.stderr)
    return 0


def cmd_check(args, settings: Settings) -> int:
    from fanwen.index.drafting.copycheck import check_file, check_text, validate_text, validate_threshold

    threshold = validate_threshold(args.threshold)
    if str(args.file) == "-":
        text = validate_text(sys.stdin.read())
    elif not args.file.is_file():
        raise InvalidInput(f"no such file: {args.file}", field="file", zh=f"找不到文件 {args.file}，请检查路径")
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
