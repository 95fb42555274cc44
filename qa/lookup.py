"""Finding sources by what a user types: an id, a file name, a path, or a shell pattern."""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path

from qa.errors import LibraryError
from qa.records import FileState
from qa.sources import is_supported
from qa.store import SourceRow, Store


def resolve(store: Store, folder: Path, reference: str) -> SourceRow:
    """The one source ``reference`` names (exactly, or ignoring case when that is unambiguous)."""
    row = store.source(key=reference) or store.source(name=reference)
    if row is None:
        path = Path(reference)
        if path.parent != Path(".") and path.resolve().parent == folder.resolve():
            row = store.source(name=path.name)
    if row is not None:
        return row
    matches = store.sources_like(reference)
    if len(matches) == 1:
        return matches[0]
    if matches:
        names = ", ".join(sorted(match.name for match in matches))
        raise LibraryError(f"{reference!r} could mean any of {names}; give the exact file name.")
    broken = broken_link(folder, reference)
    if broken is not None:
        return broken
    raise LibraryError(f"No source called {reference!r} (see `qa sources`).")


def broken_link(folder: Path, reference: str) -> SourceRow | None:
    """A link in the folder whose original is gone, by its file name or id: the index has
    dropped it (and warns of it at every scan), but `remove` must still be able to delete it."""
    wanted = Path(reference).name.lower()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return None
    for entry in entries:
        name = entry.name
        if name.startswith(".") or not is_supported(Path(name)) or wanted not in (name.lower(), Path(name).stem.lower()):
            continue
        if entry.is_symlink() and not os.path.exists(entry.path):
            return SourceRow(id=-1, key=Path(name).stem, name=name, title=name,
                             format=Path(name).suffix.lstrip("."), size=0, state=FileState(0, 0, 0, 0),
                             sha256="", paragraphs=0, chunks=0, first_chunk=0, segment=0, warning=None,
                             link=os.readlink(entry.path), origin=None, metadata=None)
    return None


def matching(rows: list[SourceRow], pattern: str) -> list[SourceRow]:
    """The rows whose id, file name or title matches a shell pattern (``*report*``), ignoring
    case; a plain word matches as a part of any of them."""
    if not any(char in pattern for char in "*?["):
        pattern = f"*{pattern}*"
    pattern = pattern.lower()
    return [row for row in rows
            if any(fnmatch.fnmatchcase(value.lower(), pattern) for value in (row.key, row.name, row.title))]


def added_from(rows: list[SourceRow], folder: Path) -> list[SourceRow]:
    """The rows copied or linked from inside ``folder``."""
    root = folder.resolve()
    return [row for row in rows
            if any(origin and Path(origin).is_relative_to(root) for origin in (row.origin, row.link))]
