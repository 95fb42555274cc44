"""Text → normalised, stemmed terms, and text → sentence spans.

Sentences are split by NLTK's Punkt with our own parameters (`qa.punkt`, loaded on first
use: answering a question never needs it); words are stemmed by the Snowball project's English stemmer in C (PyStemmer).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

from qa.models import Span


from qa.stopwords import STOP_WORDS

_QUOTE_FOLD = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201b": "'", "\u02bc": "'", "\u2032": "'", "`": "'",
     "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"'}
)

_TOKEN = re.compile(
    r"(?P<acronym>(?:[^\W\d_]\.){2,})"
    r"|(?P<number>\d+(?:[.,]\d+)*)(?P<percent>\s?%)?"
    r"|(?P<word>[^\W\d_]+(?:['\u2019][^\W\d_]+)*)"
)
_THOUSANDS = re.compile(r",(?=\d{3}(?:\D|$))")


def fold(text: str) -> str:
    """Lower case, accents removed, curly quotes made straight: the form terms are compared in."""
    if text.isascii():  # most words: NFKD and the quote table change nothing but the backtick
        return text.replace("`", "'").lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(_QUOTE_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@dataclass(slots=True, unsafe_hash=True)  # not frozen: a frozen one takes 7x as long to make,
class Word:                                # and answering makes thousands per question
    """One word of a text: where it stands, how it was written, and its normalised form."""

    start: int
    end: int
    surface: str
    norm: str
    is_acronym: bool

    @property
    def is_stop(self) -> bool:
        return self.norm in STOP_WORDS and not self.is_acronym


@lru_cache(maxsize=500_000)
def _normalise_word(surface: str) -> str:
    word = fold(surface)
    if word.endswith("'s"):
        word = word[:-2]
    return word.replace("'", "")


def words(text: str) -> Iterator[Word]:
    """Every word and number of ``text`` with its offsets, normalised but not stemmed."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "word":
            surface = match.group()
            yield Word(match.start(), match.end(), surface, _normalise_word(surface),
                       2 <= len(surface) <= 5 and surface.isupper())
        elif kind == "acronym":
            surface = match.group()
            yield Word(match.start(), match.end(), surface, fold(surface.replace(".", "")), True)
        else:
            number = match.group("number")
            start = match.start()
            yield Word(start, start + len(number), match.group(), _THOUSANDS.sub("", number), False)
            if kind == "percent":
                yield Word(match.end() - 1, match.end(), "%", "percent", False)


# The same Snowball algorithm as NLTK's pure-Python SnowballStemmer("english"), 10-20× faster;
# PyStemmer 2.2 stems 5 of 32,673 words of our test collections differently (docs/quality.md).
# Its own cache is off (0): `stem` caches, and a second cache of 10,000 words only churns.
_stemmer = Stemmer.Stemmer("english", 0)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball stem of a normalised word; cached because the same words recur endlessly."""
    if word[:1].isdigit():
        return word
    return _stemmer.stemWord(word)


def term(surface: str) -> str:
    """The index term of one word as written (no stop-word test)."""
    return stem(_normalise_word(surface))


def terms(text: str) -> list[str]:
    """The index terms of ``text``: stop words dropped, the rest stemmed.

    The same terms as ``stem(w.norm)`` for the non-stop words of `words`, without building a
    `Word` for each: indexing spends most of its time here.
    """
    result = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "word":
            term = _word_term(match.group())
            if term:
                result.append(term)
        elif kind == "acronym":
            norm = fold(match.group().replace(".", ""))
            if norm:
                result.append(stem(norm))
        else:
            result.append(_THOUSANDS.sub("", match.group("number")))
            if kind == "percent":
                result.append(stem("percent"))
    return result


_PERCENT = stem("percent")  # "%" counts as the word

# `_TOKEN` without its groups: `findall` then returns each match as one string, which
# `Counter` and the tables below count and look up in C. A number starts with a digit, an
# acronym ends with its full stop, anything else is a word.
tokens = re.compile(_TOKEN.pattern.replace("(?P<acronym>", "(?:").replace("(?P<number>", "(?:")
                    .replace("(?P<percent>", "(?:").replace("(?P<word>", "(?:")).findall


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*").match


class _Table(dict):
    """Each token's analysis, worked out the first time the token is seen."""

    MAX_SIZE = 500_000  # then started again: a worker's memory stays bounded on any library

    def __init__(self, analyse: Callable[[str], str | None]) -> None:
        super().__init__()
        self._analyse = analyse

    def __missing__(self, token: str) -> str | None:
        if len(self) >= self.MAX_SIZE:
            self.clear()
        value = self[token] = self._analyse(token)
        return value


def _token_term(token: str) -> str | None:
    if token[0].isdecimal():  # what `\d` matches
        return _THOUSANDS.sub("", _NUMBER(token).group())
    if token.endswith("."):
        norm = fold(token.replace(".", ""))
        return stem(norm) if norm else None
    return _word_term(token)


def _token_spelling(token: str) -> str | None:
    return None if token[0].isdecimal() else _spelling_norm(token)


_TERMS = _Table(_token_term)
_SPELLINGS = _Table(_token_spelling)


def term_counts(text: str, found: list[str]) -> Counter[str]:
    """How often each index term of ``text`` occurs (`terms` counted), from its `tokens`."""
    counted = Counter(map(_TERMS.__getitem__, found))
    counted.pop(None, None)
    if "%" in text:
        percents = sum(1 for token in found if token[-1] == "%")
        if percents:
            counted[_PERCENT] += percents
    return counted


def spellings(found: list[str]) -> dict[tuple[str, str], int]:
    """How often each (normalised word, as written) that "did you mean" may suggest occurs
    among `tokens` (the non-stop words and acronyms of `words`; numbers are never suggested)."""
    result = {}
    for surface, n in Counter(found).items():
        norm = _SPELLINGS[surface]
        if norm:
            result[norm, surface] = n
    return result


def counts(text: str) -> tuple[Counter[str], dict[tuple[str, str], int]]:
    """`term_counts` and `spellings` of ``text``."""
    found = tokens(text)
    return term_counts(text, found), spellings(found)


@lru_cache(maxsize=500_000)
def _spelling_norm(surface: str) -> str | None:
    norm = fold(surface.replace(".", "")) if surface.endswith(".") else _normalise_word(surface)
    return norm if norm and not norm[0].isdigit() and norm not in STOP_WORDS else None


@lru_cache(maxsize=500_000)
def _word_term(surface: str) -> str | None:
    norm = _normalise_word(surface)
    is_acronym = 2 <= len(surface) <= 5 and surface.isupper()
    if not norm or (norm in STOP_WORDS and not is_acronym):
        return None
    return stem(norm)




# A line of at most this many words with no closing punctuation, followed by a line that
# starts a sentence, is a heading ("Background\nThe mission..."), not the start of a sentence.
HEADING_MAX_WORDS = 10
# ...and is shorter than this share of the widest line of its paragraph.
HEADING_MAX_WIDTH_SHARE = 0.6
# A stray quotation mark must not glue a whole paragraph together.
MAX_MERGED_CHARS = 1500
_OPENING = "\u201c\u2018"
_CLOSING = "\u201d\u2019"
_LINE_END = re.compile(r"[.!?:;,\"\u201d\u2019)\]]\s*$")


def _open_quotation(piece: str) -> bool:
    """Whether a quotation opened in ``piece`` is still open at its end."""
    if piece.count("\u201c") != piece.count("\u201d"):
        return piece.count("\u201c") > piece.count("\u201d")
    return piece.count('"') % 2 == 1


def _heading_breaks(text: str, start: int, end: int) -> list[int]:
    """Offsets inside ``text[start:end]`` where a heading line ends and a sentence begins.

    In hard-wrapped text (a man page, a Markdown source, a PDF's lines) every line runs to
    about the same width, and a line ending "...confirmation using the" before "SSH_ASKPASS"
    is a wrap, not a heading: a heading is a line well short of the longest around it."""
    breaks = []
    line_start = start
    widest = max((len(line.strip()) for line in text[start:end].split("\n")), default=0)
    while (newline := text.find("\n", line_start, end)) != -1:
        line = text[line_start:newline].strip()
        following = text[newline:end].lstrip()
        if line and len(line.split()) <= HEADING_MAX_WORDS and not _LINE_END.search(line) \
                and len(line) < HEADING_MAX_WIDTH_SHARE * widest \
                and following[:1].isupper() | following[:1].isdigit() | (following[:1] in _OPENING):
            breaks.append(newline)
        line_start = newline + 1
    return breaks


def sentence_bounds(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Sentence spans of ``text``, shifted by ``offset``; each span starts and ends on non-space.

    As a reader sees them: a quotation with its attribution (“It ends. Now,” she said.) is
    one sentence, and a heading is a sentence of its own.
    """
    from qa.punkt import span_tokenize  # nltk loads only when text is analysed: 0.9 s

    pieces: list[tuple[int, int]] = []
    for start, end in span_tokenize(text):
        cuts = [start, *_heading_breaks(text, start, end), end]
        pieces += [(a, b) for a, b in zip(cuts, cuts[1:])]
    merged: list[tuple[int, int]] = []
    for start, end in pieces:
        piece = text[start:end].strip()
        if not piece:
            continue
        if merged and (_open_quotation(text[merged[-1][0]:merged[-1][1]]) or piece[:1].islower()) \
                and "\n" not in text[merged[-1][1]:start] and end - merged[-1][0] <= MAX_MERGED_CHARS:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    spans = []
    for start, end in merged:
        piece = text[start:end]
        stripped = piece.strip()
        start += len(piece) - len(piece.lstrip())
        spans.append((offset + start, offset + start + len(stripped)))
    return spans


def sentences(text: str, offset: int = 0) -> list[Span]:
    """`sentence_bounds` as `Span`s."""
    return [Span(start=start, end=end) for start, end in sentence_bounds(text, offset)]
