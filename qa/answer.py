"""Retrieve → choose sentences → an `Answer` of verbatim quotes with citations, or a refusal.

A sentence is scored by the share of the question's weight it holds (idf-weighted), by whether
it holds the kind of thing asked for (a number, a date, a name), by the sentence before it
(which often names what its "he" or "they" stands for) and by its passage's BM25 score. The
question is refused when it names something specific that no source mentions, or when the
best passage holds too little of its weight (`Settings.min_coverage`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence, Set
from dataclasses import dataclass

from qa import analysis
from qa.answer_span import SPAN_FORMS, find_answer, holds_answer_type
from qa.answer_cache import analysed_sentence, frame_terms
from qa.chunking import DEFINED, TITLED
from qa.engine import Retriever
from qa.models import Answer, Chunk, Citation, Quote, Source, Span
from qa.numbering import answer_text
from qa.question import Query, QuestionReader
from qa.settings import Settings

_WORD = re.compile(r"\w+")

NOT_COVERED = "The sources don't cover this question."

# The preceding sentence often names what a sentence's "they" or "he" stands for: it counts
# for this share of its matches.
CONTEXT_WEIGHT = 0.25
# A label (a term line, a heading, an option, a cross-reference) holds the question's words
# and says nothing beyond them: it counts for this share of its own matches, and the sentence
# after it, which it heads, takes this share of them.
LABEL_OWN_SHARE = 0.3
LABEL_CONTEXT_WEIGHT = 0.9
# A sentence adding fewer than this many words of its own to the question's is a label.
LABEL_MAX_NEW_TERMS = 2
# A label this short that stands right before its sentence is quoted with it.
LABEL_QUOTED_CHARS = 160
# A sentence's score: this share from the question words it holds, the rest from its chunk's BM25.
COVERAGE_SHARE = 0.75
# Credit for a sentence, or the label heading it, that spells out the option or identifier the
# question names ("--schema-only", "work_mem"), in proportion to the share it spells.
LITERAL_BONUS = 0.3
# How much a question word counts when a passage defines it, or its source's title holds it.
DEFINED_QUERY_WEIGHT = 1.0
TITLED_QUERY_WEIGHT = 0.5
# The words of a passage's headings and its source's title count for this share of their
# weight in each of its sentences: "tar's -z option" is answered by "-z, --gzip⏎ Filter the
# archive through gzip" under tar's OPTIONS.
FRAME_WEIGHT = 0.3
# A line of code or a command answers how-to questions only; elsewhere its matches count
# for this share.
CODE_SHARE = 0.5
# A sentence is code when this share of its characters are symbols no prose uses so often.
CODE_SYMBOL_SHARE = 0.06
_CODE_SYMBOLS = re.compile(r"[()\[\]{}=<>/\\|;$_@#*`~^]")
_PROMPT = re.compile(r"^\s*(\$|%|>>>|#)\s")
# For "what is X" and "what does X do": credit for a sentence that opens with X, or follows
# X's term line, as a definition does; OPENING_WORDS is how soon X must come.
DEFINITION_BONUS = 0.2
OPENING_WORDS = 4
# A word in fewer than about one passage in a thousand: BM25's idf, log((N - n + ½) / (n + ½)),
# passes this where n / N < 0.001, whatever the library's size.
PASSING_MENTION_IDF = 6.9
# A further quote must score at least this share of the best one.
FURTHER_QUOTE_RATIO = 0.8
# A common English word no source uses counts for this share of its weight: mostly the
# asker's paraphrase, sometimes the very thing the sources never say ("born", "language").
MISSING_COMMON_WEIGHT = 0.0
# Credit for a sentence holding the kind of thing asked for (a number, a date, a name).
TYPE_BONUS = 0.15
# A quote longer than this is cut to a window of about this many characters around the
# question's words (a whole paragraph without full stops is no one's sentence).
MAX_QUOTE_CHARS = 600
# For a number or a date, another source's best sentence holding one is quoted too when it
# holds this share of the best one's question weight, so that a reader sees where they differ.
OTHER_SOURCE_RATIO = 0.4


@dataclass
class Candidate:
    chunk: int
    span: Span
    text: str
    chunk_score: float
    coverage: float
    chunk_coverage: float
    typed: bool
    holds_rarest: bool = True
    cut_start: bool = False
    cut_end: bool = False
    score: float = 0.0


def _share_spelled(literals: list[str], text: str) -> float:
    """The share of the question's literal names (--schema-only, work_mem) that ``text``
    spells out exactly, as a whole name and in the same case (ssh's -L is not its -l):
    analysis splits them into common words and folds their case."""
    if not literals:
        return 0.0
    found = sum(bool(re.search(rf"(?<![\w-]){re.escape(literal)}(?![\w-])", text))
                for literal in literals)
    return found / len(literals)


def _is_code(text: str, words: list[analysis.Word]) -> bool:
    """Whether a sentence reads as code or a command line rather than prose: a shell prompt,
    a density of symbols, or several words with not one of the small words prose is made of."""
    if _PROMPT.match(text):
        return True
    visible = len(text) - text.count(" ")
    if visible and len(_CODE_SYMBOLS.findall(text)) > CODE_SYMBOL_SHARE * visible:
        return True
    return len(words) >= 4 and not any(w.is_stop for w in words)


def _opens_with(words: list[analysis.Word], subject: set[str]) -> bool:
    """Whether a sentence is about the subject: names it among its first words, the way a
    definition does ("TRUNCATE quickly removes…", "HTTPie (pronounced…) is a…")."""
    opening = {analysis.stem(w.norm) for w in words[:OPENING_WORDS] if w.norm}
    return bool(subject) and subject <= opening and any(w.is_stop for w in words)


def _distinct(candidates: list[Candidate]) -> list[Candidate]:
    """Each sentence once, where it ranks best: sources that repeat a sentence (a wire story
    reprinted, a boilerplate paragraph) would otherwise fill an answer with the same quote."""
    seen: set[str] = set()
    distinct = []
    for candidate in candidates:
        text = " ".join(candidate.text.split())
        if text not in seen:
            seen.add(text)
            distinct.append(candidate)
    return distinct


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
        interpreted = f"{query.follow_up_of} → {question}" if query.follow_up_of else None
        refusal = Answer(question=question, answered=False, text=NOT_COVERED,
                         suggestions=query.suggestions, corrected=query.corrected(), interpreted_as=interpreted)
        # A name, number or rare word no source mentions ("Who won the 2022 World Cup?").
        if not query.weights or query.missing_specific:
            return refusal
        candidates = _distinct(self._candidates(query, sources))
        if not candidates:
            return refusal
        best = candidates[0]
        refusal.coverage = round(best.chunk_coverage, 4)
        if best.chunk_coverage < self.settings.min_coverage or self._about_something_else(query, best):
            return refusal
        chosen = [best] + [
            c for c in candidates[1:]
            if c.score >= FURTHER_QUOTE_RATIO * best.score and c.chunk_coverage >= self.settings.min_coverage
        ][: self.settings.max_quotes - 1]
        if query.form in SPAN_FORMS:
            chosen = self._with_other_source(chosen, candidates)
        return self._compose(query, chosen, interpreted, refusal.coverage)

    def _with_other_source(self, chosen: list[Candidate], candidates: list[Candidate]) -> list[Candidate]:
        """Add another source's best figure, so that a reader sees where the sources differ."""
        quoted = {self._chunk(c.chunk).source for c in chosen}
        for candidate in candidates:
            if candidate.typed and candidate.coverage >= OTHER_SOURCE_RATIO * chosen[0].coverage \
                    and self._chunk(candidate.chunk).source not in quoted:
                return ([chosen[0], candidate] + chosen[1:])[: self.settings.max_quotes]
        return chosen

    def _weight(self, term: str, query: Query) -> float:
        return query.weights[term] * self.index.idf(term)

    def _total(self, query: Query) -> float:
        """The question's weight: every term but the common words no source uses."""
        return sum(self._weight(t, query) * (query.missing.get(t, 1.0) or MISSING_COMMON_WEIGHT)
                   for t in query.weights) or 1.0

    def _candidates(self, query: Query, sources: Collection[str] | None = None) -> list[Candidate]:
        # A passage that defines a word of the question ("Tablespace⏎ A named location...")
        # is looked for beside those that merely use it.
        # The question's subject (the noun after "what is", an option it names) may be the
        # very term a passage defines; any of its words may be in a source's title.
        subject = query.focus or {self._focus(query)} - {None}
        fields = {field + term: share * weight for term, weight in query.weights.items()
                  for field, share in ((DEFINED, DEFINED_QUERY_WEIGHT), (TITLED, TITLED_QUERY_WEIGHT))
                  if share and (field != DEFINED or term in subject) and self.index.has_term(field + term)}
        top = self.index.top(query.weights | fields, self.settings.retrieve, sources)
        if not top:
            return []
        total = self._total(query)
        rarest = self._rarest(query)
        best_score = top[0][1]
        candidates = []
        for chunk_id, score in top:
            chunk = self._chunk(chunk_id)
            chunk_terms = set(chunk.terms)
            context, context_weight, context_text = self._before(chunk_id, query)
            frame = self._frame(chunk)
            label: Span | None = None
            for sentence in chunk.sentences:
                text = chunk.text[sentence.start - chunk.start:sentence.end - chunk.start]
                start, end = self._window(query, text)
                span = Span(start=sentence.start + start, end=sentence.start + end)
                text = text[start:end]
                words, held = analysed_sentence(text)
                typed = holds_answer_type(query, words)
                own = self._coverage(query, held, total)
                is_label = own > 0 and not typed and self._is_label(query, words, held)
                coverage = (LABEL_OWN_SHARE if is_label else 1.0) * own \
                    + context_weight * self._coverage(query, context - held, total) \
                    + FRAME_WEIGHT * self._coverage(query, frame - held - context, total)
                if not query.how_to and _is_code(text, words):
                    coverage *= CODE_SHARE
                chunk_coverage = max(self._coverage(query, chunk_terms, total), coverage)
                if label is not None and not is_label and span.start == sentence.start:
                    # Quote the term line with the definition it heads: "-f, --force⏎ ignore…".
                    span = Span(start=label.start, end=span.end)
                    text = chunk.text[span.start - chunk.start:span.end - chunk.start]
                candidate = Candidate(chunk_id, span, text, score, coverage, chunk_coverage, typed,
                                      holds_rarest=rarest is None or rarest in chunk_terms | frame,
                                      cut_start=start > 0, cut_end=span.end < sentence.end)
                heading_text = context_text if context_weight == LABEL_CONTEXT_WEIGHT else ""
                defines = query.asks_definition and not is_label and (
                    _opens_with(words, subject) or (context_weight == LABEL_CONTEXT_WEIGHT and subject <= context))
                candidate.score = (
                    COVERAGE_SHARE * coverage + (1 - COVERAGE_SHARE) * score / best_score + TYPE_BONUS * typed
                    + LITERAL_BONUS * _share_spelled(query.literals, f"{heading_text}\n{text}")
                    + DEFINITION_BONUS * defines
                )
                candidates.append(candidate)
                context, context_weight = held, LABEL_CONTEXT_WEIGHT if is_label else CONTEXT_WEIGHT
                context_text = text
                label = sentence if is_label and len(text) <= LABEL_QUOTED_CHARS else None
        candidates.sort(key=lambda c: -c.score)
        return candidates

    def _about_something_else(self, query: Query, best: Candidate) -> bool:
        """Whether the best passage misses what the question names: the question's rarest
        word in the library is a name ("nginx", "Django", "443") that the library mentions
        only in passing (in fewer than one passage in a thousand), and neither the passage
        nor its heading and title hold it: the passage answers a question about something else."""
        rarest = self._rarest(query)
        return self.settings.refuse_unnamed and not best.holds_rarest and rarest is not None \
            and self.index.idf(rarest) >= PASSING_MENTION_IDF and query.names_it(rarest)

    def _rarest(self, query: Query) -> str | None:
        """The question's word the library has in the fewest passages."""
        known = [t for t in query.weights if t not in query.missing]
        return max(known, key=self.index.idf, default=None)

    def _focus(self, query: Query) -> str | None:
        """The question's most specific term: what it is about, rather than what it asks."""
        known = [t for t in query.weights if t not in query.missing]
        return max(known, key=lambda t: self._weight(t, query), default=None)

    def _frame(self, chunk: Chunk) -> frozenset[str]:
        """The terms of a passage's heading path and its source's title."""
        source = self.sources.get(chunk.source)
        return frame_terms(f"{chunk.section or ''} {source.title if source else ''}")

    @staticmethod
    def _is_label(query: Query, words: list[analysis.Word], held: frozenset[str]) -> bool:
        """Whether a sentence only restates the question: a term line, a heading, an option,
        "See wombat.". It adds at most LABEL_MAX_NEW_TERMS words and has no grammar of its
        own (at most one stop word), so "A wombat is a marsupial." is not one. A command line
        answers a how-to question, so there nothing is a label."""
        if query.how_to:
            return False
        return len(held - query.weights.keys()) <= LABEL_MAX_NEW_TERMS \
            and sum(w.is_stop for w in words) <= 1

    def _before(self, chunk_id: int, query: Query) -> tuple[frozenset[str], float, str]:
        """The sentence before a passage's first one, in the same source: its terms, how much
        they count (a label nearly in full) and its text."""
        chunk, previous = self._chunk(chunk_id), self.index.chunk(chunk_id - 1)
        if previous is None or previous.source != chunk.source or not previous.sentences:
            return frozenset(), CONTEXT_WEIGHT, ""
        last = previous.sentences[-1]
        text = previous.text[last.start - previous.start:last.end - previous.start]
        words, held = analysed_sentence(text)
        is_label = bool(held & query.weights.keys()) and not holds_answer_type(query, words) \
            and self._is_label(query, words, held)
        return held, LABEL_CONTEXT_WEIGHT if is_label else CONTEXT_WEIGHT, text

    def _chunk(self, chunk_id: int) -> Chunk:
        chunk = self.index.chunk(chunk_id)
        assert chunk is not None, "the index returned a chunk id it does not hold"
        return chunk

    def _coverage(self, query: Query, terms: Set[str], total: float) -> float:
        return sum(self._weight(t, query) for t in query.weights if t in terms) / total

    def _window(self, query: Query, text: str) -> tuple[int, int]:
        """The part of a sentence to quote: all of it, or for an over-long one the window of
        whole words holding most of the question's weight."""
        if len(text) <= MAX_QUOTE_CHARS:
            return 0, len(text)
        # A plain scan, not `analysis.words`: the sentence may be megabytes long.
        spans, weights = [], []
        for match in _WORD.finditer(text):
            spans.append(match.span())
            term = analysis.term(match.group())
            weights.append(self._weight(term, query) if term in query.weights else 0.0)
        if not spans:
            return 0, MAX_QUOTE_CHARS
        best, best_weight, first, held = (0, 0), -1.0, 0, 0.0
        for last, (_, end) in enumerate(spans):
            held += weights[last]
            while end - spans[first][0] > MAX_QUOTE_CHARS:
                held -= weights[first]
                first += 1
            if held > best_weight:
                best, best_weight = (first, last), held
        # Centre the window on the question's words it holds.
        weighted = [i for i in range(best[0], best[1] + 1) if weights[i]] or [best[0]]
        middle = (spans[weighted[0]][0] + spans[weighted[-1]][1]) // 2
        start = max(0, min(middle - MAX_QUOTE_CHARS // 2, len(text) - MAX_QUOTE_CHARS))
        inside = [span for span in spans if span[0] >= start and span[1] <= start + MAX_QUOTE_CHARS]
        if not inside:  # one enormous "word": cut it where the window falls
            return start, start + MAX_QUOTE_CHARS
        return inside[0][0], inside[-1][1]

    def _compose(self, query: Query, chosen: list[Candidate], interpreted: str | None,
                 coverage: float) -> Answer:
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
                                start=candidate.span.start, end=candidate.span.end,
                                cut_start=candidate.cut_start, cut_end=candidate.cut_end))
        text = answer_text(quotes)
        return Answer(question=query.question, answered=True, text=text, quotes=quotes,
                      citations=list(citations.values()), suggestions=query.suggestions,
                      corrected=query.corrected(), interpreted_as=interpreted, coverage=coverage,
                      answer=find_answer(query, quotes))
