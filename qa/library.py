"""The one public object: open a sources folder, ask, add, remove, list.

The CLI, the terminal UI, the tests and the benchmarks all come in through `Library`. The jobs
behind it live beside it: folder scanning (`qa.scan`), the batched write path (`qa.batches`),
an add (`qa.adding`), file placement (`qa.placement`) and quote verification (`qa.verification`).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from qa import lookup
from qa.adding import Addition, Progress
from qa.following import counted, followed_folders, unfollow
from qa.answer import NOT_COVERED, Answerer
from qa.batches import Batches
from qa.display import describe_os_error
from qa.errors import LibraryError
from qa.home import sources_folder
from qa.index import StoredIndex
from qa.models import AddResult, Answer, FollowedFolder, SearchHit, Source, SourceLayout, SyncResult
from qa.placement import delete_all
from qa.numbering import without_citations
from qa.question import checked_question
from qa.settings import Settings
from qa.store import SourceRow, Store, is_damage
from qa.syncing import Sync
from qa.verification import QuoteChecker

# How long a question waits for another process's write before answering without the
# sources that changed: a reader never waits on a writer for long.
READER_WAIT = 5.0
# Sources the answerer looked up, kept between questions.
SOURCES_KEPT = 4096

__all__ = ["Library", "LibraryError", "Progress"]


class _SourcesByKey(Mapping[str, Source]):
    """Sources looked up one by one, as the answerer needs them: nothing loaded up front, and
    each kept until the index moves to another commit."""

    def __init__(self, library: Library) -> None:
        self._library = library
        self._found: dict[str, Source] = {}
        self._generation = -1

    def __getitem__(self, key: str) -> Source:
        if self._library._index.generation != self._generation:
            self._found.clear()
            self._generation = self._library._index.generation
        if key not in self._found:
            if len(self._found) >= SOURCES_KEPT:
                self._found.clear()
            row = self._library._store.source(key=key)
            if row is None:
                raise KeyError(key)
            self._found[key] = self._library._source(row)
        return self._found[key]

    def __iter__(self):
        return (row.key for row in self._library._store.sources())

    def __len__(self) -> int:
        return self._library._store.source_count()


class Library:
    """The sources of one folder, indexed and ready to answer questions.

    Safe to share between threads (asking, adding and removing take turns) and between
    processes (writers take the store's lock; readers see the last committed state).
    """

    def __init__(self, folder: Path, settings: Settings, refresh: bool = True,
                 waiting: Callable[[], None] | None = None) -> None:
        """``waiting`` is called when adding or removing has to wait for another process."""
        self.folder = folder
        self.settings = settings
        self.warnings: list[str] = []
        self.reread: list[str] = []
        self._lock = threading.RLock()
        self._waiting = waiting
        self._damaged = False  # the index was found damaged and dropped: read the folder again
        self._open_index()
        if self._store.in_memory:
            self.warnings.append(
                f"Could not write the index in {folder / '.qa'}; it lives in memory for this run.")
        if refresh or self._store.created:
            try:
                self.refresh()
            except sqlite3.DatabaseError as error:
                if not is_damage(error):
                    raise
                # The index is a cache of the folder: a damaged one is made again from the files.
                self._store.discard()
                self._open_index()
                self.refresh()

    def _open_index(self) -> None:
        self._store = Store(self.folder, self.settings.index_fingerprint(), on_wait=self._waiting)
        self._index = StoredIndex(self._store, self.settings)
        self._answerer = Answerer(self._index, _SourcesByKey(self), self.settings)
        self._batches = Batches(self.folder, self._store, self.settings)
        self._checker = QuoteChecker(self.folder, self._store)

    @contextmanager
    def _damage_reported(self) -> Iterator[None]:
        """SQLite finding the index damaged (a page overwritten) becomes one sentence, and the
        index is dropped so that the next open makes it again from the files."""
        try:
            yield
        except sqlite3.DatabaseError as error:
            if not is_damage(error):
                raise
            self._store.discard()
            self._open_index()  # empty: the next question or listing reads every file again
            self._damaged = True
            raise LibraryError(f"The index in {self.folder / '.qa'} was damaged; it is made again from "
                               "the sources (run the command again).") from None

    def _rebuild_if_damaged(self) -> None:
        """After damage dropped the index, read the folder again before the next read: a UI
        that stays open would otherwise show an empty library until it is restarted."""
        if self._damaged:
            self._damaged = False
            self.refresh(wait=READER_WAIT)

    @classmethod
    def open(cls, folder: Path | None = None, settings: Settings | None = None,
             create: bool = False, refresh: bool = True,
             waiting: Callable[[], None] | None = None) -> Library:
        """Open (and bring up to date) a sources folder; ``create`` makes it when missing.

        Without ``refresh`` the folder is not scanned for changed files (one stat per file: a
        second at 100,000 files): for adding or removing named sources, which need only the
        index. The next question brings the index up to date.
        """
        settings = settings or Settings()
        return cls(sources_folder(folder, settings.sources, create), settings, refresh, waiting)

    # -- reading ---------------------------------------------------------------------------

    @property
    def sources(self) -> list[Source]:
        # Every read takes the lock: the connection is shared, and a read beside a commit in
        # progress (another thread's) would see rows that may yet be rolled back.
        followed = {folder.name for folder in followed_folders(self.folder)}
        with self._lock, self._damage_reported():
            self._rebuild_if_damaged()
            return [self._source(row, followed) for row in self._store.sources()]

    @property
    def source_count(self) -> int:
        """How many sources there are, without building them (there may be 100,000)."""
        with self._lock:
            return self._store.source_count()

    @property
    def generation(self) -> int:
        """A number that changes with every commit to the library, by this process or another."""
        with self._lock:
            return self._store.statistics().generation

    def layouts(self, source_ids: Sequence[str]) -> dict[str, SourceLayout]:
        """Pages and sections of these sources (ids), counted from their stored passages.

        An id the library does not hold (any more) is left out.
        """
        with self._lock:
            return {source_id: SourceLayout(pages=pages, sections=sections)
                    for source_id, (pages, sections) in self._store.layouts(source_ids).items()}

    def followed(self, counts: bool = True) -> list[FollowedFolder]:
        """The folders the library follows (one listing of its folder), with how many sources
        each holds when ``counts`` (that reads the whole catalogue)."""
        folders = followed_folders(self.folder)
        if not counts:
            return folders
        with self._lock:
            return counted(folders, self._store)

    def _source(self, row: SourceRow, followed: Collection[str] | None = None) -> Source:
        return lookup.as_source(self.folder, row, followed)

    def ask(self, question: str, previous: Sequence[str] = (),
            sources: Sequence[str] | None = None) -> Answer:
        """Answer ``question``; ``previous`` questions of the conversation give it context and
        ``sources`` (ids) restricts the answer to those sources.

        Every quote is checked against its file before it is returned: a source that changed
        since it was indexed is re-read and the question answered again.
        """
        question = checked_question(question, self.settings.max_question_chars)
        with self._lock, self._damage_reported():
            self._rebuild_if_damaged()
            answer = self._answer(question, previous, sources)
            stale = self._stale_citations(answer)
            if stale:
                # Re-read the cited files even if their size and times look unchanged: the
                # index disagrees with them (an edit within the clock's tick, or a damaged index).
                self.refresh(wait=READER_WAIT, reread={c.path.relative_to(self.folder).as_posix()
                                                         for c in answer.citations if c.n in stale})
                self._checker.forget()
                answer = self._answer(question, previous, sources)
                stale = self._stale_citations(answer)
            return without_citations(answer, stale, NOT_COVERED) if stale else answer

    def _answer(self, question: str, previous: Sequence[str], sources: Sequence[str] | None) -> Answer:
        # One read transaction: the chunks and sources an answer cites come from the commit its
        # ranking saw, even when another process removes them meanwhile.
        with self._store.snapshot():
            self._index.sync()
            return self._answerer.answer(question, previous, sources=sources)

    def search(self, question: str, k: int = 10) -> list[SearchHit]:
        """The ``k`` passages BM25 ranks best for a question (read as `ask` reads it)."""
        with self._lock:
            self._index.sync()
            query = self._answerer.reader.read(question)
            hits = self._index.top(query.weights, k)
            return [SearchHit(source=chunk.source, chunk=hit.chunk, score=hit.score)
                    for hit in hits if (chunk := self._index.chunk(hit.chunk)) is not None]

    def _stale_citations(self, answer: Answer) -> set[int]:
        return self._checker.stale_citations(answer)

    def find(self, reference: str) -> Source:
        """A source by id, file name or path (exactly, or ignoring case when that is unambiguous)."""
        with self._lock:
            return self._source(self._resolve(reference))

    def _resolve(self, reference: str) -> SourceRow:
        return lookup.resolve(self._store, self.folder, reference)

    def matching(self, pattern: str) -> list[Source]:
        """Sources whose id, file name or title matches a shell pattern (``*report*``), ignoring
        case; a plain word matches as a part of any of them."""
        with self._lock:
            return [self._source(row) for row in lookup.matching(self._store.sources(), pattern)]

    def added_from(self, folder: Path) -> list[Source]:
        """Sources copied or linked from inside ``folder``."""
        with self._lock:
            return [self._source(row) for row in lookup.added_from(self._store.sources(), folder)]

    def holds(self, source_id: str) -> bool:
        """Whether the library has a source with this id (one cited earlier may have been removed)."""
        return self._store.source(key=source_id) is not None

    def text(self, source_id: str) -> str:
        """The whole text of a source, the text citation offsets point into."""
        with self._lock:
            row = self._resolve(source_id)
            stored = self._store.stored_text(row.id)
        # Outside the lock: reading a big file must not hold up questions.
        return stored if stored is not None else lookup.file_text(self.folder / row.name, self.settings.max_source_mb)

    # -- changing --------------------------------------------------------------------------

    def refresh(self, wait: float | None = 0, reread: Collection[str] = ()) -> SyncResult:
        """Bring the index up to date with the folder and the folders it follows, re-reading only
        changed files (and the files named in ``reread``, whatever their state).

        A library another process is writing (for longer than ``wait`` seconds; ``None``: wait
        until it is done) is left as it was committed: answers stay consistent, and every quote
        is still checked against its file.
        """
        with self._lock, self._store.writing(wait) as held:
            if not held:
                self.warnings.append("Another qa process is updating this library; "
                                     "answering from what it has saved so far.")
                return SyncResult()
            sync = self._sync(reread)
            return SyncResult(read=sync.reread, dropped=sync.dropped, unreadable=sync.unreadable)

    def _sync(self, reread: Collection[str] = (), progress: Progress | None = None,
              cancel: threading.Event | None = None, failures: bool = True) -> Sync:
        """``failures``: the files it could not read become warnings (an add says them in its
        results instead, once)."""
        sync = Sync(self._batches, progress)
        self.reread = sync.reread  # filled as it goes: what was read stays said after an error
        try:
            sync.run(self.folder, reread, cancel)
        finally:
            self.warnings += sync.warnings + (sync.failures if failures else [])
        return sync

    def add(self, paths: Iterable[Path], progress: Progress | None = None,
            cancel: threading.Event | None = None, link: bool = False, hidden: bool = False) -> list[AddResult]:
        """Copy files (or every supported file of a folder, its subfolders' too) in and index them.

        The originals are never moved or changed (with ``link``, the sources folder gets a
        symbolic link to each instead of a copy). A folder's hidden files and folders are
        skipped unless ``hidden``, and reported; its files of other formats are reported too.
        The same content twice is reported, not copied; a name already taken gets a new name.
        A bad file is reported in its result and never stops the others. Work is committed in
        batches: after Ctrl+C or ``cancel``, what was committed stays and nothing half-done remains.

        A folder with ``link`` is followed: linked, not its files one by one, and indexed where
        it is; each open (`refresh`) then picks up its new, changed and deleted files.
        """
        addition = Addition(self._batches, paths, link, hidden)
        with self._lock, self._store.writing():
            self.reread = []
            try:
                addition.run(progress, cancel, sync=lambda: self._sync(progress=progress, cancel=cancel, failures=False))
            finally:
                self.reread = addition.read
            return addition.outcome(self._source)

    def unfollow(self, reference: str) -> tuple[FollowedFolder, list[Source]]:
        """Stop following a folder (named as in the library, or by its path): its link and its
        sources go; the folder and its files are never touched."""
        with self._lock, self._store.writing():
            folder, rows = unfollow(self.folder, self._batches, reference)
            return folder, [self._source(row, followed=[folder.name]) for row in rows]

    def remove(self, references: str | Sequence[str]) -> list[Source]:
        """Delete sources from the folder and the index (a linked source: only its link), and
        the folders of the library they leave empty.

        Every reference must name exactly one source, or nothing is removed.
        """
        if isinstance(references, str):
            references = [references]
        with self._lock, self._store.writing():
            rows = {(row.id, row.name): row for row in map(self._resolve, references)}
            gone, failure = delete_all(self.folder, list(rows.values()))
            self._batches.commit([], [row for row in gone if row.id >= 0])  # a broken link is not indexed
            if failure is not None:
                raise LibraryError(describe_os_error(failure))
            return [self._source(row) for row in gone]


