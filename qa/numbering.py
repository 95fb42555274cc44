"""Citation numbers: an answer's citations are numbered 1, 2, … in the order its quotes cite them.

Clients find a quote's citation as ``citations[n - 1]`` (the CLI, the UI, `qa eval`), so when
quotes are dropped (their source changed behind the index's back) the rest are renumbered
here, and the answer span follows its quote.
"""

from __future__ import annotations

from collections.abc import Sequence

from qa.models import Answer, Quote


def answer_text(quotes: Sequence[Quote]) -> str:
    """The plain text of an answer: each quote with its citation marker."""
    return "\n\n".join(f"{quote.text} [{quote.citation}]" for quote in quotes)


def without_citations(answer: Answer, dropped: set[int], not_covered: str) -> Answer:
    """``answer`` without the quotes citing ``dropped`` numbers, renumbered; a refusal reading
    ``not_covered`` when no quote is left."""
    kept = [(index, quote) for index, quote in enumerate(answer.quotes) if quote.citation not in dropped]
    if not kept:
        return Answer(question=answer.question, answered=False, text=not_covered,
                      suggestions=answer.suggestions, corrected=answer.corrected,
                      interpreted_as=answer.interpreted_as)
    numbers: dict[int, int] = {}  # old number → new, in the order the quotes cite them
    for _, quote in kept:
        numbers.setdefault(quote.citation, len(numbers) + 1)
    citations = sorted((citation.model_copy(update={"n": numbers[citation.n]})
                        for citation in answer.citations if citation.n in numbers), key=lambda c: c.n)
    quotes = [quote.model_copy(update={"citation": numbers[quote.citation]}) for _, quote in kept]
    span = answer.answer
    if span is not None:
        positions = [index for index, _ in kept]
        span = span.model_copy(update={"quote": positions.index(span.quote)}) if span.quote in positions else None
    return answer.model_copy(update={"quotes": quotes, "citations": citations, "text": answer_text(quotes),
                                     "answer": span})
