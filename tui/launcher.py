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

    def open_library() -> Library:  # in the app's worker thread
        from qa.library import Library

        app.call_from_thread(_start_worker_helpers)  # on the UI thread: see there
        folder, settings = place()
        return Library.open(folder, settings, create=True)

    app = build(open_library, preferences_path=preferences.preferences_path())
    app.run()
    return app.return_code or 0


def _start_worker_helpers() -> None:
    """Start multiprocessing's fork server (and its resource tracker) with the terminal's stderr.

    Opening a library that found many new files analyses them in worker processes through a
    fork server. Started from the library's worker thread, where ``sys.stderr`` is Textual's
    capture with no file descriptor, the helper fails ("bad value(s) in fds_to_keep"). So it is
    called on the UI thread, the real stderr lent for the call, once the engine is imported:
    started before the first frame, or right after it, its two processes starting up held the
    frame back by a fifth to a third.
    """
    import multiprocessing
    from contextlib import redirect_stderr

    if "forkserver" in multiprocessing.get_all_start_methods():
        from multiprocessing import forkserver

        with redirect_stderr(sys.__stderr__):
            forkserver.ensure_running()


def main() -> None:
    sys.exit(cli_main(open_ui=open_ui))
