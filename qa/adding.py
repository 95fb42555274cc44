"""One `Library.add`: the paths expanded to files, analysed, checked for duplicates, placed
in the folder and committed in batches, with a result for every path and file."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from qa.batches import BATCH_FILES, Batches
from qa.errors import LibraryError
from qa.following import Following
from qa.ingest import Job, Outcome
from qa.models import AddProgress, AddResult, Source
from qa.placement import place, visible_name
from qa.records import AnalysedSource
from qa.scan import expand, size
from qa.store import SourceRow
from qa.syncing import Sync

Progress = Callable[[AddProgress], None]


class Addition:
    """The state of one add: the files to add, the results so far, and what went where."""

    def __init__(self, batches: Batches, paths: Iterable[Path], link: bool = False, hidden: bool = False) -> None:
        self.batches = batches
        self.store = batches.store
        self.link = link
        paths = list(paths)
        folders = [path for path in paths if link and path.is_dir()]  # followed, not linked file by file
        self.following = Following(batches.folder, folders)
        self.read: list[str] = []  # names of the files read, as `Library.reread` says them
        self._sync: Sync | None = None
        self.results: dict[Path, AddResult] = {}
        self.wanted: dict[Path, str] = {}  # file → the path it is meant to have in the library
        for path in [path for path in paths if path not in folders]:
            try:
                found, skipped = expand(path, hidden, batches.folder)
            except LibraryError as error:
                self.results[path] = AddResult(path=path, error=str(error))
                continue
            under = self._folder_name(path) if path.is_dir() else None
            for file in found:  # a file named twice is added once, and reported once
                relative = f"{under}/{file.relative_to(path).as_posix()}" if under else file.name
                self.wanted.setdefault(file, "/".join(map(visible_name, relative.split("/"))))
            self.results.update((result.path, result) for result in skipped)
        self.files = list(self.wanted)
        # Placeholder names keep two files called x.txt (from different folders) apart.
        self.jobs = [Job(file, f"{number}:{file.name}") for number, file in enumerate(self.files)]
        self.originals = {job.name: job.path for job in self.jobs}
        self.placed_as: dict[Path, str] = {}  # original → its name in the folder
        self._seen: dict[str, str] = {}  # sha256 → file name, within this add
        self._progress: Progress | None = None
        self._bytes_total = 0
        self._files_done = 0
        self._bytes_done = 0

    def _folder_name(self, path: Path) -> str:
        """The folder of the library a folder's files go to: its own name, unless that is a
        followed folder or a file (then a free name beside it)."""
        name = visible_name(path.resolve().name or "folder")
        root = self.batches.folder
        for candidate in [name, *(f"{name}-{n}" for n in range(2, 10_000))]:
            target = root / candidate
            if not target.is_symlink() and (target.is_dir() or not target.exists()):
                return candidate
        raise LibraryError(f"No free folder name for {name} in {root}.")

    def run(self, progress: Progress | None = None, cancel: threading.Event | None = None,
            sync: Callable[[], Sync] | None = None) -> None:
        """Analyse, place and commit every file; the caller holds the writer lock. Folders to
        follow are linked first, then indexed by ``sync`` (the library's, which reads them in place)."""
        if self.following.folders and sync is not None:
            self.following.link()
            if self.following.linked:
                self._sync = sync()
                self.read += self._sync.reread
        self._progress = progress
        self._bytes_total = sum(size(file) for file in self.files)
        self.batches.run(self.jobs, [], self._on_outcome, self._place,
                         cancelled=lambda: cancel is not None and cancel.is_set())
        if len(self.placed_as) > BATCH_FILES:
            self.store.checkpoint()

    def _on_outcome(self, outcome: Outcome) -> AnalysedSource | None:
        file = outcome.job.path
        self._files_done += 1
        self._bytes_done += size(file)
        if self._progress:
            self._progress(AddProgress(files_done=self._files_done, files_total=len(self.jobs),
                                       bytes_done=self._bytes_done, bytes_total=self._bytes_total, current=file))
        if outcome.error or outcome.analysed is None:
            self.results[file] = AddResult(path=file, error=outcome.error)
            return None
        analysed = outcome.analysed
        existing = self.store.source_with_hash(analysed.sha256)
        duplicate = existing.name if existing else self._seen.get(analysed.sha256)
        if duplicate:
            self.results[file] = AddResult(path=file, duplicate_of=duplicate)
            return None
        self._seen[analysed.sha256] = self.wanted[file]
        self.results[file] = AddResult(path=file, warning=analysed.warning)
        return analysed

    def _place(self, batch: list[AnalysedSource]) -> list[Path]:
        sources = [self.originals[analysed.name] for analysed in batch]
        placed = place(self.batches.folder, batch, sources, [self.wanted[source] for source in sources],
                       self.link, self.batches.settings)
        self.placed_as.update(zip(sources, (analysed.name for analysed in batch)))
        self.read += [analysed.name for analysed in batch]
        return placed

    def outcome(self, source: Callable[[SourceRow], Source]) -> list[AddResult]:
        """The results: folders followed, paths that gave no files, then each file in order. A
        file placed and then rolled back (Ctrl+C, an error) has no result."""
        followed = self.following.outcome(self._sync, self.store, source)
        for file, name in self.placed_as.items():
            row = self.store.source(name=name)
            if row is not None:
                self.results[file].source = source(row)
                if name != self.wanted[file]:
                    self.results[file].name_taken = self.wanted[file]
            else:
                self.results.pop(file, None)
        wanted = set(self.files)
        unexpanded = [path for path in self.results if path not in wanted]
        return followed + [self.results[p] for p in unexpanded] + [self.results[f] for f in self.files if f in self.results]
