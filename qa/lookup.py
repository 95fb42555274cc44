"""Finding sources by what a user types: an id, a file name, a path, or a shell pattern."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Collection
from pathlib import Path

from qa.errors import LibraryError
from qa.following import followed_folders
from qa.models import Source
from qa.records import FileState
from qa.sources import SourceError, is_supported, load
from qa.store import SourceRow, Store


def resolve(store: Store, folder: Path, reference: str) -> SourceRow:
    """The one source ``reference`` names (exactly, or ignoring case when that is unambiguous)."""
    row = store.source(key=reference) or store.source(name=reference)
    if row is None and (name := name_in(folder, Path(reference))) is not None:
        row = store.source(name=name)
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
    inside = Path(reference.rstrip("/"))
    if (reference.strip("/") and not inside.is_absolute() and not any(part.startswith(".") for part in inside.parts)
            and (folder / inside).is_dir()):
        # `qa remove docs` after `qa add ~/work/docs`: its sources are docs/..., named by a pattern
        raise LibraryError(f"{inside.as_posix()!r} is a folder of the library, not a source: "
                           f"'{inside.as_posix()}/*' names the sources in it.")
    raise LibraryError(f"No source called {reference!r} (see `qa sources`).")


def name_in(folder: Path, path: Path) -> str | None:
    """The name (relative path) ``path`` has in the library's folder, if it is in it or in a
    folder the library follows."""
    if path.parent == Path("."):
        return None
    try:
        where = path.parent.resolve() / path.name
    except (OSError, RuntimeError):
        return None
    for followed in followed_folders(folder):
        if where.is_relative_to(followed.path):
            return f"{followed.name}/{where.relative_to(followed.path).as_posix()}"
    return where.relative_to(folder.resolve()).as_posix() if where.is_relative_to(folder.resolve()) else None


def broken_link(folder: Path, reference: str) -> SourceRow | None:
    """A link in the folder whose original is gone, by its file name, path or id: the index has
    dropped it (and warns of it at every scan), but `remove` must still be able to delete it."""
    if "/" in reference and is_supported(Path(reference)) and (folder / reference).is_symlink() and not (folder / reference).exists():
        return _link_row(folder / reference, reference)
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
            return _link_row(Path(entry.path), name)
    return None


def _link_row(path: Path, name: str) -> SourceRow:
    return SourceRow(id=-1, key=Path(name).stem if "/" not in name else name, name=name, title=name,
                     format=path.suffix.lstrip("."), size=0, state=FileState(0, 0, 0, 0),
                     sha256="", paragraphs=0, chunks=0, first_chunk=0, segment=0, warning=None,
                     link=os.readlink(path), origin=None, metadata=None)


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


def as_source(folder: Path, row: SourceRow, followed: Collection[str] | None = None) -> Source:
    """A row of the index as the `Source` clients see. ``followed``: the names of the followed
    folders, when known (else the row's own first folder is looked at: one lstat)."""
    top = row.name.split("/", 1)[0] if "/" in row.name else None
    if top is not None and followed is None:
        followed = [top] if (folder / top).is_symlink() else []
    return Source(
        id=row.key, title=row.title, path=folder / row.name, paragraphs=row.paragraphs,
        chunks=row.chunks, sha256=row.sha256, format=row.format, size=row.state.size,
        link=Path(row.link) if row.link else None,
        origin=Path(row.origin) if row.origin else None,
        followed=top if top is not None and followed and top in followed else None,
    )


def file_text(path: Path, max_mb: float) -> str:
    """A source's text read from its file (when the index keeps none)."""
    try:
        return load(path, max_mb).text
    except SourceError as error:
        raise LibraryError(str(error)) from None
