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

# Longest file name most file systems allow, in bytes.
NAME_MAX = 255


def place(folder: Path, batch: list[AnalysedSource], originals: list[Path], link: bool,
          settings: Settings) -> list[Path]:
    """Copy (or link) a batch's files into ``folder`` under free names, ready to commit.

    Returns the files placed, in batch order; on failure the ones already placed are removed.
    """
    placed: list[Path] = []
    try:
        for position, (analysed, original) in enumerate(zip(batch, originals)):
            target = copy_in(folder, original, link)
            placed.append(target)
            if not link and file_state(original) != analysed.state:
                # The original changed since it was analysed (git's rule: size, times,
                # inode): index what was copied.
                analysed = batch[position] = analyse(Job(target, target.name, ocr=settings.ocr), settings.chunk_max_words,
                                                     settings.max_source_mb)
            analysed.name = target.name
            analysed.origin = valid_unicode(str(original.resolve()))
            analysed.title = valid_unicode(analysed.title)
            analysed.state = file_state(target)
            if link:
                analysed.link = valid_unicode(str(original.resolve()))
    except BaseException:
        for target in placed:
            target.unlink(missing_ok=True)
        raise
    return placed


def copy_in(folder: Path, original: Path, link: bool) -> Path:
    """A copy of (or a link to) ``original`` in ``folder`` under a name no other file has,
    created atomically."""
    name = visible_name(original.name)
    if link:
        for target in free_names(folder, name):
            try:
                os.symlink(original.resolve(), target)
                return target
            except FileExistsError:
                continue
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=TEMPORARY_SUFFIX)
    try:
        os.close(handle)
        # The kernel copies (copy_file_range or sendfile). No fsync: a copy cut short by a
        # power loss no longer matches its index entry, so it is re-read (or skipped) at
        # the next open; no quote can be wrong.
        shutil.copyfile(original, temporary)
        shutil.copystat(original, temporary)
        for target in free_names(folder, name):
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
