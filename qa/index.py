"""Chunks → a BM25 ranking (rank-bm25), plus the vocabulary the question reader needs."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np
from rank_bm25 import BM25L, BM25Okapi, BM25Plus

from qa import analysis
from qa.engine import Hit, Spelling
from qa.models import Chunk
from qa.settings import Settings

_VARIANTS = {"okapi": BM25Okapi, "plus": BM25Plus, "l": BM25L}


def spellings(chunks: Sequence[Chunk]) -> dict[str, Spelling]:
    """Normalised word → how the sources write it, for "did you mean" and name variants."""
    forms: dict[str, Counter[str]] = {}
    for chunk in chunks:
        for word in analysis.words(chunk.text):
            if word.norm and not word.norm[0].isdigit():
                forms.setdefault(word.norm, Counter())[word.surface] += 1
    result = {}
    for norm, counts in forms.items():
        surface = counts.most_common(1)[0][0]
        capitalised = sum(n for form, n in counts.items() if form[:1].isupper())
        result[norm] = Spelling(surface, sum(counts.values()), capitalised)
    return result


class Index:
    """BM25 over chunks; scores a weighted bag of query terms."""

    def __init__(self, chunks: Sequence[Chunk], settings: Settings) -> None:
        self.chunks = list(chunks)
        self.document_frequency: Counter[str] = Counter()
        for chunk in self.chunks:
            self.document_frequency.update(set(chunk.tokens))
        self._bm25 = None
        if self.chunks:
            variant = _VARIANTS[settings.bm25_variant]
            # rank-bm25 divides by the average length: an all-stop-word chunk must not make it 0.
            corpus = [chunk.tokens or [""] for chunk in self.chunks]
            self._bm25 = variant(corpus, k1=settings.k1, b=settings.b)
            # Okapi's idf is zero or negative for a term in half the chunks or more, so in a
            # source of one or two chunks nothing would ever match: such terms get Lucene's
            # always-positive idf instead.
            for term, idf in self._bm25.idf.items():
                if idf <= 0:
                    self._bm25.idf[term] = self.idf(term)
        self.spellings = spellings(self.chunks)

    def __len__(self) -> int:
        return len(self.chunks)

    @property
    def vocabulary(self) -> "Index":
        return self

    def spelling(self, norm: str) -> Spelling | None:
        return None if norm in analysis.STOP_WORDS else self.spellings.get(norm)

    def near(self, norm: str, max_distance: int) -> list[str]:
        from rapidfuzz.distance import Levenshtein
        return [w for w in self.spellings if w != norm and w not in analysis.STOP_WORDS
                and Levenshtein.distance(norm, w, score_cutoff=max_distance) <= max_distance]

    def chunk(self, chunk_id: int) -> Chunk | None:
        return self.chunks[chunk_id] if 0 <= chunk_id < len(self.chunks) else None

    def has_term(self, term: str) -> bool:
        return term in self.document_frequency

    def idf(self, term: str) -> float:
        """Inverse document frequency; a term the sources lack weighs like the rarest one."""
        n = len(self.chunks)
        df = self.document_frequency.get(term, 0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def scores(self, query: Mapping[str, float]) -> np.ndarray:
        """BM25 score of every chunk for a query of weighted terms."""
        total = np.zeros(len(self.chunks))
        if self._bm25 is None:
            return total
        for term, weight in query.items():
            if weight and term in self.document_frequency:
                total += weight * self._bm25.get_scores([term])
        return total

    def top(self, query: Mapping[str, float], k: int, sources=None) -> list[Hit]:
        """The ``k`` best chunks as (position, score), best first, positive scores only."""
        scores = self.scores(query)
        if sources is not None:
            scores[[i for i, c in enumerate(self.chunks) if c.source not in sources]] = 0
        order = np.argsort(-scores, kind="stable")[:k]
        return [Hit(int(i), float(scores[i])) for i in order if scores[i] > 0]
