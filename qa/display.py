"""Saying things to a person: untrusted text made inert, counts with their plurals, OS errors as sentences.

Sources, their titles and file names, and questions are untrusted: a file can hold escape
sequences that retitle or wipe a terminal, or bidi overrides that make text read backwards.
Every human-facing output of the CLI and the UI passes such text through `inert` first. JSON
output does not: it keeps the exact text, escaped by JSON.
"""

from __future__ import annotations

import errno
import os
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # display stays light: the CLI's help loads it without the models
    from qa.models import AddResult, Source

_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)} | {0x7F: "\u2421"}  # ␀…␟, ␡
_UNSHOWABLE = "\ufffd"  # �, for characters with no picture of their own
_BIDI_CONTROLS = [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]  # embeddings, overrides, isolates
_SINGLE_LINE = str.maketrans(
    _PICTURES
    | dict.fromkeys(range(0x80, 0xA0), _UNSHOWABLE)  # C1 controls: 0x9B alone starts a CSI sequence
    | dict.fromkeys(_BIDI_CONTROLS, _UNSHOWABLE)
    | dict.fromkeys(range(0xD800, 0xE000), _UNSHOWABLE)  # lone surrogates: undecodable bytes in names
)
_MULTILINE = _SINGLE_LINE | {ord("\n"): "\n", ord("\t"): "\t"}
_OTHER_UNSAFE = r"\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_UNSAFE = re.compile(rf"[\x00-\x1f{_OTHER_UNSAFE}]")
_UNSAFE_MULTILINE = re.compile(rf"[\x00-\x08\x0b-\x1f{_OTHER_UNSAFE}]")  # all but tab and newline



def valid_unicode(text: str) -> str:
    """``text`` with the undecodable bytes of a file name (lone surrogates, as Python gives
    them) as �: the index, JSON and the terminal take only valid Unicode."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")

def inert(text: str, multiline: bool = False) -> str:
    """``text`` made safe to print: no control character or escape sequence reaches the terminal.

    Each C0 control (ESC included) becomes its visible picture (``\\x1b`` → ``␛``); C1 controls,
    bidi embeddings, overrides and isolates, and lone surrogates become ``�``. Newlines and tabs
    are kept when ``multiline``, shown as ``␊`` and ``␉`` otherwise, so a name cannot forge a
    line of output. One character always becomes one, so offsets into the text still hold.
    """
    if not (_UNSAFE_MULTILINE if multiline else _UNSAFE).search(text):
        return text
    return text.translate(_MULTILINE if multiline else _SINGLE_LINE)


_WHITESPACE_RUN = re.compile(r"\s+")


def one_line(text: str) -> str:
    """``text`` made inert, with each run of white space (a hard-wrapped line break and its
    indentation, tabs) shown as one space."""
    return inert(_WHITESPACE_RUN.sub(" ", text))


def library_name(source: Source) -> str:
    """A source's path in its library: ``docs/manual/backup.html``, or a file name."""
    return source.id if "/" in source.id else source.path.name


def source_labels(sources: Sequence[Source]) -> dict[str, str]:
    """What tells each source apart in a list (by id): its title, or its path in the library
    where the title is missing or repeats (every ``index.html`` titled "Introduction")."""
    titles = [" ".join(source.title.split()) for source in sources]
    counts = Counter(title.casefold() for title in titles)  # each title made once: 20,000 at each listing
    return {source.id: title if title and counts[title.casefold()] == 1 else library_name(source)
            for source, title in zip(sources, titles)}


def plural(count: int, noun: str) -> str:
    """``1 paragraph``, ``2 paragraphs``, ``1,200 chunks``."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


# How many hidden files and folders an add's summary names before "and N more".
HIDDEN_SHOWN = 3


def hidden_skipped(hidden: Sequence[AddResult], hint: str = "") -> str:
    """``12 hidden files skipped (.env, .github/, notes/.obsidian/): HINT`` for an add's summary,
    each named by what hid it, a folder with a slash (".secret" alone read as one file); the
    hint (how to add them) only when some of them are of a supported format."""
    places = list(dict.fromkeys(inert(str(result.hidden)) + ("" if _is_the_file(result) else "/")
                                for result in hidden))
    named = ", ".join(places[:HIDDEN_SHOWN]) + (f" and {len(places) - HIDDEN_SHOWN:,} more"
                                                 if len(places) > HIDDEN_SHOWN else "")
    addable = hint and any(not result.unsupported for result in hidden)
    return f"{plural(len(hidden), 'hidden file')} skipped ({named})" + (f": {hint}" if addable else "")


def _is_the_file(result: AddResult) -> bool:
    """Whether a skipped file was hidden by its own name, not by a hidden folder above it."""
    hidden = result.hidden.parts if result.hidden is not None else ()
    return tuple(result.path.parts[-len(hidden):]) == hidden if hidden else False


def renamed(results: Sequence[AddResult]) -> str:
    """``2 files renamed, their paths were taken (docs/a-2.md, b-2.txt)`` for an add's summary."""
    names = [inert(result.source.id) for result in results if result.source is not None]
    named = ", ".join(names[:HIDDEN_SHOWN]) + (f" and {len(names) - HIDDEN_SHOWN:,} more"
                                                if len(names) > HIDDEN_SHOWN else "")
    return f"{plural(len(results), 'file')} renamed, {'its path was' if len(results) == 1 else 'their paths were'} " \
        f"taken ({named})"


_SENTENCES = {
    errno.EACCES: "Permission denied: {path}.",
    errno.EPERM: "Permission denied: {path}.",
    errno.EROFS: "{path} is on a read-only file system.",
    errno.ENOSPC: "No space left on the disk for {path}.",
    errno.EDQUOT: "The disk quota is used up; could not write {path}.",
    errno.ENAMETOOLONG: "The name is too long for the file system: {path}.",
    errno.ENOENT: "{path} does not exist (was it moved or deleted?).",
    errno.ENOTDIR: "Part of {path} is not a folder.",
    errno.EISDIR: "{path} is a folder, not a file.",
    errno.ELOOP: "{path} is a loop of symbolic links.",
    errno.EIO: "The disk failed to read or write {path} (input/output error).",
    errno.EMFILE: "Too many files are open to use {path}.",
    errno.ENFILE: "Too many files are open to use {path}.",
    errno.EBUSY: "{path} is busy.",
    errno.EEXIST: "{path} already exists.",
    errno.EXDEV: "{path} is on another file system.",
}


def describe_os_error(error: OSError, where: Path | None = None) -> str:
    """One sentence for an operating-system error, naming its path (made inert).

    ``where`` names the place when the error does not (a write to a full disk names no file).
    """
    name = next((n for n in (error.filename, error.filename2, where) if n is not None), None)
    if name is None:
        return f"{error.strerror or error}."
    path = inert(os.fsdecode(name) if isinstance(name, bytes) else str(name))
    sentence = _SENTENCES.get(error.errno or 0)
    if sentence is None:
        return f"{path}: {error.strerror or error}."
    return sentence.format(path=path)
