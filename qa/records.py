"""What analysis hands the store: a file's state, and a source packed for a writer that only writes.

Built in worker processes (`qa.ingest`), so the writer does nothing per token: each chunk is
its row of the chunks table, and a source's term counts are three uint32 arrays.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from itertools import chain
from dataclasses import dataclass

import numpy as np


def as_blob(values: Sequence[int] | Sequence[tuple[int, int]]) -> bytes:
    """Integers as a little-endian uint32 blob, the form postings and spans are stored in."""
    return np.asarray(values, dtype="<u4").tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<u4")


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
    length: int  # its length for BM25 (`chunking.chunk_terms`)
    section: str | None = None
    page: int | None = None
    lines: tuple[int, int] | None = None


def analysed(*, chunks: Sequence[ChunkLayout], spellings: dict[tuple[str, str], int],
             **source: object) -> AnalysedSource:
    """An `AnalysedSource` packed from its chunks' term counts and its spellings; ``source``
    gives the other fields (name, title, format, sha256, state, paragraphs...)."""
    # Terms numbered in order of first appearance; the per-term work is done by C loops.
    index = {term: i for i, term in enumerate(dict.fromkeys(chain.from_iterable(c.terms for c in chunks)))}
    indexes = list(map(index.__getitem__, chain.from_iterable(c.terms for c in chunks)))
    counts = list(chain.from_iterable(c.terms.values() for c in chunks))
    records = [ChunkRecord(
        paragraph=chunk.paragraph, start=chunk.start, end=chunk.end, text=chunk.text,
        sentences=as_blob(chunk.sentences),  # the (start, end) pairs end to end
        length=chunk.length, terms=" ".join(chunk.terms),  # "" is only ever a chunk's one term
        section=chunk.section, page=chunk.page, lines=chunk.lines,
    ) for chunk in chunks]
    return AnalysedSource(
        chunks=records, terms=list(index), term_indexes=as_blob(indexes), term_counts=as_blob(counts),
        widths=as_blob([len(chunk.terms) for chunk in chunks]),
        spellings=[(norm, surface, n, n if surface[:1].isupper() else 0)
                   for (norm, surface), n in spellings.items()],
        **source,  # type: ignore[arg-type]
    )
