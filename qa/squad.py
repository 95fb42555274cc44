"""Reading comprehension on SQuAD 2.0 paragraphs, through the same `Library.ask` as `qa ask`.

Each article becomes one source (title first, then its paragraphs, blank-line separated) in
a temporary folder; every question is asked and scored against its gold paragraph and answers.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from pydantic import BaseModel

from qa.evaluation import comparable, share
from qa.library import Library, LibraryError
from qa.settings import Settings


class SquadReport(BaseModel):
    articles: int
    answerable: int
    unanswerable: int
    paragraph_at_1: float
    answer_in_quotes: float
    answer_in_first_quote: float
    unanswerable_refused: float
    false_refusals: int


def _read(path: Path) -> list[dict]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))["data"]
    except (OSError, ValueError, KeyError, TypeError):
        raise LibraryError(f"{path} is not a readable SQuAD 2.0 file.") from None


def evaluate_squad(path: Path, settings: Settings) -> SquadReport:
    articles = _read(path)
    paragraph_hits, in_quotes, in_first, refused, false_refusals = [], [], [], [], 0
    for article in articles:
        with tempfile.TemporaryDirectory(prefix="qa-squad-") as folder:
            contexts = [" ".join(p["context"].split()) for p in article["paragraphs"]]
            source = Path(folder) / "article.txt"
            source.write_text(article["title"].replace("_", " ") + "\n\n" + "\n\n".join(contexts) + "\n",
                              encoding="utf-8")
            library = Library.open(Path(folder), settings)
            for number, paragraph in enumerate(article["paragraphs"], start=1):
                for qa in paragraph["qas"]:
                    answer = library.ask(qa["question"])
                    if qa.get("is_impossible"):
                        refused.append(not answer.answered)
                        continue
                    false_refusals += not answer.answered
                    golds = [comparable(a["text"]) for a in qa["answers"]]
                    quotes = [comparable(q.text) for q in answer.quotes]
                    first_paragraph = answer.citations[0].paragraph if answer.citations else None
                    paragraph_hits.append(first_paragraph == number)
                    in_quotes.append(any(g in " ".join(quotes) for g in golds))
                    in_first.append(bool(quotes) and any(g in quotes[0] for g in golds))

    return SquadReport(
        articles=len(articles), answerable=len(paragraph_hits), unanswerable=len(refused),
        paragraph_at_1=share(paragraph_hits), answer_in_quotes=share(in_quotes),
        answer_in_first_quote=share(in_first), unanswerable_refused=share(refused),
        false_refusals=false_refusals,
    )


def format_squad(report: SquadReport) -> str:
    return "\n".join([
        f"articles                  {report.articles}",
        f"answerable questions      {report.answerable}",
        f"paragraph@1               {report.paragraph_at_1:.3f}",
        f"answer in quotes shown    {report.answer_in_quotes:.3f}",
        f"answer in first quote     {report.answer_in_first_quote:.3f}",
        f"false refusals            {report.false_refusals}",
        f"unanswerable refused      {report.unanswerable_refused:.3f} of {report.unanswerable}",
    ])
