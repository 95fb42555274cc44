"""Bringing the index up to date with the library's folder, followed folders included: files
changed, added or gone since they were indexed are read again or dropped, one stat per
unchanged file."""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection
from pathlib import Path

from qa.batches import Batches
from qa.ingest import Outcome
from qa.models import AddProgress
from qa.records import AnalysedSource
from qa.scan import changes, size, skipped


class Sync:
    """One pass over the folder; ``reread``, ``dropped``, ``errors`` and ``warnings`` say what it did."""

    def __init__(self, batches: Batches, progress: Callable[[AddProgress], None] | None = None) -> None:
        self.batches = batches
        self.store = batches.store
        self.reread: list[str] = []
        self.dropped: list[str] = []
        self.errors: dict[str, str] = {}  # file name → why it was skipped
        self.warnings: list[str] = []
        self.failures: list[str] = []  # a sentence for each file that could not be read
        self.unreadable: list[str] = []  # sources dropped: their file changed and cannot be read
        self._replacing: set[str] = set()
        self._progress = progress
        self._done = (0, 0)
        self._total = (0, 0)

    def run(self, folder: Path, reread: Collection[str] = (), cancel: threading.Event | None = None) -> None:
        """``reread``: file names to analyse again even if their state looks unchanged."""
        unreadable = self.store.unreadable()
        found = changes(folder, self.store.file_states(), set(reread), unreadable)
        self.warnings += found.warnings
        for source_id, state in found.touched:
            self.store.update_state(source_id, state)
        removed = self.store.sources_by_id(found.removed)
        read = {job.name for job in found.jobs}
        self.dropped = [row.name for row in removed if row.name not in read]
        self._replacing = {row.name for row in removed if row.name in read}
        self._total = (len(found.jobs), sum(size(job.path) for job in found.jobs) if self._progress else 0)
        self.batches.run(found.jobs, removed, on_outcome=self._note,
                         cancelled=lambda: cancel is not None and cancel.is_set())
        # A file that cannot be read is said once, not at every open: it is tried again when it changes.
        failed = found.unreadable | {name: found.states[name] for name in self.errors if name in found.states}
        if failed != unreadable:
            self.store.set_unreadable(failed)

    def _note(self, outcome: Outcome) -> AnalysedSource | None:
        if self._progress:
            self._done = (self._done[0] + 1, self._done[1] + size(outcome.job.path))
            self._progress(AddProgress(files_done=self._done[0], files_total=self._total[0], bytes_done=self._done[1],
                                       bytes_total=self._total[1], current=outcome.job.path))
        if outcome.error:
            self.errors[outcome.job.name] = outcome.error
            self.failures.append(skipped(outcome.job.name, outcome.job.path, outcome.error))
            if outcome.job.name in self._replacing:  # its source went with the old version
                self.unreadable.append(outcome.job.name)
            return None
        self.reread.append(outcome.job.name)
        if outcome.analysed and outcome.analysed.warning:
            self.warnings.append(outcome.analysed.warning)
        return outcome.analysed
