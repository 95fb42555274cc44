"""The data that crosses the boundary between the core and its clients."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class Span(BaseModel):
    """Character offsets ``[start, end)`` into a source's text."""

    model_config = ConfigDict(frozen=True)

    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Paragraph(Span):
    """A body paragraph of a source, with where a reader finds it in the original file."""

    section: str | None = Field(default=None, description='heading path, "Guide › Water temperature"')
    page: int | None = Field(default=None, ge=1, description="1-based page of a PDF")
    lines: tuple[int, int] | None = Field(
        default=None, description="1-based first and last line in the original .txt/.md file"
    )


class Metadata(BaseModel):
    """What a document says about itself, when it says it (web pages, Word, EPUB, PDF)."""

    author: str | None = None
    date: str | None = Field(default=None, description="publication date as the document gives it")


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
    section: str | None = None
    page: int | None = None
    lines: tuple[int, int] | None = None


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
    page: int | None = Field(default=None, description="1-based page of a PDF")
    section: str | None = Field(default=None, description="the heading path the passage stands under")
    lines: tuple[int, int] | None = Field(default=None, description="first and last line of a .txt/.md file")


class Quote(BaseModel):
    """A verbatim sentence of a cited passage; ``start``/``end`` are offsets in the source."""

    text: str
    citation: int
    start: int
    end: int


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


class AddResult(BaseModel):
    """What `add` did with one path."""

    path: Path
    source: Source | None = None
    duplicate_of: str | None = None
    warning: str | None = None
