"""What answering needs from an index, whatever stores it.

The answerer and the question reader see only these protocols, so the store behind them (the
SQLite library of `qa.store`, or a server such as OpenSearch later) can change without
touching them. Chunk ids are integers; the chunks of one source have consecutive ids in
reading order, so ``chunk_id - 1`` is the passage before (when it has the same source).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from qa.models import Chunk


@dataclass(frozen=True)
class Spelling:
    """How a normalised word is written in the sources: its commonest surface form."""

    surface: str
    count: int
    capitalised: int

    @property
    def is_name(self) -> bool:
        return self.capitalised * 2 > self.count


class Hit(NamedTuple):
    chunk: int
    score: float


class Vocabulary(Protocol):
    """The words of the sources, as written, for "did you mean" and name variants."""

    def spelling(self, norm: str) -> Spelling | None:
        """How the sources write a normalised word (stop words excluded); None if they never do."""

    def near(self, norm: str, max_distance: int) -> list[str]:
        """Words of the sources within ``max_distance`` edits of ``norm`` that start with its
        letter (itself excluded): a misspelling rarely gets the first letter wrong."""


class Retriever(Protocol):
    """The read side of an index: ranking, passages and term statistics."""

    @property
    def vocabulary(self) -> Vocabulary: ...

    def top(self, weights: Mapping[str, float], k: int,
            sources: Collection[str] | None = None) -> list[Hit]:
        """The ``k`` best chunks for weighted terms (BM25), best first, positive scores only;
        ``sources`` restricts them to those source ids."""

    def chunk(self, chunk_id: int) -> Chunk | None:
        """A chunk by id; None if there is none."""

    def has_term(self, term: str) -> bool:
        """Whether any chunk holds this stemmed term."""

    def idf(self, term: str) -> float:
        """Always-positive inverse document frequency; a term no chunk has weighs like the rarest."""
