"""The data that crosses the boundary between the core and its clients."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_serializer

from qa.display import valid_unicode


# A source's numbered places other than a PDF's pages go in the same field, so that the index,
# the store and every client carry them as they carry pages; the file's format says what they are.
PAGE_DESCRIPTION = ("1-based page of a PDF, slide of a PowerPoint deck, row of a CSV/TSV table (the header "
                    "row is row 1), message of an mbox mailbox")
PLACE_UNITS = {".pptx": "slide", ".csv": "row", ".tsv": "row", ".mbox": "message"}


def place_label(suffix: str, page: int) -> str:
    """"p. 14" for a PDF's page, "slide 3", "row 12", "message 4" for the other numbered places."""
    unit = PLACE_UNITS.get(suffix.lower())
    return f"{unit} {page}" if unit else f"p. {page}"


class Span(BaseModel):
    """Character offsets ``[start, end)`` into a source's text."""

    model_config = ConfigDict(frozen=True)

    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Paragraph(Span):
    """A body paragraph of a source, with where a reader finds it in the original file."""

    section: str | None = Field(default=None, description='heading path, "Guide › Water temperature"')
    page: int | None = Field(default=None, ge=1, description=PAGE_DESCRIPTION)
    lines: tuple[int, int] | None = Field(
        default=None, description="1-based first and last line in the original .txt/.md file"
    )


class Metadata(BaseModel):
    """What a document says about itself, when it says it (web pages, Word, EPUB, PDF)."""

    author: str | None = None
    date: str | None = Field(default=None, description="publication date as the document gives it")


class Source(BaseModel):
    """One file of the sources folder, as the index knows it."""

    id: str = Field(description="unique in its library; the file name, without its extension where that is "
                                "unambiguous, or its path in the library (docs/manual/backup.html) in a folder")
    title: str
    path: Path
    paragraphs: int
    chunks: int
    sha256: str
    format: str = Field(default="txt", description="the file's extension: txt, md, html, pdf...")
    size: int = Field(default=0, description="bytes")
    link: Path | None = Field(default=None, description="the original a linked source points to")
    origin: Path | None = Field(default=None, description="the path it was added from")
    followed: str | None = Field(default=None, description="the followed folder it is in (its name in the "
                                                           "library): the file is the user's own, read in place")


class FollowedFolder(BaseModel):
    """A folder indexed where it is and kept in sync: a link to it in the library's folder."""

    name: str = Field(description="its name in the library; its sources' paths start with it")
    path: Path = Field(description="the folder itself")
    sources: int = Field(default=0, description="how many of its files are sources")
    present: bool = Field(default=True, description="False when the folder is gone (moved, unmounted)")

    def named_by(self, reference: str) -> bool:
        """Whether ``reference`` names this folder: its name in the library, or its own path."""
        if reference.rstrip("/") == self.name:
            return True
        try:
            return Path(reference).expanduser().resolve() == self.path
        except (OSError, RuntimeError):
            return False


class SyncResult(BaseModel):
    """What bringing the index up to date found: files read (new or changed) and sources dropped."""

    read: list[str] = []
    dropped: list[str] = Field(default=[], description="sources whose file is gone")
    unreadable: list[str] = Field(default=[], description="sources dropped: their file changed and cannot be read")


class SourceLayout(BaseModel):
    """How a source's passages are spread: over how many pages (a PDF) and sections (headings)."""

    pages: int = Field(description="distinct pages its passages are on; 0 where there are no pages")
    sections: int = Field(description="distinct heading paths its passages stand under; 0 without headings")


class Chunk(BaseModel):
    """A passage of a source: a paragraph or a window of its sentences."""

    id: int | None = Field(default=None, description="its id in the library's index")
    source: str
    paragraph: int = Field(ge=1, description="1-based body paragraph number")
    start: int
    end: int
    text: str
    sentences: list[Span]
    terms: list[str] = Field(description="its distinct index terms (stemmed), heading included")
    section: str | None = None
    page: int | None = Field(default=None, description=PAGE_DESCRIPTION)
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
    page: int | None = Field(default=None, description=PAGE_DESCRIPTION)
    section: str | None = Field(default=None, description="the heading path the passage stands under")
    lines: tuple[int, int] | None = Field(default=None, description="first and last line of a .txt/.md file")

    @property
    def label(self) -> str:
        """What names the source: the path of a source in a folder of the library
        (``docs/manual/backup.html``), where titles repeat from file to file; else its title."""
        return self.source if "/" in self.source else self.title

    @property
    def place(self) -> str:
        """Where a person finds the passage: "Field guide › Water temperature, p. 14".

        The label (the title, or a path), then the heading path (a title it starts with said
        once), then the page of a PDF (the slide of a deck, the row of a table, the message of a
        mailbox), or else the paragraph with its lines in the original text file.
        """
        heading = self.label
        if self.section:
            said = self.label == self.title and self.section.startswith(self.title)
            heading = self.section if said else f"{self.label} › {self.section}"
        if self.page is not None:
            return f"{heading}, {place_label(self.path.suffix, self.page)}"
        place = f"{heading}, paragraph {self.paragraph}"
        if self.lines is not None:
            first, last = self.lines
            place += f" (line {first})" if first == last else f" (lines {first}–{last})"
        return place


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
    corrected: str | None = Field(
        default=None, description="the question with its misspelled words spelled as in the sources"
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
    """What `add` did with one path: added it, found it already there, or could not."""

    path: Path
    source: Source | None = None
    duplicate_of: str | None = None
    name_taken: str | None = Field(
        default=None, description="the path it would have had in the library, taken by another file: "
                                  "it was given a free name beside it")
    warning: str | None = None
    error: str | None = Field(default=None, description="why the file was not added")
    unsupported: bool = Field(default=False, description="a folder's file of another format, skipped")
    hidden: Path | None = Field(
        default=None, description="a folder's hidden file, skipped: the hidden file or folder that hid it, "
                                  "relative to the folder added (`add(hidden=True)` adds it)")

    @field_serializer("path")
    def _path(self, path: Path) -> str:
        return valid_unicode(str(path))  # a name that is not UTF-8 would not go into JSON


class AddProgress(BaseModel):
    """How far an `add` has got; sent to a progress callback after each file."""

    files_done: int
    files_total: int
    bytes_done: int
    bytes_total: int
    current: Path | None = None

    @field_serializer("current")
    def _current(self, current: Path | None) -> str | None:
        return None if current is None else valid_unicode(str(current))


class SearchHit(BaseModel):
    """A passage as ranked by BM25, before any sentence is chosen."""

    source: str
    chunk: int
    score: float
