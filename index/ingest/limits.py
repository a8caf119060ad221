"""Caps on what a file may become when read (inflated zip members, PDF pages, characters), and control-character clean-up."""
from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from fanwen.index.errors import UnreadableFile

MB = 1024 * 1024


@dataclass(frozen=True)
class ReadLimits:
    """What one file may grow into; the service fills it from settings, index/ never reads the environment."""

    max_inflated_mb: float = 50.0  # per zip member (a .docx body is XML) and for all members together
    max_pdf_pages: int = 2000
    max_chars: int = 5_000_000  # text after decoding or extraction; a long work report has ~50 000

    @property
    def max_inflated_bytes(self) -> int:
        return int(self.max_inflated_mb * MB)


# C0/C1 controls other than line ends and tabs, lone surrogates and the two non-characters: never text.
# Word hands them in too (\x07 ends a table cell, \x0b is a soft break), so they become spaces, not glue.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")


def strip_controls(text: str) -> str:
    """`text` with control characters as spaces and lone surrogates (from JSON \\ud800 escapes) removed."""
    return _CONTROLS.sub(" ", _SURROGATES.sub("", text))


def _too_big(name: str, what_en: str, what_zh: str) -> UnreadableFile:
    return UnreadableFile(f"cannot read {name}: {what_en}; the file may be damaged or built to overload the server",
                          zh=f"无法读取 {name}：{what_zh}，可能是损坏或恶意文件")


def check_file_size(path: Path, name: str, limits: ReadLimits) -> None:
    """A text file over 4 bytes a character (UTF-32) cannot decode within the cap: refuse before reading it."""
    try:
        size = Path(path).stat().st_size
    except OSError:
        return  # the reader says what is wrong with it
    if size > 4 * limits.max_chars + 4:
        raise _too_big(name, f"{size:,} bytes of text are over the {limits.max_chars:,} character limit",
                       f"文本有 {size:,} 字节，超过 {limits.max_chars:,} 个字的上限")


def check_zip(path: Path, name: str, limits: ReadLimits) -> None:
    """Inflate every member with a cap, so neither a lying header nor a zip bomb gets past it."""
    cap = limits.max_inflated_bytes
    try:
        with zipfile.ZipFile(path) as package:
            total = 0
            for info in package.infolist():
                if info.file_size > cap:  # the declared size: refused without inflating anything
                    raise _inflated(name, info.filename, cap)
                total += _inflate_capped(package, info, cap, name)
                if total > cap:
                    raise _inflated(name, "(all parts)", cap)
    except UnreadableFile:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
        raise UnreadableFile(f"cannot read {name}: corrupt .docx package ({type(exc).__name__})",
                             zh=f"无法读取 {name}：.docx 文件已损坏，请在 Word/WPS 中打开后重新保存") from None


def _inflate_capped(package: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int, name: str) -> int:
    size = 0
    with package.open(info) as member:
        while block := member.read(1 << 20):
            size += len(block)
            if size > cap:
                raise _inflated(name, info.filename, cap)
    return size


def _inflated(name: str, member: str, cap: int) -> UnreadableFile:
    mb = cap / MB
    return _too_big(name, f"{member} inflates to more than the {mb:.0f} MB limit",
                    f"文件解压后（{member}）超过 {mb:.0f} MB 上限")


def check_pages(count: int, name: str, limits: ReadLimits) -> None:
    if count > limits.max_pdf_pages:
        raise _too_big(name, f"the PDF has {count:,} pages, over the {limits.max_pdf_pages:,} page limit",
                       f"PDF 有 {count:,} 页，超过 {limits.max_pdf_pages:,} 页上限")


def check_chars(count: int, name: str, limits: ReadLimits) -> None:
    if count > limits.max_chars:
        raise _too_big(name, f"its text is over the {limits.max_chars:,} character limit",
                       f"文字超过 {limits.max_chars:,} 个字的上限")
