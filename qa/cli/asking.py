"""`qa ask` and `qa eval`: questions answered from a library."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from qa.cli.output import EXIT_FAILURE, EXIT_OK, Style, fail, format_answer, warn
from qa.display import inert
from qa.errors import LibraryError

if TYPE_CHECKING:
    from qa.library import Library
    from qa.settings import Settings


def ask(folder: Path, settings: Settings, question: str, as_json: bool, conversation: bool = False) -> int:
    from qa.library import Library

    library = Library.open(folder, settings)
    for warning in library.warnings:  # a file skipped, an index kept in memory...
        warn(warning)
    if not library.source_count:
        raise LibraryError(f"The library {folder} has no sources yet; add some with `qa add PATH`.")
    if question == "-":
        return _ask_each_line(library, as_json, conversation)
    # A question with bytes that are not UTF-8 reaches us with surrogates; read them as �.
    answer = library.ask(question.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))
    print(answer.model_dump_json(indent=2) if as_json else format_answer(answer, Style(sys.stdout)))
    return EXIT_OK


def _ask_each_line(library: Library, as_json: bool, conversation: bool) -> int:
    """One question per line of stdin, each printed above its answer; with ``conversation``
    each may follow up the questions before it.

    With ``--json`` every input line gets exactly one output line, an error object for a line
    that is not a question, so the outputs can be zipped with the inputs. Exits 1 if any failed.
    """
    if isinstance(sys.stdin, io.TextIOWrapper):
        sys.stdin.reconfigure(errors="replace")
    style = Style(sys.stdout)
    failed = False
    asked: list[str] = []
    for line in sys.stdin:
        question = line.strip()
        if not question and not as_json:
            continue
        try:
            answer = library.ask(question, asked if conversation else ())
            asked.append(question)
        except LibraryError as error:
            failed = True
            if as_json:
                print(json.dumps({"question": question, "error": str(error)}, ensure_ascii=False), flush=True)
            else:
                print(style(f"Q: {inert(question)}", "1"), flush=True)
                fail(str(error))
            continue
        if as_json:
            print(answer.model_dump_json(), flush=True)
        else:
            print(style(f"Q: {inert(question)}", "1") + "\n" + format_answer(answer, style) + "\n", flush=True)
    return EXIT_FAILURE if failed else EXIT_OK


def evaluate_questions(folder: Path, settings: Settings, questions: Path, as_json: bool) -> int:
    from qa.evaluation import evaluate, format_report, load_items
    from qa.library import Library

    items = load_items(questions)
    report = evaluate(Library.open(folder, settings), items)
    print(report.model_dump_json(indent=2) if as_json else format_report(report))
    return EXIT_OK


def evaluate_squad_file(settings: Settings, path: Path, as_json: bool, per_article: bool) -> int:
    from qa.squad import evaluate_squad, format_squad

    report = evaluate_squad(path, settings, per_article)
    print(report.model_dump_json(indent=2) if as_json else format_squad(report))
    return EXIT_OK
