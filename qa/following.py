"""Followed folders: a folder indexed where it is and kept in sync, as desktop search tools
(Recoll, GPT4All's LocalDocs, Khoj) keep theirs.

A followed folder is a symbolic link to it in the library's folder (``docs → ~/work/docs``),
so that its files are the library's files to every other part: the scan at each open finds
new, changed and deleted files there with one stat each, quotes are checked against them, and
a source's path reads ``docs/manual/backup.html``. qa never writes or deletes anything through
such a link: removing a followed folder deletes the link alone.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from qa.batches import Batches
from qa.display import valid_unicode
from qa.errors import LibraryError
from qa.models import AddResult, FollowedFolder, Source
from qa.placement import visible_name
from qa.scan import expand
from qa.sources import is_supported
from qa.store import SourceRow, Store
from qa.syncing import Sync


def followed_folders(library: Path) -> list[FollowedFolder]:
    """The folders the library follows: links to folders at its top (one listing of it). A link
    whose folder is gone (unmounted, moved) is listed as not present."""
    found = []
    try:
        entries = sorted(os.scandir(library), key=lambda entry: entry.name)
    except OSError:
        return []
    for entry in entries:
        if entry.name.startswith(".") or not entry.is_symlink():
            continue
        present = os.path.isdir(entry.path)
        target = Path(os.path.realpath(entry.path)) if present else Path(os.readlink(entry.path))
        if present or (not os.path.exists(entry.path) and not is_supported(Path(entry.name))):
            found.append(FollowedFolder(name=entry.name, path=target, present=present))
    return found


def find_followed(library: Path, reference: str) -> FollowedFolder | None:
    """The followed folder ``reference`` names: its name in the library, or its own path."""
    return next((folder for folder in followed_folders(library) if folder.named_by(reference)), None)


def link_folder(library: Path, folder: Path) -> str:
    """Follow ``folder``: a link to it in the library under its own name (or a free one beside
    it); returns that name. A folder inside the library, or one followed already, is refused."""
    target = folder.resolve()
    root = library.resolve()
    if target.is_relative_to(root):
        raise LibraryError(f"{folder} is inside the library already.")
    for followed in followed_folders(library):
        if followed.path == target:
            raise LibraryError(f"{folder} is followed already, as {followed.name}.")
    base = visible_name(valid_unicode(target.name) or "folder")
    for name in [base, *(f"{base}-{n}" for n in range(2, 10_000))]:
        try:
            os.symlink(target, library / name, target_is_directory=True)
            return name
        except FileExistsError:
            continue
    raise LibraryError(f"No free name for {base} in {library}.")


def counted(folders: list[FollowedFolder], store: Store) -> list[FollowedFolder]:
    """The folders with how many sources each holds."""
    if not folders:
        return []
    counts = Counter(row.name.split("/", 1)[0] for row in store.sources() if "/" in row.name)
    return [folder.model_copy(update={"sources": counts[folder.name]}) for folder in folders]


def unfollow(library: Path, batches: Batches, reference: str) -> tuple[FollowedFolder, list[SourceRow]]:
    """Stop following a folder (the caller holds the writer lock): its link goes and its
    sources leave the index; the folder and its files are never touched."""
    folder = find_followed(library, reference)
    if folder is None or not (library / folder.name).is_symlink():  # never a folder of the library's own
        raise LibraryError(f"{reference!r} is not a followed folder (see `qa sources`).")
    rows = [row for row in batches.store.sources() if row.name.startswith(f"{folder.name}/")]
    (library / folder.name).unlink()
    batches.commit([], rows)
    return folder, rows


class Following:
    """One add of folders with ``link``: each folder followed (linked, then indexed in place)."""

    def __init__(self, library: Path, folders: list[Path]) -> None:
        self.library = library
        self.folders = folders
        self.results: list[AddResult] = []
        self.linked: dict[Path, tuple[str, list[Path]]] = {}  # folder → its name, its files

    def link(self) -> None:
        """Link each folder in (the caller holds the writer lock); the next sync indexes them."""
        for folder in self.folders:
            target = folder.resolve()
            already = next((f for f in followed_folders(self.library) if f.path == target), None)
            if already is not None:
                self.results.append(AddResult(path=folder, duplicate_of=already.name))
                continue
            try:
                files, skipped = expand(folder, hidden=False, library=self.library)  # the scan never reads hidden files
                name = link_folder(self.library, folder)
            except LibraryError as error:
                self.results.append(AddResult(path=folder, error=str(error)))
                continue
            self.results += skipped
            self.linked[folder] = (name, files)

    def outcome(self, sync: Sync | None, store: Store, source: Callable[[SourceRow], Source]) -> list[AddResult]:
        """A result for each folder refused and each file found: its source, or why it has none
        (a file the sync did not reach, after ``cancel``, has no result)."""
        for folder, (name, files) in self.linked.items():
            for file in files:
                key = f"{name}/{file.relative_to(folder).as_posix()}"
                row = store.source(name=key)
                if row is not None:
                    self.results.append(AddResult(path=file, source=source(row)))
                elif sync is not None and key in sync.errors:
                    self.results.append(AddResult(path=file, error=sync.errors[key]))
        return self.results
