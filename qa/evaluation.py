"""Score answers against a question set: passage@1, passage@3, answer, abstention, verbatim.

Each line of a question set is ``{"id", "question", "passage": [...], "answer": [...]}`` or
``{"id", "question", "answerable": false}``, optionally with a ``"kind"`` (the kind of file
that holds the answer: html, man, pdf...) for a breakdown by kind. ``passage`` lists
alternative snippets, one of which the cited passage must hold; each ``answer`` group must
appear in the quotes, and may list alternatives split by `` | ``. The answer is scored twice:
in all the quotes, and in the first quote alone (what a reader sees first). Comparison
ignores case, curly quotes and runs of whitespace.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ValidationError

from qa.analysis import fold
from qa.display import inert
from qa.library import Library, LibraryError
from qa.models import Answer


class EvalItem(BaseModel):
    id: str
    question: str
    passage: list[str] = []
    answer: list[str] = []
    answerable: bool = True
    kind: str | None = None


class ItemResult(BaseModel):
    id: str
    question: str
    kind: str | None = None
    answerable: bool
    answered: bool
    passage_at_1: bool
    passage_at_3: bool
    answer: bool
    answer_in_first_quote: bool
    verbatim_errors: list[str]
    quotes: list[str]


class Summary(BaseModel):
    """The scores of a set of results: the whole question set, or the questions of one kind."""
    answerable: int
    unanswerable: int
    passage_at_1: float
    passage_at_3: float
    answer: float
    answer_in_first_quote: float
    refused_unanswerable: int
    false_refusals: int


class KindSummary(Summary):
    kind: str


class Report(Summary):
    items: list[ItemResult]
    verbatim_errors: int
    kinds: list[KindSummary] = []


def share(flags: list[bool]) -> float:
    """The share of true flags, rounded for reports; 0 for none."""
    return round(sum(flags) / len(flags), 4) if flags else 0.0


def comparable(text: str) -> str:
    return " ".join(fold(text).split())


def load_items(path: Path) -> list[EvalItem]:
    """Read a question set; a broken line is a `LibraryError` naming it."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise LibraryError(f"Cannot read {path}: {error.strerror or error}.") from None
    except UnicodeDecodeError:
        raise LibraryError(f"{path} is not a question set: it is not UTF-8 text.") from None
    items = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            items.append(EvalItem.model_validate(json.loads(line)))
        except (ValueError, ValidationError):
            raise LibraryError(f"{path}, line {number}, is not a question-set item.") from None
    if not items:
        raise LibraryError(f"{path} holds no questions.")
    return items


def verbatim_errors(answer: Answer, texts: dict[str, str], library: Library) -> list[str]:
    """Each citation's passage must be the source text at its offsets; each quote inside it."""
    errors = []
    for citation in answer.citations:
        if citation.source not in texts:
            texts[citation.source] = library.text(citation.source)
        if texts[citation.source][citation.start:citation.end] != citation.passage:
            errors.append(f"citation {citation.n}: passage differs from {citation.path} at its offsets")
    for quote in answer.quotes:
        passage = answer.citations[quote.citation - 1].passage if quote.citation <= len(answer.citations) else ""
        if quote.text not in passage:
            errors.append(f"quote for [{quote.citation}] is not inside its passage")
    return errors


def score(item: EvalItem, answer: Answer, errors: list[str]) -> ItemResult:
    passages = [comparable(c.passage) for c in answer.citations]

    def has_passage(found: list[str]) -> bool:
        return any(comparable(p) in text for p in item.passage for text in found)

    def holds_answer(quotes: list[str]) -> bool:
        quoted = comparable(" ".join(quotes))
        return answer.answered and all(
            any(comparable(alternative) in quoted for alternative in group.split(" | "))
            for group in item.answer
        )

    quotes = [q.text for q in answer.quotes]
    return ItemResult(
        id=item.id, question=item.question, kind=item.kind, answerable=item.answerable,
        answered=answer.answered,
        passage_at_1=item.answerable and answer.answered and has_passage(passages[:1]),
        passage_at_3=item.answerable and answer.answered and has_passage(passages[:3]),
        answer=holds_answer(quotes) if item.answerable else not answer.answered,
        answer_in_first_quote=holds_answer(quotes[:1]) if item.answerable else not answer.answered,
        verbatim_errors=errors, quotes=quotes,
    )


def summarise(results: list[ItemResult]) -> Summary:
    answerable = [r for r in results if r.answerable]
    unanswerable = [r for r in results if not r.answerable]
    return Summary(
        answerable=len(answerable), unanswerable=len(unanswerable),
        passage_at_1=share([r.passage_at_1 for r in answerable]),
        passage_at_3=share([r.passage_at_3 for r in answerable]),
        answer=share([r.answer for r in answerable]),
        answer_in_first_quote=share([r.answer_in_first_quote for r in answerable]),
        refused_unanswerable=sum(not r.answered for r in unanswerable),
        false_refusals=sum(not r.answered for r in answerable),
    )


def evaluate(library: Library, items: list[EvalItem]) -> Report:
    texts: dict[str, str] = {}
    results = []
    for item in items:
        answer = library.ask(item.question)
        results.append(score(item, answer, verbatim_errors(answer, texts, library)))
    kinds = sorted({r.kind for r in results if r.kind is not None})
    return Report(
        items=results, **summarise(results).model_dump(),
        verbatim_errors=sum(len(r.verbatim_errors) for r in results),
        kinds=[KindSummary(kind=kind, **summarise([r for r in results if r.kind == kind]).model_dump()) for kind in kinds],
    )


def format_report(report: Report) -> str:
    lines = []
    for r in report.items:
        marks = ("refused ok" if not r.answered else "ANSWERED") if not r.answerable else (
            f"p@1 {'y' if r.passage_at_1 else 'n'}  p@3 {'y' if r.passage_at_3 else 'n'}  "
            f"answer {'y' if r.answer else 'n'}  first {'y' if r.answer_in_first_quote else 'n'}"
            + ("" if r.answered else "  REFUSED"))
        errors = f"  verbatim errors: {len(r.verbatim_errors)}" if r.verbatim_errors else ""
        lines.append(f"{inert(r.id):<12} {marks}{errors}  {inert(r.question)}")
    lines += [
        "",
        f"answerable questions   {report.answerable}",
        f"passage@1              {report.passage_at_1:.3f}",
        f"passage@3              {report.passage_at_3:.3f}",
        f"answer in the quotes   {report.answer:.3f}",
        f"answer in first quote  {report.answer_in_first_quote:.3f}",
        f"false refusals         {report.false_refusals}",
        f"unanswerable refused   {report.refused_unanswerable}/{report.unanswerable}",
        f"verbatim errors        {report.verbatim_errors}",
    ]
    if report.kinds:
        lines += ["", "kind        questions  passage@1  in quotes  first quote  false refusals  refused"]
        lines += [
            f"{inert(k.kind):<11} {k.answerable:>9}  {k.passage_at_1:>9.3f}  {k.answer:>9.3f}  "
            f"{k.answer_in_first_quote:>11.3f}  {k.false_refusals:>14}  "
            f"{k.refused_unanswerable}/{k.unanswerable}"
            for k in report.kinds
        ]
    return "\n".join(lines)
