"""The `qa` command: ask, add, sources, remove, eval, over one `Library`.

Bare `qa` opens the terminal UI. The core never imports the UI: the `qa` console script is
`tui.launcher:main`, which hands `main` a function that opens it, and imports Textual only
when that function runs, so the other commands start fast. The UI gets the folder, not an
open library: it opens the library itself, in the background, so it can show itself at once.
`python -m qa` has no UI.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from qa.library import Library, LibraryError
from qa.models import Answer
from qa.settings import Settings
from qa.sources import SourceError

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class Style:
    """ANSI styling, or none when the output is not a terminal (or NO_COLOR is set)."""

    def __init__(self, stream: TextIO) -> None:
        self.enabled = stream.isatty() and "NO_COLOR" not in os.environ

    def __call__(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled else text


def format_answer(answer: Answer, style: Style) -> str:
    """An answer for a person: quotes with their markers, then the numbered citations."""
    lines = []
    if answer.suggestions:
        lines.append(style(f"Did you mean: {', '.join(answer.suggestions)}?", "2"))
    if answer.interpreted_as:
        lines.append(style(f"(read as a follow-up to: {answer.interpreted_as.split(' → ')[0]})", "2"))
    if not answer.answered:
        lines.append(style(answer.text, "33"))
        return "\n".join(lines)
    for quote in answer.quotes:
        lines.append(f"“{quote.text}” " + style(f"[{quote.citation}]", "1;36"))
        lines.append("")
    for citation in answer.citations:
        lines.append(
            style(f"[{citation.n}]", "1;36")
            + f" {citation.title}, paragraph {citation.paragraph}: " + style(str(citation.path), "2")
        )
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--sources", type=Path, default=argparse.SUPPRESS, metavar="DIR",
                        help="the sources folder (default: $QA_SOURCES or ./sources)")
    parser = argparse.ArgumentParser(
        prog="qa", parents=[common],
        description="Ask questions of a folder of sources; answers are verbatim quotes with citations. "
                    "With no command, opens the terminal UI.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    ask = commands.add_parser("ask", parents=[common], help="answer a question")
    ask.add_argument("question", help="the question, or - to read one question per line from stdin")
    ask.add_argument("--json", action="store_true", help="print JSON (JSON Lines with -)")
    add = commands.add_parser("add", parents=[common], help="copy files or folders in and index them")
    add.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    listing = commands.add_parser("sources", parents=[common], help="list the sources")
    listing.add_argument("--json", action="store_true", help="print JSON")
    remove = commands.add_parser("remove", parents=[common], help="delete a source from the folder")
    remove.add_argument("source", help="its id, file name or path (see `qa sources`)")
    evaluate = commands.add_parser("eval", parents=[common], help="score answers against a question set")
    evaluate.add_argument("questions", type=Path, nargs="?", metavar="QUESTIONS.jsonl")
    evaluate.add_argument("--squad", type=Path, metavar="FILE.json", help="a SQuAD 2.0 file instead")
    evaluate.add_argument("--json", action="store_true", help="print the report as JSON")
    return parser


OpenUI = Callable[[Path, Settings], int]  # the folder and settings in, an exit code out


def main(argv: Sequence[str] | None = None, open_ui: OpenUI | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as error:
        first = error.errors()[0]
        print(f"qa: bad setting QA_{str(first['loc'][0]).upper()}: {first['msg']}.", file=sys.stderr)
        return EXIT_USAGE
    folder = getattr(args, "sources", None) or settings.sources
    try:
        if args.command is None:
            if open_ui is None:
                parser.print_help()
                return EXIT_OK
            return open_ui(folder, settings)
        if args.command == "ask":
            return _ask(folder, settings, args.question, args.json)
        if args.command == "add":
            return _add(folder, settings, args.paths)
        if args.command == "sources":
            return _sources(folder, settings, args.json)
        if args.command == "remove":
            [source] = Library.open(folder, settings).remove(args.source)
            print(f"Removed {source.title} ({source.path}).")
            return EXIT_OK
        if args.command == "eval":
            if args.squad is not None:
                return _eval_squad(settings, args.squad, args.json)
            if args.questions is None:
                parser.error("eval needs QUESTIONS.jsonl or --squad FILE.json")
            return _eval(folder, settings, args.questions, args.json)
    except (LibraryError, SourceError) as error:
        print(f"qa: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 130
    parser.error(f"unknown command {args.command}")
    return EXIT_USAGE


def _ask(folder: Path, settings: Settings, question: str, as_json: bool) -> int:
    library = Library.open(folder, settings)
    if question == "-":
        for line in sys.stdin:
            if line.strip():
                answer = library.ask(line)
                print(answer.model_dump_json() if as_json else format_answer(answer, Style(sys.stdout)) + "\n",
                      flush=True)
        return EXIT_OK
    answer = library.ask(question)
    print(answer.model_dump_json(indent=2) if as_json else format_answer(answer, Style(sys.stdout)))
    return EXIT_OK


def _add(folder: Path, settings: Settings, paths: list[Path]) -> int:
    library = Library.open(folder, settings, create=True)
    failed = False
    for result in library.add(paths):
        if result.error:
            print(f"qa: {result.error}", file=sys.stderr)
            failed = True
        if result.warning:
            print(f"qa: warning: {result.warning}", file=sys.stderr)
        if result.duplicate_of:
            print(f"{result.path} is already in the sources as {result.duplicate_of}; nothing changed.")
        elif result.source:
            source = result.source
            print(f"Added {source.title} as {source.path} "
                  f"({source.paragraphs} paragraphs, {source.chunks} chunks).")
    return EXIT_FAILURE if failed else EXIT_OK


def _sources(folder: Path, settings: Settings, as_json: bool) -> int:
    library = Library.open(folder, settings)
    for warning in library.warnings:
        print(f"qa: warning: {warning}", file=sys.stderr)
    if as_json:
        print(json.dumps([s.model_dump(mode="json", exclude={"sha256"}) for s in library.sources], indent=2))
        return EXIT_OK
    if not library.sources:
        print(f"No sources in {folder}. Add some with `qa add PATH`.")
    for source in library.sources:
        print(f"{source.id}\n  {source.title}\n  {source.paragraphs} paragraphs, {source.chunks} chunks: {source.path}")
    return EXIT_OK


def _eval(folder: Path, settings: Settings, questions: Path, as_json: bool) -> int:
    from qa.evaluation import evaluate, format_report, load_items

    items = load_items(questions)
    report = evaluate(Library.open(folder, settings), items)
    print(report.model_dump_json(indent=2) if as_json else format_report(report))
    return EXIT_OK


def _eval_squad(settings: Settings, path: Path, as_json: bool) -> int:
    from qa.squad import evaluate_squad, format_squad

    report = evaluate_squad(path, settings)
    print(report.model_dump_json(indent=2) if as_json else format_squad(report))
    return EXIT_OK


def run() -> None:
    sys.exit(main())
