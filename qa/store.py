"""The library's database: sources, chunks, postings and spellings in one SQLite file.

It lives in ``<sources>/.qa/library.sqlite3`` beside a ``.gitignore`` of ``*``. Each change
(a batch of added sources, a removal) is one transaction, so a crash at any moment leaves the
previous state. WAL mode lets readers answer while a writer works; writers take turns through
an exclusive lock on ``.qa/lock``.

Postings are stored as Lucene stores them: each committed batch is a segment whose postings
(term → chunk ids and term frequencies, as little-endian uint32 arrays) never change. Removing
a source deletes its chunks and marks its id range dead in its segment; a segment whose
sources are all gone is dropped whole, and its id is never given to another (readers keep a
segment's lengths by its id). Chunk ids only ever grow, so a dead range never hides
a newer chunk. Everything BM25 needs at query time (document frequencies, chunk count, total
length, how many terms have each document frequency) is kept current by the same
transactions.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.locking import writer_lock
from qa.sources import is_supported

SCHEMA_VERSION = 6
PAGE_CACHE_KIB = 64 * 1024
# Lucene's log merge policy: when this many segments of one size tier (chunks) end the
# library, they become one. One-file adds each leave a tiny segment, and a question reads
# every segment's postings of its terms.
MERGE_AT = 10
MERGE_TIERS = (100, 1_000, 10_000)
# Longer words (a run of letters with no space, a base64 blob) get no near spellings.
SPELLING_MAX_LETTERS = 40
INDEX_DIR = ".qa"
DATABASE = "library.sqlite3"
# A temporary file of ours: `atomic_write` and copies into the sources folder use this suffix.
TEMPORARY_SUFFIX = ".qa-tmp"

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    format TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    ctime_ns INTEGER NOT NULL,
    inode INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    paragraphs INTEGER NOT NULL,
    chunks INTEGER NOT NULL,
    first_chunk INTEGER NOT NULL,
    segment INTEGER NOT NULL,
    warning TEXT,
    link TEXT,
    origin TEXT,
    metadata TEXT,
    text TEXT
);
CREATE INDEX sources_key_nocase ON sources (key COLLATE NOCASE);
CREATE INDEX sources_name_nocase ON sources (name COLLATE NOCASE);
CREATE INDEX sources_sha256 ON sources (sha256);
CREATE TABLE chunks (
    id INTEGER PRIMARY KEY,
    source INTEGER NOT NULL,
    paragraph INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    length INTEGER NOT NULL,
    text TEXT NOT NULL,
    sentences BLOB NOT NULL,
    section TEXT,
    page INTEGER,
    first_line INTEGER,
    last_line INTEGER,
    terms TEXT NOT NULL
);
CREATE INDEX chunks_source ON chunks (source);
CREATE TABLE terms (id INTEGER PRIMARY KEY, term TEXT NOT NULL UNIQUE, df INTEGER NOT NULL);
CREATE TABLE df_histogram (df INTEGER PRIMARY KEY, terms INTEGER NOT NULL);
CREATE TABLE segments (
    id INTEGER PRIMARY KEY AUTOINCREMENT, first_chunk INTEGER NOT NULL, lengths BLOB NOT NULL,
    live INTEGER NOT NULL
);
CREATE TABLE dead (segment INTEGER NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL);
CREATE TABLE postings (
    segment INTEGER NOT NULL, term INTEGER NOT NULL, chunks BLOB NOT NULL, tfs BLOB NOT NULL,
    PRIMARY KEY (segment, term)
) WITHOUT ROWID;
CREATE TABLE words (norm TEXT PRIMARY KEY, count INTEGER NOT NULL, capitalised INTEGER NOT NULL,
    surface TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE deletes (variant TEXT NOT NULL, norm TEXT NOT NULL, PRIMARY KEY (variant, norm))
    WITHOUT ROWID;
"""

# SQLite's default limit on host parameters is 999 in old builds: stay under it.
_PARAMETERS = 900


class StoreError(Exception):
    """The database cannot be used; the message is one sentence."""


@dataclass(frozen=True)
class FileState:
    """What tells whether a file changed: git's rule (size, mtime, ctime, inode)."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int

    @classmethod
    def of(cls, stat: os.stat_result) -> FileState:
        return cls(stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


# What crosses from worker processes is compact, so the writer does nothing per token: each
# chunk is its row of the chunks table, and a source's term counts are three uint32 arrays.
@dataclass(slots=True)
class ChunkRecord:
    """One chunk, as its row of the chunks table (ids are given when it is committed)."""

    paragraph: int
    start: int
    end: int
    text: str
    sentences: bytes  # (start, end) of each sentence, as little-endian uint32 pairs
    length: int  # how many terms it holds
    terms: str  # its distinct terms, space-separated (the stop-words-only term "" left out)
    section: str | None = None
    page: int | None = None
    lines: tuple[int, int] | None = None


@dataclass(slots=True)
class AnalysedSource:
    """A file read and analysed, ready to be committed (built in worker processes by `analysed`)."""

    name: str
    title: str
    format: str
    sha256: str
    state: FileState
    paragraphs: int
    chunks: list[ChunkRecord]
    terms: list[str]  # the source's distinct index terms
    # Chunk by chunk, each term it holds (an index into `terms`) and how often: uint32 blobs.
    term_indexes: bytes
    term_counts: bytes
    widths: bytes  # how many distinct terms each chunk holds
    # (normalised word, as written, count, count if capitalised else 0): the spelling vocabulary
    spellings: list[tuple[str, str, int, int]]
    text: str | None = None  # stored only for derived formats (PDF, DOCX...), else None
    warning: str | None = None
    link: str | None = None
    origin: str | None = None  # the path it was added from, for `qa remove --all-from`
    metadata: str | None = None


@dataclass(frozen=True, slots=True)
class ChunkLayout:
    """Where a chunk stands and what it holds, before it is packed into a `ChunkRecord`."""

    paragraph: int
    start: int
    end: int
    text: str
    sentences: Sequence[tuple[int, int]]
    terms: dict[str, int]
    length: int  # its length for BM25 (`chunking.text_length`)
    section: str | None = None
    page: int | None = None
    lines: tuple[int, int] | None = None


def analysed(*, chunks: Sequence[ChunkLayout], spellings: dict[tuple[str, str], int],
             **source: object) -> AnalysedSource:
    """An `AnalysedSource` packed from its chunks' term counts and its spellings; ``source``
    gives the other fields (name, title, format, sha256, state, paragraphs...)."""
    index: dict[str, int] = {}
    indexes: list[int] = []
    counts: list[int] = []
    records = []
    for chunk in chunks:
        for term, tf in chunk.terms.items():
            indexes.append(index.setdefault(term, len(index)))
            counts.append(tf)
        records.append(ChunkRecord(
            paragraph=chunk.paragraph, start=chunk.start, end=chunk.end, text=chunk.text,
            sentences=_as_blob([i for span in chunk.sentences for i in span]),
            length=chunk.length, terms=" ".join(term for term in chunk.terms if term),
            section=chunk.section, page=chunk.page, lines=chunk.lines,
        ))
    return AnalysedSource(
        chunks=records, terms=list(index), term_indexes=_as_blob(indexes), term_counts=_as_blob(counts),
        widths=_as_blob([len(chunk.terms) for chunk in chunks]),
        spellings=[(norm, surface, n, n if surface[:1].isupper() else 0)
                   for (norm, surface), n in spellings.items()],
        **source,  # type: ignore[arg-type]
    )


@dataclass
class SourceRow:
    id: int
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

    _COLUMNS = ("id, key, name, title, format, size, mtime_ns, ctime_ns, inode, sha256, paragraphs, "
                "chunks, first_chunk, segment, warning, link, origin, metadata")

    @classmethod
    def from_row(cls, row: tuple) -> SourceRow:
        (id_, key, name, title, format_, size, mtime, ctime, inode, sha, paragraphs, chunks,
         first, segment, warning, link, origin, metadata) = row
        return cls(id_, key, name, title, format_, size, FileState(size, mtime, ctime, inode), sha,
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


@dataclass
class Statistics:
    generation: int
    chunks: int
    total_length: int
    next_chunk: int


# Re-derives a chunk's terms and spellings from its stored text and section, exactly as they
# were counted when it was added (the store keeps no per-source copy of them).
Recount = Callable[[str, str | None, str | None], tuple[dict[str, int], dict[tuple[str, str], int]]]


def database_path(folder: Path) -> Path:
    return folder / INDEX_DIR / DATABASE


def is_damage(error: sqlite3.Error) -> bool:
    """Whether SQLite says the file is damaged or not a database (not busy, not read-only)."""
    return getattr(error, "sqlite_errorcode", None) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def _as_blob(values: Sequence[int]) -> bytes:
    return np.asarray(values, dtype="<u4").tobytes()


def _from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<u4")


def _batched(items: Sequence, size: int = _PARAMETERS) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def deletion_variants(word: str) -> set[str]:
    """``word`` and every string one deleted letter away (SymSpell's deletion neighbourhood).

    Only ``word`` past `SPELLING_MAX_LETTERS`: the variants of an n-letter run hold n² letters
    (a 50,000-letter run in a file made a 4.7 GB index), and no real word is that long.
    """
    if len(word) > SPELLING_MAX_LETTERS:
        return {word}
    return {word} | {word[:i] + word[i + 1:] for i in range(len(word))}


class Store:
    """One library's database; a connection per `Store`, shared by threads under its lock."""

    def __init__(self, folder: Path, fingerprint: str, on_wait: Callable[[], None] | None = None) -> None:
        """``on_wait`` is called when a write has to wait for another process's."""
        self.folder = folder
        self.fingerprint = fingerprint
        self.in_memory = False
        self.created = False  # a new, empty index (a new folder, or a new schema or settings)
        self._on_wait = on_wait
        directory = folder / INDEX_DIR
        try:
            directory.mkdir(exist_ok=True)
            ignore = directory / ".gitignore"
            if not ignore.exists():
                atomic_write(ignore, b"# qa's index: rebuilt from the sources when missing\n*\n")
            self._connection = self._connect(database_path(folder))
        except (OSError, sqlite3.Error):
            # A read-only or full folder: answer from an index that lives in memory only.
            self.in_memory = True
            self._connection = self._connect(None)
        legacy = directory / "index.json"
        if legacy.exists() and not self.in_memory:
            legacy.unlink(missing_ok=True)  # the old JSON index: everything is re-read once

    # -- connection and schema ---------------------------------------------------------------

    def _connect(self, path: Path | None) -> sqlite3.Connection:
        connection = sqlite3.connect(
            ":memory:" if path is None else str(path), isolation_level=None,
            check_same_thread=False, timeout=60,
        )
        try:
            if path is not None:
                connection.execute("PRAGMA journal_mode=WAL")
                connection.execute("PRAGMA synchronous=NORMAL")
            # SQLite's default 2 MB page cache spills a big batch's pages to the log many times over.
            connection.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KIB}")
            ready = self._schema_matches(connection)
        except sqlite3.DatabaseError as error:
            if path is None or not is_damage(error):
                raise
            # Not a database (a damaged header) or a damaged one: the index is a cache of the
            # folder, so it is made again from the files.
            connection.close()
            remove_database(path)
            return self._connect(path)
        if not ready:
            with self._writer_lock(path), self._transaction(connection):
                if not self._schema_matches(connection):
                    self._create(connection)
                    self.created = True
        return connection

    def _schema_matches(self, connection: sqlite3.Connection) -> bool:
        exists = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
        if not exists:
            return False
        meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
        return meta.get("version") == SCHEMA_VERSION and meta.get("fingerprint") == self.fingerprint

    def _create(self, connection: sqlite3.Connection) -> None:
        for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall():
            connection.execute(f'DROP TABLE "{name}"')
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                connection.execute(statement)
        connection.executemany("INSERT INTO meta VALUES (?, ?)", [
            ("version", SCHEMA_VERSION), ("fingerprint", self.fingerprint), ("generation", 0),
            ("chunks", 0), ("total_length", 0), ("next_chunk", 0),
        ])

    @contextmanager
    def _transaction(self, connection: sqlite3.Connection | None = None) -> Iterator[sqlite3.Connection]:
        connection = connection or self._connection
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
            connection.execute("COMMIT")
        except BaseException:
            # SQLite may have rolled back already (a full disk does): a second ROLLBACK would
            # fail and hide the real error, so only while a transaction is open (sqlite-utils).
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads inside see one consistent state, whatever writers commit meanwhile.

        Inside another snapshot, it is that one's state.
        """
        if self._connection.in_transaction:
            yield
            return
        self._connection.execute("BEGIN")
        try:
            yield
        finally:
            self._connection.execute("COMMIT")

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

    # -- reading -----------------------------------------------------------------------------

    def statistics(self) -> Statistics:
        meta = dict(self._connection.execute(
            "SELECT key, value FROM meta WHERE key IN ('generation', 'chunks', 'total_length', "
            "'next_chunk')").fetchall())
        return Statistics(meta["generation"], meta["chunks"], meta["total_length"],
                          meta["next_chunk"])

    def df_histogram(self) -> dict[int, int]:
        return dict(self._connection.execute("SELECT df, terms FROM df_histogram").fetchall())

    def term_frequencies(self, terms: Iterable[str]) -> dict[str, tuple[int, int]]:
        """term → (id, document frequency), for the terms the library holds."""
        found: dict[str, tuple[int, int]] = {}
        for batch in _batched(list(terms)):
            marks = ",".join("?" * len(batch))
            for term_id, term, df in self._connection.execute(
                    f"SELECT id, term, df FROM terms WHERE term IN ({marks})", batch):
                found[term] = (term_id, df)
        return found

    def postings(self, term_id: int) -> tuple[list[int], np.ndarray, np.ndarray]:
        """One term's postings over all segments: the segments, then its chunk ids and term
        frequencies end to end (one array each, however many segments)."""
        # Segment by segment, one B-tree seek each: a new segment's postings are then written
        # at the end of the table, never spread over every page of it as (term, segment) keys
        # would (that made each batch rewrite most of the table: building slowed 4× by 600k chunks).
        rows = self._connection.execute(
            "SELECT p.segment, p.chunks, p.tfs FROM segments AS s CROSS JOIN postings AS p "
            "ON p.segment = s.id AND p.term = ?", (term_id,)).fetchall()
        return ([segment for segment, _, _ in rows], _from_blob(b"".join(row[1] for row in rows)),
                _from_blob(b"".join(row[2] for row in rows)))

    def segment_lengths(self, segment: int) -> tuple[int, np.ndarray]:
        first, lengths = self._connection.execute(
            "SELECT first_chunk, lengths FROM segments WHERE id = ?", (segment,)).fetchone()
        return first, _from_blob(lengths)

    def dead_ranges(self) -> list[tuple[int, int]]:
        return self._connection.execute("SELECT first, last FROM dead").fetchall()

    def chunk_ranges(self, keys: Iterable[str]) -> list[tuple[int, int]]:
        """[first, last] chunk ids of the sources with these keys."""
        ranges = []
        for batch in _batched(list(keys)):
            marks = ",".join("?" * len(batch))
            ranges += self._connection.execute(
                f"SELECT first_chunk, first_chunk + chunks - 1 FROM sources WHERE key IN ({marks})",
                batch).fetchall()
        return ranges

    def layouts(self, keys: Iterable[str]) -> dict[str, tuple[int, int]]:
        """key → (distinct pages, distinct sections) of its chunks, for the sources with these keys."""
        found: dict[str, tuple[int, int]] = {}
        for batch in _batched(list(keys)):
            marks = ",".join("?" * len(batch))
            found.update((key, (pages, sections)) for key, pages, sections in self._connection.execute(
                "SELECT s.key, count(DISTINCT c.page), count(DISTINCT c.section) FROM sources AS s "
                f"LEFT JOIN chunks AS c ON c.source = s.id WHERE s.key IN ({marks}) GROUP BY s.key",
                batch))
        return found

    def chunk(self, chunk_id: int) -> ChunkRow | None:
        row = self._connection.execute(
            "SELECT c.id, s.key, c.paragraph, c.start, c.end, c.text, c.sentences, c.section, "
            "c.page, c.first_line, c.last_line, c.terms FROM chunks c JOIN sources s ON s.id = c.source "
            "WHERE c.id = ?", (chunk_id,)).fetchone()
        if row is None:
            return None
        sentences = _from_blob(row[6]).reshape(-1, 2).tolist()
        lines = (row[9], row[10]) if row[9] is not None else None
        return ChunkRow(row[0], row[1], row[2], row[3], row[4], row[5],
                        [(int(s), int(e)) for s, e in sentences], row[7], row[8], lines,
                        row[11].split())

    def sources(self) -> list[SourceRow]:
        return [SourceRow.from_row(row) for row in self._connection.execute(
            f"SELECT {SourceRow._COLUMNS} FROM sources ORDER BY name")]

    def file_states(self) -> dict[str, tuple[int, tuple[int, int, int, int], str]]:
        """file name → (source id, (size, mtime_ns, ctime_ns, inode), sha256) of every source:
        what change detection needs, as plain tuples (it runs over every file at every open)."""
        return {
            name: (source_id, (size, mtime, ctime, inode), sha)
            for source_id, name, size, mtime, ctime, inode, sha in self._connection.execute(
                "SELECT id, name, size, mtime_ns, ctime_ns, inode, sha256 FROM sources")
        }

    def source_count(self) -> int:
        return self._connection.execute("SELECT count(*) FROM sources").fetchone()[0]

    def sources_by_id(self, ids: Sequence[int]) -> list[SourceRow]:
        rows = []
        for batch in _batched(list(ids)):
            marks = ",".join("?" * len(batch))
            rows += [SourceRow.from_row(row) for row in self._connection.execute(
                f"SELECT {SourceRow._COLUMNS} FROM sources WHERE id IN ({marks})", batch)]
        return rows

    def source(self, *, key: str | None = None, name: str | None = None) -> SourceRow | None:
        column, value = ("key", key) if key is not None else ("name", name)
        row = self._connection.execute(
            f"SELECT {SourceRow._COLUMNS} FROM sources WHERE {column} = ?", (value,)).fetchone()
        return SourceRow.from_row(row) if row else None

    def sources_like(self, reference: str) -> list[SourceRow]:
        """Sources whose key or name matches ``reference`` ignoring case."""
        return [SourceRow.from_row(row) for row in self._connection.execute(
            f"SELECT {SourceRow._COLUMNS} FROM sources WHERE key = ? COLLATE NOCASE "
            "OR name = ? COLLATE NOCASE", (reference, reference))]

    def source_with_hash(self, sha256: str) -> SourceRow | None:
        row = self._connection.execute(
            f"SELECT {SourceRow._COLUMNS} FROM sources WHERE sha256 = ? LIMIT 1", (sha256,)).fetchone()
        return SourceRow.from_row(row) if row else None

    def stored_text(self, source_id: int) -> str | None:
        row = self._connection.execute("SELECT text FROM sources WHERE id = ?", (source_id,)).fetchone()
        return row[0] if row else None

    def spelling(self, norm: str) -> tuple[str, int, int] | None:
        """(commonest surface, count, capitalised count) of a normalised word, if the sources have it."""
        row = self._connection.execute(
            "SELECT surface, count, capitalised FROM words WHERE norm = ?", (norm,)).fetchone()
        return tuple(row) if row else None

    def words_sharing_deletions(self, variants: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for batch in _batched(list(variants)):
            marks = ",".join("?" * len(batch))
            found.update(norm for (norm,) in self._connection.execute(
                f"SELECT norm FROM deletes WHERE variant IN ({marks})", batch))
        return found

    # -- writing -----------------------------------------------------------------------------

    def update_state(self, source_id: int, state: FileState) -> None:
        """A file touched but unchanged (same content hash): remember its new state."""
        with self._transaction() as db:
            db.execute("UPDATE sources SET mtime_ns = ?, ctime_ns = ?, inode = ? WHERE id = ?",
                       (state.mtime_ns, state.ctime_ns, state.inode, source_id))

    def commit(self, added: Sequence[AnalysedSource] = (), removed: Sequence[SourceRow] = (),
               recount: Recount | None = None) -> list[SourceRow]:
        """Remove sources and add a batch as one new segment, all in one transaction.

        A changed file is both: readers see its old version or its new one, never neither.
        """
        if not added and not removed:
            return []
        with self._transaction() as db:
            if removed:
                assert recount is not None, "removing needs the recount of what was added"
                self._remove(db, removed, recount)
            keys = self._add(db, added) if added else []
            self._merge_small_segments(db)
        return [row for key in keys if (row := self.source(key=key)) is not None]

    def _add(self, db: sqlite3.Connection, batch: Sequence[AnalysedSource]) -> list[str]:
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        next_chunk = meta["next_chunk"]
        segment = db.execute("INSERT INTO segments (first_chunk, lengths, live) VALUES (?, x'', 0)",
                             (next_chunk,)).lastrowid
        vocabulary: dict[str, int] = {}  # the batch's terms, numbered
        term_parts: list[np.ndarray] = []
        chunk_parts: list[np.ndarray] = []
        tf_parts: list[np.ndarray] = []
        lengths: list[int] = []
        keys = []
        for source in batch:
            key = self._free_key(db, source.name)
            keys.append(key)
            source_id = db.execute(
                "INSERT INTO sources (key, name, title, format, size, mtime_ns, ctime_ns, inode, "
                "sha256, paragraphs, chunks, first_chunk, segment, warning, link, origin, metadata, "
                "text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (key, source.name, source.title, source.format, source.state.size,
                 source.state.mtime_ns, source.state.ctime_ns, source.state.inode,
                 source.sha256, source.paragraphs, len(source.chunks), next_chunk, segment,
                 source.warning, source.link, source.origin, source.metadata, source.text),
            ).lastrowid
            db.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
                (next_chunk + i, source_id, chunk.paragraph, chunk.start, chunk.end, chunk.length,
                 chunk.text, chunk.sentences, chunk.section, chunk.page,
                 chunk.lines[0] if chunk.lines else None, chunk.lines[1] if chunk.lines else None,
                 chunk.terms)
                for i, chunk in enumerate(source.chunks)
            ])
            numbers = np.array([vocabulary.setdefault(term, len(vocabulary)) for term in source.terms],
                               dtype="<u4")
            term_parts.append(numbers[_from_blob(source.term_indexes)])
            chunk_parts.append(np.repeat(np.arange(next_chunk, next_chunk + len(source.chunks), dtype="<u4"),
                                         _from_blob(source.widths)))
            tf_parts.append(_from_blob(source.term_counts))
            lengths += [chunk.length for chunk in source.chunks]
            next_chunk += len(source.chunks)
        if vocabulary:
            self._add_postings(db, segment, list(vocabulary), np.concatenate(term_parts),
                               np.concatenate(chunk_parts), np.concatenate(tf_parts))
        db.execute("UPDATE segments SET lengths = ?, live = ? WHERE id = ?",
                   (_as_blob(lengths), len(lengths), segment))
        self._add_spellings(db, batch)
        self._set_meta(db, next_chunk=next_chunk, chunks=meta["chunks"] + len(lengths),
                       total_length=meta["total_length"] + sum(lengths),
                       generation=meta["generation"] + 1)
        return keys

    def _add_postings(self, db: sqlite3.Connection, segment: int, terms: list[str],
                      term_numbers: np.ndarray, chunk_ids: np.ndarray, tfs: np.ndarray) -> None:
        """One segment's postings from its (term, chunk, tf) triples, grouped by term in NumPy.

        The triples come chunk by chunk, so a stable sort by term keeps each term's chunk ids
        ascending, as postings must be."""
        order = np.argsort(term_numbers, kind="stable")
        term_numbers, chunk_ids, tfs = term_numbers[order], chunk_ids[order], tfs[order]
        starts = np.flatnonzero(np.diff(term_numbers, prepend=-1))
        ends = np.append(starts[1:], term_numbers.size)
        firsts = term_numbers[starts].tolist()
        term_ids = self._change_document_frequencies(
            db, {terms[number]: end - start for number, start, end in zip(firsts, starts.tolist(), ends.tolist())})
        db.executemany("INSERT INTO postings VALUES (?, ?, ?, ?)", sorted(
            (segment, term_ids[terms[number]], chunk_ids[start:end].tobytes(), tfs[start:end].tobytes())
            for number, start, end in zip(firsts, starts.tolist(), ends.tolist())
        ))

    @staticmethod
    def _add_spellings(db: sqlite3.Connection, batch: Sequence[AnalysedSource]) -> None:
        """Count a batch's words in, in SQL: as `_remove_spellings` counts them out (a word keeps
        the surface form commonest in the batch that brought the most of it; words new to the
        library get their deletion variants), without a Python step per spelling."""
        db.execute("CREATE TEMP TABLE IF NOT EXISTS batch_spellings "
                   "(norm TEXT, surface TEXT, count INTEGER, capitalised INTEGER)")
        db.execute("CREATE TEMP TABLE IF NOT EXISTS batch_words "
                   "(norm TEXT PRIMARY KEY, count INTEGER, capitalised INTEGER, surface TEXT, new INTEGER)")
        db.execute("DELETE FROM batch_spellings")
        db.execute("DELETE FROM batch_words")
        for source in batch:
            db.executemany("INSERT INTO batch_spellings VALUES (?, ?, ?, ?)", source.spellings)
        # With one max() aggregate, SQLite takes the bare column (surface) from the row holding it.
        db.execute(
            "INSERT INTO batch_words SELECT norm, count, capitalised, surface, length(norm) >= 3 "
            "AND NOT EXISTS (SELECT 1 FROM words WHERE words.norm = per_word.norm) FROM ("
            "SELECT norm, sum(count) AS count, sum(capitalised) AS capitalised, surface, max(count) "
            "FROM (SELECT norm, surface, sum(count) AS count, sum(capitalised) AS capitalised "
            "FROM batch_spellings GROUP BY norm, surface) GROUP BY norm) AS per_word")
        db.execute(
            "INSERT INTO words SELECT norm, count, capitalised, surface FROM batch_words WHERE true "
            "ON CONFLICT (norm) DO UPDATE SET "
            "surface = CASE WHEN excluded.count > count THEN excluded.surface ELSE surface END, "
            "count = count + excluded.count, capitalised = capitalised + excluded.capitalised")
        # `deletion_variants` of each new word: the word, and (up to SPELLING_MAX_LETTERS
        # letters) it without its i-th letter.
        db.execute(
            "WITH RECURSIVE positions (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM positions "
            "WHERE i < ?) "
            "INSERT OR IGNORE INTO deletes SELECT norm, norm FROM batch_words WHERE new "
            "UNION ALL SELECT substr(norm, 1, i - 1) || substr(norm, i + 1), norm "
            "FROM batch_words JOIN positions ON i <= length(norm) WHERE new AND length(norm) <= ?",
            (SPELLING_MAX_LETTERS, SPELLING_MAX_LETTERS))

    def _merge_small_segments(self, db: sqlite3.Connection) -> None:
        """Merge the run of small segments at the end of the library, tier by tier, so a
        question reads a few segments however many one-file adds came before."""
        while True:
            segments = db.execute(
                "SELECT id, first_chunk, length(lengths) / 4 FROM segments ORDER BY id DESC").fetchall()
            for limit in MERGE_TIERS:
                run = list(itertools.takewhile(lambda segment: segment[2] < limit, segments))
                if len(run) >= MERGE_AT:
                    self._merge(db, run[::-1])
                    break
            else:
                return

    @staticmethod
    def _merge(db: sqlite3.Connection, segments: Sequence[tuple[int, int, int]]) -> None:
        """One segment from consecutive ones: chunk ids only grow from segment to segment, so
        each term's postings are its old postings end to end. Dead ranges stay as they are."""
        ids = [segment_id for segment_id, _, _ in segments]
        marks = ",".join("?" * len(ids))
        first = segments[0][1]
        lengths = np.zeros(segments[-1][1] + segments[-1][2] - first, dtype="<u4")
        live = 0
        for segment_id, start, blob, segment_live in db.execute(
                f"SELECT id, first_chunk, lengths, live FROM segments WHERE id IN ({marks})", ids):
            values = _from_blob(blob)
            lengths[start - first:start - first + values.size] = values
            live += segment_live
        merged = db.execute("INSERT INTO segments (first_chunk, lengths, live) VALUES (?, ?, ?)",
                            (first, lengths.tobytes(), live)).lastrowid
        rows = []
        for term, group in itertools.groupby(db.execute(
                f"SELECT term, chunks, tfs FROM postings WHERE segment IN ({marks}) ORDER BY term, segment",
                ids), key=lambda row: row[0]):
            parts = list(group)
            rows.append((merged, term, b"".join(part[1] for part in parts), b"".join(part[2] for part in parts)))
        db.executemany("INSERT INTO postings VALUES (?, ?, ?, ?)", rows)
        db.execute(f"DELETE FROM postings WHERE segment IN ({marks})", ids)
        db.execute(f"DELETE FROM segments WHERE id IN ({marks})", ids)
        db.execute(f"UPDATE sources SET segment = ? WHERE segment IN ({marks})", [merged, *ids])
        db.execute(f"UPDATE dead SET segment = ? WHERE segment IN ({marks})", [merged, *ids])
        db.execute("UPDATE meta SET value = value + 1 WHERE key = 'generation'")

    def _remove(self, db: sqlite3.Connection, rows: Sequence[SourceRow], recount: Recount) -> None:
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        df_change: Counter[str] = Counter()
        surfaces: Counter[tuple[str, str]] = Counter()
        removed_chunks = removed_length = 0
        for row in rows:
            for text, section, length in db.execute(
                    "SELECT text, section, length FROM chunks WHERE source = ?", (row.id,)).fetchall():
                terms, chunk_surfaces = recount(text, section, row.title)
                df_change.update({term: -1 for term in terms})
                surfaces.update(chunk_surfaces)
                removed_chunks += 1
                removed_length += length
            db.execute("DELETE FROM chunks WHERE source = ?", (row.id,))
            db.execute("DELETE FROM sources WHERE id = ?", (row.id,))
            live = db.execute("UPDATE segments SET live = live - ? WHERE id = ? RETURNING live",
                              (row.chunks, row.segment)).fetchone()
            if live is None or live[0] <= 0:
                db.execute("DELETE FROM postings WHERE segment = ?", (row.segment,))
                db.execute("DELETE FROM segments WHERE id = ?", (row.segment,))
                db.execute("DELETE FROM dead WHERE segment = ?", (row.segment,))
            elif row.chunks:
                db.execute("INSERT INTO dead VALUES (?, ?, ?)",
                           (row.segment, row.first_chunk, row.first_chunk + row.chunks - 1))
        self._change_document_frequencies(db, df_change)
        self._remove_spellings(db, surfaces)
        self._set_meta(db, chunks=meta["chunks"] - removed_chunks,
                       total_length=meta["total_length"] - removed_length,
                       generation=meta["generation"] + 1)

    @staticmethod
    def _set_meta(db: sqlite3.Connection, **values: int) -> None:
        db.executemany("UPDATE meta SET value = ? WHERE key = ?", [(v, k) for k, v in values.items()])

    @staticmethod
    def _free_key(db: sqlite3.Connection, name: str) -> str:
        """A source id unique in the library ignoring case, and never another source's file name.

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

    @staticmethod
    def _change_document_frequencies(db: sqlite3.Connection, change: dict[str, int]) -> dict[str, int]:
        """Apply per-term changes of document frequency; returns term → id for the terms kept."""
        terms = [term for term, delta in change.items() if delta]
        existing: dict[str, tuple[int, int]] = {}
        for batch in _batched(terms):
            marks = ",".join("?" * len(batch))
            for term_id, term, df in db.execute(
                    f"SELECT id, term, df FROM terms WHERE term IN ({marks})", batch):
                existing[term] = (term_id, df)
        histogram: Counter[int] = Counter()
        updates, deletions, inserts = [], [], []
        for term in terms:
            term_id, old = existing.get(term, (None, 0))
            new = old + change[term]
            if old:
                histogram[old] -= 1
            if new > 0:
                histogram[new] += 1
                if term_id is None:
                    inserts.append((term, new))
                else:
                    updates.append((new, term_id))
            elif term_id is not None:
                deletions.append((term_id,))
        db.executemany("UPDATE terms SET df = ? WHERE id = ?", updates)
        db.executemany("DELETE FROM terms WHERE id = ?", deletions)
        db.executemany("INSERT INTO terms (term, df) VALUES (?, ?)", inserts)
        db.executemany(
            "INSERT INTO df_histogram VALUES (?, ?) ON CONFLICT (df) DO UPDATE SET terms = terms + excluded.terms",
            [(df, n) for df, n in histogram.items() if n])
        db.execute("DELETE FROM df_histogram WHERE terms <= 0")
        ids = {term: term_id for term, (term_id, _) in existing.items()}
        for batch in _batched([term for term, _ in inserts]):
            marks = ",".join("?" * len(batch))
            ids.update((term, term_id) for term_id, term in db.execute(
                f"SELECT id, term FROM terms WHERE term IN ({marks})", batch))
        return ids

    @staticmethod
    def _remove_spellings(db: sqlite3.Connection, surfaces: Counter[tuple[str, str]]) -> None:
        """Count words out: lower their counts, and drop the words (and their deletion
        variants) no source holds any more."""
        words: Counter[str] = Counter()
        capitalised: Counter[str] = Counter()
        for (norm, surface), count in surfaces.items():
            words[norm] += count
            if surface[:1].isupper():
                capitalised[norm] += count
        db.executemany("UPDATE words SET count = count - ?, capitalised = capitalised - ? WHERE norm = ?",
                       [(count, capitalised[norm], norm) for norm, count in words.items()])
        gone = []
        for batch in _batched(list(words)):  # only the words counted out: the table is big
            marks = ",".join("?" * len(batch))
            gone += [norm for (norm,) in db.execute(
                f"DELETE FROM words WHERE norm IN ({marks}) AND count <= 0 RETURNING norm", batch)]
        db.executemany("DELETE FROM deletes WHERE variant = ? AND norm = ?", [
            (variant, norm) for norm in gone for variant in deletion_variants(norm)
        ])


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=TEMPORARY_SUFFIX)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
