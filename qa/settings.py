"""Settings, read from the environment with the prefix ``QA_`` (``QA_SOURCES``, ``QA_K1``...).

A pydantic model that fills the fields it is not given from the environment, as
pydantic-settings' `BaseSettings` did (names in any case); that package cost every `qa` start
0.17 s of imports (asyncio among them) for this one job.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

DEFAULT_MAX_SOURCE_MB = 200.0


# Bump when analysis, chunking, sentence splitting or the stored terms change: every library
# is then re-read once.
ANALYSIS_VERSION = 13


ENV_PREFIX = "QA_"


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    sources: Path | None = Field(
        default=None, description="the sources folder; unset: ./sources if present, else the user's library"
    )
    bm25_variant: Literal["okapi", "plus", "l"] = "okapi"
    # Finite, and k1 in a range where scores stay finite (QA_K1=inf refused every question;
    # 1e308 gave scores of NaN).
    k1: float = Field(default=1.2, gt=0, le=100, allow_inf_nan=False)
    b: float = Field(default=0.75, ge=0, le=1, allow_inf_nan=False)
    chunk_max_words: int = Field(default=120, ge=20, description="longer paragraphs are split")
    max_quotes: int = Field(default=3, ge=1, le=3)
    retrieve: int = Field(default=6, ge=1, description="chunks read for candidate sentences")
    max_question_chars: int = Field(default=1000, ge=1, description="longer questions are refused")
    min_coverage: float = Field(
        default=0.3, ge=0, le=1, allow_inf_nan=False, description="share of the question's weight a quote must match"
    )
    refuse_unnamed: bool = Field(
        default=True, description="refuse when the best passage, its heading and title miss the name the question asks about"
    )
    max_source_mb: float = Field(
        default=DEFAULT_MAX_SOURCE_MB, gt=0, allow_inf_nan=False, description="a larger source file is refused"
    )
    ocr: bool = Field(default=False, description="read scanned PDF pages with Tesseract (`qa add --ocr`)")

    @model_validator(mode="before")
    @classmethod
    def _from_environment(cls, given: Any) -> Any:
        if not isinstance(given, dict):
            return given
        environment = {name.upper(): value for name, value in os.environ.items()
                       if name.upper().startswith(ENV_PREFIX)}
        return {**{name: environment[ENV_PREFIX + name.upper()] for name in cls.model_fields
                   if ENV_PREFIX + name.upper() in environment}, **given}

    def index_fingerprint(self) -> str:
        """What an on-disk index depends on: change one and the index is rebuilt."""
        return f"chunk_max_words={self.chunk_max_words};analysis={ANALYSIS_VERSION}"
