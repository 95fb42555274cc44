"""What answering reads again and again, kept: the words and terms of a candidate sentence,
and the terms of a heading path and title (the passages a conversation's questions read overlap,
and a source's passages share their headings)."""

from __future__ import annotations

from functools import lru_cache

from qa import analysis

# Sentences analysed, by their text (the passages a conversation's questions read overlap),
# up to a length that keeps the cache small.
ANALYSED_SENTENCES = 4096
CACHED_SENTENCE_CHARS = 2000


def analysed_sentence(text: str) -> tuple[list[analysis.Word], frozenset[str]]:
    """A sentence's words and the terms it holds (stop words left out). Shared: not to be changed."""
    return _analysed_cached(text) if len(text) <= CACHED_SENTENCE_CHARS else _analyse(text)


def _analyse(text: str) -> tuple[list[analysis.Word], frozenset[str]]:
    words = list(analysis.words(text))
    return words, frozenset(analysis.stem(w.norm) for w in words if w.norm and not w.is_stop)


_analysed_cached = lru_cache(maxsize=ANALYSED_SENTENCES)(_analyse)


@lru_cache(maxsize=ANALYSED_SENTENCES)
def frame_terms(text: str) -> frozenset[str]:
    """The terms of a heading path and title (the same few recur across a source's passages)."""
    return frozenset(analysis.terms(text))
