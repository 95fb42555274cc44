"""The write path: files analysed in parallel and committed in batches, one transaction each."""

from __future__ import annotations

import dataclasses
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from qa.chunking import chunk_counts
from qa.errors import LibraryError
from qa.ingest import Job, Outcome, analyse_all
from qa.records import AnalysedSource
from qa.settings import Settings
from qa.stopping import raise_if_stopped
from qa.store import SourceRow, Store

# A batch is committed (one transaction, one segment) when it holds this many files or chunks,
# or once this many seconds have passed since its first file was analysed. A kill before a
# commit leaves that batch's files in the folder unindexed and the next command analyses them
# again: one 1,500-file batch took 15-22 s to redo, so the bound is time, whatever the files.
BATCH_FILES = 2_000
BATCH_CHUNKS = 50_000
BATCH_SECONDS = 1.0

# Puts a batch's files into the folder before its commit; returns the files it placed.
Place = Callable[[list[AnalysedSource]], list[Path]]


def place_nothing(batch: list[AnalysedSource]) -> list[Path]:
    return []


class Batches:
    """Analyses files and commits them to one store, a batch at a time."""

    def __init__(self, folder: Path, store: Store, settings: Settings) -> None:
        self.folder = folder
        self.store = store
        self.settings = settings

    def run(self, jobs: list[Job], removed: list[SourceRow],
            on_outcome: Callable[[Outcome], AnalysedSource | None],
            place: Place = place_nothing, cancelled: Callable[[], bool] = lambda: False) -> None:
        """Analyse files in parallel and commit them in batches; ``removed`` goes with the first.

        ``on_outcome`` sees each file analysed and returns what to commit of it (or None).
        ``place`` puts a batch's files into the folder before its commit; if the commit does
        not happen (an error, Ctrl+C), the files it placed are removed again.
        """
        batch: list[AnalysedSource] = []
        chunks = 0
        started = 0.0
        if self.settings.ocr:
            jobs = [dataclasses.replace(job, ocr=True) for job in jobs]
        for outcome in analyse_all(jobs, self.settings.chunk_max_words, self.settings.max_source_mb, cancelled):
            raise_if_stopped()
            analysed = on_outcome(outcome)
            if analysed is None:
                continue
            if not batch:
                started = time.monotonic()
            batch.append(analysed)
            chunks += len(analysed.chunks)
            if len(batch) >= BATCH_FILES or chunks >= BATCH_CHUNKS or time.monotonic() - started >= BATCH_SECONDS:
                self._place_and_commit(batch, removed, place)
                batch, chunks, removed = [], 0, []
        if batch or removed:
            self._place_and_commit(batch, removed, place)

    def _place_and_commit(self, batch: list[AnalysedSource], removed: list[SourceRow], place: Place) -> None:
        placed: list[Path] = []
        try:
            placed = place(batch)
            self.commit(batch, removed)
        except BaseException:
            for path in placed:
                path.unlink(missing_ok=True)
            raise

    def commit(self, added: list[AnalysedSource], removed: list[SourceRow]) -> None:
        """One transaction; a full disk or a read-only index becomes one sentence."""
        try:
            self.store.commit(added, removed, chunk_counts)
        except OSError as error:
            raise LibraryError(f"Could not save the index in {self.folder / '.qa'}: "
                               f"{error.strerror or error}.") from None
        except Exception as error:  # sqlite3 reports a full disk or a read-only file as its own errors
            if type(error).__module__ == "sqlite3":
                full = getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
                raise LibraryError(f"Could not save the index in {self.folder / '.qa'}: "
                                   f"{'the disk is full' if full else error}.") from None
            raise
