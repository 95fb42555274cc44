"""The `qa` console script: the core's CLI, with the terminal UI for bare `qa`.

Bare `qa` (or `qa --sources DIR`) on a terminal goes straight to the UI, which draws its first
frame before the engine (NLTK, NumPy) is imported; anything else is the CLI's.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qa.settings import Settings


def bare_ui(argv: list[str]) -> tuple[bool, Path | None]:
    """Whether ``argv`` asks for the UI alone (no command), and the ``--sources`` it gives."""
    if not argv:
        return True, None
    if len(argv) == 2 and argv[0] == "--sources" and not argv[1].startswith("-"):
        return True, Path(argv[1])
    if len(argv) == 1 and argv[0].startswith("--sources=") and len(argv[0]) > len("--sources="):
        return True, Path(argv[0].removeprefix("--sources="))
    return False, None


def open_ui(folder: Path, settings: Settings) -> int:
    from tui.app import run  # Textual loads only when the UI opens.

    return run(folder)


def main() -> None:
    bare, explicit = bare_ui(sys.argv[1:])
    if bare and sys.stdin.isatty() and sys.stdout.isatty():
        from tui.app import run

        sys.exit(run(explicit))
    from qa.cli import main as cli_main

    sys.exit(cli_main(open_ui=open_ui))
