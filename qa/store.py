"""The on-disk index: analysed sources kept as JSON so a restart skips unchanged files.

It lives in ``<sources>/.qa/index.json`` beside a ``.gitignore`` of ``*``, so it is never
committed by accident. Writes go to a temporary file that is then renamed over the old one:
an interrupted run leaves the previous index usable. A missing, stale or unreadable index is
simply rebuilt.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pydantic import BaseModel, ValidationError

from qa.models import Chunk, Span

FORMAT_VERSION = 2
INDEX_DIR = ".qa"


class StoredSource(BaseModel):
    """One analysed source file, with what tells whether the file changed since."""

    name: str
    size: int
    mtime_ns: int
    sha256: str
    title: str
    paragraphs: list[Span]
    chunks: list[Chunk]
    warning: str | None = None


class StoredIndex(BaseModel):
    version: int = FORMAT_VERSION
    fingerprint: str
    sources: list[StoredSource]


def index_path(folder: Path) -> Path:
    return folder / INDEX_DIR / "index.json"


def read(folder: Path, fingerprint: str) -> dict[str, StoredSource]:
    """The stored sources by file name; empty when the index is missing, stale or unreadable."""
    try:
        stored = StoredIndex.model_validate_json(index_path(folder).read_bytes())
    except (OSError, ValueError, ValidationError):
        return {}
    if stored.version != FORMAT_VERSION or stored.fingerprint != fingerprint:
        return {}
    return {source.name: source for source in stored.sources}


def write(folder: Path, fingerprint: str, sources: list[StoredSource]) -> None:
    """Replace the index atomically. Raises OSError when the folder is not writable."""
    directory = folder / INDEX_DIR
    directory.mkdir(exist_ok=True)
    ignore = directory / ".gitignore"
    if not ignore.exists():
        atomic_write(ignore, b"# qa's index: rebuilt from the sources when missing\n*\n")
    payload = StoredIndex(fingerprint=fingerprint, sources=sources).model_dump_json()
    atomic_write(index_path(folder), payload.encode())


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

