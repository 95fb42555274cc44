"""One module per source format; each turns a file's bytes into a `LoadedText`.

`qa.sources.load` picks the module by suffix and imports it only then, so `qa ask` never
pays for the PDF or web-page libraries. What they share lives here: the result, the error,
and the builders for a text made from a document (as opposed to a file read as it is).
"""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from dataclasses import dataclass, field

from qa.errors import SourceError
from qa.models import Metadata, Paragraph

SECTION_SEPARATOR = " › "
MAX_UNZIPPED_BYTES = 1_000_000_000
# Markup is parsed into a tree of about eight times its size: a 1 GB document.xml (in a
# 3.4 MB DOCX) took 7.7 GB. A real book or report has a few MB of it.
MAX_MARKUP_BYTES = 100_000_000
_MARKUP_SUFFIXES = (".xml", ".xhtml", ".html", ".htm", ".opf", ".ncx", ".rels")


@dataclass(frozen=True)
class LoadedText:
    """A source's text, title and body paragraphs; ``text[p.start:p.end]`` is each paragraph.

    ``derived`` is False only when ``text`` is the file itself read as UTF-8 text (a plain
    UTF-8 ``.txt``); otherwise ``text`` was made from the file (a PDF's pages, a web page's
    article, Markdown without its markup, a UTF-16 file decoded) and must be kept with the
    source, since it cannot be re-read from the file by a plain ``open()``.
    """

    text: str
    title: str
    paragraphs: list[Paragraph]
    derived: bool = False
    metadata: Metadata = field(default_factory=Metadata)
    warning: str | None = None


# Control characters (terminal escapes among them), soft hyphens, zero-width and bidi controls,
# PDFium's marks and lone surrogates: nothing a reader sees or a quote should carry.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u200b-\u200f\u202a-\u202e\u2060-\u2064"
                        "\ufeff\ufffe\uffff\ud800-\udfff]")
_SPACES = re.compile(r"\s+")


def clean_inline(text: str) -> str:
    """Whitespace runs (line breaks, tabs, no-break spaces) as single spaces; invisible characters dropped."""
    return _SPACES.sub(" ", _INVISIBLE.sub("", text)).strip()


class Sections:
    """The heading path above the current position: a new heading closes those at its level or deeper."""

    def __init__(self) -> None:
        self._open: list[tuple[int, str]] = []

    def enter(self, level: int, heading: str) -> None:
        while self._open and self._open[-1][0] >= level:
            self._open.pop()
        if heading:
            self._open.append((level, heading))

    @property
    def path(self) -> str | None:
        return SECTION_SEPARATOR.join(heading for _, heading in self._open) or None


class DerivedText:
    """Builds a derived text block by block, blank lines between, keeping paragraph offsets."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self.paragraphs: list[Paragraph] = []

    def add(self, block: str, *, paragraph: bool = True, section: str | None = None,
            page: int | None = None, lines: tuple[int, int] | None = None) -> None:
        """Append ``block``; a heading or a title goes in with ``paragraph=False``."""
        block = block.strip()
        if not block:
            return
        if self._parts:
            self._parts.append("\n\n")
            self._length += 2
        start = self._length
        self._parts.append(block)
        self._length += len(block)
        if paragraph:
            self.paragraphs.append(Paragraph(start=start, end=self._length, section=section,
                                             page=page, lines=lines))

    def result(self, name: str, title: str, metadata: Metadata | None = None,
               warning: str | None = None) -> LoadedText:
        if not self.paragraphs:
            raise SourceError(f"{name} has no text to index.")
        return LoadedText(text="".join(self._parts) + "\n", title=title, paragraphs=self.paragraphs,
                          derived=True, metadata=metadata or Metadata(), warning=warning)


def check_zip(data: bytes, name: str, kind: str) -> None:
    """Refuse a Word or EPUB file that is not a zip archive, or that would unpack to a flood."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise SourceError(f"{name} cannot be read as {kind}; it is not a valid zip package.") from None
    unpacked = sum(info.file_size for info in members)
    if unpacked > MAX_UNZIPPED_BYTES:
        raise SourceError(f"{name} would unpack to {unpacked / 1e9:.1f} GB, too much for one source.")
    check_markup(sum(info.file_size for info in members if info.filename.lower().endswith(_MARKUP_SUFFIXES)),
                 name)


def check_markup(size: int, name: str) -> None:
    """Refuse a document whose markup to parse (counting a part each time it is read) is a flood."""
    if size > MAX_MARKUP_BYTES:
        raise SourceError(f"{name} holds {size / 1e6:,.0f} MB of markup to read, over the "
                          f"{MAX_MARKUP_BYTES / 1e6:,.0f} MB one source may hold.")


# In a PDF a paragraph of one short line with no closing punctuation, right above a longer
# paragraph of the same section and page, is the term that paragraph defines ("AUTO_CD (-J)"
# in the zsh manual): they become one paragraph, the term on its first line.
TERM_LINE_MAX_WORDS = 8
_TERM_LINE_END = (".", "!", "?", ",", ";", ":")


def _is_term_line(text: str) -> bool:
    return "\n" not in text and len(text.split()) <= TERM_LINE_MAX_WORDS and not text.endswith(_TERM_LINE_END)


def with_terms_joined(loaded: LoadedText) -> LoadedText:
    """``loaded`` with each term-line paragraph joined to the paragraph it heads (not to
    another short line: a list of short items stays a list)."""
    joined: list[Paragraph] = []
    paragraphs = loaded.paragraphs
    text = loaded.text
    i = 0
    while i < len(paragraphs):
        term = paragraphs[i]
        if i + 1 < len(paragraphs) and _is_term_line(text[term.start:term.end]) \
                and not _is_term_line(text[(following := paragraphs[i + 1]).start:following.end]) \
                and following.section == term.section and following.page == term.page \
                and not text[term.end:following.start].strip():
            lines = (term.lines[0], following.lines[1]) if term.lines and following.lines else None
            joined.append(following.model_copy(update={"start": term.start, "lines": lines}))
            i += 2
        else:
            joined.append(term)
            i += 1
    return loaded if len(joined) == len(paragraphs) else dataclasses.replace(loaded, paragraphs=joined)
