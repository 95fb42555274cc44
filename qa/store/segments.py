"""Segments of postings, as Lucene and tantivy keep them.

Each committed batch is a segment whose postings (term → chunk ids and term frequencies, as
little-endian uint32 arrays) and chunk lengths never change. Removing a source marks its chunk
id range dead in its segment; a segment whose sources are all gone is dropped whole, and its
id is never given to another (readers keep a segment's lengths by its id). Chunk ids only grow,
so a dead range never hides a newer chunk.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

from qa.records import AnalysedSource, as_blob, from_blob
from qa.store import catalogue, spellings, statistics
from qa.store.catalogue import SourceRow
from qa.store.merge_policy import SegmentSize, segments_to_merge
from qa.store.sql import select_in

# Re-derives a chunk's terms and spellings from its stored text and section, exactly as they
# were counted when it was added (the store keeps no per-source copy of them).
Recount = Callable[[str, str | None, str | None], tuple[dict[str, int], dict[tuple[str, str], int]]]


def postings(db: sqlite3.Connection, term_id: int) -> tuple[list[int], np.ndarray, np.ndarray]:
    """One term's postings over all segments: the segments, then its chunk ids and term
    frequencies end to end (one array each, however many segments)."""
    # Segment by segment, one B-tree seek each: a new segment's postings are then written
    # at the end of the table, never spread over every page of it as (term, segment) keys
    # would (that made each batch rewrite most of the table: building slowed 4× by 600k chunks).
    rows = db.execute(
        "SELECT p.segment, p.chunks, p.tfs FROM segments AS s CROSS JOIN postings AS p "
        "ON p.segment = s.id AND p.term = ?", (term_id,)).fetchall()
    return ([segment for segment, _, _ in rows], from_blob(b"".join(row[1] for row in rows)),
            from_blob(b"".join(row[2] for row in rows)))


def lengths(db: sqlite3.Connection, segment: int) -> tuple[int, np.ndarray]:
    """A segment's first chunk id and the lengths of its chunks from there on."""
    first, blob = db.execute("SELECT first_chunk, lengths FROM segments WHERE id = ?", (segment,)).fetchone()
    return first, from_blob(blob)


def dead_ranges(db: sqlite3.Connection) -> list[tuple[int, int]]:
    return db.execute("SELECT first, last FROM dead").fetchall()


def add(db: sqlite3.Connection, batch: Sequence[AnalysedSource]) -> list[str]:
    """A batch as one new segment, catalogued; returns the keys its sources were given."""
    meta = statistics.read(db)
    next_chunk = meta.next_chunk
    segment = db.execute("INSERT INTO segments (first_chunk, lengths, live) VALUES (?, x'', 0)",
                         (next_chunk,)).lastrowid
    vocabulary: dict[str, int] = {}  # the batch's terms, numbered
    term_parts: list[np.ndarray] = []
    chunk_parts: list[np.ndarray] = []
    tf_parts: list[np.ndarray] = []
    chunk_lengths: list[int] = []
    keys = []
    for source in batch:
        keys.append(catalogue.insert(db, source, next_chunk, segment))
        numbers = np.array([vocabulary.setdefault(term, len(vocabulary)) for term in source.terms],
                           dtype="<u4")
        term_parts.append(numbers[from_blob(source.term_indexes)])
        chunk_parts.append(np.repeat(np.arange(next_chunk, next_chunk + len(source.chunks), dtype="<u4"),
                                     from_blob(source.widths)))
        tf_parts.append(from_blob(source.term_counts))
        chunk_lengths += [chunk.length for chunk in source.chunks]
        next_chunk += len(source.chunks)
    if vocabulary:
        _add_postings(db, segment, list(vocabulary), np.concatenate(term_parts),
                      np.concatenate(chunk_parts), np.concatenate(tf_parts))
    db.execute("UPDATE segments SET lengths = ?, live = ? WHERE id = ?",
               (as_blob(chunk_lengths), len(chunk_lengths), segment))
    spellings.add(db, batch)
    statistics.write(db, next_chunk=next_chunk, chunks=meta.chunks + len(chunk_lengths),
                     total_length=meta.total_length + sum(chunk_lengths),
                     generation=meta.generation + 1)
    return keys


def _add_postings(db: sqlite3.Connection, segment: int, terms: list[str],
                  term_numbers: np.ndarray, chunk_ids: np.ndarray, tfs: np.ndarray) -> None:
    """One segment's postings from its (term, chunk, tf) triples, grouped by term in NumPy.

    The triples come chunk by chunk, so a stable sort by term keeps each term's chunk ids
    ascending, as postings must be."""
    order = np.argsort(term_numbers, kind="stable")
    term_numbers, chunk_ids, tfs = term_numbers[order], chunk_ids[order], tfs[order]
    starts = np.flatnonzero(np.diff(term_numbers, prepend=-1))
    ends = np.append(starts[1:], term_numbers.size)
    firsts = term_numbers[starts].tolist()
    term_ids = statistics.change_document_frequencies(
        db, {terms[number]: end - start for number, start, end in zip(firsts, starts.tolist(), ends.tolist())})
    db.executemany("INSERT INTO postings VALUES (?, ?, ?, ?)", sorted(
        (segment, term_ids[terms[number]], chunk_ids[start:end].tobytes(), tfs[start:end].tobytes())
        for number, start, end in zip(firsts, starts.tolist(), ends.tolist())
    ))


def remove(db: sqlite3.Connection, rows: Sequence[SourceRow], recount: Recount) -> None:
    """Remove sources: their chunks go, their id ranges are marked dead (or their segment is
    dropped whole), and their terms and words are counted out."""
    meta = statistics.read(db)
    df_change: Counter[str] = Counter()
    surfaces: Counter[tuple[str, str]] = Counter()
    removed_chunks = removed_length = 0
    for row in rows:
        for text, section, length in catalogue.chunks_of(db, row):
            terms, chunk_surfaces = recount(text, section, row.title)
            df_change.update({term: -1 for term in terms})
            surfaces.update(chunk_surfaces)
            removed_chunks += 1
            removed_length += length
        catalogue.delete(db, row)
        live = db.execute("UPDATE segments SET live = live - ? WHERE id = ? RETURNING live",
                          (row.chunks, row.segment)).fetchone()
        if live is None or live[0] <= 0:
            db.execute("DELETE FROM postings WHERE segment = ?", (row.segment,))
            db.execute("DELETE FROM segments WHERE id = ?", (row.segment,))
            db.execute("DELETE FROM dead WHERE segment = ?", (row.segment,))
        elif row.chunks:
            db.execute("INSERT INTO dead VALUES (?, ?, ?)",
                       (row.segment, row.first_chunk, row.first_chunk + row.chunks - 1))
    statistics.change_document_frequencies(db, df_change)
    spellings.remove(db, surfaces)
    statistics.write(db, chunks=meta.chunks - removed_chunks, total_length=meta.total_length - removed_length,
                     generation=meta.generation + 1)


def merge_small_segments(db: sqlite3.Connection) -> None:
    """Merge the run of small segments at the end of the library, tier by tier, as
    `segments_to_merge` decides, so a question reads a few segments however many one-file
    adds came before."""
    while run := segments_to_merge([SegmentSize(*row) for row in db.execute(
            "SELECT id, first_chunk, length(lengths) / 4 FROM segments ORDER BY id")]):
        _merge(db, run)


def _merge(db: sqlite3.Connection, segments: Sequence[SegmentSize]) -> None:
    """One segment from consecutive ones: chunk ids only grow from segment to segment, so
    each term's postings are its old postings end to end. Dead ranges stay as they are."""
    ids = [segment.id for segment in segments]
    first = segments[0].first_chunk
    merged_lengths = np.zeros(segments[-1].first_chunk + segments[-1].chunks - first, dtype="<u4")
    live = 0
    for start, blob, segment_live in select_in(
            db, "SELECT first_chunk, lengths, live FROM segments WHERE id IN ({marks})", ids):
        values = from_blob(blob)
        merged_lengths[start - first:start - first + values.size] = values
        live += segment_live
    merged = db.execute("INSERT INTO segments (first_chunk, lengths, live) VALUES (?, ?, ?)",
                        (first, merged_lengths.tobytes(), live)).lastrowid
    by_term: dict[int, list[tuple[int, bytes, bytes]]] = {}
    for term, segment, chunk_ids, tfs in select_in(
            db, "SELECT term, segment, chunks, tfs FROM postings WHERE segment IN ({marks})", ids):
        by_term.setdefault(term, []).append((segment, chunk_ids, tfs))
    rows = []
    for term in sorted(by_term):
        parts = sorted(by_term[term])  # by segment: the older segment's chunks come first
        rows.append((merged, term, b"".join(part[1] for part in parts), b"".join(part[2] for part in parts)))
    db.executemany("INSERT INTO postings VALUES (?, ?, ?, ?)", rows)
    select_in(db, "DELETE FROM postings WHERE segment IN ({marks})", ids)
    select_in(db, "DELETE FROM segments WHERE id IN ({marks})", ids)
    catalogue.move_to_segment(db, merged, ids)
    select_in(db, "UPDATE dead SET segment = ? WHERE segment IN ({marks})", ids, before=(merged,))
    db.execute("UPDATE meta SET value = value + 1 WHERE key = 'generation'")
