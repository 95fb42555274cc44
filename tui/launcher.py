"""The `qa` console script: the core's CLI, with the terminal UI for bare `qa`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from qa.cli import main as cli_main

if TYPE_CHECKING:
    from qa.settings import Settings


def open_ui(folder: Path, settings: Settings) -> int:
    from tui.app import run  # Textual loads only when the UI opens.

    return run(folder, settings)


def main() -> None:
    sys.exit(cli_main(open_ui=open_ui))
