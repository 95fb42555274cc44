"""Load a source file of any supported format: its text, title and body paragraphs.

The format is chosen by suffix; each has a module in `qa.formats`, imported only when a file
of that format is read. Sources are untrusted: whatever is wrong with a file (empty, damaged,
encrypted, a scan, too big, binary) comes back as a `SourceError` of one sentence.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from stat import S_ISDIR, S_ISREG

from qa.formats import LoadedText, SourceError
from qa.formats.text import parse
from qa.settings import DEFAULT_MAX_SOURCE_MB

# suffix → (module in qa.formats, what a user calls the format)
FORMATS = {
    ".txt": ("text", "a text file"),
    ".md": ("markdown", "a Markdown file"),
    ".markdown": ("markdown", "a Markdown file"),
    ".html": ("web", "a web page"),
    ".htm": ("web", "a web page"),
    ".pdf": ("pdf", "a PDF"),
    ".docx": ("word", "a Word document"),
    ".epub": ("epub", "an EPUB book"),
    ".rst": ("rst", "a reStructuredText file"),
    ".odt": ("odt", "an OpenDocument text"),
    ".pptx": ("slides", "a PowerPoint deck"),
    ".eml": ("mail", "an e-mail"),
    ".mbox": ("mail", "a mailbox"),
    ".rtf": ("rtf", "an RTF document"),
    ".csv": ("table", "a CSV table"),
    ".tsv": ("table", "a TSV table"),
}
SUPPORTED_SUFFIXES = frozenset(FORMATS)
SUPPORTED_FORMATS = ", ".join(FORMATS)

__all__ = ["SUPPORTED_FORMATS", "SUPPORTED_SUFFIXES", "LoadedText", "SourceError", "is_supported",
           "load", "parse", "refuse_by_size"]


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_SUFFIXES


def refuse_by_size(path: Path, size: int, max_mb: float) -> None:
    """Refuse a file by its size alone, before anything reads it: one over the limit (a sparse
    20 GB file would take minutes to hash), or one of no bytes (also what a file of /proc
    shows, whose read may block for ever).
    """
    if size > max_mb * 1_000_000:
        raise SourceError(f"{path.name} is {size / 1_000_000:.0f} MB, over the {max_mb:g} MB limit "
                          f"for one source (setting QA_MAX_SOURCE_MB).")
    if size == 0:
        raise SourceError(f"{path.name} is empty.")


def load(path: Path, max_mb: float = DEFAULT_MAX_SOURCE_MB, ocr: bool = False) -> LoadedText:
    """Read and parse one source file, or raise `SourceError` saying why it cannot be one;
    ``ocr``: a PDF's pages without a text layer are read by Tesseract."""
    if path.is_dir():
        raise SourceError(f"{path} is a folder, not a file.")
    if not is_supported(path):
        raise SourceError(f"{path.name} is not a supported format (supported: {SUPPORTED_FORMATS}).")
    module, kind = FORMATS[path.suffix.lower()]
    try:
        status = path.stat()
        if not (S_ISREG(status.st_mode) or S_ISDIR(status.st_mode)):
            # A FIFO or a device would block or never end: refuse it without opening it.
            raise SourceError(f"{path} is a special file (a pipe, device or socket), not a source file.")
        refuse_by_size(path, status.st_size, max_mb)
        data = path.read_bytes()
    except FileNotFoundError:
        raise SourceError(f"{path} does not exist.") from None
    except OSError as error:
        raise SourceError(f"{path} cannot be read: {error.strerror or error}.") from None
    if not data.strip():
        raise SourceError(f"{path.name} is empty.")
    try:
        if module == "pdf":
            return importlib.import_module("qa.formats.pdf").load(data, path, ocr=ocr)
        return importlib.import_module(f"qa.formats.{module}").load(data, path)
    except SourceError:
        raise
    except Exception:  # noqa: BLE001 - a damaged file can break a parser in any way; say so, in one sentence
        raise SourceError(f"{path.name} cannot be read as {kind}; it may be damaged.") from None
