"""The `qa` command: ask, add, sources, remove, eval, over one `Library`.

Bare `qa` opens the terminal UI. The core never imports the UI: the `qa` console script is
`tui.launcher:main`, which hands `main` a function that opens it, and imports Textual only
when that function runs, so the other commands start fast. The UI gets the folder, not an
open library: it opens the library itself, in the background, so it can show itself at once.
`python -m qa` has no UI.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from qa.display import describe_os_error, hidden_skipped, inert, one_line, plural, renamed
from qa.errors import LibraryError, SourceError
from qa.home import default_folder
from qa.stopping import exit_code, stopped_like_ctrl_c, what_stopped

if TYPE_CHECKING:
    from rich.console import Console

    from qa.library import Library
    from qa.models import AddProgress, AddResult, Answer, Source
    from qa.settings import Settings

# The engine (`qa.library` and what it imports: NumPy, pydantic, the analysis) and the
# settings are imported by the commands that use them, after the arguments are parsed:
# `qa --help` and usage errors answer at once.

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what the shell reports for a tool its reader stopped reading


class Style:
    """ANSI styling, or none when the output is not a terminal (or NO_COLOR is set)."""

    def __init__(self, stream: TextIO) -> None:
        self.enabled = stream.isatty() and "NO_COLOR" not in os.environ

    def __call__(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled else text


def format_answer(answer: Answer, style: Style) -> str:
    """An answer for a person: quotes with their markers, then the numbered citations.

    Every piece of source text, title, path and question in it is made inert first.
    """
    lines = []
    if answer.suggestions:
        lines.append(style(f"Did you mean: {inert(', '.join(answer.suggestions))}?", "2"))
    if answer.interpreted_as:
        earlier = answer.interpreted_as.split(" → ")[0]
        lines.append(style(f"(read as a follow-up to: {inert(earlier)})", "2"))
    if not answer.answered:
        lines.append(style(inert(answer.text, multiline=True), "33"))
        return "\n".join(lines)
    for number, quote in enumerate(answer.quotes):
        # A quote may span a hard-wrapped line break: it reads on one line. Each piece is
        # folded on its own, so the answer span still marks the same words.
        span = answer.answer
        if span is not None and span.quote == number:
            text = one_line(quote.text[:span.start]) + style(one_line(quote.text[span.start:span.end]), "1") \
                + one_line(quote.text[span.end:])
        else:
            text = one_line(quote.text)
        text = ("…" if quote.cut_start else "") + text + ("…" if quote.cut_end else "")
        lines.append(f"“{text}” " + style(f"[{quote.citation}]", "1;36"))
        lines.append("")
    for citation in answer.citations:
        lines.append(
            style(f"[{citation.n}]", "1;36")
            + f" {inert(citation.place)}: " + style(inert(str(citation.path)), "2")
        )
    return "\n".join(lines)


def say(message: str) -> None:
    """One line for the user on stdout, made inert: it may quote names, titles and questions."""
    print(inert(message))


def warn(message: str) -> None:
    print(f"qa: warning: {inert(message)}", file=sys.stderr)


def fail(message: str) -> None:
    print(f"qa: {inert(message)}", file=sys.stderr)


def say_waiting() -> None:
    """For a write that waits for another process's (the wait may be long: a big add)."""
    print("qa: another qa process is updating this library; waiting for it to finish "
          "(Ctrl+C stops).", file=sys.stderr, flush=True)


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--sources", type=Path, default=argparse.SUPPRESS, metavar="DIR",
                        help="the sources folder (default: $QA_SOURCES, else ./sources if it exists, "
                             "else your own library in the user data folder)")
    parser = argparse.ArgumentParser(
        prog="qa", parents=[common],
        description="Ask questions of a folder of sources; answers are verbatim quotes with citations. "
                    "With no command, opens the terminal UI.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    ask = commands.add_parser("ask", parents=[common], help="answer a question")
    ask.add_argument("question", help="the question, or - to read one question per line from stdin")
    ask.add_argument("--json", action="store_true", help="print JSON (JSON Lines with -)")
    ask.add_argument("--conversation", action="store_true",
                     help="with -: each line may follow up the lines before it")
    add = commands.add_parser("add", parents=[common], help="copy files or folders in and index them")
    add.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    add.add_argument("--link", action="store_true",
                     help="link instead of copying: a file gets a symbolic link; a folder is followed, read "
                          "where it is and kept in sync (its new, changed and deleted files are picked up "
                          "at each question and by `qa sync`)")
    add.add_argument("--hidden", action="store_true",
                     help="also a folder's hidden files and folders (names starting with a dot)")
    add.add_argument("--ocr", action="store_true",
                     help="read scanned PDF pages with Tesseract (sudo apt install tesseract-ocr); setting QA_OCR")
    add.add_argument("--verbose", "-v", action="store_true", help="a line for every file")
    add.add_argument("--json", action="store_true", help="print one JSON object per file")
    add.add_argument("--progress", action="store_true", help=argparse.SUPPRESS)  # the UI's child: qa.background
    listing = commands.add_parser("sources", parents=[common], help="list the sources")
    listing.add_argument("pattern", nargs="?", metavar="PATTERN",
                         help="only sources whose id, file name or title matches (a word or a *glob*)")
    listing.add_argument("--json", action="store_true", help="print JSON")
    commands.add_parser("sync", parents=[common],
                        help="bring the index up to date with the folder and the folders it follows")
    remove = commands.add_parser("remove", parents=[common],
                                 help="delete sources from the folder, or stop following a folder")
    remove.add_argument("references", nargs="*", metavar="SOURCE",
                        help="an id, file name, path or *glob* (see `qa sources`), or a followed folder: "
                             "its sources go, its files are never touched")
    remove.add_argument("--all-from", type=Path, metavar="FOLDER",
                        help="every source that was added from FOLDER")
    remove.add_argument("--yes", "-y", action="store_true",
                        help="no question on a terminal before removing several sources or a glob's")
    text = commands.add_parser("text", parents=[common], help="print a source's text, as citations index it")
    text.add_argument("source", metavar="SOURCE",
                      help="its id, file name or path, or a PATTERN as `qa sources` takes (a word or a *glob*): "
                           "each source it matches, under a ==> header <== when there are several")
    evaluate = commands.add_parser("eval", parents=[common], help="score answers against a question set")
    evaluate.add_argument("questions", type=Path, nargs="?", metavar="QUESTIONS.jsonl")
    evaluate.add_argument("--squad", type=Path, metavar="FILE.json", help="a SQuAD 2.0 file instead")
    evaluate.add_argument("--per-article", action="store_true",
                          help="with --squad: one folder per article instead of all in one")
    evaluate.add_argument("--json", action="store_true", help="print the report as JSON")
    return parser


# Opens the UI: given how to find the library's folder and settings (called after its first
# frame: reading the settings imports pydantic), returns an exit code.
OpenUI = Callable[[Callable[[], "tuple[Path, Settings]"]], int]


def main(argv: Sequence[str] | None = None, open_ui: OpenUI | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):  # a terminal that cannot show “ gets \u201c, not a crash
            stream.reconfigure(errors="backslashreplace")
    try:
        code = _run(argv, open_ui)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        # The reader went away (`qa ask … | head -1`): stop quietly, as Unix tools do. Point stdout
        # at /dev/null so the interpreter's final flush cannot fail again (the Python docs' advice).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


def _run(argv: Sequence[str] | None, open_ui: OpenUI | None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        return _open_ui(parser, getattr(args, "sources", None), open_ui)
    try:
        settings = _settings()
    except LibraryError as error:
        fail(str(error))
        return EXIT_USAGE
    explicit = getattr(args, "sources", None) or settings.sources
    folder = explicit
    try:
        with stopped_like_ctrl_c():
            folder = default_folder(explicit, created=_say_created)
            if args.command == "ask":
                return _ask(folder, settings, args.question, args.json, args.conversation)
            if args.command == "add":
                return _add(folder, settings, args)
            if args.command == "sources":
                return _sources(folder, settings, args.pattern, args.json)
            if args.command == "sync":
                return _sync(folder, settings)
            if args.command == "remove":
                if not args.references and args.all_from is None:
                    parser.error("remove needs a SOURCE or --all-from FOLDER")
                return _remove(folder, settings, args.references, args.all_from, args.yes)
            if args.command == "text":
                return _text(folder, settings, args.source)
            if args.command == "eval":
                if args.squad is not None:
                    return _eval_squad(settings, args.squad, args.json, args.per_article)
                if args.questions is None:
                    parser.error("eval needs QUESTIONS.jsonl or --squad FILE.json")
                return _eval(folder, settings, args.questions, args.json)
    except (LibraryError, SourceError) as error:
        fail(str(error))
        return EXIT_FAILURE
    except BrokenPipeError:
        raise
    except OSError as error:  # a folder made read-only, a full disk, a file that vanished...
        fail(describe_os_error(error, folder))
        return EXIT_FAILURE
    except KeyboardInterrupt as stop:  # Ctrl+C, or SIGTERM or SIGHUP (`qa.stopping`)
        fail(f"{what_stopped(stop)}; what was saved before stays, nothing half-done was kept.")
        return exit_code(stop)
    parser.error(f"unknown command {args.command}")
    return EXIT_USAGE


def _settings() -> Settings:
    """The QA_ settings of the environment; a bad one raises LibraryError with one sentence."""
    from pydantic import ValidationError

    from qa.settings import Settings

    try:
        return Settings()
    except ValidationError as error:
        first = error.errors()[0]
        raise LibraryError(f"bad setting QA_{str(first['loc'][0]).upper()}: {first['msg']}.") from None


def _open_ui(parser: argparse.ArgumentParser, explicit: Path | None, open_ui: OpenUI | None) -> int:
    if open_ui is None:  # `python -m qa`: the core alone has no UI
        parser.print_help()
        return EXIT_OK
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # A script or a pipe (`qa </dev/null`) would hang in a UI nobody sees: a usage error.
        parser.print_help()
        fail("the terminal UI needs a terminal; give a command, such as `qa ask QUESTION`.")
        return EXIT_USAGE
    made: list[Path] = []

    def place() -> tuple[Path, Settings]:
        settings = _settings()
        return default_folder(explicit or settings.sources, created=made.append), settings

    # The UI finds and opens the library itself, in a worker, after its first frame. A library
    # made then is announced on the terminal once the UI has closed (the UI holds it till then).
    code = open_ui(place)
    for folder in made:
        _say_created(folder)
    return code


def _say_created(folder: Path) -> None:
    # On stderr: stdout may be JSON for a script.
    print(f"qa: made your library in {inert(str(folder))}, with two example articles; "
          "add your own with `qa add PATH`.", file=sys.stderr)


def _ask(folder: Path, settings: Settings, question: str, as_json: bool, conversation: bool = False) -> int:
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


def _add(folder: Path, settings: Settings, args: argparse.Namespace) -> int:
    if args.ocr:
        settings = settings.model_copy(update={"ocr": True})
    if args.progress:
        from qa.background import serve

        return serve(folder, settings, args.paths, args.link)
    from qa.library import Library

    library = Library.open(folder, settings, create=True, refresh=False, waiting=say_waiting)
    with AddProgressBar(enabled=sys.stderr.isatty() and not args.json) as bar:
        results = library.add(args.paths, progress=bar.update, link=args.link, hidden=args.hidden)
    added = [r for r in results if r.source]
    if added:
        for warning in library.warnings:  # an index that cannot be written: the change is not kept
            warn(warning)
    duplicates = [r for r in results if r.duplicate_of]
    failed = [r for r in results if r.error]
    hidden = [r for r in results if r.hidden is not None]
    unsupported = [r for r in results if r.unsupported and r.hidden is None]
    renamed_ = [r for r in added if r.name_taken]
    for result in results:
        if args.json:
            print(result.model_dump_json())
        elif result.error:
            fail(result.error)
        elif result.warning:
            warn(result.warning)
        if args.verbose and not args.json:
            if result.source:
                how = "linked" if result.source.link else "added"
                say(f"{result.path}: {how} as {result.source.id} "
                    f"({plural(result.source.paragraphs, 'paragraph')}, {plural(result.source.chunks, 'chunk')})"
                    + (f"; {result.name_taken} was taken" if result.name_taken else ""))
            elif result.duplicate_of:
                say(f"{result.path}: already in the sources as {result.duplicate_of}")
            elif result.hidden is not None:
                say(f"{result.path}: hidden, skipped")
            elif result.unsupported:
                say(f"{result.path}: another format, skipped")
    if not args.json and len(results) == 1 and (added or duplicates) and not (added and added[0].source.followed):
        result = results[0]
        if result.source:
            say(f"{_verb(added, args.link)} {result.source.title} as {result.source.path} "
                f"({plural(result.source.paragraphs, 'paragraph')}, {plural(result.source.chunks, 'chunk')})"
                + (f"; {result.name_taken} was taken." if result.name_taken else "."))
        else:
            say(f"{result.path} is already in the sources as {result.duplicate_of}; nothing changed.")
    elif not args.json:
        chunks = sum(r.source.chunks for r in added)
        verb = _verb(added, args.link)
        parts = [f"{verb} {plural(len(added), 'source')} ({plural(chunks, 'chunk')})"
                 + ("" if verb.startswith("Following") else f" to {folder}")]
        if duplicates:
            parts.append(f"{len(duplicates):,} already there")
        if failed:
            parts.append(f"{len(failed):,} could not be added")
        if renamed_:
            parts.append(renamed(renamed_))
        if unsupported:
            parts.append(f"{plural(len(unsupported), 'file')} of other formats skipped")
        if hidden:
            # --hidden copies them; a followed folder's hidden files are never read
            parts.append(hidden_skipped(hidden, hint="" if args.link else "use --hidden"))
        say(", ".join(parts) + ".")
    return EXIT_FAILURE if failed else EXIT_OK


def _verb(added: list[AddResult], link: bool) -> str:
    followed = list(dict.fromkeys(r.source.followed for r in added if r.source and r.source.followed))
    if followed:
        return f"Following {', '.join(followed)}:"
    return "Linked" if link else "Added"


def _sync(folder: Path, settings: Settings) -> int:
    from qa.library import Library

    library = Library.open(folder, settings, refresh=False, waiting=say_waiting)
    result = library.refresh(wait=None)
    for warning in library.warnings:
        warn(warning)
    changed = [f"{plural(len(result.read), 'file')} read (new or changed)"] if result.read else []
    changed += [f"{plural(len(result.dropped), 'source')} dropped (its file is gone)"
                if len(result.dropped) == 1 else f"{len(result.dropped):,} sources dropped (their files are gone)"] \
        if result.dropped else []
    say(f"{', '.join(changed) if changed else 'Nothing changed'}; {plural(library.source_count, 'source')}.")
    return EXIT_OK


class AddProgressBar:
    """A progress bar on a terminal: files done of all, MB done of all, rate, elapsed and the file
    in hand; nothing otherwise. The bar itself moves with the bytes, which is where the time goes."""

    NAME_WIDTH = 40  # characters of the current file's name shown, its end kept

    def __init__(self, enabled: bool, console: Console | None = None) -> None:
        self.enabled = enabled
        self._console = console
        self._progress = None
        self._task = None

    def __enter__(self) -> AddProgressBar:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (BarColumn, DownloadColumn, Progress, TextColumn,
                                       TimeElapsedColumn, TransferSpeedColumn)

            self._progress = Progress(
                TextColumn("Adding"), BarColumn(bar_width=24), TextColumn("{task.fields[files]}"),
                DownloadColumn(), TransferSpeedColumn(), TimeElapsedColumn(),
                TextColumn("{task.fields[current]}", markup=False),  # a file name is not markup
                console=self._console or Console(stderr=True), transient=True,
            )
            self._progress.start()
        return self

    def update(self, progress: AddProgress) -> None:
        if self._progress is None:
            return
        files = f"{progress.files_done:,}/{plural(progress.files_total, 'file')}"
        name = inert(progress.current.name) if progress.current else ""
        if len(name) > self.NAME_WIDTH:
            name = "…" + name[-(self.NAME_WIDTH - 1):]
        if self._task is None:
            self._task = self._progress.add_task("add", total=progress.bytes_total, files=files, current=name)
        self._progress.update(self._task, completed=progress.bytes_done, files=files, current=name)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()


def _remove(folder: Path, settings: Settings, references: list[str], all_from: Path | None,
            yes: bool) -> int:
    from qa.library import Library

    library = Library.open(folder, settings, refresh=False, waiting=say_waiting)
    # id → what to pass to `remove`, which resolves it again under the writer lock: the name
    # the user typed, so that a source another process removes meanwhile is named as typed.
    chosen: dict[str, str] = {}
    sweeping = all_from is not None  # a glob or a folder: the user may not know all it matches
    followed = library.followed(counts=False)
    unfollowing = []
    left = 0  # sources of followed folders a glob matched: the user's own files, never deleted
    for reference in references:
        if any(c in reference for c in "*?["):
            sweeping = True
            matches = library.matching(reference)
            if not matches:
                raise LibraryError(f"No source matches {reference!r} (see `qa sources`).")
            left += sum(1 for source in matches if source.followed)
            chosen.update((source.id, source.id) for source in matches if not source.followed)
        elif folder := next((folder for folder in followed if folder.named_by(reference)), None):
            unfollowing.append(folder.name)
        else:
            chosen.setdefault(library.find(reference).id, reference)
    if left:
        say(f"{plural(left, 'source')} of followed folders left as they are: `qa remove FOLDER` stops following one.")
    if all_from is not None and (folder := next((f for f in followed if f.named_by(str(all_from))), None)):
        unfollowing.append(folder.name)  # all that came from a followed folder: stop following it
    elif all_from is not None:
        matches = library.added_from(all_from)
        if not matches:
            raise LibraryError(f"No source was added from {all_from}.")
        chosen.update((source.id, source.id) for source in matches)
    # Only a person at a terminal is asked: a script's stdin is not one, and it gets what it
    # asked for, as before.
    if chosen and (sweeping or len(chosen) > 1) and not yes and sys.stdin.isatty():
        shown = [library.find(source_id) for source_id in list(chosen)[:REMOVALS_SHOWN]]
        if not _confirm_removal(shown, len(chosen)):
            fail("nothing was removed.")
            return EXIT_FAILURE
    for name in dict.fromkeys(unfollowing):
        gone, sources = library.unfollow(name)
        say(f"Stopped following {gone.path} ({gone.name}): {plural(len(sources), 'source')} left the library; "
            "its files are untouched.")
    for source in library.remove(list(chosen.values())):
        if source.link:
            say(f"Removed {source.title}: deleted the link {source.path}; {source.link} is untouched.")
        else:
            say(f"Removed {source.title} ({source.path}).")
    for warning in library.warnings:  # an index that cannot be written: the change is not kept
        warn(warning)
    return EXIT_OK


# How many sources a removal's question names before it says "and N more".
REMOVALS_SHOWN = 10


def _confirm_removal(shown: list[Source], count: int) -> bool:
    """Name the first of the ``count`` sources that would go and ask; only "y" or "yes" says
    yes (end of input says no)."""
    for source in shown:
        print(f"  {inert(source.id)}  {inert(source.title)}", file=sys.stderr)
    if count > len(shown):
        print(f"  … and {count - len(shown):,} more", file=sys.stderr)
    print(f"Remove {'this source' if count == 1 else f'these {count:,} sources'}? [y/N] ",
          end="", file=sys.stderr, flush=True)
    reply = sys.stdin.readline()
    if not reply.endswith("\n"):  # ctrl+D: the terminal echoed no new line
        print(file=sys.stderr)
    return reply.strip().lower() in ("y", "yes")


def _sources(folder: Path, settings: Settings, pattern: str | None, as_json: bool) -> int:
    from qa.library import Library

    library = Library.open(folder, settings)
    for warning in library.warnings:
        warn(warning)
    sources = library.matching(pattern) if pattern else library.sources
    if as_json:
        print(json.dumps([s.model_dump(mode="json", exclude={"sha256"}) for s in sources], indent=2))
        return EXIT_OK
    followed = library.followed() if not pattern else []
    if followed:
        say("Followed folders (read where they are, kept in sync, never written to):")
        for followed_folder in followed:
            say(f"  {followed_folder.name} → {followed_folder.path}: "
                + (plural(followed_folder.sources, 'source') if followed_folder.present
                   else "gone (moved or unmounted); its sources come back with it"))
    if not sources:
        say(f"No sources match {pattern!r}." if pattern else f"No sources in {folder}. Add some with `qa add PATH`.")
    for source in sources:
        say(source.id)
        say(f"  {source.title}")
        say(f"  {plural(source.paragraphs, 'paragraph')}, {plural(source.chunks, 'chunk')}: {source.path}"
            + (f" → {source.link}" if source.link else ""))
    return EXIT_OK


def _text(folder: Path, settings: Settings, reference: str) -> int:
    """The text of the source ``reference`` names, or of each source it matches as a pattern."""
    from qa.library import Library

    library = Library.open(folder, settings)
    sources: list[Source] = []
    if not any(c in reference for c in "*?["):
        try:
            sources = [library.find(reference)]
        except LibraryError:  # not one source's name: read it as `qa sources` reads a pattern
            pass
    if not sources:
        sources = library.matching(reference)
        if not sources:
            raise LibraryError(f"No source matches {reference!r} (see `qa sources`).")
    ended_line = True
    for number, source in enumerate(sources):
        if len(sources) > 1:  # as `head` shows several files
            sys.stdout.write(("" if ended_line else "\n") + ("\n" if number else ""))  # a blank line between
            say(f"==> {source.id}: {source.path} <==")
        text = library.text(source.id)
        # Inert like every other source text: one character for one, so offsets still hold.
        sys.stdout.write(inert(text, multiline=True))
        ended_line = text.endswith("\n")
    return EXIT_OK


def _eval(folder: Path, settings: Settings, questions: Path, as_json: bool) -> int:
    from qa.evaluation import evaluate, format_report, load_items
    from qa.library import Library

    items = load_items(questions)
    report = evaluate(Library.open(folder, settings), items)
    print(report.model_dump_json(indent=2) if as_json else format_report(report))
    return EXIT_OK


def _eval_squad(settings: Settings, path: Path, as_json: bool, per_article: bool) -> int:
    from qa.squad import evaluate_squad, format_squad

    report = evaluate_squad(path, settings, per_article)
    print(report.model_dump_json(indent=2) if as_json else format_squad(report))
    return EXIT_OK


def run() -> None:
    sys.exit(main())
