"""The data that crosses the boundary between the core and its clients."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class Span(BaseModel):
    """Character offsets ``[start, end)`` into a source's text."""

    model_config = ConfigDict(frozen=True)

    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Source(BaseModel):
    """One file of the sources folder, as the index knows it."""

    id: str
    title: str
    path: Path
    paragraphs: int
    chunks: int
    sha256: str


class Chunk(BaseModel):
    """A passage of a source: a paragraph or a window of its sentences."""

    source: str
    paragraph: int = Field(ge=1, description="1-based body paragraph number")
    start: int
    end: int
    text: str
    sentences: list[Span]
    tokens: list[str]


class Citation(BaseModel):
    n: int
    source: str
    title: str
    path: Path
    paragraph: int
    start: int
    end: int
    passage: str
    score: float


class Quote(BaseModel):
    """A verbatim sentence of a cited passage; ``start``/``end`` are offsets in the source.

    An over-long sentence is quoted as a window around the question's words: ``cut_start``
    and ``cut_end`` say that words were left out before or after it (shown as "…").
    """

    text: str
    citation: int
    start: int
    end: int
    cut_start: bool = False
    cut_end: bool = False


class AnswerSpan(BaseModel):
    """The words of a quote that answer the question: ``quotes[quote].text[start:end]``."""

    quote: int = Field(ge=0)
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Answer(BaseModel):
    question: str
    answered: bool
    text: str
    quotes: list[Quote] = []
    citations: list[Citation] = []
    suggestions: list[str] = Field(
        default=[], description="spellings from the sources for misspelled question words"
    )
    interpreted_as: str | None = Field(
        default=None, description="the question as read with the conversation's context"
    )
    coverage: float | None = Field(
        default=None, description="share of the question's weight its best passage holds; "
                                  "below the min_coverage setting the question is refused"
    )
    answer: AnswerSpan | None = Field(
        default=None, description="the words that answer a number, date or name question"
    )


class AddResult(BaseModel):
    """What `add` did with one path."""

    path: Path
    source: Source | None = None
    duplicate_of: str | None = None
    warning: str | None = None
