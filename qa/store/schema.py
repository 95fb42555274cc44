"""The database's tables, and opening it: a missing, outdated or damaged one is made afresh.

The index is a cache of the sources folder, so a database that SQLite says is damaged, or whose
schema or analysis settings differ, is emptied and filled again from the files.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from qa.store.transactions import atomic

SCHEMA_VERSION = 7
PAGE_CACHE_KIB = 64 * 1024
INDEX_DIR = ".qa"
DATABASE = "library.sqlite3"

SCHEMA = """
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
CREATE TABLE unreadable (name TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    ctime_ns INTEGER NOT NULL, inode INTEGER NOT NULL) WITHOUT ROWID;
"""

# Holds the writer lock of the database at this path (None: in memory, nothing to lock).
WriterLock = Callable[[Path | None], AbstractContextManager[bool]]


def database_path(folder: Path) -> Path:
    return folder / INDEX_DIR / DATABASE


def is_damage(error: sqlite3.Error) -> bool:
    """Whether SQLite says the file is damaged or not a database (not busy, not read-only)."""
    return getattr(error, "sqlite_errorcode", None) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def connect(path: Path | None, fingerprint: str, lock: WriterLock) -> tuple[sqlite3.Connection, bool]:
    """A connection to the database at ``path`` (None: in memory) with the current schema, and
    whether it was made empty just now (new, damaged, or of another schema or settings)."""
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
        ready = _schema_matches(connection, fingerprint)
    except sqlite3.DatabaseError as error:
        if path is None or not is_damage(error):
            raise
        # Not a database (a damaged header) or a damaged one: the index is a cache of the
        # folder, so it is made again from the files.
        connection.close()
        remove_database(path)
        return connect(path, fingerprint, lock)
    created = False
    if not ready:
        with lock(path), atomic(connection):
            if not _schema_matches(connection, fingerprint):
                _create(connection, fingerprint)
                created = True
    return connection, created


def _schema_matches(connection: sqlite3.Connection, fingerprint: str) -> bool:
    exists = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
    if not exists:
        return False
    meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
    return meta.get("version") == SCHEMA_VERSION and meta.get("fingerprint") == fingerprint


def _create(connection: sqlite3.Connection, fingerprint: str) -> None:
    for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall():
        connection.execute(f'DROP TABLE "{name}"')
    for statement in SCHEMA.split(";"):
        if statement.strip():
            connection.execute(statement)
    connection.executemany("INSERT INTO meta VALUES (?, ?)", [
        ("version", SCHEMA_VERSION), ("fingerprint", fingerprint), ("generation", 0),
        ("chunks", 0), ("total_length", 0), ("next_chunk", 0),
    ])
