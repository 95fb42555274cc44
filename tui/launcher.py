"""The `qa` console script: the core's CLI, with the terminal UI for bare `qa`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from qa.cli import main as cli_main

if TYPE_CHECKING:
    from qa.library import Library
    from qa.settings import Settings


def open_ui(place: Callable[[], tuple[Path, Settings]]) -> int:
    """Run the UI over the library ``place`` finds; the exit code (1 if it could not be opened).

    Textual loads only now; the settings, the library and with it the engine are read in the
    app's worker, after the first frame.
    """
    from tui import preferences
    from tui.app import build

    def open_library() -> Library:
        from qa.library import Library

        folder, settings = place()
        return Library.open(folder, settings, create=True)

    _start_worker_helpers()
    app = build(open_library, preferences_path=preferences.preferences_path())
    app.run()
    return app.return_code or 0


def _start_worker_helpers() -> None:
    """Start multiprocessing's fork server (and its resource tracker) while stderr is the terminal's.

    A large add analyses files in worker processes through a fork server. Started from inside
    the app, where ``sys.stderr`` is Textual's capture with no file descriptor, the helper fails
    ("bad value(s) in fds_to_keep") and the add crashes the UI.
    """
    import multiprocessing

    if "forkserver" in multiprocessing.get_all_start_methods():
        from multiprocessing import forkserver

        forkserver.ensure_running()


def main() -> None:
    sys.exit(cli_main(open_ui=open_ui))
