"""The read side of the library's store: BM25 ranking, passages, term statistics, spellings.

Implements `qa.engine.Retriever` over `qa.store.Store`. Each query reads only the postings
of its own terms; what it caches (term statistics, the mean idf, dead ranges) is dropped
whenever the store's generation moves, so another process's commit is seen at the next
question.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Collection, Mapping, Sequence

import numpy as np

from qa import bm25
from qa.engine import Hit, Spelling
from qa.models import Chunk, Span
from qa.settings import Settings
from qa.store import Store, near_variants

CHUNK_CACHE = 512
NEAR_CACHE = 4096
# Scored postings kept between questions, in postings (about 12 bytes each).
SCORED_POSTINGS_CACHE = 4_000_000


class StoredVocabulary:
    """Spellings from the store; near words through a deletion index, never a scan."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._spellings: dict[str, Spelling | None] = {}
        # A follow-up reads the question before it again: its misspellings are looked up once.
        self._near: dict[tuple[str, int], list[str]] = {}

    def forget(self) -> None:
        self._spellings.clear()
        self._near.clear()

    def spelling(self, norm: str) -> Spelling | None:
        if norm not in self._spellings:
            found = self._store.spelling(norm)
            self._spellings[norm] = Spelling(*found) if found else None
        return self._spellings[norm]

    def near(self, norm: str, max_distance: int) -> list[str]:
        if (norm, max_distance) not in self._near:
            if len(self._near) >= NEAR_CACHE:
                self._near.clear()
            candidates = self._store.words_sharing_deletions(near_variants(norm, max_distance))
            from rapidfuzz.distance import Levenshtein  # loaded on the first "did you mean", not at start

            self._near[norm, max_distance] = sorted(
                word for word in candidates
                if word != norm and word[:1] == norm[:1]
                and Levenshtein.distance(norm, word, score_cutoff=max_distance) <= max_distance
            )
        return self._near[norm, max_distance]


class StoredIndex:
    """BM25 over the store's postings, scored at query time as rank-bm25 would."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self._store = store
        self._parameters = bm25.Parameters(settings.bm25_variant, settings.k1, settings.b)
        self._vocabulary = StoredVocabulary(store)
        self._generation = -1
        self._terms: dict[str, tuple[int, int] | None] = {}
        self._average_idf: float | None = None
        self._dead: list[tuple[int, int]] | None = None
        # Every chunk's length by chunk id, filled segment by segment as questions need them;
        # segments never change once written, so this lives as long as the process.
        self._lengths = np.zeros(0, dtype=np.uint32)
        self._placed: set[int] = set()
        self._chunks: dict[int, Chunk | None] = {}
        self._scored: OrderedDict[str, tuple[np.ndarray, np.ndarray, float]] = OrderedDict()
        self._scored_size = 0
        self._statistics = store.statistics()
        self._check_generation()

    @property
    def vocabulary(self) -> StoredVocabulary:
        return self._vocabulary

    @property
    def generation(self) -> int:
        """The store's commit this index reads (moves with every add, remove or merge)."""
        return self._generation

    def sync(self) -> None:
        """See the store's latest commit: call once before each question, not per lookup."""
        self._check_generation()

    def _check_generation(self) -> None:
        statistics = self._store.statistics()
        if statistics.generation != self._generation:
            self._generation = statistics.generation
            self._statistics = statistics
            self._terms.clear()
            self._average_idf = None
            self._dead = None
            self._vocabulary.forget()
            self._chunks.clear()
            self._scored.clear()
            self._scored_size = 0

    def _term(self, term: str) -> tuple[int, int] | None:
        if term not in self._terms:
            self._terms.update(dict.fromkeys([term], None) | self._store.term_frequencies([term]))
        return self._terms[term]

    def __len__(self) -> int:
        return self._statistics.chunks

    def has_term(self, term: str) -> bool:
        return self._term(term) is not None

    def idf(self, term: str) -> float:
        found = self._term(term)
        return bm25.lucene_idf(self._statistics.chunks, found[1] if found else 0)

    def chunk(self, chunk_id: int) -> Chunk | None:
        if chunk_id not in self._chunks:
            if len(self._chunks) >= CHUNK_CACHE:
                self._chunks.clear()
            self._chunks[chunk_id] = self._load_chunk(chunk_id)
        return self._chunks[chunk_id]

    def _load_chunk(self, chunk_id: int) -> Chunk | None:
        row = self._store.chunk(chunk_id) if chunk_id >= 0 else None
        if row is None:
            return None
        # Built without validation: the store wrote these values itself.
        return Chunk.model_construct(
            id=row.id, source=row.source_key, paragraph=row.paragraph, start=row.start, end=row.end,
            text=row.text, sentences=[Span.model_construct(start=s, end=e) for s, e in row.sentences],
            terms=row.terms, section=row.section, page=row.page, lines=row.lines,
        )

    def top(self, weights: Mapping[str, float], k: int,
            sources: Collection[str] | None = None) -> list[Hit]:
        with self._store.snapshot():
            self._check_generation()  # statistics and postings from the same commit
            return self._top(weights, k, sources)

    def _top(self, weights: Mapping[str, float], k: int,
             sources: Collection[str] | None) -> list[Hit]:
        statistics = self._statistics
        terms = [term for term, weight in weights.items() if weight > 0]
        missing = [term for term in terms if term not in self._terms]
        if missing:
            self._terms.update(dict.fromkeys(missing, None) | self._store.term_frequencies(missing))
        found = {term: self._terms[term] for term in terms if self._terms[term] is not None}
        if not statistics.chunks or not found:
            return []
        variant = self._parameters.variant
        collection = bm25.Collection(statistics.chunks, statistics.total_length)
        if variant == "okapi" and self._average_idf is None:
            self._average_idf = bm25.average_okapi_idf(statistics.chunks, self._store.df_histogram())
        scores = np.zeros(statistics.next_chunk)
        absent_total = 0.0
        for term, (term_id, df) in found.items():
            weight = weights[term]
            chunk_ids, scored, absent = self._term_scores(term, term_id, df, collection)
            absent_total += weight * absent
            scores[chunk_ids] += weight * scored
        # Every idf is positive in each variant and every weight too, so a chunk holding a
        # term of the question scores above zero here, and one holding none scores zero.
        if self._dead is None:
            self._dead = self._store.dead_ranges()
        for first, last in self._dead:
            scores[first:last + 1] = 0
        if sources is not None:
            allowed = np.zeros(scores.size, dtype=bool)
            for first, last in self._store.chunk_ranges(sources):
                allowed[first:last + 1] = True
            scores[~allowed] = 0
        return [Hit(chunk_id, score + absent_total) for chunk_id, score in bm25.top_k(scores, k)]

    def _term_scores(self, term: str, term_id: int, df: int,
                     collection: bm25.Collection) -> tuple[np.ndarray, np.ndarray, float]:
        """A term's chunks and its BM25 score in each (less its score in a chunk that lacks
        it), kept until the library changes: common terms recur from question to question."""
        if term in self._scored:
            self._scored.move_to_end(term)
            return self._scored[term]
        variant = self._parameters.variant
        term_idf = bm25.idf(variant, collection, df, self._average_idf or 0.0)
        absent = bm25.absent_score(variant, term_idf)
        segments, chunk_ids, tfs = self._store.postings(term_id)
        lengths = self._chunk_lengths(segments)[chunk_ids]
        entry = (chunk_ids, bm25.term_scores(variant, self._parameters, term_idf, tfs.astype(np.float64),
                                             lengths.astype(np.float64), collection.average_length) - absent,
                 absent)
        self._scored[term] = entry
        self._scored_size += entry[0].size
        while self._scored_size > SCORED_POSTINGS_CACHE and len(self._scored) > 1:
            _, (old_ids, _, _) = self._scored.popitem(last=False)
            self._scored_size -= old_ids.size
        return entry

    def _chunk_lengths(self, segments: Sequence[int]) -> np.ndarray:
        """Chunk lengths by chunk id, with those of ``segments`` in place."""
        for segment in segments:
            if segment not in self._placed:
                first, lengths = self._store.segment_lengths(segment)
                end = first + lengths.size
                if end > self._lengths.size:
                    grown = np.zeros(max(end, self._statistics.next_chunk), dtype=np.uint32)
                    grown[:self._lengths.size] = self._lengths
                    self._lengths = grown
                self._lengths[first:end] = lengths
                self._placed.add(segment)
        return self._lengths
