"""Paragraphs → chunks: a paragraph is a chunk; a long one becomes windows of whole sentences."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from qa import analysis
from qa.models import Paragraph


@dataclass(frozen=True, slots=True)
class Window:
    """Where one chunk stands in its source's text: a paragraph or a window of its sentences."""

    paragraph: int  # 1-based body paragraph number
    start: int
    end: int
    sentences: list[tuple[int, int]]
    section: str | None
    page: int | None
    lines: tuple[int, int] | None


def paragraph_windows(text: str, paragraph: Paragraph, number: int, max_words: int) -> list[Window]:
    """The chunks of one paragraph; every offset is into ``text``, the whole source."""
    spans = [
        sentence
        for start, end in _pieces(text, paragraph.start, paragraph.end)
        for sentence in _bounded(text, analysis.sentence_bounds(text[start:end], offset=start) or
                                 [(start, end)])
    ] or [(paragraph.start, paragraph.end)]
    windows: list[list[tuple[int, int]]] = [[]]
    words = 0
    for start, end in spans:
        length = len(text[start:end].split())
        if windows[-1] and words + length > max_words:
            windows.append([])
            words = 0
        windows[-1].append((start, end))
        words += length
    return [
        Window(paragraph=number, start=window[0][0], end=window[-1][1], sentences=window,
               section=paragraph.section, page=paragraph.page,
               lines=_lines(text, paragraph, window[0][0], window[-1][1]))
        for window in windows
    ]


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


def _bounded(text: str, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentences, with any over LONG_SENTENCE_WORDS words cut into windows of that many, so
    no passage grows without bound."""
    result = []
    for start, end in sentences:
        if end - start < LONG_SENTENCE_WORDS * 2:  # too short to be that long
            result.append((start, end))
            continue
        words = list(_WORD.finditer(text, start, end))
        if len(words) <= LONG_SENTENCE_WORDS:
            result.append((start, end))
            continue
        for first in range(0, len(words), LONG_SENTENCE_WORDS):
            window = words[first:first + LONG_SENTENCE_WORDS]
            result.append((window[0].start(), window[-1].end()))
    return result


# The index term for "this passage defines the word": DEFINED + the word's term; for "its
# source's title holds the word": TITLED + the word's term. Kept apart from the text's own
# terms, so that a short library's titles, in every passage, do not drown its words.
DEFINED = "§"
TITLED = "@"
# A passage that opens with up to this many short lines with no closing punctuation opens
# with the term it defines: a glossary entry, an option ("-f, --force"), a help tag.
DEFINED_MAX_LINES = 3
DEFINED_MAX_WORDS = 8
_CLOSING = (".", "!", "?", ",", ";")


def defined_terms(text: str) -> set[str]:
    """The terms a passage defines: those of the term lines that open it, above its first sentence."""
    lines = text.split("\n")
    if len(lines) < 2:
        return set()
    defined: set[str] = set()
    for line in lines[:min(DEFINED_MAX_LINES, len(lines) - 1)]:
        line = line.strip()
        if not line or len(line.split()) > DEFINED_MAX_WORDS or line.endswith(_CLOSING):
            break
        defined.update(analysis.terms(line))
    return defined


def chunk_counts(text: str, section: str | None,
                 title: str | None = None) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """A chunk's BM25 terms and their counts (`chunk_terms`), and its spellings (`analysis.spellings`)."""
    found = analysis.tokens(text)
    return chunk_terms(text, found, section, title)[0], analysis.spellings(found)


def chunk_terms(text: str, found: list[str], section: str | None,
                title: str | None = None) -> tuple[dict[str, int], int]:
    """A chunk's BM25 terms and their counts, from its `analysis.tokens`, and its length for
    BM25: its own words and its heading's, not the title and defined terms, so that they
    leave the ranking of the text's own words as it was.

    Its heading's words count as its own terms, so "water temperature" finds the paragraphs
    under that heading. Its source's title words and the words it defines (`defined_terms`)
    are terms of their own (TITLED, DEFINED), so "tar's -z option" can find "-z, --gzip" in
    tar's manual, which never names itself. A chunk of stop words only
    is one empty term, as the project always gave rank-bm25 (so no chunk has length 0).
    """
    terms = analysis.term_counts(text, found)
    if section:
        terms.update(_heading_counts(section))
    if not terms:  # judged before the title's terms join: rank-bm25 sees only the text's own
        terms = {"": 1}
    length = sum(terms.values())
    # dict.update, not Counter's (a Python loop): these keys are never the text's own terms.
    if title:
        dict.update(terms, _title_terms(title))
    if "\n" in text:
        dict.update(terms, dict.fromkeys([DEFINED + term for term in defined_terms(text)], 1))
    return terms, length


@lru_cache(maxsize=1024)
def _heading_counts(section: str) -> dict[str, int]:
    return analysis.term_counts(section, analysis.tokens(section))


@lru_cache(maxsize=1024)
def _title_terms(title: str) -> dict[str, int]:
    return {TITLED + term: 1 for term in analysis.term_counts(title, analysis.tokens(title))}


def _lines(text: str, paragraph: Paragraph, start: int, end: int) -> tuple[int, int] | None:
    """The chunk's lines in the original file, counted from its paragraph's first line."""
    if paragraph.lines is None:
        return None
    first = min(paragraph.lines[0] + text.count("\n", paragraph.start, start), paragraph.lines[1])
    last = min(first + text.count("\n", start, end), paragraph.lines[1])
    return first, last


def windows(text: str, paragraphs: Sequence[Paragraph], max_words: int) -> list[Window]:
    """The chunks of a source, in order."""
    return [
        window
        for number, paragraph in enumerate(paragraphs, start=1)
        for window in paragraph_windows(text, paragraph, number, max_words)
    ]
