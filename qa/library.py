"""The one public object: open a sources folder, ask, add, remove, list.

The CLI, the terminal UI, the tests and the benchmarks all come in through `Library`.
"""

from __future__ import annotations

import errno
import fnmatch
import hashlib
import os
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from qa.answer import NOT_COVERED, Answerer
from qa.display import describe_os_error, plural, valid_unicode
from qa.formats.text import decode
from qa.home import default_folder
from qa.index import StoredIndex
from qa.chunking import chunk_counts
from qa.ingest import Job, Outcome, analyse, analyse_all, file_state
from qa.models import AddProgress, AddResult, Answer, SearchHit, Source, SourceLayout
from qa.numbering import without_citations
from qa.settings import Settings
from qa.errors import LibraryError
from qa.sources import SUPPORTED_FORMATS, SUPPORTED_SUFFIXES, SourceError, is_supported, load
from qa.files import TEMPORARY_SUFFIX
from qa.records import AnalysedSource, FileState
from qa.store import SourceRow, Store, is_damage

# A batch is committed (one transaction, one segment) when it holds this many files or chunks.
BATCH_FILES = 2_000
BATCH_CHUNKS = 50_000
# Longest file name most file systems allow, in bytes.
NAME_MAX = 255
# Plain-text sources whose text is kept in memory for checking quotes, by (name, state).
TEXT_CACHE = 16
# How long a question waits for another process's write before answering without the
# sources that changed: a reader never waits on a writer for long.
READER_WAIT = 5.0


Progress = Callable[[AddProgress], None]


class _SourcesByKey(Mapping[str, Source]):
    """Sources looked up one by one, as the answerer needs them: nothing loaded up front."""

    def __init__(self, library: Library) -> None:
        self._library = library

    def __getitem__(self, key: str) -> Source:
        row = self._library._store.source(key=key)
        if row is None:
            raise KeyError(key)
        return self._library._source(row)

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
        self._texts: dict[tuple[str, object], str] = {}
        self._waiting = waiting
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
            self._open_index()  # empty: the next refresh reads every file again
            raise LibraryError(f"The index in {self.folder / '.qa'} was damaged; it is made again from "
                               "the sources at the next start (run the command again).") from None

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
        folder = folder if folder is not None else default_folder(settings.sources)
        if not folder.exists():
            if not create:
                raise LibraryError(f"The sources folder {folder} does not exist.")
            folder.mkdir(parents=True)
        elif not folder.is_dir():
            raise LibraryError(f"{folder} is not a folder.")
        return cls(folder, settings, refresh, waiting)

    # -- reading ---------------------------------------------------------------------------

    @property
    def sources(self) -> list[Source]:
        # Every read takes the lock: the connection is shared, and a read beside a commit in
        # progress (another thread's) would see rows that may yet be rolled back.
        with self._lock, self._damage_reported():
            return [self._source(row) for row in self._store.sources()]

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

    def _source(self, row: SourceRow) -> Source:
        return Source(
            id=row.key, title=row.title, path=self.folder / row.name, paragraphs=row.paragraphs,
            chunks=row.chunks, sha256=row.sha256, format=row.format, size=row.state.size,
            link=Path(row.link) if row.link else None,
            origin=Path(row.origin) if row.origin else None,
        )

    def ask(self, question: str, previous: Sequence[str] = (),
            sources: Sequence[str] | None = None) -> Answer:
        """Answer ``question``; ``previous`` questions of the conversation give it context and
        ``sources`` (ids) restricts the answer to those sources.

        Every quote is checked against its file before it is returned: a source that changed
        since it was indexed is re-read and the question answered again.
        """
        if not question.strip():
            raise LibraryError("The question is empty.")
        if len(question.strip()) > self.settings.max_question_chars:
            raise LibraryError(f"The question is {len(question.strip()):,} characters long; the limit is "
                               f"{self.settings.max_question_chars:,} (QA_MAX_QUESTION_CHARS).")
        with self._lock, self._damage_reported():
            answer = self._answer(question.strip(), previous, sources)
            stale = self._stale_citations(answer)
            if stale:
                # Re-read the cited files even if their size and times look unchanged: the
                # index disagrees with them (an edit within the clock's tick, or a damaged index).
                self.refresh(wait=READER_WAIT, reread={c.path.name for c in answer.citations if c.n in stale})
                answer = self._answer(question.strip(), previous, sources)
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
        """The citations whose passage or quotes are not, at their offsets, in the source now."""
        stale = set()
        texts = {}
        for citation in answer.citations:
            row = self._store.source(key=citation.source)
            text = self._current_text(row) if row else None
            texts[citation.n] = text
            if text is None or text[citation.start:citation.end] != citation.passage:
                stale.add(citation.n)
        for quote in answer.quotes:
            text = texts.get(quote.citation)
            if text is None or text[quote.start:quote.end] != quote.text:
                stale.add(quote.citation)
        return stale

    def _current_text(self, row: SourceRow) -> str | None:
        """The text a source's offsets index, if its file is still the one indexed."""
        try:
            state = file_state(self.folder / row.name)
        except SourceError:
            return None
        if state != row.state:
            return None
        stored = self._store.stored_text(row.id)
        if stored is not None:
            return stored
        key = (row.name, state)
        if key not in self._texts:
            try:  # a plain UTF-8 text: its text is the file's, as text mode reads it
                text = decode((self.folder / row.name).read_bytes(), row.name)[0]
            except (SourceError, OSError):
                return None
            if len(self._texts) >= TEXT_CACHE:
                self._texts.clear()
            self._texts[key] = text
        return self._texts[key]

    def find(self, reference: str) -> Source:
        """A source by id, file name or path (exactly, or ignoring case when that is unambiguous)."""
        with self._lock:
            return self._source(self._resolve(reference))

    def _resolve(self, reference: str) -> SourceRow:
        row = self._store.source(key=reference) or self._store.source(name=reference)
        if row is None:
            path = Path(reference)
            if path.parent != Path(".") and path.resolve().parent == self.folder.resolve():
                row = self._store.source(name=path.name)
        if row is not None:
            return row
        matches = self._store.sources_like(reference)
        if len(matches) == 1:
            return matches[0]
        if matches:
            names = ", ".join(sorted(match.name for match in matches))
            raise LibraryError(f"{reference!r} could mean any of {names}; give the exact file name.")
        broken = self._broken_link(reference)
        if broken is not None:
            return broken
        raise LibraryError(f"No source called {reference!r} (see `qa sources`).")

    def _broken_link(self, reference: str) -> SourceRow | None:
        """A link in the folder whose original is gone, by its file name or id: the index has
        dropped it (and warns of it at every scan), but `remove` must still be able to delete it."""
        wanted = Path(reference).name.lower()
        try:
            entries = list(os.scandir(self.folder))
        except OSError:
            return None
        for entry in entries:
            name = entry.name
            if name.startswith(".") or not is_supported(Path(name)) or wanted not in (name.lower(), Path(name).stem.lower()):
                continue
            if entry.is_symlink() and not os.path.exists(entry.path):
                return SourceRow(id=-1, key=Path(name).stem, name=name, title=name,
                                 format=Path(name).suffix.lstrip("."), size=0, state=FileState(0, 0, 0, 0),
                                 sha256="", paragraphs=0, chunks=0, first_chunk=0, segment=0, warning=None,
                                 link=os.readlink(entry.path), origin=None, metadata=None)
        return None

    def matching(self, pattern: str) -> list[Source]:
        """Sources whose id, file name or title matches a shell pattern (``*report*``), ignoring
        case; a plain word matches as a part of any of them."""
        if not any(char in pattern for char in "*?["):
            pattern = f"*{pattern}*"
        pattern = pattern.lower()
        with self._lock:
            return [self._source(row) for row in self._store.sources()
                    if any(fnmatch.fnmatchcase(value.lower(), pattern) for value in (row.key, row.name, row.title))]

    def added_from(self, folder: Path) -> list[Source]:
        """Sources copied or linked from inside ``folder``."""
        root = folder.resolve()
        with self._lock:
            return [self._source(row) for row in self._store.sources()
                    if any(origin and Path(origin).is_relative_to(root) for origin in (row.origin, row.link))]

    def holds(self, source_id: str) -> bool:
        """Whether the library has a source with this id (one cited earlier may have been removed)."""
        return self._store.source(key=source_id) is not None

    def text(self, source_id: str) -> str:
        """The whole text of a source, the text citation offsets point into."""
        with self._lock:
            row = self._resolve(source_id)
            stored = self._store.stored_text(row.id)
        if stored is not None:
            return stored
        try:  # outside the lock: reading a big file must not hold up questions
            return load(self.folder / row.name, self.settings.max_source_mb).text
        except SourceError as error:
            raise LibraryError(str(error)) from None

    # -- changing --------------------------------------------------------------------------

    def refresh(self, wait: float | None = 0, reread: Collection[str] = ()) -> None:
        """Bring the index up to date with the folder, re-reading only changed files (and the
        files named in ``reread``, whatever their state).

        A library another process is writing (for longer than ``wait`` seconds; ``None``: wait
        until it is done) is left as it was committed: answers stay consistent, and every quote
        is still checked against its file.
        """
        with self._lock, self._store.writing(wait) as held:
            if held:
                self._sync(reread)
            else:
                self.warnings.append("Another qa process is updating this library; "
                                     "answering from what it has saved so far.")

    def _sync(self, reread: Collection[str] = ()) -> None:
        """``reread``: file names to analyse again even if their state looks unchanged."""
        # One stat per file and no objects for unchanged ones: this runs at every open.
        states = self._store.file_states()
        jobs: list[Job] = []
        removed: list[int] = []
        self.reread = []
        try:
            entries = list(os.scandir(self.folder))
        except OSError as error:
            raise LibraryError(f"Cannot read the sources folder {self.folder}: {error.strerror}.") from None
        for entry in entries:
            name = entry.name
            if name.startswith(".") or os.path.splitext(name)[1].lower() not in SUPPORTED_SUFFIXES:
                continue
            if valid_unicode(name) != name:  # renaming it would change the user's folder: say so
                self.warnings.append(f"Skipped {valid_unicode(name)}: its file name is not valid UTF-8; "
                                     "rename it to add it.")
                continue
            known = states.pop(name, None)
            unchanged = known is not None and name not in reread  # a file to reread counts as new
            try:
                status = entry.stat()
                if unchanged and known[1] == (status.st_size, status.st_mtime_ns, status.st_ctime_ns,
                                              status.st_ino):
                    continue
                path = Path(entry.path)
                file_state(path)  # a pipe or a device is refused here, never opened
                if unchanged and _sha256(path) == known[2]:
                    self._store.update_state(known[0], FileState.of(status))
                    continue
            except (SourceError, OSError) as error:
                self.warnings.append(f"Skipped {_reason(error, Path(entry.path))}")
                if known is not None:
                    removed.append(known[0])
                continue
            if known is not None:
                removed.append(known[0])
            jobs.append(Job(path, name, link=os.readlink(path) if entry.is_symlink() else None))
        jobs.sort(key=lambda job: job.name)
        removed += [known[0] for known in states.values()]  # files no longer in the folder
        removed_rows = self._store.sources_by_id(removed)
        self._analyse_and_commit(jobs, removed_rows, on_outcome=self._note_sync_outcome)

    def _note_sync_outcome(self, outcome: Outcome) -> AnalysedSource | None:
        if outcome.error:
            self.warnings.append(f"Skipped {outcome.error}")
            return None
        self.reread.append(outcome.job.name)
        if outcome.analysed and outcome.analysed.warning:
            self.warnings.append(outcome.analysed.warning)
        return outcome.analysed

    def _analyse_and_commit(self, jobs: list[Job], removed: list[SourceRow],
                            on_outcome: Callable[[Outcome], AnalysedSource | None],
                            place: Callable[[list[AnalysedSource]], list[Path]] = lambda batch: [],
                            cancelled: Callable[[], bool] = lambda: False) -> None:
        """Analyse files in parallel and commit them in batches; ``removed`` goes with the first.

        ``place`` puts a batch's files into the folder before its commit; if the commit does
        not happen (an error, Ctrl+C), the files it placed are removed again.
        """
        batch: list[AnalysedSource] = []
        chunks = 0
        for outcome in analyse_all(jobs, self.settings.chunk_max_words, self.settings.max_source_mb, cancelled):
            analysed = on_outcome(outcome)
            if analysed is None:
                continue
            batch.append(analysed)
            chunks += len(analysed.chunks)
            if len(batch) >= BATCH_FILES or chunks >= BATCH_CHUNKS:
                self._place_and_commit(batch, removed, place)
                batch, chunks, removed = [], 0, []
        if batch or removed:
            self._place_and_commit(batch, removed, place)

    def _place_and_commit(self, batch: list[AnalysedSource], removed: list[SourceRow],
                          place: Callable[[list[AnalysedSource]], list[Path]]) -> None:
        placed: list[Path] = []
        try:
            placed = place(batch)
            self._commit(batch, removed)
        except BaseException:
            for path in placed:
                path.unlink(missing_ok=True)
            raise

    def _commit(self, added: list[AnalysedSource], removed: list[SourceRow]) -> None:
        try:
            self._store.commit(added, removed, chunk_counts)
        except OSError as error:
            raise LibraryError(f"Could not save the index in {self.folder / '.qa'}: "
                               f"{error.strerror or error}.") from None
        except Exception as error:  # sqlite3 reports a full disk or a read-only file as its own errors
            if type(error).__module__ == "sqlite3":
                full = getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
                raise LibraryError(f"Could not save the index in {self.folder / '.qa'}: "
                                   f"{'the disk is full' if full else error}.") from None
            raise

    def add(self, paths: Iterable[Path], progress: Progress | None = None,
            cancel: threading.Event | None = None, link: bool = False, hidden: bool = False) -> list[AddResult]:
        """Copy files (or every supported file of a folder, its subfolders' too) in and index them.

        The originals are never moved or changed (with ``link``, the sources folder gets a
        symbolic link to each instead of a copy). A folder's hidden files and folders are
        skipped unless ``hidden``, and reported; its files of other formats are reported too.
        The same content twice is reported, not copied; a name already taken gets a new name.
        A bad file is reported in its result and never stops the others. Work is committed in
        batches: after Ctrl+C or ``cancel``, what was committed stays and nothing half-done remains.
        """
        files: list[Path] = []
        results: dict[Path, AddResult] = {}
        for path in paths:
            try:
                found, skipped = _expand(path, hidden)
            except LibraryError as error:
                results[path] = AddResult(path=path, error=str(error))
                continue
            files += found
            results.update((result.path, result) for result in skipped)
        files = list(dict.fromkeys(files))  # a file named twice is added once, and reported once
        with self._lock, self._store.writing():
            self.reread = []
            # Placeholder names keep two files called x.txt (from different folders) apart.
            jobs = [Job(file, f"{number}:{file.name}") for number, file in enumerate(files)]
            originals = {job.name: job.path for job in jobs}
            total = sum(_size(file) for file in files)
            done = {"files": 0, "bytes": 0}
            seen: dict[str, str] = {}
            placed_as: dict[Path, str] = {}

            def on_outcome(outcome: Outcome) -> AnalysedSource | None:
                file = outcome.job.path
                done["files"] += 1
                done["bytes"] += _size(file)
                if progress:
                    progress(AddProgress(files_done=done["files"], files_total=len(jobs),
                                         bytes_done=done["bytes"], bytes_total=total, current=file))
                if outcome.error or outcome.analysed is None:
                    results[file] = AddResult(path=file, error=outcome.error)
                    return None
                analysed = outcome.analysed
                existing = self._store.source_with_hash(analysed.sha256)
                duplicate = existing.name if existing else seen.get(analysed.sha256)
                if duplicate:
                    results[file] = AddResult(path=file, duplicate_of=duplicate)
                    return None
                seen[analysed.sha256] = file.name
                results[file] = AddResult(path=file, warning=analysed.warning)
                return analysed

            def place(batch: list[AnalysedSource]) -> list[Path]:
                sources = [originals[analysed.name] for analysed in batch]
                placed = self._place(batch, sources, link)
                placed_as.update(zip(sources, (target.name for target in placed)))
                self.reread += [target.name for target in placed]
                return placed

            try:
                self._analyse_and_commit(jobs, [], on_outcome, place,
                                         cancelled=lambda: cancel is not None and cancel.is_set())
                if len(placed_as) > BATCH_FILES:
                    self._store.checkpoint()
            finally:
                for file, name in placed_as.items():
                    row = self._store.source(name=name)
                    if row is not None:
                        results[file].source = self._source(row)
                    else:  # placed, then rolled back
                        results.pop(file, None)
        wanted = set(files)
        unexpanded = [path for path in results if path not in wanted]
        return [results[p] for p in unexpanded] + [results[file] for file in files if file in results]

    def _place(self, batch: list[AnalysedSource], originals: list[Path], link: bool) -> list[Path]:
        """Copy (or link) a batch's files into the folder under free names, ready to commit.

        Returns the files placed, in batch order; on failure the ones already placed are removed.
        """
        placed: list[Path] = []
        try:
            for position, (analysed, original) in enumerate(zip(batch, originals)):
                target = self._copy_in(original, link)
                placed.append(target)
                if not link and file_state(original) != analysed.state:
                    # The original changed since it was analysed (git's rule: size, times,
                    # inode): index what was copied.
                    analysed = batch[position] = analyse(Job(target, target.name), self.settings.chunk_max_words,
                                                         self.settings.max_source_mb)
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

    def _copy_in(self, original: Path, link: bool) -> Path:
        """A copy of (or a link to) ``original`` under a name no other file has, created atomically."""
        name = _visible_name(original.name)
        if link:
            for target in _free_names(self.folder, name):
                try:
                    os.symlink(original.resolve(), target)
                    return target
                except FileExistsError:
                    continue
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=TEMPORARY_SUFFIX)
        try:
            os.close(handle)
            # The kernel copies (copy_file_range or sendfile). No fsync: a copy cut short by a
            # power loss no longer matches its index entry, so it is re-read (or skipped) at
            # the next open; no quote can be wrong.
            shutil.copyfile(original, temporary)
            shutil.copystat(original, temporary)
            for target in _free_names(self.folder, name):
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
        raise LibraryError(f"No free name for {original.name} in {self.folder}.")

    def remove(self, references: str | Sequence[str]) -> list[Source]:
        """Delete sources from the folder and the index (a linked source: only its link).

        Every reference must name exactly one source, or nothing is removed.
        """
        if isinstance(references, str):
            references = [references]
        with self._lock, self._store.writing():
            rows = {(row.id, row.name): row for row in map(self._resolve, references)}
            gone: list[SourceRow] = []
            failure: OSError | None = None
            for row in rows.values():
                try:
                    (self.folder / row.name).unlink(missing_ok=True)
                    gone.append(row)
                except OSError as error:
                    failure = failure or error
            self._commit([], [row for row in gone if row.id >= 0])  # a broken link is not indexed
            if failure is not None:
                raise LibraryError(describe_os_error(failure))
            return [self._source(row) for row in gone]


def _sha256(path: Path) -> str:
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _reason(error: Exception, path: Path) -> str:
    if isinstance(error, SourceError):
        return str(error)
    return f"{path} cannot be read: {getattr(error, 'strerror', None) or error}."


def _visible_name(name: str) -> str:
    """A name the folder will index: no leading dot, valid UTF-8 (a byte that is not becomes �)."""
    return valid_unicode(name).lstrip(".") or "source.txt"


def _fitting(stem: str, tail: str) -> str:
    """``stem + tail``, the stem shortened until the name fits the file system's NAME_MAX bytes."""
    while len(os.fsencode(stem + tail)) > NAME_MAX and stem:
        stem = stem[:-1]
    return stem + tail


def _free_names(folder: Path, name: str) -> Iterable[Path]:
    stem, suffix = Path(name).stem, Path(name).suffix
    yield folder / _fitting(stem, suffix)
    for n in range(2, 100_000):
        yield folder / _fitting(stem, f"-{n}{suffix}")


def _expand(path: Path, hidden: bool) -> tuple[list[Path], list[AddResult]]:
    """The files to add for one path (the file itself, or a folder's supported files), and the
    results of a folder's files that are skipped: other formats, and hidden ones unless ``hidden``."""
    if path.is_dir():
        files: list[Path] = []
        skipped: list[AddResult] = []
        unreadable: list[OSError] = []
        for file in _files_under(path, unreadable):
            relative = file.relative_to(path)
            hiding = next((i for i, part in enumerate(relative.parts) if part.startswith(".")), None)
            if hiding is not None and not hidden:
                skipped.append(AddResult(path=file, unsupported=not is_supported(file),
                                         hidden=Path(*relative.parts[:hiding + 1])))
            elif is_supported(file):
                files.append(file)
            else:
                skipped.append(AddResult(path=file, unsupported=True))
        failed = [AddResult(path=Path(error.filename or path), error=_reason(error, Path(error.filename or path)))
                  for error in unreadable]
        if not files:
            raise LibraryError(failed[0].error if failed else _nothing_to_add(path, skipped))
        return files, skipped + failed
    if not path.exists() and not path.is_symlink():
        raise LibraryError(f"{path} does not exist.")
    if not is_supported(path):
        raise LibraryError(f"{path.name} is not a supported format (supported: {SUPPORTED_FORMATS}).")
    return [path], []


def _files_under(folder: Path, unreadable: list[OSError]) -> list[Path]:
    """Every file under ``folder``, in order, following links to folders: each folder once, so a
    link back up (a loop) or two links to one folder add nothing twice. What cannot be read (a
    path past PATH_MAX) goes to ``unreadable`` and never stops the rest."""
    seen: set[tuple[int, int]] = set()
    found: list[Path] = []
    for place, subfolders, names in os.walk(folder, followlinks=True, onerror=unreadable.append):
        try:
            status = os.stat(place)
        except OSError as error:  # a path past PATH_MAX, a folder gone meanwhile
            unreadable.append(error)
            subfolders.clear()
            continue
        if (status.st_dev, status.st_ino) in seen:
            subfolders.clear()
            continue
        seen.add((status.st_dev, status.st_ino))
        for name in names:
            try:
                if (file := Path(place, name)).is_file():
                    found.append(file)
            except OSError as error:
                unreadable.append(error)
    return sorted(found)


# How many kinds of file the "no supported files" sentence names before "and N more".
KINDS_SHOWN = 3


def _nothing_to_add(folder: Path, skipped: list[AddResult]) -> str:
    """The sentence for a folder with nothing to add, saying what it does hold."""
    if not skipped:
        return f"{folder} holds no files."
    kinds: dict[str, int] = {}
    for result in skipped:
        if result.hidden is None:
            suffix = result.path.suffix.lower()
            kind = f"{suffix} file" if suffix else "file without an extension"
            kinds[kind] = kinds.get(kind, 0) + 1
    ordered = sorted(kinds.items(), key=lambda item: -item[1])
    held = [plural(count, kind) for kind, count in ordered[:KINDS_SHOWN]]
    others = sum(count for _, count in ordered[KINDS_SHOWN:])
    if others:
        held.append(plural(others, "other file"))
    hidden = [result for result in skipped if result.hidden is not None]
    if hidden:
        held.append(plural(len(hidden), "hidden file"))
    listed = held[0] if len(held) == 1 else f"{', '.join(held[:-1])} and {held[-1]}"
    hint = "; --hidden adds the hidden ones" if any(not result.unsupported for result in hidden) else ""
    return f"{folder} holds no supported files ({SUPPORTED_FORMATS}), only {listed}{hint}."
