"""Retrieve → choose sentences → an `Answer` of verbatim quotes with citations, or a refusal."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from qa import analysis
from qa.engine import Retriever
from qa.models import Answer, Chunk, Citation, Quote, Source, Span
from qa.question import Form, Query, QuestionReader
from qa.settings import Settings

NOT_COVERED = "The sources don't cover this question."

NUMBER_WORDS = frozenset(
    """one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety
    hundred hundreds thousand thousands million millions billion billions trillion dozen dozens
    half quarter third percent""".split()
)
TIME_WORDS = frozenset(
    """january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday
    saturday sunday today yesterday tomorrow tonight week weeks month months year years decade
    decades century morning afternoon evening night ago since until weekend spring summer autumn
    winter fall earlier later""".split()
)
REASON_WORDS = frozenset("because due since caused cause prompted led result reason after saying".split())
# How far (in words) a number may stand from what a "how many" question counts.
FOCUS_WINDOW = 8
# The preceding sentence often names what a sentence's "they" or "he" stands for: it counts
# for this share of its matches.
CONTEXT_WEIGHT = 0.25
# A sentence's score: this share from the question words it holds, the rest from its chunk's BM25.
COVERAGE_SHARE = 0.75
# Another source's figure is quoted beside the best one when it matches this share as well.
OTHER_SOURCE_RATIO = 0.4
# A further quote must score at least this share of the best one.
FURTHER_QUOTE_RATIO = 0.8


@dataclass
class Candidate:
    chunk: int
    span: Span
    text: str
    chunk_score: float
    coverage: float
    chunk_coverage: float
    focused_number: bool
    score: float = 0.0


def _is_number(word: analysis.Word) -> bool:
    """A count or amount; a year such as 2025 is a date, not a count."""
    if word.norm[:1].isdigit():
        return not _is_year(word)
    return word.norm in NUMBER_WORDS


def _is_year(word: analysis.Word) -> bool:
    return bool(re.fullmatch(r"1[6-9]\d\d|20\d\d", word.surface))


def _is_time(word: analysis.Word) -> bool:
    return word.norm in TIME_WORDS or _is_year(word)


class Answerer:
    """Answers questions from one index."""

    def __init__(self, index: Retriever, sources: Mapping[str, Source], settings: Settings) -> None:
        self.index = index
        self.sources = sources
        self.settings = settings
        self.reader = QuestionReader(index)

    def answer(self, question: str, previous: Sequence[str] = (),
               sources: Collection[str] | None = None) -> Answer:
        query = self.reader.read(question, previous)
        interpreted = (
            f"{query.follow_up_of} → {question}" if query.follow_up_of else None
        )
        refusal = Answer(question=question, answered=False, text=NOT_COVERED,
                         suggestions=query.suggestions, interpreted_as=interpreted)
        # A name the sources never mention ("Who won the World Cup?") means they don't cover it.
        if not query.weights or query.unknown_names:
            return refusal
        candidates = self._candidates(query, sources)
        if not candidates:
            return refusal
        best = candidates[0]
        if best.chunk_coverage < self.settings.min_coverage:
            return refusal
        if query.focus and not best.focused_number:
            return refusal
        chosen = [best] + [
            c for c in candidates[1:]
            if c.score >= FURTHER_QUOTE_RATIO * best.score
            and c.chunk_coverage >= self.settings.min_coverage
            and (not query.focus or c.focused_number)
        ][: self.settings.max_quotes - 1]
        if query.form is Form.QUANTITY:
            chosen = self._with_other_sources_figures(chosen, candidates)
        return self._compose(query, chosen, interpreted)

    def _with_other_sources_figures(self, chosen: list[Candidate], candidates: list[Candidate]) -> list[Candidate]:
        """Add each other source's best figure, so a reader sees where the sources disagree."""
        quoted_sources = {self._chunk(c.chunk).source for c in chosen}
        for candidate in candidates:
            source = self._chunk(candidate.chunk).source
            if source in quoted_sources or not candidate.focused_number:
                continue
            if candidate.coverage < OTHER_SOURCE_RATIO * chosen[0].coverage:
                continue
            quoted_sources.add(source)
            chosen = chosen[: self.settings.max_quotes - 1] + [candidate] if len(chosen) >= self.settings.max_quotes \
                else chosen + [candidate]
        return chosen

    def _weight(self, term: str, query: Query) -> float:
        return query.weights[term] * self.index.idf(term)

    def _candidates(self, query: Query, sources: Collection[str] | None = None) -> list[Candidate]:
        top = self.index.top(query.weights, self.settings.retrieve, sources)
        if not top:
            return []
        total = sum(self._weight(t, query) for t in query.weights) or 1.0
        best_score = top[0][1]
        candidates = []
        for position, score in top:
            chunk = self._chunk(position)
            chunk_terms = set(chunk.tokens)
            context = self._preceding_terms(position, chunk.sentences[0])
            for span in chunk.sentences:
                text = chunk.text[span.start - chunk.start:span.end - chunk.start]
                words = list(analysis.words(text))
                terms = {analysis.stem(w.norm) for w in words if not w.is_stop and w.norm}
                own = self._coverage(query, terms, total)
                coverage = own + CONTEXT_WEIGHT * self._coverage(query, context - terms, total)
                chunk_coverage = max(self._coverage(query, chunk_terms, total), coverage)
                focused = _has_focused_number(words, query.focus)
                candidate = Candidate(position, span, text, score, coverage, chunk_coverage, focused)
                candidate.score = (
                    COVERAGE_SHARE * coverage + (1 - COVERAGE_SHARE) * score / best_score
                    + _form_bonus(query, words, candidate)
                )
                candidates.append(candidate)
                context = terms
        candidates.sort(key=lambda c: -c.score)
        return candidates

    def _chunk(self, chunk_id: int) -> Chunk:
        chunk = self.index.chunk(chunk_id)
        assert chunk is not None, "the index returned a chunk id it does not hold"
        return chunk

    def _coverage(self, query: Query, terms: set[str], total: float) -> float:
        return sum(self._weight(t, query) for t in query.weights if t in terms) / total

    def _preceding_terms(self, position: int, first: Span) -> set[str]:
        """The terms of the sentence before ``first``, if the same source has one."""
        chunk, previous = self._chunk(position), self.index.chunk(position - 1)
        if previous is None or previous.source != chunk.source or not previous.sentences:
            return set()
        last = previous.sentences[-1]
        return set(analysis.terms(previous.text[last.start - previous.start:last.end - previous.start]))

    def _compose(self, query: Query, chosen: list[Candidate], interpreted: str | None) -> Answer:
        citations: dict[int, Citation] = {}
        quotes = []
        for candidate in chosen:
            chunk = self._chunk(candidate.chunk)
            if candidate.chunk not in citations:
                source = self.sources[chunk.source]
                citations[candidate.chunk] = Citation(
                    n=len(citations) + 1, source=source.id, title=source.title, path=source.path,
                    paragraph=chunk.paragraph, start=chunk.start, end=chunk.end, passage=chunk.text,
                    score=round(candidate.chunk_score, 4), page=chunk.page, section=chunk.section,
                    lines=chunk.lines,
                )
            quotes.append(Quote(text=candidate.text, citation=citations[candidate.chunk].n,
                                start=candidate.span.start, end=candidate.span.end))
        text = "\n\n".join(f"{quote.text} [{quote.citation}]" for quote in quotes)
        return Answer(question=query.question, answered=True, text=text, quotes=quotes,
                      citations=list(citations.values()), suggestions=query.suggestions,
                      interpreted_as=interpreted)


def _has_focused_number(words: list[analysis.Word], focus: set[str]) -> bool:
    """Whether a number stands within a few words of what the question counts."""
    if not focus:
        return any(_is_number(w) for w in words)
    numbers = [i for i, w in enumerate(words) if _is_number(w)]
    focus_at = [i for i, w in enumerate(words) if w.norm and analysis.stem(w.norm) in focus]
    return any(abs(n - f) <= FOCUS_WINDOW for n in numbers for f in focus_at)


def _form_bonus(query: Query, words: list[analysis.Word], candidate: Candidate) -> float:
    """Credit for a sentence that carries the kind of thing the question asks for."""
    if query.form is Form.QUANTITY:
        if candidate.focused_number:
            return 0.3
        return 0.1 if any(_is_number(w) for w in words) else -0.2
    if query.form is Form.TIME:
        return 0.25 if any(_is_time(w) for w in words) else 0.0
    if query.form in (Form.PERSON, Form.PLACE):
        names = [w for w in words[1:] if w.surface[:1].isupper() and analysis.stem(w.norm) not in query.weights]
        return 0.15 if names else 0.0
    if query.form is Form.SPEECH:
        return 0.15 if re.search("[\"\u201c\u201d]", candidate.text) else 0.0
    if query.form is Form.REASON:
        return 0.1 if any(w.norm in REASON_WORDS for w in words) else 0.0
    return 0.0
