"""The library's database: sources, chunks, segments of postings and spellings in one SQLite
file, behind the `Store` facade (see `qa.store.store`)."""

from qa.files import TEMPORARY_SUFFIX, atomic_write
from qa.records import AnalysedSource, ChunkLayout, ChunkRecord, FileState, analysed
from qa.store.catalogue import ChunkRow, SourceRow, StoreError
from qa.store.merge_policy import MERGE_AT, MERGE_TIERS
from qa.store.schema import DATABASE, INDEX_DIR, SCHEMA_VERSION, database_path, is_damage, remove_database
from qa.store.segments import Recount
from qa.store.spellings import SPELLING_MAX_LETTERS, near_variants
from qa.store.statistics import Statistics
from qa.store.store import Store

__all__ = [
    "DATABASE", "INDEX_DIR", "MERGE_AT", "MERGE_TIERS", "SCHEMA_VERSION", "SPELLING_MAX_LETTERS",
    "TEMPORARY_SUFFIX", "AnalysedSource", "ChunkLayout", "ChunkRecord", "ChunkRow", "FileState",
    "Recount", "SourceRow", "Statistics", "Store", "StoreError", "analysed", "atomic_write",
    "database_path", "is_damage", "near_variants", "remove_database",
]
