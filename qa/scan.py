"""Folder scanning: which files a path names for adding, and which files of the library's own
folder changed since they were indexed (one stat per file)."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from qa.display import plural, valid_unicode
from qa.errors import LibraryError
from qa.ingest import Job, file_state
from qa.models import AddResult
from qa.records import FileState
from qa.sources import SUPPORTED_FORMATS, SUPPORTED_SUFFIXES, SourceError, is_supported

# How many kinds of file the "no supported files" sentence names before "and N more".
KINDS_SHOWN = 3

# name → (source id, (size, mtime_ns, ctime_ns, inode), sha256), as the store keeps them.
KnownStates = dict[str, tuple[int, tuple[int, int, int, int], str]]


@dataclass
class Changes:
    """What a scan of the library's folder found against the index."""

    jobs: list[Job] = field(default_factory=list)  # new or changed files, to analyse
    removed: list[int] = field(default_factory=list)  # source ids whose file is gone or changed
    touched: list[tuple[int, FileState]] = field(default_factory=list)  # same content, new state
    warnings: list[str] = field(default_factory=list)
    states: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)  # of each job's file
    # Files that could not be read before and have not changed since: not read (nor said) again.
    unreadable: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)


def changes(folder: Path, known: KnownStates, reread: set[str] | frozenset[str] = frozenset(),
            unreadable: dict[str, tuple[int, int, int, int]] | None = None) -> Changes:
    """Compare ``folder`` (its subfolders too) with what the index knows of it; ``reread``: names
    to analyse again even if their state looks unchanged; ``unreadable``: files that could not be
    read, with their state then. No object is built for an unchanged file: this runs at every open."""
    unreadable = unreadable or {}
    known = dict(known)
    found = Changes()
    for name, entry in library_files(folder, found.warnings):
        # As `os.path.splitext` splits, inline: this loop meets every file at every question.
        stem, dot, extension = entry.name.rpartition(".")
        if not (dot and stem) or f".{extension.lower()}" not in SUPPORTED_SUFFIXES:
            continue
        # Renaming a file whose name is not valid UTF-8 would change the user's folder: say so.
        if not name.isascii() and valid_unicode(name) != name:
            found.warnings.append(f"Skipped {valid_unicode(name)}: its file name is not valid UTF-8; "
                                  "rename it to add it.")
            continue
        entry_known = known.pop(name, None)
        unchanged = entry_known is not None and name not in reread  # a file to reread counts as new
        try:
            status = entry.stat()
            state = (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)
            if unchanged and entry_known[1] == state:
                continue
            if entry_known is None and name not in reread and unreadable.get(name) == state:
                found.unreadable[name] = state
                continue
            path = Path(entry.path)
            file_state(path)  # a pipe or a device is refused here, never opened
            if unchanged and sha256(path) == entry_known[2]:
                found.touched.append((entry_known[0], FileState.of(status)))
                continue
        except (SourceError, OSError) as error:
            found.warnings.append(skipped(name, Path(entry.path), reason(error, Path(entry.path))))
            if entry_known is not None:
                found.removed.append(entry_known[0])
            continue
        if entry_known is not None:
            found.removed.append(entry_known[0])
        found.jobs.append(Job(path, name, link=os.readlink(path) if entry.is_symlink() else None))
        found.states[name] = state
    found.jobs.sort(key=lambda job: job.name)
    found.removed += [gone[0] for gone in known.values()]  # files no longer in the folder
    return found


def library_files(folder: Path, warnings: list[str]) -> Iterator[tuple[str, os.DirEntry]]:
    """Every file in the library's folder and its subfolders, as (its path relative to the folder
    with ``/`` between parts, its entry). Hidden files and folders (``.qa``) are not sources;
    a link to a folder is followed, each folder once (a link back up adds nothing twice)."""
    seen: set[tuple[int, int]] = set()
    pending = [(folder, "")]
    while pending:
        place, prefix = pending.pop()
        try:
            status = os.stat(place)
            if (status.st_dev, status.st_ino) in seen:
                continue
            seen.add((status.st_dev, status.st_ino))
            entries = list(os.scandir(place))
        except OSError as error:
            if not prefix:
                raise LibraryError(f"Cannot read the sources folder {folder}: {error.strerror}.") from None
            warnings.append(f"Skipped the folder {prefix.rstrip('/')}: {error.strerror or error}.")
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                is_folder = entry.is_dir()  # through a link too
            except OSError:
                is_folder = False
            if is_folder:
                pending.append((Path(entry.path), f"{prefix}{entry.name}/"))
            else:
                yield prefix + entry.name, entry


def sha256(path: Path) -> str:
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def skipped(name: str, path: Path, error: str) -> str:
    """``Skipped notes/a.pdf: it cannot be read as a PDF; ...``: a file of the library named by its
    path there, where the reason (a reader's sentence) names it by its file name or full path."""
    for said in (str(path), path.name):
        if error.startswith(f"{said}: "):
            return f"Skipped {name}: {error[len(said) + 2:]}"
        if error.startswith(f"{said} "):
            return f"Skipped {name}: it {error[len(said) + 1:]}"
    return f"Skipped {name}: {error}"


def reason(error: Exception, path: Path) -> str:
    if isinstance(error, SourceError):
        return str(error)
    return f"{path} cannot be read: {getattr(error, 'strerror', None) or error}."


def expand(path: Path, hidden: bool, library: Path | None = None) -> tuple[list[Path], list[AddResult]]:
    """The files to add for one path (the file itself, or a folder's supported files), and the
    results of a folder's files that are skipped: other formats, and hidden ones unless ``hidden``.
    A folder that holds the ``library`` is read without it: its files are in it already."""
    if path.is_dir():
        if library is not None and path.resolve().is_relative_to(library.resolve()):
            raise LibraryError(f"{path} is inside the library already.")
        files: list[Path] = []
        skipped: list[AddResult] = []
        unreadable: list[OSError] = []
        for file in files_under(path, unreadable, library):
            relative = file.relative_to(path)
            hiding = next((i for i, part in enumerate(relative.parts) if part.startswith(".")), None)
            if hiding is not None and not hidden:
                skipped.append(AddResult(path=file, unsupported=not is_supported(file),
                                         hidden=Path(*relative.parts[:hiding + 1])))
            elif is_supported(file):
                files.append(file)
            else:
                skipped.append(AddResult(path=file, unsupported=True))
        failed = [AddResult(path=Path(error.filename or path), error=reason(error, Path(error.filename or path)))
                  for error in unreadable]
        if not files:
            raise LibraryError(failed[0].error if failed else nothing_to_add(path, skipped))
        return files, skipped + failed
    if not path.exists() and not path.is_symlink():
        raise LibraryError(f"{path} does not exist.")
    if not is_supported(path):
        raise LibraryError(f"{path.name} is not a supported format (supported: {SUPPORTED_FORMATS}).")
    return [path], []


def files_under(folder: Path, unreadable: list[OSError], leave_out: Path | None = None) -> list[Path]:
    """Every file under ``folder``, in order, following links to folders: each folder once, so a
    link back up (a loop) or two links to one folder add nothing twice; never the folder
    ``leave_out`` (the library) or what is under it. What cannot be read (a path past PATH_MAX)
    goes to ``unreadable`` and never stops the rest."""
    seen: set[tuple[int, int]] = set()
    if leave_out is not None:
        with contextlib.suppress(OSError):
            status = os.stat(leave_out)
            seen.add((status.st_dev, status.st_ino))  # walked past as a folder seen before
    found: list[Path] = []
    for place, subfolders, names in os.walk(folder, followlinks=True, onerror=unreadable.append):
        try:
            status = os.stat(place)
        except OSError as error:  # a path past PATH_MAX, a folder gone meanwhile
            unreadable.append(error)
            subfolders.clear()
            continue
        if (status.st_dev, status.st_ino) in seen:
            subfolders.clear()
            continue
        seen.add((status.st_dev, status.st_ino))
        for name in names:
            try:
                # a broken link too: reported (where it would be added) rather than lost without a word
                if (file := Path(place, name)).is_file() or (file.is_symlink() and not file.exists()):
                    found.append(file)
            except OSError as error:
                unreadable.append(error)
    return sorted(found)


def nothing_to_add(folder: Path, skipped: list[AddResult]) -> str:
    """The sentence for a folder with nothing to add, saying what it does hold."""
    if not skipped:
        return f"{folder} holds no files."
    kinds: dict[str, int] = {}
    for result in skipped:
        if result.hidden is None:
            suffix = result.path.suffix.lower()
            kind = f"{suffix} file" if suffix else "file without an extension"
            kinds[kind] = kinds.get(kind, 0) + 1
    ordered = sorted(kinds.items(), key=lambda item: -item[1])
    held = [plural(count, kind) for kind, count in ordered[:KINDS_SHOWN]]
    others = sum(count for _, count in ordered[KINDS_SHOWN:])
    if others:
        held.append(plural(others, "other file"))
    hidden = [result for result in skipped if result.hidden is not None]
    if hidden:
        held.append(plural(len(hidden), "hidden file"))
    listed = held[0] if len(held) == 1 else f"{', '.join(held[:-1])} and {held[-1]}"
    hint = "; --hidden adds the hidden ones" if any(not result.unsupported for result in hidden) else ""
    return f"{folder} holds no supported files ({SUPPORTED_FORMATS}), only {listed}{hint}."
