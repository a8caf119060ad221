"""Exceptions raised by the library; the CLI and API translate them into messages and codes."""


class FanwenError(Exception):
    """Base class: a failure the user should see as one line."""


class InvalidInput(FanwenError, ValueError):
    """A parameter or query is outside what is allowed (CLI exit 2, HTTP 400/422)."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
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


class ConfigurationError(FanwenError):
    """A setting names something that cannot be used (unknown backend, a model that is not on disk)."""


class CorruptIndex(UnreadableFile):
    """An index file on disk is truncated, inconsistent or not fanwen's."""
