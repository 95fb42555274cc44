"""What BM25 needs at query time, kept current by the transactions that change the library:
live document frequency per term, chunk count, total length, and how many terms have each
document frequency (rank-bm25's mean idf for Okapi's floor)."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from qa.store.sql import select_in


@dataclass
class Statistics:
    generation: int
    chunks: int
    total_length: int
    next_chunk: int


def read(db: sqlite3.Connection) -> Statistics:
    meta = dict(db.execute(
        "SELECT key, value FROM meta WHERE key IN ('generation', 'chunks', 'total_length', "
        "'next_chunk')").fetchall())
    return Statistics(meta["generation"], meta["chunks"], meta["total_length"], meta["next_chunk"])


def write(db: sqlite3.Connection, **values: int) -> None:
    db.executemany("UPDATE meta SET value = ? WHERE key = ?", [(v, k) for k, v in values.items()])


def df_histogram(db: sqlite3.Connection) -> dict[int, int]:
    return dict(db.execute("SELECT df, terms FROM df_histogram").fetchall())


def term_frequencies(db: sqlite3.Connection, terms: Iterable[str]) -> dict[str, tuple[int, int]]:
    """term → (term id, document frequency), for the terms the library holds."""
    return {term: (term_id, df) for term_id, term, df in select_in(
        db, "SELECT id, term, df FROM terms WHERE term IN ({marks})", terms)}


def change_document_frequencies(db: sqlite3.Connection, change: dict[str, int]) -> dict[str, int]:
    """Apply per-term changes of document frequency; returns term → term id for the terms kept."""
    terms = [term for term, delta in change.items() if delta]
    existing = term_frequencies(db, terms)
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
    ids.update((term, term_id) for term_id, term in select_in(
        db, "SELECT id, term FROM terms WHERE term IN ({marks})", [term for term, _ in inserts]))
    return ids
