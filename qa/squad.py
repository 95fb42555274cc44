"""Reading comprehension on SQuAD 2.0 paragraphs, through the same `Library.ask` as `qa ask`.

By default every article becomes one source (title first, then its paragraphs, blank-line
separated) in ONE temporary folder, and every question is asked against all of them, as a
user's library would be asked; ``per_article`` gives each article a folder of its own.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pydantic import BaseModel

from qa.evaluation import comparable, share
from qa.library import Library, LibraryError
from qa.models import Answer
from qa.settings import Settings


class SquadRow(BaseModel):
    """One question's outcome; ``gold_paragraph`` is 1-based within its article."""

    id: str
    question: str
    article: str
    gold_paragraph: int
    answerable: bool
    answered: bool
    paragraph_at_1: bool = False
    answer_in_quotes: bool = False
    answer_in_first_quote: bool = False
    answer_in_span: bool | None = None
    first_quote: str | None = None
    span: str | None = None


class SquadReport(BaseModel):
    articles: int
    one_folder: bool
    answerable: int
    unanswerable: int
    paragraph_at_1: float
    answer_in_quotes: float
    answer_in_first_quote: float
    false_refusals: int
    false_refusal_rate: float
    unanswerable_refused: float
    span_holds_answer: float
    spans: int
    rows: list[SquadRow] = []


class _GoldAnswer(BaseModel):
    text: str


class _Question(BaseModel):
    id: str | int = ""
    question: str
    answers: list[_GoldAnswer] = []
    is_impossible: bool = False


class _Paragraph(BaseModel):
    context: str
    qas: list[_Question]


class _Article(BaseModel):
    title: str = "article"
    paragraphs: list[_Paragraph]


class _SquadFile(BaseModel):
    data: list[_Article]


def _read(path: Path) -> list[dict]:
    """The articles of a SQuAD 2.0 file, checked field by field: a malformed one (a number for
    a context, a question without its text) is one sentence, never a traceback."""
    try:
        return _SquadFile.model_validate_json(path.read_bytes()).model_dump()["data"]
    except (OSError, ValueError):  # pydantic's ValidationError is a ValueError
        raise LibraryError(f"{path} is not a readable SQuAD 2.0 file.") from None


def _file_name(number: int, title: str) -> str:
    safe = "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-")[:60]
    return f"{number:03d}-{safe or 'article'}.txt"


def _write_article(folder: Path, number: int, article: dict) -> str:
    contexts = [" ".join(p["context"].split()) for p in article["paragraphs"]]
    name = _file_name(number, article["title"])
    (folder / name).write_text(article["title"].replace("_", " ") + "\n\n" + "\n\n".join(contexts) + "\n",
                               encoding="utf-8")
    return name


@contextmanager
def _folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="qa-squad-") as folder:
        yield Path(folder)


def _score(qa: dict, article: str, paragraph: int, answer: Answer) -> SquadRow:
    row = SquadRow(id=str(qa.get("id", "")), question=qa["question"], article=article,
                   gold_paragraph=paragraph, answerable=not qa.get("is_impossible", False),
                   answered=answer.answered,
                   first_quote=answer.quotes[0].text if answer.quotes else None)
    if answer.answer is not None:
        quote = answer.quotes[answer.answer.quote].text
        row.span = quote[answer.answer.start:answer.answer.end]
    if not row.answerable:
        return row
    golds = [comparable(a["text"]) for a in qa["answers"]]
    quotes = [comparable(q.text) for q in answer.quotes]
    first = answer.citations[0] if answer.citations else None
    row.paragraph_at_1 = first is not None and first.path.name == article and first.paragraph == paragraph
    row.answer_in_quotes = any(g in " ".join(quotes) for g in golds)
    row.answer_in_first_quote = bool(quotes) and any(g in quotes[0] for g in golds)
    if row.span is not None:
        span = comparable(row.span)
        row.answer_in_span = any(g in span or (span and span in g) for g in golds)
    return row


def _ask_all(library: Library, articles: list[tuple[str, dict]]) -> list[SquadRow]:
    return [
        _score(qa, name, number, library.ask(qa["question"]))
        for name, article in articles
        for number, paragraph in enumerate(article["paragraphs"], start=1)
        for qa in paragraph["qas"]
    ]


def evaluate_squad(path: Path, settings: Settings, per_article: bool = False) -> SquadReport:
    articles = _read(path)
    rows: list[SquadRow] = []
    if per_article:
        for number, article in enumerate(articles, start=1):
            with _folder() as folder:
                name = _write_article(folder, number, article)
                rows += _ask_all(Library.open(folder, settings), [(name, article)])
    else:
        with _folder() as folder:
            named = [(_write_article(folder, n, a), a) for n, a in enumerate(articles, start=1)]
            rows = _ask_all(Library.open(folder, settings), named)
    answerable = [r for r in rows if r.answerable]
    unanswerable = [r for r in rows if not r.answerable]
    false_refusals = sum(not r.answered for r in answerable)
    spans = [r.answer_in_span for r in answerable if r.answer_in_span is not None]
    return SquadReport(
        articles=len(articles), one_folder=not per_article,
        answerable=len(answerable), unanswerable=len(unanswerable),
        paragraph_at_1=share([r.paragraph_at_1 for r in answerable]),
        answer_in_quotes=share([r.answer_in_quotes for r in answerable]),
        answer_in_first_quote=share([r.answer_in_first_quote for r in answerable]),
        false_refusals=false_refusals,
        false_refusal_rate=share([not r.answered for r in answerable]),
        unanswerable_refused=share([not r.answered for r in unanswerable]),
        span_holds_answer=share(spans), spans=len(spans), rows=rows,
    )


def format_squad(report: SquadReport) -> str:
    mode = "one folder" if report.one_folder else "one folder per article"
    return "\n".join([
        f"articles                  {report.articles} ({mode})",
        f"answerable questions      {report.answerable}",
        f"paragraph@1               {report.paragraph_at_1:.3f}",
        f"answer in quotes shown    {report.answer_in_quotes:.3f}",
        f"answer in first quote     {report.answer_in_first_quote:.3f}",
        f"false refusals            {report.false_refusals} ({report.false_refusal_rate:.1%})",
        f"unanswerable refused      {report.unanswerable_refused:.3f} of {report.unanswerable}",
        f"answer span holds gold    {report.span_holds_answer:.3f} of {report.spans} spans",
    ])
