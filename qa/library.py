"""The one public object: open a sources folder, ask, add, remove, list.

The CLI, the terminal UI, the tests and the benchmarks all come in through `Library`.
"""

from __future__ import annotations

import hashlib
import shutil
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

from qa import store
from qa.answer import Answerer
from qa.chunking import chunk_source
from qa.index import Index
from qa.models import AddResult, Answer, Source
from qa.settings import Settings
from qa.sources import SUPPORTED_FORMATS, SourceError, is_supported, load


class LibraryError(Exception):
    """Something the user asked for that cannot be done; the message is one sentence."""


class Library:
    """The sources of one folder, indexed and ready to answer questions.

    Safe to share between threads: asking, adding and removing take turns.
    """

    def __init__(self, folder: Path, settings: Settings) -> None:
        self.folder = folder
        self.settings = settings
        self.warnings: list[str] = []
        self.reread: list[str] = []
        self._stored: dict[str, store.StoredSource] = {}
        self._lock = threading.RLock()
        self._refresh()

    @classmethod
    def open(cls, folder: Path | None = None, settings: Settings | None = None,
             create: bool = False) -> Library:
        """Open (and index) a sources folder; ``create`` makes it when missing."""
        settings = settings or Settings()
        folder = folder if folder is not None else settings.sources
        if not folder.exists():
            if not create:
                raise LibraryError(f"The sources folder {folder} does not exist.")
            folder.mkdir(parents=True)
        elif not folder.is_dir():
            raise LibraryError(f"{folder} is not a folder.")
        return cls(folder, settings)

    # -- reading ---------------------------------------------------------------------------

    @property
    def sources(self) -> list[Source]:
        return list(self._sources.values())

    def ask(self, question: str, previous: Sequence[str] = ()) -> Answer:
        """Answer ``question``; ``previous`` questions of the conversation give it context."""
        if not question.strip():
            raise LibraryError("The question is empty.")
        with self._lock:
            return self._answerer.answer(question.strip(), previous)

    def find(self, reference: str) -> Source:
        """A source by id, file name or path."""
        for source in self._sources.values():
            if reference in (source.id, source.path.name, str(source.path)) or \
                    Path(reference).resolve() == source.path.resolve():
                return source
        raise LibraryError(f"No source called {reference!r} (see `qa sources`).")

    def text(self, source_id: str) -> str:
        """The whole text of a source, the text citation offsets point into."""
        try:
            return load(self.find(source_id).path, self.settings.max_source_mb).text
        except SourceError as error:
            raise LibraryError(str(error)) from None

    # -- changing --------------------------------------------------------------------------

    def add(self, paths: Iterable[Path]) -> list[AddResult]:
        """Copy files (or every supported file of a folder) in and index them.

        The originals are never moved or changed; the same content twice is reported, not
        copied; a name already taken by other content gets a new name. All paths are checked
        before anything is copied.
        """
        with self._lock:
            return self._add([file for path in paths for file in _expand(path)])

    def _add(self, files: list[Path]) -> list[AddResult]:
        loaded = []
        for file in files:
            try:
                loaded.append((file, load(file, self.settings.max_source_mb), file.read_bytes()))
            except SourceError as error:
                raise LibraryError(str(error)) from None
        by_hash = {stored.sha256: name for name, stored in self._stored.items()}
        outcomes: list[tuple[Path, str, str | None, str | None]] = []
        for file, parsed, data in loaded:
            digest = hashlib.sha256(data).hexdigest()
            if digest in by_hash:
                outcomes.append((file, by_hash[digest], by_hash[digest], None))
                continue
            target = _free_name(self.folder, file.name)
            store.atomic_write(target, data)
            shutil.copystat(file, target)
            by_hash[digest] = target.name
            outcomes.append((file, target.name, None, parsed.warning))
        self._refresh()
        by_name = {source.path.name: source for source in self._sources.values()}
        return [
            AddResult(path=file, source=by_name.get(name), duplicate_of=duplicate, warning=warning)
            for file, name, duplicate, warning in outcomes
        ]

    def remove(self, reference: str) -> Source:
        """Delete a source file from the sources folder and the index."""
        with self._lock:
            source = self.find(reference)
            source.path.unlink()
            self._refresh()
            return source

    # -- indexing --------------------------------------------------------------------------

    def _refresh(self) -> None:
        """Bring the index up to date with the folder, re-reading only changed files."""
        fingerprint = self.settings.index_fingerprint()
        cached = self._stored or store.read(self.folder, fingerprint)
        current: dict[str, store.StoredSource] = {}
        self.reread = []
        self.warnings = []
        for path in sorted(p for p in self.folder.iterdir() if p.is_file() and is_supported(p)
                           and not p.name.startswith(".")):
            stat = path.stat()
            old = cached.get(path.name)
            if old and old.size == stat.st_size and old.mtime_ns == stat.st_mtime_ns:
                current[path.name] = old
                continue
            try:
                current[path.name] = self._analyse(path, stat.st_size, stat.st_mtime_ns, old)
            except SourceError as error:
                self.warnings.append(f"Skipped {error}")
                continue
            if current[path.name].warning:
                self.warnings.append(current[path.name].warning)
        if current != cached or not store.index_path(self.folder).exists():
            try:
                store.write(self.folder, fingerprint, list(current.values()))
            except OSError as error:
                self.warnings.append(f"Could not save the index ({error.strerror}); it lives in memory only.")
        self._stored = current
        self._sources = self._make_sources(current)
        chunks = [chunk for stored in current.values() for chunk in stored.chunks]
        self._index = Index(chunks, self.settings)
        by_name = {source.path.name: source for source in self._sources.values()}
        self._answerer = Answerer(self._index, by_name, self.settings)

    def _analyse(self, path: Path, size: int, mtime_ns: int,
                 old: store.StoredSource | None) -> store.StoredSource:
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if old and old.sha256 == digest:
            return old.model_copy(update={"size": size, "mtime_ns": mtime_ns})
        self.reread.append(path.name)
        parsed = load(path, self.settings.max_source_mb)
        chunks = chunk_source(parsed.text, parsed.paragraphs, path.name, self.settings.chunk_max_words)
        return store.StoredSource(
            name=path.name, size=size, mtime_ns=mtime_ns, sha256=digest, title=parsed.title,
            paragraphs=parsed.paragraphs, chunks=chunks, warning=parsed.warning,
        )

    def _make_sources(self, stored: dict[str, store.StoredSource]) -> dict[str, Source]:
        stems = [Path(name).stem for name in stored]
        ids = {name: Path(name).stem if stems.count(Path(name).stem) == 1 else name for name in stored}
        return {
            ids[name]: Source(
                id=ids[name], title=entry.title, path=self.folder / name,
                paragraphs=len(entry.paragraphs), chunks=len(entry.chunks), sha256=entry.sha256,
            )
            for name, entry in stored.items()
        }


def _expand(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and is_supported(p)
                       and not any(part.startswith(".") for part in p.relative_to(path).parts))
        if not files:
            raise LibraryError(f"{path} holds no supported files ({SUPPORTED_FORMATS}).")
        return files
    if not path.exists():
        raise LibraryError(f"{path} does not exist.")
    return [path]


def _free_name(folder: Path, name: str) -> Path:
    target = folder / name
    n = 2
    while target.exists():
        target = folder / f"{Path(name).stem}-{n}{Path(name).suffix}"
        n += 1
    return target
