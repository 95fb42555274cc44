"""The `qa` console script: the core's CLI, with the terminal UI for bare `qa`."""

from __future__ import annotations

import sys

from qa.cli import main as cli_main
from qa.library import Library


def open_ui(library: Library) -> None:
    from tui.app import run  # Textual loads only when the UI opens.

    run(library)


def main() -> None:
    sys.exit(cli_main(open_ui=open_ui))
