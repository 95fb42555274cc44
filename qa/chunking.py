"""Paragraphs → chunks: a paragraph is a chunk; a long one becomes windows of whole sentences."""

from __future__ import annotations

from qa import analysis
from qa.models import Chunk, Span


def chunk_paragraph(text: str, paragraph: Span, number: int, source: str, max_words: int) -> list[Chunk]:
    """The chunks of one paragraph; every offset is into ``text``, the whole source."""
    spans = analysis.sentences(text[paragraph.start:paragraph.end], offset=paragraph.start)
    if not spans:
        spans = [paragraph]
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
        chunks.append(Chunk(
            source=source, paragraph=number, start=start, end=end, text=text[start:end],
            sentences=window, tokens=analysis.terms(text[start:end]),
        ))
    return chunks


def chunk_source(text: str, paragraphs: list[Span], source: str, max_words: int) -> list[Chunk]:
    return [
        chunk
        for number, paragraph in enumerate(paragraphs, start=1)
        for chunk in chunk_paragraph(text, paragraph, number, source, max_words)
    ]
