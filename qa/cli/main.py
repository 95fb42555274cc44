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
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from qa.cli.adding import add, sync
from qa.cli.asking import ask, evaluate_questions, evaluate_squad_file
from qa.cli.listing import list_sources, print_text, remove
from qa.cli.output import EXIT_BROKEN_PIPE, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, fail
from qa.cli.parser import build_parser
from qa.display import describe_os_error, inert
from qa.errors import LibraryError, SourceError
from qa.home import default_folder
from qa.stopping import exit_code, stopped_like_ctrl_c, what_stopped

if TYPE_CHECKING:
    from qa.settings import Settings


# The engine (`qa.library` and what it imports: NumPy, pydantic, the analysis) and the
# settings are imported by the commands that use them, after the arguments are parsed:
# `qa --help` and usage errors answer at once.


# Opens the UI: given how to find the library's folder and settings (called after its first
# frame: reading the settings imports pydantic), returns an exit code.
OpenUI = Callable[[Callable[[], "tuple[Path, Settings]"]], int]


def main(argv: Sequence[str] | None = None, open_ui: OpenUI | None = None) -> int:
    # pydantic reads every installed package's entry points for plugins when it builds the
    # first model: 20-30 ms of a one-shot question, for plugins qa never uses. A user's own
    # setting wins.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    ctrl_c_stops()
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


def ctrl_c_stops() -> None:
    """Ctrl+C (and SIGTERM, SIGHUP) reach qa even when the process that started it had them
    blocked: the mask is inherited, and a `qa add` waiting for another writer then never
    stopped. (An ignored Ctrl+C is left ignored: a script's background job is meant to outlive
    it.) Only in the main thread: the UI's tests call `main` from others."""
    if threading.current_thread() is threading.main_thread():
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM, signal.SIGHUP})


def _run(argv: Sequence[str] | None, open_ui: OpenUI | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        return _open_ui(parser, getattr(args, "sources", None), open_ui)
    try:
        settings = read_settings()
    except LibraryError as error:
        fail(str(error))
        return EXIT_USAGE
    explicit = getattr(args, "sources", None) or settings.sources
    folder = explicit
    try:
        with stopped_like_ctrl_c():
            folder = default_folder(explicit, created=say_created)
            if args.command == "ask":
                return ask(folder, settings, args.question, args.json, args.conversation)
            if args.command == "add":
                return add(folder, settings, args)
            if args.command == "sources":
                return list_sources(folder, settings, args.pattern, args.json)
            if args.command == "sync":
                return sync(folder, settings)
            if args.command == "remove":
                if not args.references and args.all_from is None:
                    parser.error("remove needs a SOURCE or --all-from FOLDER")
                return remove(folder, settings, args.references, args.all_from, args.yes)
            if args.command == "text":
                return print_text(folder, settings, args.source)
            if args.command == "eval":
                if args.squad is not None:
                    return evaluate_squad_file(settings, args.squad, args.json, args.per_article)
                if args.questions is None:
                    parser.error("eval needs QUESTIONS.jsonl or --squad FILE.json")
                return evaluate_questions(folder, settings, args.questions, args.json)
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


def read_settings() -> Settings:
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
        settings = read_settings()
        return default_folder(explicit or settings.sources, created=made.append), settings

    # The UI finds and opens the library itself, in a worker, after its first frame. A library
    # made then is announced on the terminal once the UI has closed (the UI holds it till then).
    code = open_ui(place)
    for folder in made:
        say_created(folder)
    return code


def say_created(folder: Path) -> None:
    # On stderr: stdout may be JSON for a script.
    print(f"qa: made your library in {inert(str(folder))}, with two example articles; "
          "add your own with `qa add PATH`.", file=sys.stderr)


def run() -> None:
    sys.exit(main())
