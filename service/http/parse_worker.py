"""Parses an upload in a child process with a wall-clock timeout and a memory cap, so a hostile file cannot starve the server."""
from __future__ import annotations

import multiprocessing
import os
import resource
import threading
from dataclasses import dataclass, field
from pathlib import Path

from fanwen.index.errors import UnreadableFile
from fanwen.index.ingest.chunking import ChunkParams
from fanwen.index.ingest.limits import ReadLimits

# forkserver: children fork from a small clean process with the readers preloaded (~20 ms a start),
# never from the server with its model, index and threads.
_PRELOAD = ["fanwen.index.ingest.pipeline", "docx", "pypdf"]
_context_lock = threading.Lock()
_context = None


@dataclass(frozen=True)
class WorkerLimits:
    """What one parse may take: seconds of wall clock, MB of address space above the child's start."""

    timeout: float = 30.0
    memory_mb: int = 1024
    read: ReadLimits = field(default_factory=ReadLimits)


def limits_of(settings) -> WorkerLimits:
    return WorkerLimits(settings.parse_timeout, settings.parse_memory_mb, settings.read_limits())


def parse_upload(path: Path, name: str, params: ChunkParams, limits: WorkerLimits):
    """parse_file(path) in a child process; its FanwenError comes back as is."""
    from fanwen.index.ingest.pipeline import parse_file

    return run_limited(parse_file, (Path(path), params, None, limits.read, name), name, limits)


def read_upload_text(path: Path, name: str, limits: WorkerLimits) -> str:
    """The text of a draft (paragraphs joined by line breaks), read in a child process."""
    return run_limited(_document_text, (Path(path), name, limits.read), name, limits)


def _document_text(path: Path, name: str, read: ReadLimits) -> str:
    from fanwen.index.ingest.readers import read_document

    return "\n".join(block.text for block in read_document(path, name, read).blocks)


def run_limited(func, args: tuple, name: str, limits: WorkerLimits):
    """func(*args) in a forkserver child; killed past the timeout; errors come back as one-line refusals."""
    receive, send = _get_context().Pipe(duplex=False)
    child = _get_context().Process(target=_child, args=(send, func, args, limits.memory_mb), daemon=True)
    child.start()
    send.close()  # so a dead child shows as EOF here
    try:
        if not receive.poll(limits.timeout):
            raise _timed_out(name, limits.timeout)
        kind, value = receive.recv()
    except EOFError:
        raise _crashed(name, child) from None
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join(5)
    if kind == "ok":
        return value
    raise _rebuilt(value, name, limits)


def _child(send, func, args, memory_mb: int) -> None:
    _limit_memory(memory_mb)
    os.nice(10)  # searches of the server come first when the cores are busy
    try:
        result = ("ok", func(*args))
    except MemoryError:
        result = ("error", ("memory", None, None))
    except Exception as exc:  # sent back whole: the parent raises the same FanwenError
        result = ("error", (type(exc), exc.args, exc.__dict__))
    try:
        send.send(result)
    except Exception as exc:  # an unpicklable result or error is still an answer
        send.send(("error", (RuntimeError, (f"{type(exc).__name__}: {exc}",), {})))


def _limit_memory(memory_mb: int) -> None:
    """RLIMIT_AS at what the child already maps plus memory_mb: a parse that wants more gets MemoryError."""
    with open("/proc/self/statm") as statm:
        mapped = int(statm.read().split()[0]) * resource.getpagesize()
    cap = mapped + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def _rebuilt(value, name: str, limits: WorkerLimits) -> Exception:
    kind, args, attrs = value
    if kind == "memory":
        return UnreadableFile(f"cannot read {name}: reading it needs more than {limits.memory_mb} MB of memory; "
                              f"the file may be damaged or built to overload the server",
                              zh=f"无法读取 {name}：读取它需要超过 {limits.memory_mb} MB 内存，可能是损坏或恶意文件")
    error = kind.__new__(kind)
    error.args = args
    error.__dict__.update(attrs)
    return error


def _timed_out(name: str, timeout: float) -> UnreadableFile:
    return UnreadableFile(f"cannot read {name}: reading it took longer than {timeout:g} s; "
                          f"the file may be damaged or built to overload the server",
                          zh=f"无法读取 {name}：读取超过 {timeout:g} 秒仍未完成，可能是损坏或恶意文件")


def _crashed(name: str, child) -> UnreadableFile:
    child.join(5)
    return UnreadableFile(f"cannot read {name}: the reader stopped (exit code {child.exitcode}); the file may be damaged",
                          zh=f"无法读取 {name}：读取时出错退出（代码 {child.exitcode}），文件可能已损坏")


def _get_context():
    global _context
    with _context_lock:
        if _context is None:
            _context = multiprocessing.get_context("forkserver")
            _context.set_forkserver_preload(_PRELOAD)
        return _context


def warm_up() -> threading.Thread:
    """Start the fork server in the background, so the first upload does not pay its ~1 s start."""
    from multiprocessing import forkserver

    _get_context()
    thread = threading.Thread(target=forkserver.ensure_running, name="fanwen-parse-warm-up", daemon=True)
    thread.start()
    return thread
