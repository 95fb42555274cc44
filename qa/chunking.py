"""Paragraphs → chunks: a paragraph is a chunk; a long one becomes windows of whole sentences."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from qa import analysis
from qa.models import Chunk, Paragraph, Span


def chunk_paragraph(text: str, paragraph: Paragraph, number: int, source: str, max_words: int) -> list[Chunk]:
    """The chunks of one paragraph; every offset is into ``text``, the whole source.

    A chunk's index terms include its section's heading, so a question worded like the
    heading finds the paragraphs under it.
    """
    spans = [
        sentence
        for start, end in _pieces(text, paragraph.start, paragraph.end)
        for sentence in _bounded(text, analysis.sentences(text[start:end], offset=start) or
                                 [Span(start=start, end=end)])
    ] or [paragraph]
    windows: list[list[Span]] = [[]]
    words = 0
    for span in spans:
        length = len(text[span.start:span.end].split())
        if windows[-1] and words + length > max_words:
            windows.append([])
            words = 0
        windows[-1].append(span)
        words += length
    chunks = []
    for window in windows:
        start, end = window[0].start, window[-1].end
        terms = chunk_terms(text[start:end], paragraph.section)
        chunks.append(Chunk(
            source=source, paragraph=number, start=start, end=end, text=text[start:end],
            sentences=window, tokens=[term for term in terms.elements() if term],
            section=paragraph.section, page=paragraph.page, lines=_lines(text, paragraph, start, end),
        ))
    return chunks


# A paragraph longer than this (a file that is one enormous line) is cut at white space into
# pieces this long before its sentences are found: sentence splitting is slow on such text.
MAX_PIECE_CHARS = 100_000
# A "sentence" longer than this many words (a run-on line with no full stop) is cut into
# windows this long; the answer then quotes a window around its best words (qa.answer).
LONG_SENTENCE_WORDS = 2_000
_WORD = re.compile(r"\S+")


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    pieces = []
    while end - start > MAX_PIECE_CHARS:
        cut = text.rfind(" ", start, start + MAX_PIECE_CHARS)
        cut = cut if cut > start else start + MAX_PIECE_CHARS
        pieces.append((start, cut))
        start = cut
    return pieces + [(start, end)]


def _bounded(text: str, sentences: list[Span]) -> list[Span]:
    """Sentences, with any over LONG_SENTENCE_WORDS words cut into windows of that many, so
    no passage grows without bound."""
    result = []
    for sentence in sentences:
        if sentence.end - sentence.start < LONG_SENTENCE_WORDS * 2:  # too short to be that long
            result.append(sentence)
            continue
        words = list(_WORD.finditer(text, sentence.start, sentence.end))
        if len(words) <= LONG_SENTENCE_WORDS:
            result.append(sentence)
            continue
        for first in range(0, len(words), LONG_SENTENCE_WORDS):
            window = words[first:first + LONG_SENTENCE_WORDS]
            result.append(Span(start=window[0].start(), end=window[-1].end()))
    return result


def chunk_terms(text: str, section: str | None) -> Counter[str]:
    """A chunk's BM25 terms and their counts: its heading's words count as its own, so "water
    temperature" finds the paragraphs under that heading. A chunk of stop words only is one
    empty term, as the project always gave rank-bm25 (so no chunk has length 0)."""
    terms = analysis.term_counts(text)
    if section:
        terms.update(analysis.term_counts(section))
    return terms or Counter({"": 1})


def _lines(text: str, paragraph: Paragraph, start: int, end: int) -> tuple[int, int] | None:
    """The chunk's lines in the original file, counted from its paragraph's first line."""
    if paragraph.lines is None:
        return None
    first = min(paragraph.lines[0] + text.count("\n", paragraph.start, start), paragraph.lines[1])
    last = min(first + text.count("\n", start, end), paragraph.lines[1])
    return first, last


def chunk_source(text: str, paragraphs: Sequence[Paragraph], source: str, max_words: int) -> list[Chunk]:
    return [
        chunk
        for number, paragraph in enumerate(paragraphs, start=1)
        for chunk in chunk_paragraph(text, paragraph, number, source, max_words)
    ]
