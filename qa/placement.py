"""File placement: a file added is copied (or linked) into the library's folder under a name
no other file has, before its batch is committed."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from qa.display import valid_unicode
from qa.errors import LibraryError
from qa.files import TEMPORARY_SUFFIX
from qa.ingest import Job, analyse, file_state
from qa.records import AnalysedSource
from qa.settings import Settings
from qa.store import SourceRow

# Longest file name most file systems allow, in bytes.
NAME_MAX = 255


def place(folder: Path, batch: list[AnalysedSource], originals: list[Path], wanted: list[str],
          link: bool, settings: Settings) -> list[Path]:
    """Copy (or link) a batch's files into ``folder`` at the ``wanted`` paths (relative, with
    ``/``), or at free names beside them where those are taken, ready to commit.

    Returns the files placed, in batch order; on failure the ones already placed are removed.
    """
    placed: list[Path] = []
    try:
        for position, (analysed, original, name) in enumerate(zip(batch, originals, wanted)):
            target = copy_in(folder, original, link, name)
            placed.append(target)
            if not link and file_state(original) != analysed.state:
                # The original changed since it was analysed (git's rule: size, times,
                # inode): index what was copied.
                analysed = batch[position] = analyse(Job(target, target.name, ocr=settings.ocr), settings.chunk_max_words,
                                                     settings.max_source_mb)
            analysed.name = target.relative_to(folder).as_posix()
            analysed.origin = valid_unicode(str(original.resolve()))
            analysed.title = valid_unicode(analysed.title)
            analysed.state = file_state(target)
            if link:
                analysed.link = valid_unicode(str(original.resolve()))
    except BaseException:
        for target in placed:
            delete(folder, target)
        raise
    return placed


def copy_in(folder: Path, original: Path, link: bool, wanted: str) -> Path:
    """A copy of (or a link to) ``original`` at ``folder / wanted``, or under a free name beside
    it where that is taken (no other file is ever replaced), created atomically."""
    parts = [visible_name(part) for part in wanted.split("/")]
    place = folder.joinpath(*parts[:-1])
    try:
        place.mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # a file where a folder should be: the add stays whole beside it
        raise LibraryError(f"Cannot make the folder {place}: a file of that name is in the way.") from None
    if not place.resolve().is_relative_to(folder.resolve()):  # a followed folder is the user's own
        raise LibraryError(f"{place} leads out of the library; nothing is copied there.")
    name = parts[-1]
    if link:
        for target in free_names(place, name):
            try:
                os.symlink(original.resolve(), target)
                return target
            except FileExistsError:
                continue
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=TEMPORARY_SUFFIX)
    except OSError as error:  # name the library (read-only, full), not a file that was never made
        raise OSError(error.errno, error.strerror, str(folder)) from None
    try:
        os.close(handle)
        # The kernel copies (copy_file_range or sendfile). No fsync: a copy cut short by a
        # power loss no longer matches its index entry, so it is re-read (or skipped) at
        # the next open; no quote can be wrong.
        shutil.copyfile(original, temporary)
        shutil.copystat(original, temporary)
        for target in free_names(place, name):
            try:
                os.link(temporary, target)  # fails rather than replace a file that appeared
                return target
            except FileExistsError:
                continue
            except OSError as error:
                if error.errno not in (errno.EPERM, errno.EXDEV, errno.EOPNOTSUPP, errno.EMLINK):
                    raise
                if not target.exists():  # no hard links here: we hold the writer lock
                    os.replace(temporary, target)
                    return target
    finally:
        Path(temporary).unlink(missing_ok=True)
    raise LibraryError(f"No free name for {original.name} in {folder}.")


def visible_name(name: str) -> str:
    """A name the folder will index: no leading dot, valid UTF-8 (a byte that is not becomes �)."""
    return valid_unicode(name).lstrip(".") or "source.txt"


def fitting(stem: str, tail: str) -> str:
    """``stem + tail``, the stem shortened until the name fits the file system's NAME_MAX bytes."""
    while len(os.fsencode(stem + tail)) > NAME_MAX and stem:
        stem = stem[:-1]
    return stem + tail


def free_names(folder: Path, name: str) -> Iterable[Path]:
    stem, suffix = Path(name).stem, Path(name).suffix
    yield folder / fitting(stem, suffix)
    for n in range(2, 100_000):
        yield folder / fitting(stem, f"-{n}{suffix}")


def delete(folder: Path, target: Path) -> None:
    """Delete a file placed in ``folder`` (a link: only the link), then the folders it leaves
    empty, up to ``folder`` itself, never beyond. A file reached through a link to a folder (a
    followed folder) is the user's own and is never deleted."""
    root = folder.resolve()
    if not target.parent.resolve().is_relative_to(root):
        raise LibraryError(f"{target} is in a followed folder: qa never deletes the files there.")
    target.unlink(missing_ok=True)
    place = target.parent
    while place != folder and place.resolve().is_relative_to(root) and not place.is_symlink():
        try:
            place.rmdir()  # only if empty
        except OSError:
            return
        place = place.parent


def delete_all(folder: Path, rows: list[SourceRow]) -> tuple[list[SourceRow], OSError | None]:
    """Delete the files of these sources (see `delete`): the ones deleted, and the first error.
    If one is in a followed folder, nothing is deleted: those files are the user's own."""
    for row in rows:
        if (top := followed_folder(folder, row.name)) is not None:
            raise LibraryError(f"{row.name} is in the followed folder {top}: qa never deletes the files "
                               f"there (`qa remove {top}` stops following it).")
    gone: list[SourceRow] = []
    failure: OSError | None = None
    for row in rows:
        try:
            delete(folder, folder / row.name)
            gone.append(row)
        except OSError as error:
            failure = failure or error
    return gone, failure


def followed_folder(folder: Path, name: str) -> str | None:
    """The link to a folder (a followed folder) the file ``name`` is reached through, if any:
    such a file is the user's own."""
    parts = name.split("/")[:-1]
    for end in range(1, len(parts) + 1):
        if (folder.joinpath(*parts[:end])).is_symlink():
            return "/".join(parts[:end])
    return None
