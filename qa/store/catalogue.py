"""The source catalogue: one row per source (its file's state, where its chunks are), and the
chunks' rows with their text and sentence spans."""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from qa.records import AnalysedSource, FileState, from_blob
from qa.sources import is_supported
from qa.store.sql import select_in


class StoreError(Exception):
    """The database cannot be used; the message is one sentence."""


@dataclass
class SourceRow:
    id: int  # the row id, which chunks refer to; `key` is what users and citations name it by
    key: str
    name: str
    title: str
    format: str
    size: int
    state: FileState
    sha256: str
    paragraphs: int
    chunks: int
    first_chunk: int
    segment: int
    warning: str | None
    link: str | None
    origin: str | None
    metadata: str | None

    COLUMNS = ("id, key, name, title, format, size, mtime_ns, ctime_ns, inode, sha256, paragraphs, "
               "chunks, first_chunk, segment, warning, link, origin, metadata")

    @classmethod
    def from_row(cls, row: tuple) -> SourceRow:
        (row_id, key, name, title, format_, size, mtime, ctime, inode, sha, paragraphs, chunks,
         first, segment, warning, link, origin, metadata) = row
        return cls(row_id, key, name, title, format_, size, FileState(size, mtime, ctime, inode), sha,
                   paragraphs, chunks, first, segment, warning, link, origin, metadata)


@dataclass
class ChunkRow:
    id: int
    source_key: str
    paragraph: int
    start: int
    end: int
    text: str
    sentences: list[tuple[int, int]]
    section: str | None
    page: int | None
    lines: tuple[int, int] | None
    terms: list[str]  # distinct index terms, heading included


_SELECT_SOURCES = f"SELECT {SourceRow.COLUMNS} FROM sources"


def sources(db: sqlite3.Connection) -> list[SourceRow]:
    return [SourceRow.from_row(row) for row in db.execute(f"{_SELECT_SOURCES} ORDER BY name")]


def source(db: sqlite3.Connection, *, key: str | None = None, name: str | None = None) -> SourceRow | None:
    column, value = ("key", key) if key is not None else ("name", name)
    row = db.execute(f"{_SELECT_SOURCES} WHERE {column} = ?", (value,)).fetchone()
    return SourceRow.from_row(row) if row else None


def sources_by_row_id(db: sqlite3.Connection, row_ids: Iterable[int]) -> list[SourceRow]:
    return [SourceRow.from_row(row) for row in select_in(db, f"{_SELECT_SOURCES} WHERE id IN ({{marks}})", row_ids)]


def sources_like(db: sqlite3.Connection, reference: str) -> list[SourceRow]:
    """Sources whose key or name matches ``reference`` ignoring case."""
    return [SourceRow.from_row(row) for row in db.execute(
        f"{_SELECT_SOURCES} WHERE key = ? COLLATE NOCASE OR name = ? COLLATE NOCASE", (reference, reference))]


def source_with_hash(db: sqlite3.Connection, sha256: str) -> SourceRow | None:
    row = db.execute(f"{_SELECT_SOURCES} WHERE sha256 = ? LIMIT 1", (sha256,)).fetchone()
    return SourceRow.from_row(row) if row else None


def source_count(db: sqlite3.Connection) -> int:
    return db.execute("SELECT count(*) FROM sources").fetchone()[0]


def stored_text(db: sqlite3.Connection, row_id: int) -> str | None:
    row = db.execute("SELECT text FROM sources WHERE id = ?", (row_id,)).fetchone()
    return row[0] if row else None


def file_states(db: sqlite3.Connection) -> dict[str, tuple[int, tuple[int, int, int, int], str]]:
    """file name → (row id, (size, mtime_ns, ctime_ns, inode), sha256) of every source: what
    change detection needs, as plain tuples (it runs over every file at every open)."""
    return {
        name: (row_id, (size, mtime, ctime, inode), sha)
        for row_id, name, size, mtime, ctime, inode, sha in db.execute(
            "SELECT id, name, size, mtime_ns, ctime_ns, inode, sha256 FROM sources")
    }


def chunk_ranges(db: sqlite3.Connection, keys: Iterable[str]) -> list[tuple[int, int]]:
    """[first, last] chunk ids of the sources with these keys."""
    return select_in(db, "SELECT first_chunk, first_chunk + chunks - 1 FROM sources WHERE key IN ({marks})", keys)


def layouts(db: sqlite3.Connection, keys: Iterable[str]) -> dict[str, tuple[int, int]]:
    """key → (distinct pages, distinct sections) of its chunks, for the sources with these keys."""
    return {key: (pages, sections) for key, pages, sections in select_in(
        db, "SELECT s.key, count(DISTINCT c.page), count(DISTINCT c.section) FROM sources AS s "
        "LEFT JOIN chunks AS c ON c.source = s.id WHERE s.key IN ({marks}) GROUP BY s.key", keys)}


def chunk(db: sqlite3.Connection, chunk_id: int) -> ChunkRow | None:
    row = db.execute(
        "SELECT c.id, s.key, c.paragraph, c.start, c.end, c.text, c.sentences, c.section, "
        "c.page, c.first_line, c.last_line, c.terms FROM chunks c JOIN sources s ON s.id = c.source "
        "WHERE c.id = ?", (chunk_id,)).fetchone()
    if row is None:
        return None
    sentences = from_blob(row[6]).reshape(-1, 2).tolist()
    lines = (row[9], row[10]) if row[9] is not None else None
    return ChunkRow(row[0], row[1], row[2], row[3], row[4], row[5],
                    [(int(s), int(e)) for s, e in sentences], row[7], row[8], lines, row[11].split())


def unreadable(db: sqlite3.Connection) -> dict[str, tuple[int, int, int, int]]:
    """file name → (size, mtime_ns, ctime_ns, inode) of the library's files that could not be read."""
    return {name: tuple(state) for name, *state in db.execute(
        "SELECT name, size, mtime_ns, ctime_ns, inode FROM unreadable")}


def set_unreadable(db: sqlite3.Connection, files: dict[str, tuple[int, int, int, int]]) -> None:
    db.execute("DELETE FROM unreadable")
    db.executemany("INSERT INTO unreadable VALUES (?, ?, ?, ?, ?)",
                   [(name, *state) for name, state in files.items()])


def update_state(db: sqlite3.Connection, row_id: int, state: FileState) -> None:
    db.execute("UPDATE sources SET mtime_ns = ?, ctime_ns = ?, inode = ? WHERE id = ?",
               (state.mtime_ns, state.ctime_ns, state.inode, row_id))


def insert(db: sqlite3.Connection, source: AnalysedSource, first_chunk: int, segment: int) -> str:
    """Catalogue a source and its chunks (ids from ``first_chunk`` on); returns its key."""
    key = _free_key(db, source.name)
    row_id = db.execute(
        "INSERT INTO sources (key, name, title, format, size, mtime_ns, ctime_ns, inode, "
        "sha256, paragraphs, chunks, first_chunk, segment, warning, link, origin, metadata, "
        "text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (key, source.name, source.title, source.format, source.state.size,
         source.state.mtime_ns, source.state.ctime_ns, source.state.inode,
         source.sha256, source.paragraphs, len(source.chunks), first_chunk, segment,
         source.warning, source.link, source.origin, source.metadata, source.text),
    ).lastrowid
    db.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        (first_chunk + i, row_id, chunk.paragraph, chunk.start, chunk.end, chunk.length,
         chunk.text, chunk.sentences, chunk.section, chunk.page,
         chunk.lines[0] if chunk.lines else None, chunk.lines[1] if chunk.lines else None,
         chunk.terms)
        for i, chunk in enumerate(source.chunks)
    ])
    return key


def chunks_of(db: sqlite3.Connection, row: SourceRow) -> list[tuple[str, str | None, int]]:
    """(text, section, length) of each chunk of a source."""
    return db.execute("SELECT text, section, length FROM chunks WHERE source = ?", (row.id,)).fetchall()


def delete(db: sqlite3.Connection, row: SourceRow) -> None:
    db.execute("DELETE FROM chunks WHERE source = ?", (row.id,))
    db.execute("DELETE FROM sources WHERE id = ?", (row.id,))


def move_to_segment(db: sqlite3.Connection, merged: int, segments: Sequence[int]) -> None:
    select_in(db, "UPDATE sources SET segment = ? WHERE segment IN ({marks})", segments, before=(merged,))


def _free_key(db: sqlite3.Connection, name: str) -> str:
    """A source key unique in the library ignoring case, and never another source's file name.

    The file name without its extension reads best; where that is taken (``x.txt`` and
    ``x.md``) or is itself a file name (``x.txt.md``), the whole file name. A source in a
    subfolder is known by its path (``docs/manual/backup.html``).
    """
    stem = Path(name).stem if "/" not in name else ""
    candidates = itertools.chain([stem] if stem and not is_supported(Path(stem)) else [], [name],
                                 (f"{name}-{n}" for n in range(2, 10_000)))
    for candidate in candidates:
        taken = db.execute(
            "SELECT 1 FROM sources WHERE key = ? COLLATE NOCASE OR name = ? COLLATE NOCASE",
            (candidate, candidate)).fetchone()
        if not taken:
            return candidate
    raise StoreError(f"No free id for {name}.")
