"""The `Store` facade: one library's database, opened, locked and written through here.

It lives in ``<sources>/.qa/library.sqlite3`` beside a ``.gitignore`` of ``*``. Each change
(a batch of added sources, a removal) is one transaction, so a crash at any moment leaves the
previous state. WAL mode lets readers answer while a writer works; writers take turns through
an exclusive lock on ``.qa/lock``. The jobs are in modules of their own: `schema` (opening and
recovery), `transactions`, `catalogue` (sources and chunks), `segments` (postings, removal,
merging), `merge_policy`, `statistics` and `spellings`.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from qa.files import TEMPORARY_SUFFIX, atomic_write
from qa.locking import writer_lock
from qa.records import AnalysedSource, FileState
from qa.store import catalogue, segments, spellings, statistics
from qa.store.catalogue import ChunkRow, SourceRow
from qa.store.schema import INDEX_DIR, connect, database_path, remove_database
from qa.store.segments import Recount
from qa.store.statistics import Statistics
from qa.store.transactions import atomic, snapshot


class Store:
    """One library's database; a connection per `Store`, shared by threads under its lock."""

    def __init__(self, folder: Path, fingerprint: str, on_wait: Callable[[], None] | None = None) -> None:
        """``on_wait`` is called when a write has to wait for another process's."""
        self.folder = folder
        self.fingerprint = fingerprint
        self.in_memory = False
        self._on_wait = on_wait
        directory = folder / INDEX_DIR
        try:
            directory.mkdir(exist_ok=True)
            ignore = directory / ".gitignore"
            if not ignore.exists():
                atomic_write(ignore, b"# qa's index: rebuilt from the sources when missing\n*\n")
            connection, created = connect(database_path(folder), fingerprint, self._writer_lock)
        except (OSError, sqlite3.Error):
            # A read-only or full folder: answer from an index that lives in memory only.
            self.in_memory = True
            connection, created = connect(None, fingerprint, self._writer_lock)
        self._connection = connection
        self.created = created  # a new, empty index (a new folder, or a new schema or settings)
        legacy = directory / "index.json"
        if legacy.exists() and not self.in_memory:
            legacy.unlink(missing_ok=True)  # the old JSON index: everything is re-read once

    # -- locking, transactions, lifetime -----------------------------------------------------

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads inside see one consistent state, whatever writers commit meanwhile."""
        with snapshot(self._connection):
            yield

    @contextmanager
    def _writer_lock(self, path: Path | None, wait: float | None = None) -> Iterator[bool]:
        if path is None:
            yield True
            return
        with writer_lock(path.parent / "lock", wait, self._on_wait) as held:
            yield held

    @contextmanager
    def writing(self, wait: float | None = None) -> Iterator[bool]:
        """Hold the library's writer lock (one writer at a time, across processes).

        ``wait``: seconds to wait for another process's write (``None``: until it ends, ``0``:
        not at all); yields False when the lock was not taken in that time.
        """
        with self._writer_lock(None if self.in_memory else database_path(self.folder), wait) as held:
            if held:
                self._remove_stale_temporaries()
            yield held

    def _remove_stale_temporaries(self) -> None:
        """Temporary files of an interrupted run: no other writer is running, so none is live."""
        try:
            for directory in (self.folder, self.folder / INDEX_DIR):
                for entry in os.scandir(directory):
                    if entry.name.startswith(".") and entry.name.endswith(TEMPORARY_SUFFIX):
                        Path(entry.path).unlink(missing_ok=True)
        except OSError:
            pass

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the database after a big change, so the next
        process to open it does not have to read a long log first."""
        if not self.in_memory:
            self._connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self._connection.close()

    def discard(self) -> None:
        """Close and delete a damaged database; the next `Store` of the folder starts afresh."""
        self._connection.close()
        if not self.in_memory:
            remove_database(database_path(self.folder))

    # -- reading: statistics, postings, spellings --------------------------------------------

    def statistics(self) -> Statistics:
        return statistics.read(self._connection)

    def df_histogram(self) -> dict[int, int]:
        return statistics.df_histogram(self._connection)

    def term_frequencies(self, terms: Iterable[str]) -> dict[str, tuple[int, int]]:
        """term → (term id, document frequency), for the terms the library holds."""
        return statistics.term_frequencies(self._connection, terms)

    def postings(self, term_id: int) -> tuple[list[int], np.ndarray, np.ndarray]:
        return segments.postings(self._connection, term_id)

    def segment_lengths(self, segment: int) -> tuple[int, np.ndarray]:
        return segments.lengths(self._connection, segment)

    def dead_ranges(self) -> list[tuple[int, int]]:
        return segments.dead_ranges(self._connection)

    def spelling(self, norm: str) -> tuple[str, int, int] | None:
        return spellings.spelling(self._connection, norm)

    def words_sharing_deletions(self, variants: Iterable[str]) -> set[str]:
        return spellings.words_sharing_deletions(self._connection, variants)

    # -- reading: the catalogue --------------------------------------------------------------

    def chunk_ranges(self, keys: Iterable[str]) -> list[tuple[int, int]]:
        return catalogue.chunk_ranges(self._connection, keys)

    def layouts(self, keys: Iterable[str]) -> dict[str, tuple[int, int]]:
        return catalogue.layouts(self._connection, keys)

    def chunk(self, chunk_id: int) -> ChunkRow | None:
        return catalogue.chunk(self._connection, chunk_id)

    def sources(self) -> list[SourceRow]:
        return catalogue.sources(self._connection)

    def file_states(self) -> dict[str, tuple[int, tuple[int, int, int, int], str]]:
        return catalogue.file_states(self._connection)

    def unreadable(self) -> dict[str, tuple[int, int, int, int]]:
        """The library's files that could not be read, by name, with the state they had then."""
        return catalogue.unreadable(self._connection)

    def source_count(self) -> int:
        return catalogue.source_count(self._connection)

    def sources_by_id(self, row_ids: Sequence[int]) -> list[SourceRow]:
        """The sources with these row ids (`SourceRow.id`, not their keys)."""
        return catalogue.sources_by_row_id(self._connection, row_ids)

    def source(self, *, key: str | None = None, name: str | None = None) -> SourceRow | None:
        return catalogue.source(self._connection, key=key, name=name)

    def sources_like(self, reference: str) -> list[SourceRow]:
        return catalogue.sources_like(self._connection, reference)

    def source_with_hash(self, sha256: str) -> SourceRow | None:
        return catalogue.source_with_hash(self._connection, sha256)

    def stored_text(self, row_id: int) -> str | None:
        return catalogue.stored_text(self._connection, row_id)

    # -- writing -----------------------------------------------------------------------------

    def update_state(self, row_id: int, state: FileState) -> None:
        """A file touched but unchanged (same content hash): remember its new state."""
        with atomic(self._connection) as db:
            catalogue.update_state(db, row_id, state)

    def set_unreadable(self, files: dict[str, tuple[int, int, int, int]]) -> None:
        """Remember these files (and only these) as unreadable in their current state."""
        with atomic(self._connection) as db:
            catalogue.set_unreadable(db, files)

    def commit(self, added: Sequence[AnalysedSource] = (), removed: Sequence[SourceRow] = (),
               recount: Recount | None = None) -> list[SourceRow]:
        """Remove sources and add a batch as one new segment, all in one transaction.

        A changed file is both: readers see its old version or its new one, never neither.
        """
        if not added and not removed:
            return []
        with atomic(self._connection) as db:
            if removed:
                assert recount is not None, "removing needs the recount of what was added"
                segments.remove(db, removed, recount)
            keys = segments.add(db, added) if added else []
            segments.merge_small_segments(db)
        return [row for key in keys if (row := self.source(key=key)) is not None]
