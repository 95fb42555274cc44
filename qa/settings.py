"""Settings, read from the environment with the prefix ``QA_`` (``QA_SOURCES``, ``QA_K1``...)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QA_", frozen=True)

    sources: Path = Field(default=Path("sources"), description="the sources folder")
    bm25_variant: Literal["okapi", "plus", "l"] = "okapi"
    k1: float = Field(default=1.2, gt=0)
    b: float = Field(default=0.75, ge=0, le=1)
    chunk_max_words: int = Field(default=120, ge=20, description="longer paragraphs are split")
    max_quotes: int = Field(default=3, ge=1, le=3)
    retrieve: int = Field(default=6, ge=1, description="chunks read for candidate sentences")
    min_coverage: float = Field(
        default=0.3, ge=0, le=1, description="share of the question's weight a quote must match"
    )

    def index_fingerprint(self) -> str:
        """The settings an on-disk index depends on: change one and the index is rebuilt."""
        return f"chunk_max_words={self.chunk_max_words};sentences=2"
