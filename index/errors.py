"""Exceptions raised by the library, each carrying a Chinese message (`str(exc)`) and its English text (`.en`)."""
from __future__ import annotations

LANGS = ("zh", "en")


class FanwenError(Exception):
    """Base class: a failure the user should see as one line, in Chinese saying what to do, with English kept."""

    def __init__(self, en: str, *, zh: str | None = None):
        super().__init__(zh or en)
        self.en, self.zh = en, zh or en

    def text(self, lang: str = "zh") -> str:
        """The message in `lang` ("zh" or "en")."""
        return self.en if lang == "en" else self.zh


class InvalidInput(FanwenError, ValueError):
    """A parameter or query is outside what is allowed (CLI exit 2, HTTP 400/422)."""

    def __init__(self, en: str, field: str = "", *, zh: str | None = None):
        super().__init__(en, zh=zh)
        self.field = field


class UnsupportedFormat(FanwenError):
    """A file whose extension fanwen cannot read (HTTP 415)."""


class UnreadableFile(FanwenError):
    """A file that exists but is empty, binary, corrupt or undecodable."""


class NotFound(FanwenError, KeyError):
    """An unknown document or chunk id (HTTP 404)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else "not found"


class ModelMismatch(FanwenError):
    """The index on disk was built with another embedding model."""


class IndexBusy(FanwenError):
    """Another process holds the index write lock."""


class Overloaded(FanwenError):
    """More work is waiting than the service takes on; the caller should retry shortly."""


class ConfigurationError(FanwenError):
    """A setting names something that cannot be used (unknown backend, a model that is not on disk)."""


class CorruptIndex(UnreadableFile):
    """An index file on disk is truncated, inconsistent or not fanwen's."""


def unsupported_format(ext: str, name: str, allowed) -> UnsupportedFormat:
    """The refusal of a file type, with the way out for old Word and WPS files."""
    allowed = ", ".join(allowed)
    en = f"unsupported file type '{ext or '(none)'}' for {name}: allowed {allowed}"
    if ext in (".doc", ".wps", ".wpt", ".dot", ".rtf"):
        return UnsupportedFormat(en + "; save it as .docx in Word or WPS first",
                                 zh=f"不支持 {ext} 文件（{name}）：请在 Word/WPS 中另存为 .docx 后再上传")
    return UnsupportedFormat(en, zh=f"不支持的文件类型“{ext or '无扩展名'}”（{name}）：只能读取 {allowed} 文件")


class WriteFailed(FanwenError):
    """The index could not be written (a full disk, a read-only folder); the last good generation stays live."""

    def __init__(self, folder, error: OSError):
        import errno as errno_names

        self.errno = error.errno
        if error.errno == errno_names.ENOSPC:
            en = f"no space left on the disk of {folder}: the index was not changed; free some space and try again"
            zh = f"{folder} 所在磁盘空间不足：范文库未作改动，请清理出空间后重试"
        else:
            en = f"cannot write the index at {folder} ({error.strerror or error}): the index was not changed"
            zh = f"无法写入 {folder} 的索引（{error.strerror or error}）：范文库未作改动，请检查该文件夹的权限后重试"
        super().__init__(en, zh=zh)
