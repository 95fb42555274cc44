"""Load a source file: decode it, find its title and its body paragraphs, offsets kept.

The text a source is quoted from is the file as Python reads it in text mode (UTF-8, universal
newlines). Citations are offsets into that text, so nothing here ever rewrites it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from stat import S_ISDIR, S_ISREG

from qa.models import Span

TEXT_SUFFIXES = frozenset({".txt", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES
SUPPORTED_FORMATS = ".txt, .md, .html, .htm"

_FURNITURE = re.compile(
    r"^\W*(scroll to top|back to top|advertisement|skip to (main )?content|share this( article)?"
    r"|read more|related articles?|sign up for our newsletter)\W*$",
    re.IGNORECASE,
)
_SITE_SECTION = re.compile(r"\s+\|\s+[^|]*$")
_TERMINAL = ("." , "!", "?", ":", '"', "\u201d", "'", "\u2019", ")")


class SourceError(Exception):
    """A file that cannot be a source; the message is one sentence for the user."""


@dataclass(frozen=True)
class LoadedText:
    text: str
    title: str
    paragraphs: list[Span]
    warning: str | None = None


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_SUFFIXES


def decode(data: bytes, name: str) -> tuple[str, str | None]:
    """Bytes → text as Python's text mode would give it; cp1252/latin-1 with a warning."""
    if b"\x00" in data[:8192]:
        raise SourceError(f"{name} looks like a binary file, not text.")
    warning = None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
            warning = f"{name} is not UTF-8; read it as Windows-1252 (cp1252)."
        except UnicodeDecodeError:
            text = data.decode("latin-1")
            warning = f"{name} is not UTF-8; read it as Latin-1."
    return text.replace("\r\n", "\n").replace("\r", "\n"), warning


def read_text(path: Path) -> tuple[str, str | None]:
    """The text of a source file, as quoted: for HTML, the text extracted from the page."""
    try:
        mode = path.stat().st_mode
        if not (S_ISREG(mode) or S_ISDIR(mode)):
            # A FIFO or a device would block or never end: refuse it without opening it.
            raise SourceError(f"{path} is a special file (a pipe, device or socket), not a source file.")
        data = path.read_bytes()
    except FileNotFoundError:
        raise SourceError(f"{path} does not exist.") from None
    except IsADirectoryError:
        raise SourceError(f"{path} is a folder, not a file.") from None
    except OSError as error:
        raise SourceError(f"{path} cannot be read: {error.strerror or error}.") from None
    text, warning = decode(data, path.name)
    if path.suffix.lower() in HTML_SUFFIXES:
        text = html_to_text(text)
    return text, warning


def load(path: Path) -> LoadedText:
    """Read and parse one source file, or raise `SourceError` saying why it cannot be one."""
    if not is_supported(path):
        if path.is_dir():
            raise SourceError(f"{path} is a folder, not a file.")
        raise SourceError(
            f"{path.name} is not a supported format (supported: {SUPPORTED_FORMATS})."
        )
    text, warning = read_text(path)
    return parse(text, path, warning)


def parse(text: str, path: Path, warning: str | None = None) -> LoadedText:
    blocks = [span for span in _paragraph_spans(text) if not _FURNITURE.match(text[span.start:span.end])]
    if not blocks:
        raise SourceError(f"{path.name} is empty.")
    first = text[blocks[0].start:blocks[0].end]
    headline = _headline(first, is_markdown=path.suffix.lower() == ".md")
    if headline is not None and len(blocks) > 1:
        title, body = headline, blocks[1:]
    else:
        title, body = title_from_file_name(path, text), blocks
    if path.suffix.lower() == ".md":
        body = [span for span in body if not text[span.start:span.end].startswith("#")]
    if not body:
        raise SourceError(f"{path.name} has a title but no text.")
    return LoadedText(text=text, title=title, paragraphs=body, warning=warning)


def _headline(line: str, is_markdown: bool) -> str | None:
    """The first paragraph as a title, when it reads like a headline."""
    if is_markdown:
        if not line.startswith("#"):
            return None
        line = line.lstrip("#").strip()
    if "\n" in line or len(line) > 200 or len(line.split()) > 25 or line.endswith("."):
        return None
    return _SITE_SECTION.sub("", line).strip() or None


def title_from_file_name(path: Path, text: str) -> str:
    """``kenya-pledges-600-more-officers-to-haiti.txt`` → "Kenya pledges 600 more officers to Haiti".

    A word keeps the capitals the text gives it, so place and person names read right.
    """
    capitalised = {word.lower(): word for word in re.findall(r"\b[A-Z][\w'’]*", text)}
    lowered = set(re.findall(r"\b[a-z][\w'’]*", text))
    words = [w for w in re.split(r"[-_\s]+", path.stem) if w]
    shown = [
        capitalised[w.lower()] if w.lower() in capitalised and w.lower() not in lowered else w
        for w in words
    ]
    if not shown:
        return path.stem
    return shown[0][:1].upper() + shown[0][1:] + "".join(" " + w for w in shown[1:])


def _paragraph_spans(text: str) -> list[Span]:
    """Blank-line separated blocks; a block whose lines each end a sentence is one per line."""
    spans: list[Span] = []
    for block in re.finditer(r"[^\n]*\S[^\n]*(?:\n[^\n]*\S[^\n]*)*", text):
        lines = [line for line in re.finditer(r"[^\n]+", block.group()) if line.group().strip()]
        one_per_line = len(lines) > 1 and (
            all(line.group().rstrip().endswith(_TERMINAL) for line in lines[:-1])
            or max(len(line.group()) for line in lines) > 200
        )
        pieces = [(block.start() + m.start(), block.start() + m.end()) for m in lines] if one_per_line \
            else [(block.start(), block.end())]
        for start, end in pieces:
            piece = text[start:end]
            start += len(piece) - len(piece.lstrip("\ufeff \t"))
            end -= len(piece) - len(piece.rstrip())
            if start < end:
                spans.append(Span(start=start, end=end))
    return spans


@dataclass
class _PageText(HTMLParser):
    """Collects a saved news page's title, headline and paragraphs; drops scripts and navigation."""

    title: str = ""
    headline: str = ""
    paragraphs: list[str] = field(default_factory=list)
    _skip_depth: int = 0
    _current: list[str] | None = None
    _target: str | None = None

    SKIPPED = frozenset({"script", "style", "nav", "header", "footer", "aside", "form", "noscript",
                         "svg", "button", "figure"})
    BLOCKS = frozenset({"p", "h1", "title", "blockquote", "h2", "h3", "li"})

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self._skip_depth += 1
        elif tag in self.BLOCKS and not self._skip_depth and self._current is None:
            self._current, self._target = [], tag

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag == self._target and self._current is not None:
            text = " ".join("".join(self._current).split())
            if text:
                if tag == "title":
                    self.title = self.title or text
                elif tag == "h1":
                    self.headline = self.headline or text
                elif tag == "p" or tag == "blockquote":
                    self.paragraphs.append(text)
            self._current, self._target = None, None

    def handle_data(self, data: str) -> None:
        if self._current is not None and not self._skip_depth:
            self._current.append(data)


def html_to_text(html: str) -> str:
    """A page as plain text: its headline on the first line, then its paragraphs."""
    page = _PageText()
    page.feed(html)
    page.close()
    title = page.headline or _SITE_SECTION.sub("", page.title)
    parts = ([title.rstrip(".")] if title else []) + page.paragraphs
    return "\n\n".join(parts) + ("\n" if parts else "")
