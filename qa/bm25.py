"""BM25 scores from stored postings, exactly as rank-bm25 defines them, computed at query time.

rank-bm25 is the definition (BM25Okapi, BM25Plus, BM25L with their formulas and defaults); it
scores with a Python loop over every document. Here the same formulas run over the postings of
the query's terms only, as NumPy arrays. idf and the average length come from statistics the
store keeps current (document counts, length total, how many terms have each document
frequency), so adding or removing a source never rescores the rest of the library.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

OKAPI_EPSILON = 0.25  # rank-bm25's BM25Okapi default
PLUS_DELTA = 1.0  # BM25Plus default
L_DELTA = 0.5  # BM25L default


@dataclass(frozen=True)
class Collection:
    """What idf and length normalisation need to know about the whole library."""

    documents: int
    total_length: int

    @property
    def average_length(self) -> float:
        return self.total_length / self.documents if self.documents else 0.0


@dataclass(frozen=True)
class Parameters:
    variant: str = "okapi"
    k1: float = 1.2
    b: float = 0.75


def _okapi_raw(n: int, df: int | np.ndarray) -> float | np.ndarray:
    return np.log(n - df + 0.5) - np.log(df + 0.5)


def lucene_idf(n: int, df: int) -> float:
    """An idf that is positive for every term, used where Okapi's is not."""
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def average_okapi_idf(documents: int, df_histogram: Mapping[int, int]) -> float:
    """The mean of Okapi's raw idf over every term of the library (rank-bm25's ``average_idf``),
    from how many terms have each document frequency."""
    if not df_histogram:
        return 0.0
    dfs = np.fromiter(df_histogram.keys(), dtype=np.float64)
    counts = np.fromiter(df_histogram.values(), dtype=np.float64)
    return float((counts * _okapi_raw(documents, dfs)).sum() / counts.sum())


def idf(variant: str, collection: Collection, df: int, average_idf: float) -> float:
    """rank-bm25's idf of a term held by ``df`` documents.

    Okapi's is negative for a term in more than half of the documents; rank-bm25 then uses
    ``epsilon × mean idf``. Where that is still not positive (a library of one or two
    passages), nothing would ever match, so such a term gets Lucene's idf: the project's rule.
    """
    n = collection.documents
    if variant == "okapi":
        value = float(_okapi_raw(n, df))
        if value < 0:
            value = OKAPI_EPSILON * average_idf
        return value if value > 0 else lucene_idf(n, df)
    if variant == "plus":
        return math.log((n + 1) / df)
    return math.log(n + 1) - math.log(df + 0.5)


def term_scores(variant: str, parameters: Parameters, term_idf: float, tf: np.ndarray,
                lengths: np.ndarray, average_length: float) -> np.ndarray:
    """One term's score in each document that holds it (``tf`` > 0), as rank-bm25 computes it."""
    k1, b = parameters.k1, parameters.b
    norm = 1 - b + b * lengths / average_length
    if variant == "okapi":
        return term_idf * (tf * (k1 + 1) / (tf + k1 * norm))
    if variant == "plus":
        return term_idf * (PLUS_DELTA + tf * (k1 + 1) / (k1 * norm + tf))
    ctd = tf / norm
    return term_idf * tf * (k1 + 1) * (ctd + L_DELTA) / (k1 + ctd + L_DELTA)


def absent_score(variant: str, term_idf: float) -> float:
    """A term's score in a document that lacks it: BM25Plus gives every document ``idf × δ``."""
    return term_idf * PLUS_DELTA if variant == "plus" else 0.0


def top_k(scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """The ``k`` best documents as (id, score), best first, ties by id; positive only."""
    candidates = np.flatnonzero(scores > 0)
    if candidates.size > k:
        part = np.argpartition(-scores[candidates], k - 1)[:k]
        cutoff = scores[candidates[part]].min()
        candidates = candidates[scores[candidates] >= cutoff]
    order = np.lexsort((candidates, -scores[candidates]))[:k]
    return [(int(candidates[i]), float(scores[candidates[i]])) for i in order]
