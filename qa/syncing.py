"""Bringing the index up to date with the library's folder: files changed, added or gone since
they were indexed are read again or dropped, one stat per unchanged file."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from qa.batches import Batches
from qa.ingest import Outcome
from qa.records import AnalysedSource
from qa.scan import changes


class Sync:
    """One pass over the folder; ``reread`` and ``warnings`` say what it did."""

    def __init__(self, batches: Batches) -> None:
        self.batches = batches
        self.store = batches.store
        self.reread: list[str] = []
        self.warnings: list[str] = []

    def run(self, folder: Path, reread: Collection[str] = ()) -> None:
        """``reread``: file names to analyse again even if their state looks unchanged."""
        found = changes(folder, self.store.file_states(), set(reread))
        self.warnings += found.warnings
        for source_id, state in found.touched:
            self.store.update_state(source_id, state)
        self.batches.run(found.jobs, self.store.sources_by_id(found.removed), on_outcome=self._note)

    def _note(self, outcome: Outcome) -> AnalysedSource | None:
        if outcome.error:
            self.warnings.append(f"Skipped {outcome.error}")
            return None
        self.reread.append(outcome.job.name)
        if outcome.analysed and outcome.analysed.warning:
            self.warnings.append(outcome.analysed.warning)
        return outcome.analysed
